//! Layer algebra (`landaudit::algebra`, the `overlay` command): hand-computed cases on files,
//! attribute carry-over, CRS checks, and area invariants on generated layers checked against
//! GEOS (an independent engine).

mod common;

use std::path::Path;

use common::{feature, rect, write_fc, write_fc_in};
use geo::{Area, Coord, LineString, MultiPolygon, Polygon, Translate};
use geos::Geom;
use landaudit::algebra::files::{AlgebraInputs, rejected_path, run, write_outputs};
use landaudit::algebra::{Operation, Output, operand, overlay};
use landaudit::measure::{AreaMode, Measure};
use landaudit::{Crs, Layer};
use proptest::prelude::*;
use serde_json::{Value, json};

// Gauss-Krüger EPSG:4549 (CM 120E, false easting 500 000): a site near Hangzhou.
const X0: f64 = 502_000.0;
const Y0: f64 = 3_340_000.0;

fn sq(x: f64, y: f64, s: f64) -> Vec<Vec<[f64; 2]>> {
    rect(X0 + x, Y0 + y, X0 + x + s, Y0 + y + s)
}

fn planar(a: &Path, b: &Path) -> AlgebraInputs {
    let mut i = AlgebraInputs::new(a, b);
    i.area.mode = AreaMode::Planar;
    i
}

/// Runs `op` on two files and returns the output's features and rejected.csv rows.
fn run_files(op: Operation, inputs: &AlgebraInputs, dir: &Path) -> (Vec<Value>, Vec<Vec<String>>) {
    let r = run(op, inputs).unwrap();
    let out = dir.join(format!("{}.geojson", op.name()));
    write_outputs(&r, &out).unwrap();
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        fc["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::4549"
    );
    let mut csv = csv::Reader::from_path(rejected_path(&out)).unwrap();
    let rows = csv
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (fc["features"].as_array().unwrap().clone(), rows)
}

