//! Supply parcels cut out of approvals: a rotated grid of lots intersected with the approval,
//! tiny lots merged into a neighbour, partial coverage, overhangs beyond the approval edge and
//! digitising misalignment.

use geo::algorithm::buffer::{BufferStyle, LineJoin};
use geo::{
    Area, BooleanOps, Buffer, Coord, LineString, MultiPolygon, Polygon, Validation, unary_union,
};
use rand::Rng;

use crate::layout::PlacedApproval;
use crate::shapes::{map_round_clean, random_unit, round_clean};

/// Lots (and parts of lots) smaller than this are merged into a neighbour or dropped (m²).
pub(crate) const MIN_LOT_AREA: f64 = 200.0;
/// How far the cutting grid reaches beyond the approval's local bounding box (m); must exceed
/// the largest overhang.
const GRID_MARGIN: f64 = 40.0;

/// How much of an approval was supplied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coverage {
    Nothing,
    Full,
    Partial,
}

/// A supply parcel cut from an approval.
pub(crate) struct CutSupply {
    pub geometry: MultiPolygon<f64>,
    /// Index of the approval it was cut from.
    pub approval: usize,
    /// Other approvals it overlaps by more than 1 m² (overlapping re-approvals).
    pub straddles: Vec<usize>,
    pub translated: bool,
    pub nudged: bool,
    pub overhang: bool,
}

/// Counters of the cutting pass.
#[derive(Default)]
pub(crate) struct CutStats {
    pub coverage: Vec<Coverage>,
    pub designed_supplied_m2: f64,
    pub dropped_tiny: usize,
    pub dropped_invalid: usize,
}

/// Union-find over grid cells.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Cuts every approval into supply parcels.
pub(crate) fn cut_supplies<R: Rng>(
    rng: &mut R,
    approvals: &[PlacedApproval],
) -> (Vec<CutSupply>, CutStats) {
    let mut partners: Vec<Vec<usize>> = vec![Vec::new(); approvals.len()];
    for (j, a) in approvals.iter().enumerate() {
        if let Some(t) = a.overlaps {
            partners[t].push(j);
            partners[j].push(t);
        }
    }
    let mut out = Vec::new();
    let mut stats = CutStats::default();
    for (ai, appr) in approvals.iter().enumerate() {
        let r: f64 = rng.random();
        let wanted = if r < 0.25 {
            Coverage::Nothing
        } else if r < 0.60 {
            Coverage::Full
        } else {
            Coverage::Partial
        };
        if wanted == Coverage::Nothing {
            stats.coverage.push(Coverage::Nothing);
            continue;
        }
        let before = out.len();
        let got = cut_one(
            rng,
            ai,
            appr,
            wanted,
            &partners[ai],
            approvals,
            &mut out,
            &mut stats,
        );
        stats.coverage.push(if out.len() == before {
            Coverage::Nothing
        } else {
            got
        });
    }
    (out, stats)
}

