//! Protected land: permanent basic farmland (永久基本农田 YJJBNTTB) and the ecological red line
//! (生态保护红线 STBHHX), both unions of whole land-use parcels traced from the grid, so their
//! edges are land-use edges vertex for vertex.
//!
//! Farmland: about 80 % of the cultivated land (0101–0103) by area — parcels lying in
//! approvals by more than a tenth rarely (a quarter as often, or a twelfth beyond half), urban
//! ones less often — merged per class and region into edge-connected blocks within 6 × 6-cell
//! tiles. So a few per cent of the farmland's area lies in approvals (conflicts to find).
//!
//! Red line: 3–5 blobs grown parcel by parcel from seeds in forest (the first one inside an
//! approval, so approvals and supplies overlap the red line), preferring forest, water and
//! other unused land and staying round, together 6–8 % of the county (a little more with the
//! small enclosed parcels filled in).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{Area, BooleanOps, MultiPolygon, Polygon};
use rand::Rng;
use serde_json::{Map, Value};

use crate::SynthParcel;
use crate::grid::{BoxIndex, Grid, bbox_of};
use crate::landuse::{CLASSES, ParcelInfo, Parcels, Site, is_farmland, touches_approval};
use crate::regions::REGIONS;

/// The farmland layer and its counters.
pub(crate) struct Farmland {
    pub area: f64,
    /// Polygons sharing more than 1 m² with approvals.
    pub on_approvals: usize,
    /// Farmland area lying in approvals (overlapping approvals counted twice).
    pub in_approvals_area: f64,
}

/// Side of the farmland tiles, in cells.
const TILE: usize = 6;