/// (a_index, b_index, area_m2) of every output feature.
fn keys(features: &[Value]) -> Vec<(Value, Value, f64)> {
    features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["a_index"].clone(),
                p["b_index"].clone(),
                p["area_m2"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// A = [0,10]², B = [5,15]² (m): intersection 25, each difference 75 — by hand.
#[test]
fn two_overlapping_squares_on_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    write_fc(&a, vec![feature(json!({"name": "A"}), &sq(0.0, 0.0, 10.0))]);
    write_fc(&b, vec![feature(json!({"name": "B"}), &sq(5.0, 5.0, 10.0))]);
    let inputs = planar(&a, &b);
    let n = Value::Null;
    let cases = [
        (Operation::Intersection, vec![(json!(0), json!(0), 25.0)]),
        (Operation::Difference, vec![(json!(0), n.clone(), 75.0)]),
        (
            Operation::Identity,
            vec![(json!(0), json!(0), 25.0), (json!(0), n.clone(), 75.0)],
        ),
        (
            Operation::Union,
            vec![
                (json!(0), json!(0), 25.0),
                (json!(0), n.clone(), 75.0),
                (n.clone(), json!(0), 75.0),
            ],
        ),
        (
            Operation::SymDifference,
            vec![(json!(0), n.clone(), 75.0), (n.clone(), json!(0), 75.0)],
        ),
    ];
    for (op, expected) in cases {
        let (features, rejected) = run_files(op, &inputs, dir.path());
        assert_eq!(keys(&features), expected, "{op}");
        assert!(rejected.is_empty(), "{op}: {rejected:?}");
        for f in &features {
            let p = &f["properties"];
            let has_a = !p["a_index"].is_null();
            let has_b = !p["b_index"].is_null();
            assert_eq!(p["a_name"], if has_a { json!("A") } else { Value::Null });
            assert_eq!(p["b_name"], if has_b { json!("B") } else { Value::Null });
        }
    }
    // The pieces are where the squares are: the intersection's bounds are [5,10]².
    let (features, _) = run_files(Operation::Intersection, &inputs, dir.path());
    let g: geojson::Geometry = serde_json::from_value(features[0]["geometry"].clone()).unwrap();
    let g: geo::Geometry<f64> = g.try_into().unwrap();
    let r = geo::BoundingRect::bounding_rect(&g).unwrap();
    assert!((r.min().x - (X0 + 5.0)).abs() < 1e-6 && (r.max().y - (Y0 + 10.0)).abs() < 1e-6);
}

/// A square with a hole against half of it; B features overlapping each other; a feature of A
/// touching B along an edge only; a bow-tie in A, rejected and listed.
#[test]
fn hole_overlapping_b_edge_touch_and_bowtie() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    let mut holed = sq(0.0, 0.0, 10.0);
    holed.push(sq(3.0, 3.0, 4.0)[0].iter().rev().copied().collect());
    let bowtie = vec![vec![
        [X0 + 50.0, Y0],
        [X0 + 60.0, Y0 + 10.0],
        [X0 + 60.0, Y0],
        [X0 + 50.0, Y0 + 10.0],
        [X0 + 50.0, Y0],
    ]];
    write_fc(
        &a,
        vec![
            feature(json!({"n": 0}), &holed),               // 84 m²
            feature(json!({"n": 1}), &bowtie),              // rejected
            feature(json!({"n": 2}), &sq(20.0, 0.0, 10.0)), // [20,30]×[0,10]
        ],
    );
    write_fc(
        &b,
        vec![
            // Left half of the holed square: a∩b = 50 − 8 (the hole's left half) = 42.
            feature(json!({"m": 0}), &rect(X0, Y0, X0 + 5.0, Y0 + 10.0)),
            // [4,10]×[0,10] overlaps b0 on [4,5]×[0,10]: a∩b = 60 − 12 = 48.
            feature(json!({"m": 1}), &rect(X0 + 4.0, Y0, X0 + 10.0, Y0 + 10.0)),
            // Touches a2 along x = 30 only.
            feature(json!({"m": 2}), &sq(30.0, 0.0, 10.0)),
        ],
    );
    let inputs = planar(&a, &b);
    let (features, rejected) = run_files(Operation::Identity, &inputs, dir.path());
    let n = Value::Null;
    assert_eq!(
        keys(&features),
        vec![
            (json!(0), json!(0), 42.0),
            (json!(0), json!(1), 48.0),
            // Nothing of a0 is outside ∪B: no difference piece. a2 is untouched.
            (json!(2), n.clone(), 100.0),
        ]
    );
    // Identity sums to more than A where B overlaps itself (42 + 48 = 90 > 84): not dissolved.
    let (features, _) = run_files(Operation::Union, &inputs, dir.path());
    assert_eq!(
        keys(&features)[3..].to_vec(),
        vec![
            // b − ∪A: the parts of the hole [3,7]² each b covers, [3,5]×[3,7] and [4,7]×[3,7].
            (n.clone(), json!(0), 8.0),
            (n.clone(), json!(1), 12.0),
            (n.clone(), json!(2), 100.0),
        ]
    );
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let row = &rejected[0];
    assert_eq!((row[0].as_str(), row[2].as_str()), ("a", "1"));
    assert_eq!((row[3].as_str(), row[4].as_str()), ("#1", "rejected"));
    assert!(row[5].contains("self-intersection"), "{}", row[5]);
    assert!(row[1].ends_with("a.geojson"));
    let r = run(Operation::Identity, &inputs).unwrap();
    let [acc_a, acc_b] = r.accounts();
    assert_eq!((acc_a.read, acc_a.used, acc_a.rejected), (3, 2, 1));
    assert_eq!((acc_b.read, acc_b.used, acc_b.rejected), (3, 3, 0));
}

