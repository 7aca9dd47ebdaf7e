//! Tests of the land-use, farmland, red line and region layers. Every figure is recomputed
//! from the generated geometries and attributes with geo's own algorithms (areas, boolean
//! operations, point-in-polygon), never taken from the generator's counters, except where a
//! counter is compared with an independent count.

use std::collections::{HashMap, HashSet};

use geo::orient::{Direction, Orient};
use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Contains, InteriorPoint, MultiPolygon, Point,
    Polygon, Validation, Winding, unary_union,
};
use serde_json::Value;

use crate::tests::{bbox, box_hits, survey};
use crate::{Survey, SynthParcel};

/// 三调 工作分类 codes (DOMAIN 3.1), written out here independently of the generator.
const SANDIAO: &[&str] = &[
    "0303", "0304", "0306", "0402", "0603", "1105", "1106", "1108", "0101", "0102", "0103", "0201",
    "0202", "0203", "0204", "0301", "0302", "0305", "0307", "0401", "0403", "0404", "05H1", "0508",
    "0601", "0602", "0701", "0702", "08H1", "08H2", "0809", "0810", "0810A", "09", "1001", "1002",
    "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1101", "1102", "1103", "1104",
    "1104A", "1107", "1107A", "1109", "1110", "1201", "1202", "1203", "1204", "1205", "1206",
    "1207",
];

fn dlbm(p: &SynthParcel) -> &str {
    p.properties["DLBM"].as_str().expect("DLBM is a string")
}

fn area(layer: &[SynthParcel]) -> f64 {
    layer.iter().map(|p| p.geometry.unsigned_area()).sum()
}

fn extent_area(s: &Survey) -> f64 {
    s.stats.extent.width() * s.stats.extent.height()
}

/// All polygons of a layer, oriented (exterior CCW) for unary_union.
fn oriented(layer: &[SynthParcel]) -> Vec<Polygon<f64>> {
    layer
        .iter()
        .flat_map(|p| p.geometry.0.iter().map(|q| q.orient(Direction::Default)))
        .collect()
}

fn union_of<'a>(polys: impl IntoIterator<Item = &'a Polygon<f64>>) -> MultiPolygon<f64> {
    unary_union(polys)
}

type Key = (u64, u64);
fn key(c: geo::Coord<f64>) -> Key {
    (c.x.to_bits(), c.y.to_bits())
}

/// Directed edges of every ring of a layer.
fn edges(layer: &[SynthParcel]) -> Vec<(Key, Key)> {
    let mut out = Vec::new();
    for p in layer {
        for poly in &p.geometry.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for w in ring.0.windows(2) {
                    out.push((key(w[0]), key(w[1])));
                }
            }
        }
    }
    out
}

#[test]
fn landuse_count_grows_linearly() {
    let one = survey(1.0);
    let n = one.landuse.len();
    assert!((40_000..=70_000).contains(&n), "land-use polygons {n}");
    let demo = survey(0.05);
    let ratio = n as f64 / demo.landuse.len() as f64 / 20.0;
    assert!((0.75..1.33).contains(&ratio), "count ratio {ratio}");
    // the counters agree with the features
    let st = &one.stats;
    assert!(st.landuse_cells > n);
    let strips = one
        .landuse
        .iter()
        .filter(|p| ["1003", "1004", "1006", "1101", "1107"].contains(&dlbm(p)))
        .count();
    assert!(st.landuse_strips > 100 && st.landuse_strips < strips);
}

#[test]
fn every_new_polygon_is_valid_and_counter_clockwise() {
    for scale in [0.05, 1.0] {
        let s = survey(scale);
        for (name, layer) in [
            ("landuse", &s.landuse),
            ("farmland", &s.farmland),
            ("redline", &s.redline),
            ("regions", &s.regions),
        ] {
            assert!(!layer.is_empty(), "{name}");
            for (k, p) in layer.iter().enumerate() {
                assert!(
                    p.geometry.is_valid(),
                    "{name} {k} at scale {scale}: {:?}",
                    p.geometry.validation_errors()
                );
                for poly in &p.geometry.0 {
                    assert!(poly.exterior().is_ccw(), "{name} {k}");
                    for h in poly.interiors() {
                        assert!(h.is_cw(), "{name} {k} hole");
                    }
                }
                // inside the county
                let r = p.geometry.bounding_rect().unwrap();
                let e = s.stats.extent;
                assert!(r.min().x >= e.min().x && r.max().x <= e.max().x);
                assert!(r.min().y >= e.min().y && r.max().y <= e.max().y);
            }
        }
        // land use: one polygon each, no holes, and 1–3 decimal coordinates except on the edge
        for p in &s.landuse {
            assert_eq!(p.geometry.0.len(), 1);
            assert!(p.geometry.0[0].interiors().is_empty());
        }
    }
}