pub(crate) fn farmland<R: Rng>(
    rng: &mut R,
    grid: &Grid,
    parcels: &Parcels,
    infos: &[ParcelInfo],
    approvals: &[SynthParcel],
    a_index: &BoxIndex,
    emit: &mut dyn FnMut(SynthParcel),
) -> Farmland {
    let n = infos.len();
    let eligible: Vec<bool> = infos.iter().map(is_farmland).collect();
    // share of each cultivated parcel lying in approvals
    let in_approvals: Vec<f64> = (0..n)
        .map(|p| {
            if !eligible[p] || !touches_approval(&infos[p], approvals, a_index) {
                return 0.0;
            }
            let inter: f64 = a_index
                .query(bbox_of(&infos[p].polygon))
                .into_iter()
                .map(|k| {
                    infos[p]
                        .polygon
                        .intersection(&approvals[k].geometry)
                        .unsigned_area()
                })
                .sum();
            (inter / infos[p].area).min(1.0)
        })
        .collect();
    // chance of selection: the weight below times a factor fitted so that ~80 % of the
    // cultivated area is selected
    let weight = |p: usize| {
        let f = in_approvals[p];
        let w = if f <= 0.0 {
            1.0
        } else if f < 0.1 {
            0.9
        } else if f < 0.5 {
            0.25
        } else {
            0.08
        };
        if infos[p].urban > 0.5 { 0.7 * w } else { w }
    };
    let total: f64 = (0..n).filter(|&p| eligible[p]).map(|p| infos[p].area).sum();
    let expected = |s: f64| -> f64 {
        (0..n)
            .filter(|&p| eligible[p])
            .map(|p| (s * weight(p)).min(1.0) * infos[p].area)
            .sum()
    };
    let (mut lo, mut hi) = (0.0, 1.0 / 0.08);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if expected(mid) < 0.8 * total {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let selected: Vec<bool> = (0..n)
        .map(|p| eligible[p] && rng.random_bool((hi * weight(p)).min(1.0)))
        .collect();

    // blocks: same class and region, same tile (by the parcel's first cell)
    let ntx = grid.nx.div_ceil(TILE);
    let key: Vec<u32> = parcels
        .of_cell
        .iter()
        .map(|&p| {
            let p = p as usize;
            if !selected[p] {
                return u32::MAX;
            }
            let first = parcels.cells(p)[0] as usize;
            let tile = (first / grid.nx / TILE) * ntx + (first % grid.nx) / TILE;
            ((tile * CLASSES.len() + infos[p].class) * REGIONS.len() + infos[p].label as usize)
                as u32
        })
        .collect();
    let mut serial = [0u32; REGIONS.len()];
    let mut area = 0.0;
    let mut conflicts = 0;
    let mut conflict_area = 0.0;
    for comp in grid.components(&key) {
        let first = comp[0] as usize;
        let p0 = parcels.of_cell[first] as usize;
        let k = key[first];
        let polygon = grid.polygon(&comp, |c| key[c] == k);
        let mut members: Vec<u32> = comp.iter().map(|&c| parcels.of_cell[c as usize]).collect();
        members.dedup();
        members.sort_unstable();
        members.dedup();
        area += members.iter().map(|&p| infos[p as usize].area).sum::<f64>();
        let shared: f64 = members
            .iter()
            .map(|&p| in_approvals[p as usize] * infos[p as usize].area)
            .sum();
        conflicts += usize::from(shared > 1.0);
        conflict_area += shared;
        let label = infos[p0].label as usize;
        serial[label] += 1;
        let mut m = Map::new();
        m.insert(
            "JBNTTBBH".into(),
            Value::from(format!("{}{:06}", REGIONS[label].0, serial[label])),
        );
        m.insert("DLBM".into(), Value::from(CLASSES[infos[p0].class].code));
        emit(SynthParcel {
            geometry: MultiPolygon::new(vec![polygon]),
            properties: m,
        });
    }
    Farmland {
        area,
        on_approvals: conflicts,
        in_approvals_area: conflict_area,
    }
}

/// How readily a blob takes in a parcel of class `k`.
fn preference(info: &ParcelInfo) -> f64 {
    if info.unknown.is_some() {
        return 0.1;
    }
    let code = CLASSES[info.class].code;
    match &code[..2] {
        "03" | "11" => 1.0,
        "04" => 0.8,
        "02" => 0.5,
        "12" => 0.4,
        "10" => 0.3,
        "01" => 0.15,
        _ => 0.03,
    }
}

#[derive(PartialEq)]
struct Cand(f64, usize);
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cand {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

const KINDS: [&str; 4] = ["水源涵养", "生物多样性维护", "水土保持", "森林生态"];

pub(crate) fn redline<R: Rng>(
    rng: &mut R,
    grid: &Grid,
    parcels: &Parcels,
    infos: &[ParcelInfo],
) -> (Vec<SynthParcel>, f64) {
    let n = infos.len();
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    // parcel adjacency
    let (nx, ny) = (grid.nx, grid.ny);
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            let c = j * nx + i;
            let p = parcels.of_cell[c];
            for d in [
                (i + 1 < nx).then_some(c + 1),
                (j + 1 < ny).then_some(c + nx),
            ]
            .into_iter()
            .flatten()
            {
                let q = parcels.of_cell[d];
                if p != q {
                    pairs.push((p, q));
                    pairs.push((q, p));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut start = vec![0usize; n + 1];
    for &(p, _) in &pairs {
        start[p as usize + 1] += 1;
    }
    for k in 0..n {
        start[k + 1] += start[k];
    }
    let nbrs = |p: usize| {
        pairs[start[p]..start[p + 1]]
            .iter()
            .map(|&(_, q)| q as usize)
    };

    let county: f64 = infos.iter().map(|i| i.area).sum();
    let total = county * rng.random_range(0.06..0.08);
    let blobs = rng.random_range(3..=5usize);
    let parts: Vec<f64> = (0..blobs).map(|_| rng.random_range(0.5..1.5)).collect();
    let part_sum: f64 = parts.iter().sum();
    let forest =
        |p: usize| infos[p].unknown.is_none() && CLASSES[infos[p].class].code.starts_with("03");

    let mut blob_of = vec![u32::MAX; n];
    let mut seeds: Vec<usize> = Vec::new();
    let mut seed_of: Vec<usize> = Vec::with_capacity(blobs);
    for (b, &part) in parts.iter().enumerate() {
        // seed: the first blob in forest inside an approval, the others in hilly forest away
        // from the other seeds
        let seed = if b == 0 {
            let inside: Vec<usize> = (0..n)
                .filter(|&p| infos[p].site != Site::Open && forest(p))
                .collect();
            if inside.is_empty() {
                None
            } else {
                Some(inside[rng.random_range(0..inside.len())])
            }
        } else {
            None
        };
        let seed = seed.unwrap_or_else(|| {
            let mut best = (f64::NEG_INFINITY, 0);
            for _ in 0..300 {
                let p = rng.random_range(0..n);
                if blob_of[p] != u32::MAX {
                    continue;
                }
                let apart = seeds
                    .iter()
                    .map(|&s| {
                        let (dx, dy) = (
                            infos[s].centre.0 - infos[p].centre.0,
                            infos[s].centre.1 - infos[p].centre.1,
                        );
                        (dx * dx + dy * dy).sqrt()
                    })
                    .fold(f64::INFINITY, f64::min)
                    .min(county.sqrt() / 2.0);
                let score = (infos[p].hill + 0.1) * preference(&infos[p]) * apart;
                if score > best.0 {
                    best = (score, p);
                }
            }
            best.1
        });
        seed_of.push(seed);
        if blob_of[seed] != u32::MAX {
            continue;
        }
        seeds.push(seed);
        let target = total * part / part_sum;
        let reach = (target / std::f64::consts::PI).sqrt();
        let c0 = infos[seed].centre;
        let mut heap = BinaryHeap::new();
        heap.push(Cand(f64::INFINITY, seed));
        let mut got = 0.0;
        while let Some(Cand(_, p)) = heap.pop() {
            if blob_of[p] != u32::MAX {
                continue;
            }
            if got + infos[p].area > 1.15 * target {
                if got == 0.0 {
                    break; // parcels too large for a blob this small (tiny counties)
                }
                continue;
            }
            blob_of[p] = b as u32;
            got += infos[p].area;
            if got >= target {
                break;
            }
            for q in nbrs(p) {
                if blob_of[q] == u32::MAX {
                    // distance of the parcel's farthest corner, so long strips wait
                    let b = bbox_of(&infos[q].polygon);
                    let dx = (b[0] - c0.0).abs().max((b[2] - c0.0).abs());
                    let dy = (b[1] - c0.1).abs().max((b[3] - c0.1).abs());
                    let d2 = (dx * dx + dy * dy) / (reach * reach);
                    let r: f64 = rng.random();
                    heap.push(Cand(
                        preference(&infos[q]) * (0.5 + 0.5 * r) / (1.0 + d2 * d2),
                        q,
                    ));
                }
            }
        }
    }
    // parcels under 2 ha enclosed by a single blob join it
    for p in 0..n {
        if blob_of[p] != u32::MAX {
            continue;
        }
        if infos[p].area > 20_000.0 {
            continue;
        }
        let mut around = nbrs(p).map(|q| blob_of[q]);
        let first = around.next().unwrap_or(u32::MAX);
        if first != u32::MAX && around.all(|b| b == first) {
            blob_of[p] = first;
        }
    }
    let area: f64 = (0..n)
        .filter(|&p| blob_of[p] != u32::MAX)
        .map(|p| infos[p].area)
        .sum();

    let key: Vec<u32> = parcels
        .of_cell
        .iter()
        .map(|&p| blob_of[p as usize])
        .collect();
    let mut polys: Vec<Vec<Polygon<f64>>> = vec![Vec::new(); blobs];
    for comp in grid.components(&key) {
        let k = key[comp[0] as usize];
        polys[k as usize].push(grid.polygon(&comp, |c| key[c] == k));
    }
    let mut out = Vec::new();
    for (b, parts) in polys.into_iter().enumerate() {
        if parts.is_empty() {
            continue;
        }
        let seed = seed_of[b];
        let region = REGIONS[infos[seed].label as usize];
        let mut m = Map::new();
        m.insert(
            "HXBH".into(),
            Value::from(format!("HX{}{:04}", region.0, out.len() + 1)),
        );
        m.insert(
            "HXMC".into(),
            Value::from(format!(
                "{}{}生态保护红线",
                region.1,
                KINDS[rng.random_range(0..KINDS.len())]
            )),
        );
        out.push(SynthParcel {
            geometry: MultiPolygon::new(parts),
            properties: m,
        });
    }
    (out, area)
}