/// String, integer, real and null attributes on each side arrive with their JSON types.
#[test]
fn attributes_keep_their_types() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    let props =
        |s: &str, i: i64, r: f64| json!({"s": s, "i": i, "r": r, "z": null, "名称": "地块"});
    write_fc(&a, vec![feature(props("甲", 7, 1.25), &sq(0.0, 0.0, 10.0))]);
    write_fc(&b, vec![feature(props("乙", -3, 0.5), &sq(5.0, 0.0, 10.0))]);
    let (features, _) = run_files(Operation::Intersection, &planar(&a, &b), dir.path());
    let p = &features[0]["properties"];
    for (side, s, i, r) in [("a", "甲", 7, 1.25), ("b", "乙", -3, 0.5)] {
        assert_eq!(p[format!("{side}_s")], json!(s));
        assert!(p[format!("{side}_i")].is_i64(), "{p}");
        assert_eq!(p[format!("{side}_i")], json!(i));
        assert!(p[format!("{side}_r")].is_f64(), "{p}");
        assert_eq!(p[format!("{side}_r")], json!(r));
        assert!(p.as_object().unwrap().contains_key(&format!("{side}_z")));
        assert!(p[format!("{side}_z")].is_null());
        assert_eq!(p[format!("{side}_名称")], json!("地块"));
    }
    assert_eq!(p["area_m2"], json!(50.0));
}

#[test]
fn crs_must_agree_and_b_may_declare_none() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    write_fc(&a, vec![feature(json!({}), &sq(0.0, 0.0, 10.0))]);
    // EPSG:4527 is zone 39 with the zone in the false easting: a different CRS.
    write_fc_in(
        &b,
        4527,
        vec![feature(
            json!({}),
            &rect(39_500_000.0, Y0, 39_500_010.0, Y0 + 10.0),
        )],
    );
    let e = run(Operation::Union, &AlgebraInputs::new(&a, &b))
        .unwrap_err()
        .to_string();
    assert!(e.contains("EPSG:4527 differs from A's EPSG:4549"), "{e}");
    assert!(!e.contains('\n'), "{e}");
    // No crs member in B: A's applies.
    let fc =
        json!({"type": "FeatureCollection", "features": [feature(json!({}), &sq(5.0, 0.0, 10.0))]});
    std::fs::write(&b, fc.to_string()).unwrap();
    let r = run(Operation::Intersection, &planar(&a, &b)).unwrap();
    assert_eq!(r.output.features.len(), 1);
    assert!((r.output.features[0].area_m2 - 50.0).abs() < 1e-6);
}

/// The default measure is the audit's: ellipsoidal for CGCS2000 data, a little less than the
/// Gauss-Krüger plane's area 2 km east of the central meridian.
#[test]
fn default_area_is_the_audits_ellipsoidal_area() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    write_fc(&a, vec![feature(json!({}), &sq(0.0, 0.0, 100.0))]);
    write_fc(&b, vec![feature(json!({}), &sq(50.0, 0.0, 100.0))]);
    let r = run(Operation::Intersection, &AlgebraInputs::new(&a, &b)).unwrap();
    assert!(r.measure.ellipsoidal);
    let e = r.output.features[0].area_m2;
    // Scale error of the plane 2 km off the meridian ≈ 5e-8; the ellipsoidal area is close.
    assert!((e - 5000.0).abs() < 0.01, "{e}");
    let p = run(Operation::Intersection, &planar(&a, &b)).unwrap();
    assert!(!p.measure.ellipsoidal);
    assert!((p.output.features[0].area_m2 - 5000.0).abs() < 1e-6);
}

// ---- invariants against GEOS on generated layers ----

// The crate's own test shapes: one star generator for its unit tests and these.
#[allow(dead_code)]
#[path = "../crates/landaudit/src/test_shapes.rs"]
mod test_shapes;