#[test]
fn landuse_tiles_the_county_with_shared_edges() {
    for scale in [0.05, 1.0] {
        let s = survey(scale);
        let e = s.stats.extent;
        let total = area(&s.landuse);
        let want = extent_area(s);
        assert!(
            ((total - want) / want).abs() < 1e-6,
            "scale {scale}: {total} vs {want}"
        );
        // every edge inside the county is the reverse of a neighbour's edge (same vertices),
        // every other edge lies on the county's edge, and those add up to its perimeter
        let all = edges(&s.landuse);
        let set: HashSet<(Key, Key)> = all.iter().copied().collect();
        assert_eq!(
            set.len(),
            all.len(),
            "an edge repeated in the same direction"
        );
        let on_edge = |a: Key, b: Key| {
            let (ax, ay) = (f64::from_bits(a.0), f64::from_bits(a.1));
            let (bx, by) = (f64::from_bits(b.0), f64::from_bits(b.1));
            (ax == bx && (ax == e.min().x || ax == e.max().x))
                || (ay == by && (ay == e.min().y || ay == e.max().y))
        };
        let mut border = 0.0;
        for &(a, b) in &all {
            if on_edge(a, b) {
                let (ax, ay) = (f64::from_bits(a.0), f64::from_bits(a.1));
                let (bx, by) = (f64::from_bits(b.0), f64::from_bits(b.1));
                border += (bx - ax).abs() + (by - ay).abs();
            } else {
                assert!(
                    set.contains(&(b, a)),
                    "scale {scale}: unshared edge {a:?}->{b:?}"
                );
            }
        }
        let perimeter = 2.0 * (e.width() + e.height());
        assert!((border - perimeter).abs() < 1e-6 * perimeter, "{border}");
    }
    // no overlaps: the union of all cells has the area of their sum
    let s = survey(0.05);
    let polys = oriented(&s.landuse);
    let sum: f64 = polys.iter().map(|p| p.unsigned_area()).sum();
    let union = union_of(&polys);
    let u = union.unsigned_area();
    assert!(((u - sum) / sum).abs() < 1e-9, "union {u} vs sum {sum}");
    assert_eq!(union.0.len(), 1);
}

#[test]
fn landuse_classes_have_realistic_shares() {
    let s = survey(1.0);
    let county = extent_area(s);
    let mut by_group: HashMap<String, f64> = HashMap::new();
    let mut unknown = 0;
    for p in &s.landuse {
        let code = dlbm(p);
        if SANDIAO.contains(&code) {
            *by_group.entry(code[..2].to_string()).or_default() += p.geometry.unsigned_area();
        } else {
            unknown += 1;
        }
        assert!(p.properties["DLMC"].as_str().is_some_and(|m| !m.is_empty()));
    }
    for (group, target) in [
        ("01", 0.28),
        ("02", 0.06),
        ("03", 0.20),
        ("05", 0.04),
        ("06", 0.08),
        ("07", 0.12),
        ("08", 0.03),
        ("10", 0.035),
        ("11", 0.075),
        ("12", 0.03),
    ] {
        let share = by_group.get(group).copied().unwrap_or(0.0) / county;
        assert!(
            (0.5 * target..=1.5 * target).contains(&share),
            "{group}xx share {share} (target {target})"
        );
    }
    // unknown codes (old 二调 or made up) are rare but present
    let n = s.landuse.len();
    assert!(
        (0.0005..0.01).contains(&(unknown as f64 / n as f64)),
        "unknown {unknown}"
    );
    assert_eq!(unknown, s.stats.landuse_unknown_codes);
    // rare codes occur
    for rare in ["0303", "1104A", "0810A"] {
        assert!(s.landuse.iter().any(|p| dlbm(p) == rare), "{rare}");
    }
    // roads and rivers are long thin strips: width = 2 area / perimeter within 6–45 m
    use geo::{Euclidean, Length};
    let mut long = HashSet::new();
    for p in s
        .landuse
        .iter()
        .filter(|p| ["1003", "1101"].contains(&dlbm(p)))
    {
        let perimeter = Euclidean.length(p.geometry.0[0].exterior());
        let a = p.geometry.unsigned_area();
        let width = 2.0 * a / perimeter;
        if perimeter > 2_000.0 && width < 45.0 {
            assert!(width > 6.0, "strip width {width}");
            long.insert(dlbm(p).to_string());
        }
    }
    assert_eq!(long.len(), 2, "long road and river strips: {long:?}");
}

