//! Regions (行政区 XZQ): which county-level district every grid cell belongs to.
//!
//! The west, middle and east thirds are 西湖区 / 滨江区 / 余杭区 (330106 / 330108 / 330110, the
//! codes the approvals and supplies carry), and a margin along the east edge, where the
//! generator places no approval, belongs to two county-level cities of another city, 慈溪市
//! (330282, north half) and 余姚市 (330281, south half), so that a roll-up by city (first four
//! digits + "00") gives 330100 and 330200. Boundaries follow grid lines; in each row they are
//! moved where needed (usually by a cell or two) so that every approval's centroid, and where
//! that does not conflict every supply's centroid, lies in the region its code names. The
//! margin gives way to every such centroid, which makes its inner edge ragged.

use geo::{Centroid, MultiPolygon};
use rand::Rng;
use serde_json::{Map, Value};

use crate::grid::{Grid, Noise};
use crate::{SynthParcel, attributes::CODES};

/// XZQDM and XZQMC of the regions, by label.
pub(crate) const REGIONS: [(&str, &str); 5] = [
    ("330106", "西湖区"),
    ("330108", "滨江区"),
    ("330110", "余杭区"),
    ("330282", "慈溪市"),
    ("330281", "余姚市"),
];

/// A parcel's centroid and the band (index into [`CODES`]) its attributes name.
struct Pin {
    cell: Option<usize>,
    band: usize,
}

fn pins<'a>(
    grid: &Grid,
    parcels: impl Iterator<Item = (&'a MultiPolygon<f64>, Option<usize>)>,
) -> Vec<Pin> {
    parcels
        .filter_map(|(g, band)| {
            let band = band?;
            let c = g.centroid()?;
            Some(Pin {
                cell: grid.locate(c.x(), c.y()),
                band,
            })
        })
        .collect()
}

/// The band index of a supply, from the district prefix of its DZJGH.
pub(crate) fn supply_band(p: &SynthParcel) -> Option<usize> {
    let id = p.properties.get("DZJGH")?.as_str()?;
    CODES.iter().position(|c| id.starts_with(c))
}

/// The band index of an approval, from its XZQDM.
pub(crate) fn approval_band(p: &SynthParcel) -> Option<usize> {
    let code = p.properties.get("XZQDM")?.as_str()?;
    CODES.iter().position(|c| *c == code)
}

/// Region labels per cell, and how many approvals / supplies end up in another region than
/// their code names.
pub(crate) struct Labels {
    pub of_cell: Vec<u8>,
    pub approvals_off: usize,
    pub supplies_off: usize,
}

/// The feasible range of boundary `k` (cells `< b` west of it) given the pins of one row.
fn bounds(row: &[(usize, usize)], k: usize) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = usize::MAX;
    for &(i, band) in row {
        if band <= k {
            lo = lo.max(i + 1);
        } else {
            hi = hi.min(i);
        }
    }
    (lo, hi)
}

pub(crate) fn label_cells<R: Rng>(
    rng: &mut R,
    grid: &Grid,
    approvals: &[SynthParcel],
    supplies: &[SynthParcel],
) -> Labels {
    let (nx, ny) = (grid.nx, grid.ny);
    let x0 = grid.corner(0, 0).x;
    let x1 = grid.corner(nx, 0).x;
    let y0 = grid.corner(0, 0).y;
    let y1 = grid.corner(0, ny).y;
    let extent = geo::Rect::new((x0, y0), (x1, y1));
    let width = x1 - x0;
    // margin width along the east edge: 1.2–3.2 % of the county's width, varying smoothly
    let noise = Noise::new(rng, extent, 3_000.0);
    let split = y0 + (y1 - y0) * rng.random_range(0.4..0.6);

    let a_pins = pins(
        grid,
        approvals.iter().map(|p| (&p.geometry, approval_band(p))),
    );
    let s_pins = pins(grid, supplies.iter().map(|p| (&p.geometry, supply_band(p))));
    let mut by_row_a: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ny];
    let mut by_row_s: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ny];
    for (pins, rows) in [(&a_pins, &mut by_row_a), (&s_pins, &mut by_row_s)] {
        for p in pins {
            if let Some(c) = p.cell {
                rows[c / nx].push((c % nx, p.band));
            }
        }
    }

    let mut of_cell = vec![0u8; nx * ny];
    for j in 0..ny {
        // nominal boundaries from cell centres: thirds, then the margin
        let (_, cy) = grid.cell_centre(j * nx);
        let margin = width * (0.022 + 0.01 * noise.at(x1, cy));
        let label_of = |i: usize| {
            let (cx, _) = grid.cell_centre(j * nx + i);
            let t = (cx - x0) / width;
            let band = ((t * 3.0).floor().max(0.0) as usize).min(2);
            if band == 2 && cx > x1 - margin {
                3
            } else {
                band
            }
        };
        let mut b = [nx; 3];
        for (k, bk) in b.iter_mut().enumerate() {
            *bk = (0..nx).find(|&i| label_of(i) > k).unwrap_or(nx);
        }
        // move each boundary into the range the pins allow: all pins, else the approvals'
        let mut both = by_row_a[j].clone();
        both.extend_from_slice(&by_row_s[j]);
        for (k, bk) in b.iter_mut().enumerate() {
            for pins in [&both, &by_row_a[j]] {
                let (lo, hi) = bounds(pins, k);
                if lo <= hi {
                    *bk = (*bk).clamp(lo, hi.min(nx));
                    break;
                }
            }
        }
        b[1] = b[1].max(b[0]);
        b[2] = b[2].max(b[1]);
        let margin_label = if cy >= split { 3 } else { 4 };
        for i in 0..nx {
            of_cell[j * nx + i] = if i < b[0] {
                0
            } else if i < b[1] {
                1
            } else if i < b[2] {
                2
            } else {
                margin_label
            };
        }
    }
    let off = |pins: &[Pin]| {
        pins.iter()
            .filter(|p| p.cell.is_none_or(|c| of_cell[c] as usize != p.band))
            .count()
    };
    Labels {
        approvals_off: off(&a_pins),
        supplies_off: off(&s_pins),
        of_cell,
    }
}

/// The region layer: one feature per region present, cells traced into (multi)polygons.
pub(crate) fn features(grid: &Grid, labels: &[u8]) -> Vec<SynthParcel> {
    let key: Vec<u32> = labels.iter().map(|&l| u32::from(l)).collect();
    let mut parts: Vec<Vec<geo::Polygon<f64>>> = vec![Vec::new(); REGIONS.len()];
    for comp in grid.components(&key) {
        let k = key[comp[0] as usize];
        parts[k as usize].push(grid.polygon(&comp, |c| key[c] == k));
    }
    parts
        .into_iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(k, polys)| {
            let mut m = Map::new();
            m.insert("XZQDM".into(), Value::from(REGIONS[k].0));
            m.insert("XZQMC".into(), Value::from(REGIONS[k].1));
            SynthParcel {
                geometry: MultiPolygon::new(polys),
                properties: m,
            }
        })
        .collect()
}