/// A star-shaped simple polygon around (cx, cy) with radii in [rmin, rmax] (always valid); with
/// `hole`, a square hole well inside the smallest radius.
fn star(cx: f64, cy: f64, radii: &[f64], rot: f64, hole: bool) -> Polygon<f64> {
    let outer = test_shapes::star(cx, cy, radii, rot).into_inner().0;
    let holes = if hole {
        // Edges of a star with ≥ 5 evenly spaced rays stay ≥ rmin·cos(36°) from the centre.
        let h = 0.3 * radii.iter().cloned().fold(f64::INFINITY, f64::min);
        let corners = [(-h, -h), (-h, h), (h, h), (h, -h)];
        vec![LineString::new(
            corners
                .iter()
                .map(|&(dx, dy)| Coord {
                    x: cx + dx,
                    y: cy + dy,
                })
                .collect(),
        )]
    } else {
        vec![]
    };
    Polygon::new(outer, holes)
}

/// One shape per grid cell (so features of one layer never overlap): the whole cell (neighbours
/// share edges) or a star inside it, some with holes.
#[derive(Debug, Clone)]
enum Shape {
    Cell,
    Star(Vec<f64>, f64, bool),
    Empty,
}

fn arb_shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        1 => Just(Shape::Cell),
        1 => Just(Shape::Empty),
        4 => (prop::collection::vec(0.2..0.5f64, 5..14), 0.0..6.3f64, prop::bool::weighted(0.3))
            .prop_map(|(r, rot, h)| Shape::Star(r, rot, h)),
    ]
}

const CELL: f64 = 100.0;
const GRID: usize = 4;

fn grid_layer(name: &str, shapes: &[Shape], dx: f64, dy: f64) -> Layer {
    let geoms = shapes.iter().enumerate().filter_map(|(k, s)| {
        let (x, y) = ((k % GRID) as f64 * CELL + dx, (k / GRID) as f64 * CELL + dy);
        let p = match s {
            Shape::Empty => return None,
            Shape::Cell => geo::Rect::new((x, y), (x + CELL, y + CELL)).to_polygon(),
            Shape::Star(r, rot, hole) => {
                let r: Vec<f64> = r.iter().map(|v| v * CELL).collect();
                star(x + CELL / 2.0, y + CELL / 2.0, &r, *rot, *hole)
            }
        };
        Some((MultiPolygon::new(vec![p]), vec![]))
    });
    operand(name, Crs::Epsg(4549), geoms)
}

fn to_geos(g: &MultiPolygon<f64>) -> geos::Geometry {
    geos::Geometry::try_from(g).unwrap()
}

/// GEOS's union of a layer's parcels.
fn geos_union(l: &Layer) -> geos::Geometry {
    let parts: Vec<geos::Geometry> = l.parcels.iter().map(|p| to_geos(&p.geometry)).collect();
    geos::Geometry::create_geometry_collection(parts)
        .unwrap()
        .unary_union()
        .unwrap()
}

fn total(out: &Output) -> f64 {
    out.features.iter().map(|f| f.area_m2).sum()
}

fn close(got: f64, want: f64, scale: f64) -> Result<(), TestCaseError> {
    prop_assert!(
        (got - want).abs() <= 1e-3 + 1e-8 * scale,
        "got {got}, want {want} (difference {})",
        got - want
    );
    Ok(())
}