#[test]
fn built_supplies_show_as_construction_land() {
    let s = survey(1.0);
    let built: Vec<&MultiPolygon<f64>> = s
        .supplies
        .iter()
        .zip(&s.stats.footprint_groups)
        .filter(|(_, g)| matches!(g, crate::FootprintGroup::Built))
        .map(|(p, _)| &p.geometry)
        .collect();
    let boxes: Vec<[f64; 4]> = built.iter().map(|g| bbox(g)).collect();
    let points: Vec<(Point<f64>, &str)> = s
        .landuse
        .iter()
        .map(|p| (p.geometry.interior_point().unwrap(), dlbm(p)))
        .collect();
    let qs: Vec<[f64; 4]> = points
        .iter()
        .map(|(p, _)| [p.x(), p.y(), p.x(), p.y()])
        .collect();
    let hits = box_hits(&boxes, &qs);
    let (mut inside, mut construction) = (0, 0);
    let (mut outside, mut construction_out) = (0, 0);
    for ((pt, code), h) in points.iter().zip(&hits) {
        let urban = ["05", "06", "07"].contains(&&code[..2.min(code.len())]);
        if h.iter().any(|&k| built[k].contains(pt)) {
            inside += 1;
            construction += usize::from(urban);
        } else {
            outside += 1;
            construction_out += usize::from(urban);
        }
    }
    let (a, b) = (
        construction as f64 / inside as f64,
        construction_out as f64 / outside as f64,
    );
    assert!(
        inside > 100 && a > 0.6 && a > 2.0 * b,
        "{a} vs {b} ({inside})"
    );
}

#[test]
fn kcxs_only_on_cultivated_land() {
    let s = survey(1.0);
    let mut cultivated_with = 0;
    for p in &s.landuse {
        let code = dlbm(p);
        let k = p.properties.get("KCXS");
        if ["0101", "0102", "0103"].contains(&code) {
            let v = k.and_then(Value::as_f64).expect("KCXS on cultivated land");
            assert!((0.0..=0.15).contains(&v), "{v}");
            cultivated_with += usize::from(v > 0.0);
        } else if let Some(v) = k {
            assert_eq!(v.as_f64(), Some(0.0), "{code}: KCXS {v}");
        }
    }
    assert!(cultivated_with > 1_000);
}

/// The region (XZQDM) containing a point.
fn region_of<'a>(regions: &'a [SynthParcel], p: &Point<f64>) -> Option<&'a str> {
    regions
        .iter()
        .find(|r| r.geometry.contains(p))
        .and_then(|r| r.properties["XZQDM"].as_str())
}

#[test]
fn landuse_ids_and_units() {
    let s = survey(0.05);
    let mut bsm = HashSet::new();
    for p in &s.landuse {
        let id = p.properties["BSM"].as_u64().expect("integer BSM");
        assert!(bsm.insert(id), "BSM {id} twice");
        let tbbh = p.properties["TBBH"].as_str().unwrap();
        assert!(!tbbh.is_empty());
        let zl = p.properties["ZLDWDM"].as_str().unwrap();
        assert_eq!(zl.len(), 19);
        assert!(zl.bytes().all(|b| b.is_ascii_digit()));
        let pt = p.geometry.interior_point().unwrap();
        let region = region_of(&s.regions, &pt).expect("in a region");
        assert_eq!(&zl[..6], region);
        assert!(id.to_string().starts_with(region));
    }
}