/// Cuts one approval; returns the coverage actually achieved.
#[allow(clippy::too_many_arguments)]
fn cut_one<R: Rng>(
    rng: &mut R,
    ai: usize,
    appr: &PlacedApproval,
    wanted: Coverage,
    partners: &[usize],
    approvals: &[PlacedApproval],
    out: &mut Vec<CutSupply>,
    stats: &mut CutStats,
) -> Coverage {
    let area_ha = appr.area / 10_000.0;
    let mut k = (area_ha + rng.random_range(6.0..10.0))
        .round()
        .clamp(1.0, 12.0) as usize;
    if wanted == Coverage::Partial {
        k = k.max(2);
    }
    // grid of nx × ny ≤ k cells, cells roughly square
    let b = appr.local_bounds;
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let nx = ((k as f64 * w / h).sqrt().round() as usize).clamp(1, k);
    let ny = (((k as f64) / nx as f64).round() as usize).max(1);
    let ny = if nx * ny > 12 { 12 / nx } else { ny }.max(1);
    let lines = |rng: &mut R, lo: f64, len: f64, n: usize| -> Vec<f64> {
        let step = len / n as f64;
        (0..=n)
            .map(|i| {
                if i == 0 {
                    lo - GRID_MARGIN
                } else if i == n {
                    lo + len + GRID_MARGIN
                } else {
                    lo + step * (i as f64 + rng.random_range(-0.2..0.2))
                }
            })
            .collect()
    };
    let xs = lines(rng, b[0], w, nx);
    let ys = lines(rng, b[1], h, ny);
    let node = |i: usize, j: usize| appr.frame.to_world([xs[i], ys[j]]);
    let cells: Vec<Polygon<f64>> = (0..ny)
        .flat_map(|j| (0..nx).map(move |i| (i, j)))
        .map(|(i, j)| {
            Polygon::new(
                LineString::new(vec![
                    node(i, j),
                    node(i + 1, j),
                    node(i + 1, j + 1),
                    node(i, j + 1),
                    node(i, j),
                ]),
                vec![],
            )
        })
        .collect();
    let pieces: Vec<MultiPolygon<f64>> = cells
        .iter()
        .map(|c| appr.geometry.intersection(c))
        .collect();
    let areas: Vec<f64> = pieces.iter().map(|p| p.unsigned_area()).collect();

    // merge tiny cells into their largest non-empty neighbour
    let n = cells.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut region_area = areas.clone();
    for _pass in 0..4 {
        let mut changed = false;
        for c in 0..n {
            let rc = find(&mut parent, c);
            let a = region_area[rc];
            if a <= 0.0 || a >= MIN_LOT_AREA {
                continue;
            }
            let (i, j) = (c % nx, c / nx);
            let mut best: Option<(usize, f64)> = None;
            let mut consider = |nb: usize, parent: &mut [usize]| {
                let rn = find(parent, nb);
                if rn != rc
                    && region_area[rn] > 0.0
                    && best.is_none_or(|(_, ba)| region_area[rn] > ba)
                {
                    best = Some((rn, region_area[rn]));
                }
            };
            if i > 0 {
                consider(c - 1, &mut parent);
            }
            if i + 1 < nx {
                consider(c + 1, &mut parent);
            }
            if j > 0 {
                consider(c - nx, &mut parent);
            }
            if j + 1 < ny {
                consider(c + nx, &mut parent);
            }
            if let Some((rn, _)) = best {
                parent[rc] = rn;
                region_area[rn] += a;
                region_area[rc] = 0.0;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut regions: Vec<(usize, Vec<usize>)> = Vec::new(); // (root, cells)
    for c in 0..n {
        let r = find(&mut parent, c);
        match regions.iter_mut().find(|(root, _)| *root == r) {
            Some((_, cs)) => cs.push(c),
            None => regions.push((r, vec![c])),
        }
    }
    regions.retain(|(root, _)| {
        let a = region_area[*root];
        if a > 0.0 && a < MIN_LOT_AREA {
            stats.dropped_tiny += 1;
        }
        a >= MIN_LOT_AREA
    });
    if regions.is_empty() {
        return Coverage::Nothing;
    }

    // which lots were supplied
    let mut keep: Vec<usize> = (0..regions.len()).collect();
    let mut coverage = Coverage::Full;
    if wanted == Coverage::Partial && regions.len() >= 2 {
        for i in (1..keep.len()).rev() {
            let j = rng.random_range(0..=i);
            keep.swap(i, j);
        }
        let q: f64 = rng.random_range(0.3..0.9);
        let m = ((q * regions.len() as f64).round() as usize).clamp(1, regions.len() - 1);
        keep.truncate(m);
        keep.sort_unstable();
        coverage = Coverage::Partial;
    }

    for &ri in &keep {
        let cs = &regions[ri].1;
        let cutter: MultiPolygon<f64> = if cs.len() == 1 {
            MultiPolygon::new(vec![cells[cs[0]].clone()])
        } else {
            unary_union(cs.iter().map(|&c| &cells[c]))
        };
        let piece = if cs.len() == 1 {
            pieces[cs[0]].clone()
        } else {
            appr.geometry.intersection(&cutter)
        };
        let Some(piece) = round_clean(&piece, MIN_LOT_AREA) else {
            stats.dropped_invalid += 1;
            continue;
        };
        let piece_area = piece.unsigned_area();
        stats.designed_supplied_m2 += piece_area;

        // ~5 %: the lot reaches 2–30 m beyond the approval edge
        let mut geometry = piece;
        let mut overhang = false;
        if rng.random_bool(0.055) {
            let d: f64 = rng.random_range(2.0..30.0);
            let grown = appr
                .geometry
                .buffer_with_style(BufferStyle::new(d).line_join(LineJoin::Bevel));
            if let Some(over) = round_clean(&grown.intersection(&cutter), MIN_LOT_AREA)
                && over.unsigned_area() - piece_area >= 10.0 * d
            {
                geometry = over;
                overhang = true;
            }
        }

        // ~60 %: digitising shift of 0.01–0.5 m; a sixth of those also get one vertex nudged
        let mut translated = false;
        let mut nudged = false;
        if rng.random_bool(0.6) {
            let (ux, uy) = random_unit(rng);
            let len: f64 = rng.random_range(0.01..=0.5);
            let (dx, dy) = (ux * len, uy * len);
            if let Some(moved) = map_round_clean(&geometry, MIN_LOT_AREA, |c| Coord {
                x: c.x + dx,
                y: c.y + dy,
            }) {
                geometry = moved;
                translated = true;
            }
            if translated && rng.random_bool(1.0 / 6.0) {
                for _ in 0..5 {
                    if let Some(g) = nudge_vertex(rng, &geometry) {
                        geometry = g;
                        nudged = true;
                        break;
                    }
                }
            }
        }

        let straddles = partners
            .iter()
            .copied()
            .filter(|&p| {
                approvals[p]
                    .geometry
                    .intersection(&geometry)
                    .unsigned_area()
                    > 1.0
            })
            .collect();
        out.push(CutSupply {
            geometry,
            approval: ai,
            straddles,
            translated,
            nudged,
            overhang,
        });
    }
    coverage
}

/// Moves one exterior vertex by up to 0.3 m; `None` if the result is not valid.
fn nudge_vertex<R: Rng>(rng: &mut R, mp: &MultiPolygon<f64>) -> Option<MultiPolygon<f64>> {
    let pi = rng.random_range(0..mp.0.len());
    let n = mp.0[pi].exterior().0.len() - 1; // closed ring
    let vi = rng.random_range(0..n);
    let (ux, uy) = random_unit(rng);
    let len: f64 = rng.random_range(0.02..=0.3);
    let mut out = mp.clone();
    out.0[pi].exterior_mut(|ext| {
        let c = &mut ext.0[vi];
        c.x = crate::shapes::round_mm(c.x + ux * len);
        c.y = crate::shapes::round_mm(c.y + uy * len);
        if vi == 0 {
            let first = ext.0[0];
            ext.0[n] = first;
        }
    });
    out.is_valid().then_some(out)
}