fn shift(l: &mut Layer, dx: f64, dy: f64) {
    for p in &mut l.parcels {
        p.geometry = p.geometry.translate(dx, dy);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Two layers without self-overlap, offset so features of A and B overlap, share edges, or
    /// (offset 0) coincide: every operation's total area is what GEOS computes for the unions,
    /// and each a is split exactly into its pieces.
    #[test]
    fn totals_agree_with_geos(
        a_shapes in prop::collection::vec(arb_shape(), GRID * GRID),
        b_shapes in prop::collection::vec(arb_shape(), GRID * GRID),
        dx in prop_oneof![Just(0.0), Just(50.0), 0.0..CELL],
        dy in prop_oneof![Just(0.0), 0.0..CELL],
        far in any::<bool>(),
    ) {
        let mut a = grid_layer("a", &a_shapes, 0.0, 0.0);
        let mut b = grid_layer("b", &b_shapes, dx, dy);
        // Expected areas from GEOS on the layers near the origin (areas do not move with them).
        let (ua, ub) = (geos_union(&a), geos_union(&b));
        let area_union = ua.union(&ub).unwrap().area().unwrap();
        let area_inter = ua.intersection(&ub).unwrap().area().unwrap();
        let area_diff = ua.difference(&ub).unwrap().area().unwrap();
        let areas_a: Vec<f64> = a.parcels.iter().map(|p| to_geos(&p.geometry).area().unwrap()).collect();
        let area_a: f64 = areas_a.iter().sum();
        let scale = area_union.max(1.0);
        if far {
            // Gauss-Krüger magnitudes with the zone prefix: the local origin keeps the digits.
            shift(&mut a, 40_500_000.0, 3_300_000.0);
            shift(&mut b, 40_500_000.0, 3_300_000.0);
        }
        let m = Measure::PLANAR;

        let identity = overlay(Operation::Identity, &a, &b, &m);
        close(total(&identity), area_a, scale)?;
        // Per a: the pairs and the rest add up to a.
        for (i, want) in areas_a.iter().enumerate() {
            let sum: f64 = identity.features.iter().filter(|f| f.a_index == Some(i)).map(|f| f.area_m2).sum();
            close(sum, *want, scale)?;
        }
        close(total(&overlay(Operation::Union, &a, &b, &m)), area_union, scale)?;
        close(total(&overlay(Operation::SymDifference, &a, &b, &m)), area_union - area_inter, scale)?;
        close(total(&overlay(Operation::Intersection, &a, &b, &m)), area_inter, scale)?;
        let diff = overlay(Operation::Difference, &a, &b, &m);
        close(total(&diff), area_diff, scale)?;
        for f in identity.features.iter().chain(&diff.features) {
            prop_assert!(f.area_m2 > 0.0);
            prop_assert!(geo::Validation::is_valid(&f.geometry), "{:?}", f.geometry);
        }
    }

    /// B overlapping itself (random rectangles): each a's difference is a − ∪B as GEOS
    /// computes it, and the pairwise pieces are a ∩ b one by one (not dissolved).
    #[test]
    fn self_overlapping_b(
        a_shapes in prop::collection::vec(arb_shape(), GRID * GRID),
        rects in prop::collection::vec((0.0..350.0f64, 0.0..350.0f64, 10.0..150.0f64, 10.0..150.0f64), 1..12),
    ) {
        let a = grid_layer("a", &a_shapes, 0.0, 0.0);
        let b = operand("b", Crs::Epsg(4549), rects.iter().map(|&(x, y, w, h)| {
            (MultiPolygon::new(vec![geo::Rect::new((x, y), (x + w, y + h)).to_polygon()]), vec![])
        }));
        let ub = geos_union(&b);
        let m = Measure::PLANAR;
        let identity = overlay(Operation::Identity, &a, &b, &m);
        for (i, p) in a.parcels.iter().enumerate() {
            let ga = to_geos(&p.geometry);
            let scale = p.geometry.unsigned_area();
            let rest: f64 = identity.features.iter().filter(|f| f.a_index == Some(i) && f.b_index.is_none()).map(|f| f.area_m2).sum();
            close(rest, ga.difference(&ub).unwrap().area().unwrap(), scale)?;
            for (j, q) in b.parcels.iter().enumerate() {
                let pair: f64 = identity.features.iter().filter(|f| f.a_index == Some(i) && f.b_index == Some(j)).map(|f| f.area_m2).sum();
                close(pair, ga.intersection(&to_geos(&q.geometry)).unwrap().area().unwrap(), scale)?;
            }
        }
        // b − ∪A for each b, from the union's B-only pieces.
        let union = overlay(Operation::Union, &a, &b, &m);
        let ua = geos_union(&a);
        for (j, q) in b.parcels.iter().enumerate() {
            let rest: f64 = union.features.iter().filter(|f| f.a_index.is_none() && f.b_index == Some(j)).map(|f| f.area_m2).sum();
            close(rest, to_geos(&q.geometry).difference(&ua).unwrap().area().unwrap(), q.geometry.unsigned_area())?;
        }
    }
}