#[test]
fn farmland_lies_on_cultivated_land() {
    let s = survey(0.05);
    let cultivated: Vec<SynthParcel> = s
        .landuse
        .iter()
        .filter(|p| ["0101", "0102", "0103"].contains(&dlbm(p)))
        .cloned()
        .collect();
    let union = union_of(&oriented(&cultivated));
    let farm = union_of(&oriented(&s.farmland));
    let fa = area(&s.farmland);
    assert!(
        (farm.unsigned_area() - fa).abs() < 1e-6 * fa,
        "farmland overlaps itself"
    );
    let inside = farm.intersection(&union).unsigned_area();
    assert!(inside >= 0.999 * fa, "{inside} of {fa}");
    // about 80 % of the cultivated land
    let share = fa / union.unsigned_area();
    assert!((0.7..0.9).contains(&share), "{share}");
    // JBNTTBBH unique, DLBM of the land it is on
    let mut ids = HashSet::new();
    for p in &s.farmland {
        assert!(ids.insert(p.properties["JBNTTBBH"].as_str().unwrap().to_string()));
        assert!(["0101", "0102", "0103"].contains(&dlbm(p)));
    }
}

#[test]
fn farmland_share_and_conflicts_at_scale_one() {
    let s = survey(1.0);
    let fa = area(&s.farmland);
    let cultivated: f64 = s
        .landuse
        .iter()
        .filter(|p| ["0101", "0102", "0103"].contains(&dlbm(p)))
        .map(|p| p.geometry.unsigned_area())
        .sum();
    assert!(
        (0.75..0.85).contains(&(fa / cultivated)),
        "{}",
        fa / cultivated
    );
    assert!((fa - s.stats.farmland_area_m2).abs() < 1e-6 * fa);
    // a few per cent of the farmland lies in approvals, some of it in supplies
    let fboxes: Vec<[f64; 4]> = s.farmland.iter().map(|p| bbox(&p.geometry)).collect();
    for (layer, lo, hi) in [(&s.approvals, 0.005, 0.08), (&s.supplies, 0.0005, 0.08)] {
        let q: Vec<[f64; 4]> = layer.iter().map(|p| bbox(&p.geometry)).collect();
        let hits = box_hits(&fboxes, &q);
        let mut per_polygon: HashMap<usize, f64> = HashMap::new();
        for (k, h) in hits.iter().enumerate() {
            for &f in h {
                let a = s.farmland[f]
                    .geometry
                    .intersection(&layer[k].geometry)
                    .unsigned_area();
                *per_polygon.entry(f).or_default() += a;
            }
        }
        let shared: f64 = per_polygon.values().sum();
        assert!((lo..hi).contains(&(shared / fa)), "{}", shared / fa);
        if std::ptr::eq(layer, &s.approvals) {
            let n = per_polygon.values().filter(|&&a| a > 1.0).count();
            let counted = s.stats.farmland_on_approvals;
            assert!(n.abs_diff(counted) <= n / 50, "{n} vs {counted}");
            assert!((shared - s.stats.farmland_in_approvals_m2).abs() < 1e-3 * shared);
        }
    }
}

#[test]
fn redline_is_a_few_large_blobs_over_some_approvals() {
    for scale in [0.05, 1.0] {
        let s = survey(scale);
        assert!((2..=6).contains(&s.redline.len()), "{}", s.redline.len());
        let share = area(&s.redline) / extent_area(s);
        assert!((0.05..=0.10).contains(&share), "scale {scale}: {share}");
        let union = union_of(&oriented(&s.redline));
        let sum = area(&s.redline);
        assert!(
            (union.unsigned_area() - sum).abs() < 1e-6 * sum,
            "blobs overlap"
        );
        let mut ids = HashSet::new();
        for p in &s.redline {
            assert!(ids.insert(p.properties["HXBH"].as_str().unwrap().to_string()));
            assert!(
                p.properties["HXMC"]
                    .as_str()
                    .unwrap()
                    .ends_with("生态保护红线")
            );
        }
        // mostly forest and water
        let mut natural = 0.0;
        let lboxes: Vec<[f64; 4]> = s.landuse.iter().map(|p| bbox(&p.geometry)).collect();
        let pts: Vec<Point<f64>> = s
            .landuse
            .iter()
            .map(|p| p.geometry.interior_point().unwrap())
            .collect();
        let _ = lboxes;
        for (p, pt) in s.landuse.iter().zip(&pts) {
            let code = dlbm(p);
            if (code.starts_with("03") || code.starts_with("11"))
                && s.redline.iter().any(|r| r.geometry.contains(pt))
            {
                natural += p.geometry.unsigned_area();
            }
        }
        assert!(natural > 0.5 * sum, "forest and water {natural} of {sum}");
        // approvals and supplies overlap the red line
        for layer in [&s.approvals, &s.supplies] {
            let hit = layer.iter().any(|a| {
                s.redline
                    .iter()
                    .any(|r| r.geometry.intersection(&a.geometry).unsigned_area() > 1.0)
            });
            assert!(hit, "scale {scale}: nothing overlaps the red line");
        }
    }
}

#[test]
fn regions_partition_the_county() {
    for scale in [0.05, 1.0] {
        let s = survey(scale);
        assert!((3..=5).contains(&s.regions.len()));
        let codes: Vec<&str> = s
            .regions
            .iter()
            .map(|r| r.properties["XZQDM"].as_str().unwrap())
            .collect();
        let unique: HashSet<&str> = codes.iter().copied().collect();
        assert_eq!(unique.len(), codes.len());
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        let cities: HashSet<String> = codes.iter().map(|c| format!("{}00", &c[..4])).collect();
        assert_eq!(cities.len(), 2, "{cities:?}");
        for r in &s.regions {
            assert!(!r.properties["XZQMC"].as_str().unwrap().is_empty());
        }
        let sum = area(&s.regions);
        let want = extent_area(s);
        assert!(((sum - want) / want).abs() < 1e-6, "{sum} vs {want}");
        let union = union_of(&oriented(&s.regions));
        assert!(
            ((union.unsigned_area() - sum) / sum).abs() < 1e-9,
            "regions overlap"
        );
        // region boundaries are land-use edges
        let lu: HashSet<(Key, Key)> = edges(&s.landuse).into_iter().collect();
        for layer in [&s.regions, &s.farmland, &s.redline] {
            for (a, b) in edges(layer) {
                assert!(lu.contains(&(a, b)) || lu.contains(&(b, a)));
            }
        }
        // approvals' XZQDM names the region of their centroid, and so (mostly) do the
        // supplies' DZJGH prefixes
        let matched = |layer: &[SynthParcel], field: &str| {
            let ok = layer
                .iter()
                .filter(|p| {
                    let c = p.geometry.centroid().unwrap();
                    let code = p.properties[field].as_str().unwrap_or("");
                    region_of(&s.regions, &c).is_some_and(|r| code.starts_with(r))
                })
                .count();
            ok as f64 / layer.len() as f64
        };
        let a = matched(&s.approvals, "XZQDM");
        assert!(a >= 0.99, "scale {scale}: approvals in their region {a}");
        let b = matched(&s.supplies, "DZJGH");
        assert!(b >= 0.98, "scale {scale}: supplies in their region {b}");
        assert_eq!(
            s.stats.approvals_off_region,
            s.approvals.len() - (a * s.approvals.len() as f64).round() as usize
        );
    }
}

/// Large-scale sanity: scale 10 generates (run with `--ignored`, release recommended).
#[test]
#[ignore = "slow: scale 10"]
fn scale_ten_generates() {
    let s = crate::generate(&crate::SynthParams {
        scale: 10.0,
        seed: 1,
    });
    assert!(s.landuse.len() > 400_000);
    let total = area(&s.landuse);
    let want = extent_area(&s);
    assert!(((total - want) / want).abs() < 1e-6);
}

#[test]
fn small_counties_and_other_seeds_are_tiled_exactly() {
    for (scale, seed) in [(0.0001, 1), (0.001, 2), (0.01, 3), (0.02, 4), (0.03, 5)] {
        let s = crate::generate(&crate::SynthParams { scale, seed });
        let want = extent_area(&s);
        for (name, layer) in [("landuse", &s.landuse), ("regions", &s.regions)] {
            let total = area(layer);
            assert!(
                ((total - want) / want).abs() < 1e-6,
                "{name} at scale {scale}: {total} vs {want}"
            );
        }
        for layer in [&s.landuse, &s.farmland, &s.redline, &s.regions] {
            for p in layer {
                assert!(p.geometry.is_valid(), "scale {scale} seed {seed}");
            }
        }
        if scale >= 0.01 {
            assert!(!s.redline.is_empty() && !s.farmland.is_empty());
            let share = area(&s.redline) / want;
            assert!((0.05..=0.10).contains(&share), "scale {scale}: {share}");
        }
    }
}
