//! Land use (三调 地类图斑 DLTB): the grid's cells merged into parcels — blocks of up to 3 × 3
//! cells (some L-shaped), road / river / ditch strips along the narrow columns and rows,
//! narrow cells off the strips joined to a neighbour — each given a 三调 class.
//!
//! Classes follow smooth fields: an urban score (a city and a few towns) and a hill score
//! (hills to the west and in patches), a random "flavour" per 1.5 km tile and per class group
//! so that classes come in clumps, and what the approvals and supplies say: a parcel whose
//! centre lies in a supply that was built on is mostly 05H1 / 0508 / 0601 / 0701, one in an
//! approval not built on mostly what was there before (farmland, forest, 1201, 0601). Class
//! multipliers are fitted (iterative proportional fitting on the expected areas) so that the
//! county's shares come close to [`CLASSES`]' targets.

use std::collections::BTreeMap;

use geo::{Area, Centroid, Intersects, MultiPolygon, Point, Polygon, Rect};
use rand::Rng;
use serde_json::{Map, Value};

use crate::grid::{BoxIndex, Grid, LineKind, Noise, bbox_of};
use crate::regions::REGIONS;
use crate::{FootprintGroup, SynthParcel};

/// Class groups sharing a tile flavour.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Farm,
    Garden,
    Forest,
    Urban,
    Industry,
    Village,
    Water,
}
const GROUPS: usize = 7;

/// A 三调 class: DLBM, DLMC, target share of the county's area, group.
pub(crate) struct Class {
    pub code: &'static str,
    pub name: &'static str,
    share: f64,
    group: Group,
}

const fn class(code: &'static str, name: &'static str, share: f64, group: Group) -> Class {
    Class {
        code,
        name,
        share,
        group,
    }
}

/// Every class the generator assigns, with its target share of the county's area (strips
/// included; normalised).
pub(crate) const CLASSES: [Class; 34] = [
    class("0101", "水田", 0.200, Group::Farm),
    class("0102", "水浇地", 0.032, Group::Farm),
    class("0103", "旱地", 0.050, Group::Farm),
    class("0201", "果园", 0.030, Group::Garden),
    class("0202", "茶园", 0.032, Group::Garden),
    class("0301", "乔木林地", 0.105, Group::Forest),
    class("0302", "竹林地", 0.055, Group::Forest),
    class("0303", "红树林地", 0.0008, Group::Forest),
    class("0305", "灌木林地", 0.022, Group::Forest),
    class("0307", "其他林地", 0.025, Group::Forest),
    class("0404", "其他草地", 0.020, Group::Forest),
    class("05H1", "商业服务业设施用地", 0.030, Group::Urban),
    class("0508", "物流仓储用地", 0.010, Group::Industry),
    class("0601", "工业用地", 0.080, Group::Industry),
    class("0701", "城镇住宅用地", 0.075, Group::Urban),
    class("0702", "农村宅基地", 0.052, Group::Village),
    class("08H1", "机关团体新闻出版用地", 0.005, Group::Urban),
    class("08H2", "科教文卫用地", 0.012, Group::Urban),
    class("0809", "公用设施用地", 0.006, Group::Urban),
    class("0810", "公园与绿地", 0.006, Group::Urban),
    class("0810A", "广场用地", 0.0008, Group::Urban),
    class("1003", "公路用地", 0.006, Group::Urban),
    class("1004", "城镇村道路用地", 0.015, Group::Urban),
    class("1006", "农村道路", 0.010, Group::Farm),
    class("1101", "河流水面", 0.015, Group::Water),
    class("1103", "水库水面", 0.005, Group::Forest),
    class("1104", "坑塘水面", 0.050, Group::Farm),
    class("1104A", "养殖坑塘", 0.004, Group::Farm),
    class("1107", "沟渠", 0.006, Group::Farm),
    class("1109", "水工建筑用地", 0.001, Group::Water),
    class("1201", "空闲地", 0.013, Group::Urban),
    class("1202", "设施农用地", 0.008, Group::Farm),
    class("1203", "田坎", 0.007, Group::Farm),
    class("1206", "裸土地", 0.005, Group::Village),
];

/// Codes that are not 三调 classes (a made-up one and old 二调 codes), with the DLMC written.
const UNKNOWN: [(&str, &str); 4] = [
    ("0199", "其他耕地"),
    ("011", "水田"),
    ("013", "旱地"),
    ("203", "村庄"),
];
/// Share of land parcels given an unknown code.
const P_UNKNOWN: f64 = 0.002;

fn class_index(code: &str) -> usize {
    CLASSES
        .iter()
        .position(|c| c.code == code)
        .expect("strip codes are classes")
}

/// Where a parcel's centre lies relative to the approvals and supplies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    Open,
    /// In an approval, not in a supply that was built on.
    Approved,
    /// In a supply built on (footprint group Built or StartedUndated).
    Built,
}

/// Shape of a class's base weight over the urban score `u` and the hill score `h`.
#[derive(Clone, Copy)]
enum Shape {
    Paddy,
    Plain,
    Dry,
    Orchard,
    Slope,
    Forest,
    Urban,
    Vacant,
    Industry,
    Village,
    River,
    Flat,
    StripOnly,
}

fn shape_of(code: &str) -> Shape {
    match code {
        "0101" => Shape::Paddy,
        "0102" | "1006" | "1104" | "1104A" | "1107" | "1202" => Shape::Plain,
        "0103" | "1203" => Shape::Dry,
        "0201" => Shape::Orchard,
        "0202" | "0404" => Shape::Slope,
        "0301" | "0302" | "0303" | "0305" | "0307" | "1103" => Shape::Forest,
        "05H1" | "0701" | "08H1" | "08H2" | "0809" | "0810" | "0810A" | "1004" => Shape::Urban,
        "1201" => Shape::Vacant,
        "0508" | "0601" => Shape::Industry,
        "0702" => Shape::Village,
        "1101" | "1109" => Shape::River,
        "1206" => Shape::Flat,
        _ => Shape::StripOnly, // 1003
    }
}

/// Base weight of a class of shape `s` at urban score `u` and hill score `h` (both 0..1).
fn base_weight(s: Shape, u: f64, h: f64) -> f64 {
    let (r, f) = (1.0 - u, 1.0 - h);
    let w = match s {
        Shape::Paddy => r * r * f * f,
        Shape::Plain => r * r * f,
        Shape::Dry => r * r * f * (0.3 + h),
        Shape::Orchard => r * r * (0.2 + 3.0 * h * f),
        Shape::Slope => r * r * h,
        Shape::Forest => r * r * r * h * h,
        Shape::Urban => u * u,
        Shape::Vacant => u + 0.05,
        Shape::Industry => 4.0 * u * r * (1.0 - 0.7 * h),
        Shape::Village => r * f * (0.3 + u),
        Shape::River => r * f + 0.05,
        Shape::Flat => 0.2,
        Shape::StripOnly => return 0.0,
    };
    w + 0.002
}

/// Multiplier of class `code` on a parcel at `site`.
fn site_factor(code: &str, site: Site) -> f64 {
    match site {
        Site::Open => 1.0,
        Site::Built => match code {
            "05H1" | "0508" | "0601" | "0701" => 40.0,
            "08H2" | "0809" | "1004" | "1201" => 10.0,
            _ => 0.2,
        },
        Site::Approved => match code {
            "0101" | "0102" | "0103" | "0301" | "0302" | "0305" | "0307" => 3.0,
            "1201" => 6.0,
            "0601" => 1.0,
            "0701" | "05H1" => 0.3,
            _ => 0.7,
        },
    }
}

/// Smooth urban and hill scores over the county.
pub(crate) struct Fields {
    city: (f64, f64, f64),
    towns: Vec<(f64, f64, f64)>,
    urban_noise: Noise,
    hill_noise: Noise,
    extent: Rect<f64>,
}

impl Fields {
    pub(crate) fn new<R: Rng>(rng: &mut R, extent: Rect<f64>) -> Self {
        let (x0, y0, side) = (extent.min().x, extent.min().y, extent.width());
        let city = (
            x0 + side * rng.random_range(0.45..0.75),
            y0 + side * rng.random_range(0.3..0.7),
            0.28 * side,
        );
        let towns = (0..4)
            .map(|_| {
                (
                    x0 + side * rng.random_range(0.05..0.95),
                    y0 + side * rng.random_range(0.05..0.95),
                    0.07 * side,
                )
            })
            .collect();
        Fields {
            city,
            towns,
            urban_noise: Noise::new(rng, extent, 2_000.0),
            hill_noise: Noise::new(rng, extent, 6_000.0),
            extent,
        }
    }

    /// (urban, hill) at (x, y).
    pub(crate) fn at(&self, x: f64, y: f64) -> (f64, f64) {
        let reach = |(cx, cy, r): (f64, f64, f64), k: f64| {
            let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).sqrt();
            k * (1.0 - d / r).max(0.0)
        };
        let mut u = reach(self.city, 1.0);
        for &t in &self.towns {
            u = u.max(reach(t, 0.7));
        }
        let u = (u + 0.15 * self.urban_noise.at(x, y)).clamp(0.0, 1.0);
        let sx = (x - self.extent.min().x) / self.extent.width();
        let h =
            (0.45 + 0.6 * self.hill_noise.at(x, y) + 0.4 * (0.5 - sx) - 0.6 * u).clamp(0.0, 1.0);
        (u, h)
    }
}

/// The parcels: which parcel every cell belongs to, and the cells of every parcel.
pub(crate) struct Parcels {
    pub of_cell: Vec<u32>,
    /// Per parcel: the strip kind, or `None` for land.
    pub strip: Vec<Option<LineKind>>,
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Parcels {
    pub(crate) fn len(&self) -> usize {
        self.strip.len()
    }

    pub(crate) fn cells(&self, p: usize) -> &[u32] {
        &self.list[self.start[p] as usize..self.start[p + 1] as usize]
    }
}

const NONE: u32 = u32::MAX;

/// Merges the cells into parcels; no parcel crosses a region boundary.
pub(crate) fn build_parcels<R: Rng>(rng: &mut R, grid: &Grid, labels: &[u8]) -> Parcels {
    let (nx, ny) = (grid.nx, grid.ny);
    let n = grid.cells();
    let mut of = vec![NONE; n];
    let mut strip: Vec<Option<LineKind>> = Vec::new();
    let owner = |c: usize| -> Option<usize> {
        let (i, j) = (c % nx, c / nx);
        let col = grid.col_line[i].filter(|&l| grid.lines[l].active(j));
        let row = grid.row_line[j].filter(|&l| grid.lines[l].active(i));
        match (col, row) {
            (Some(a), Some(b)) => {
                if grid.lines[b].kind.priority() > grid.lines[a].kind.priority() {
                    Some(b)
                } else {
                    Some(a)
                }
            }
            (a, b) => a.or(b),
        }
    };

    // strips: runs of owned cells along each line, cut at region changes and every 8–30 cells
    for (l, line) in grid.lines.iter().enumerate() {
        let along = if line.vertical { ny } else { nx };
        let mut cur: Option<(u32, u8, usize, usize)> = None; // parcel, label, length, cap
        for k in 0..along {
            let c = if line.vertical {
                k * nx + line.index
            } else {
                line.index * nx + k
            };
            if owner(c) != Some(l) {
                cur = None;
                continue;
            }
            match cur.as_mut() {
                Some((p, lab, len, cap)) if *lab == labels[c] && *len < *cap => {
                    of[c] = *p;
                    *len += 1;
                }
                _ => {
                    let p = strip.len() as u32;
                    strip.push(Some(line.kind));
                    of[c] = p;
                    cur = Some((p, labels[c], 1, rng.random_range(8..=30)));
                }
            }
        }
    }

    // blocks of wide cells, raster order
    let wide = |i: usize, j: usize| grid.col_line[i].is_none() && grid.row_line[j].is_none();
    let shapes: [((usize, usize), f64); 8] = [
        ((1, 1), 0.74),
        ((2, 1), 0.08),
        ((1, 2), 0.08),
        ((2, 2), 0.05),
        ((3, 1), 0.02),
        ((1, 3), 0.02),
        ((3, 2), 0.005),
        ((2, 3), 0.005),
    ];
    for j in 0..ny {
        for i in 0..nx {
            let c = j * nx + i;
            if of[c] != NONE || !wide(i, j) {
                continue;
            }
            let mut r: f64 = rng.random();
            let mut dims = (1, 1);
            for &(d, p) in &shapes {
                if r < p {
                    dims = d;
                    break;
                }
                r -= p;
            }
            let fits = |a: usize, b: usize, of: &[u32]| {
                i + a <= nx
                    && j + b <= ny
                    && (j..j + b).all(|jj| {
                        (i..i + a).all(|ii| {
                            let cc = jj * nx + ii;
                            wide(ii, jj) && of[cc] == NONE && labels[cc] == labels[c]
                        })
                    })
            };
            let (a, b) = [dims, (dims.0, 1), (1, dims.1), (1, 1)]
                .into_iter()
                .find(|&(a, b)| fits(a, b, &of))
                .expect("a free wide cell fits alone");
            let p = strip.len() as u32;
            strip.push(None);
            for jj in j..j + b {
                for ii in i..i + a {
                    of[jj * nx + ii] = p;
                }
            }
            if (a, b) == (2, 2) && rng.random_bool(0.3) {
                // L-shape: give back one of the upper cells
                let ii = if rng.random_bool(0.5) { i } else { i + 1 };
                of[(j + 1) * nx + ii] = NONE;
            }
        }
    }

    // narrow cells off the strips join a land neighbour across the line; crossings last
    let mut join = |rng: &mut R, of: &mut Vec<u32>, c: usize, across: &[Option<usize>]| {
        let cands: Vec<u32> = across
            .iter()
            .flatten()
            .filter(|&&d| labels[d] == labels[c])
            .map(|&d| of[d])
            .filter(|&p| p != NONE && strip[p as usize].is_none())
            .collect();
        of[c] = if cands.is_empty() {
            strip.push(None);
            (strip.len() - 1) as u32
        } else {
            cands[rng.random_range(0..cands.len())]
        };
    };
    for crossing in [false, true] {
        for j in 0..ny {
            for i in 0..nx {
                let c = j * nx + i;
                if of[c] != NONE {
                    continue;
                }
                let (col, row) = (grid.col_line[i].is_some(), grid.row_line[j].is_some());
                if (col && row) != crossing {
                    continue;
                }
                let left = (i > 0).then(|| c - 1);
                let right = (i + 1 < nx).then_some(c + 1);
                let down = (j > 0).then(|| c - nx);
                let up = (j + 1 < ny).then_some(c + nx);
                let across: Vec<Option<usize>> = if crossing {
                    vec![left, right, down, up]
                } else if col {
                    vec![left, right]
                } else if row {
                    vec![down, up]
                } else {
                    vec![] // a wide cell given back by an L-shape is taken by the raster pass
                };
                join(rng, &mut of, c, &across);
            }
        }
    }
    debug_assert!(of.iter().all(|&p| p != NONE));

    // renumber in raster order of first cell, and list the cells of each parcel
    let mut new_id = vec![NONE; strip.len()];
    let mut kinds = Vec::with_capacity(strip.len());
    for p in of.iter_mut() {
        if new_id[*p as usize] == NONE {
            new_id[*p as usize] = kinds.len() as u32;
            kinds.push(strip[*p as usize]);
        }
        *p = new_id[*p as usize];
    }
    let mut start = vec![0u32; kinds.len() + 1];
    for &p in &of {
        start[p as usize + 1] += 1;
    }
    for k in 0..kinds.len() {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut list = vec![0u32; n];
    for (c, &p) in of.iter().enumerate() {
        list[fill[p as usize] as usize] = c as u32;
        fill[p as usize] += 1;
    }
    Parcels {
        of_cell: of,
        strip: kinds,
        start,
        list,
    }
}

/// A land-use parcel as the other layers see it.
pub(crate) struct ParcelInfo {
    pub polygon: Polygon<f64>,
    pub area: f64,
    pub centre: (f64, f64),
    pub class: usize,
    /// DLBM when not a 三调 class.
    pub unknown: Option<usize>,
    pub urban: f64,
    pub hill: f64,
    pub site: Site,
    pub label: u8,
}

/// Counters of the land-use pass.
#[derive(Default)]
pub(crate) struct LanduseStats {
    pub merged: usize,
    pub strips: usize,
    pub unknown: usize,
    pub in_built: usize,
}

/// Traces the parcels, finds their sites and gives them classes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn classify<R: Rng>(
    rng: &mut R,
    grid: &Grid,
    parcels: &Parcels,
    labels: &[u8],
    extent: Rect<f64>,
    approvals: &[SynthParcel],
    supplies: &[SynthParcel],
    groups: &[FootprintGroup],
) -> (Vec<ParcelInfo>, LanduseStats) {
    let fields = Fields::new(rng, extent);
    let a_index = approval_index(extent, approvals);
    let built: Vec<usize> = (0..supplies.len())
        .filter(|&k| {
            matches!(
                groups.get(k),
                Some(FootprintGroup::Built | FootprintGroup::StartedUndated)
            )
        })
        .collect();
    let b_index = BoxIndex::new(
        extent,
        1_000.0,
        built
            .iter()
            .map(|&k| mp_box(&supplies[k].geometry))
            .collect(),
    );

    // tile flavours: per 1.5 km tile and class group, a multiplier 0.25–2.75
    const TILE: f64 = 1_500.0;
    let ntx = (extent.width() / TILE).ceil() as usize + 1;
    let nty = (extent.height() / TILE).ceil() as usize + 1;
    let flavour: Vec<f64> = (0..ntx * nty * GROUPS)
        .map(|_| {
            let r: f64 = rng.random();
            0.25 + 2.5 * r * r
        })
        .collect();
    let tile_of = |x: f64, y: f64| {
        let tx = (((x - extent.min().x) / TILE).floor().max(0.0) as usize).min(ntx - 1);
        let ty = (((y - extent.min().y) / TILE).floor().max(0.0) as usize).min(nty - 1);
        ty * ntx + tx
    };

    let mut stats = LanduseStats::default();
    let mut infos = Vec::with_capacity(parcels.len());
    for p in 0..parcels.len() {
        let cells = parcels.cells(p);
        let polygon = grid.polygon(cells, |c| parcels.of_cell[c] as usize == p);
        let area = polygon.unsigned_area();
        let centre = polygon
            .centroid()
            .map(|c| (c.x(), c.y()))
            .unwrap_or_else(|| grid.cell_centre(cells[0] as usize));
        let pt = Point::new(centre.0, centre.1);
        let q = [centre.0, centre.1, centre.0, centre.1];
        let in_built = b_index
            .query(q)
            .into_iter()
            .any(|k| supplies[built[k]].geometry.intersects(&pt));
        let site = if in_built {
            Site::Built
        } else if a_index
            .query(q)
            .into_iter()
            .any(|k| approvals[k].geometry.intersects(&pt))
        {
            Site::Approved
        } else {
            Site::Open
        };
        let (urban, hill) = fields.at(centre.0, centre.1);
        let class = match parcels.strip[p] {
            Some(kind) => class_index(kind.code()),
            None => usize::MAX,
        };
        if parcels.strip[p].is_some() {
            stats.strips += 1;
        } else if cells.len() > 1 {
            stats.merged += 1;
        }
        stats.in_built += usize::from(site == Site::Built);
        infos.push(ParcelInfo {
            polygon,
            area,
            centre,
            class,
            unknown: None,
            urban,
            hill,
            site,
            label: labels[cells[0] as usize],
        });
    }

    // fit class multipliers to the target areas of the land parcels
    let k_n = CLASSES.len();
    let total_share: f64 = CLASSES.iter().map(|c| c.share).sum();
    let county: f64 = infos.iter().map(|i| i.area).sum();
    let mut target: Vec<f64> = CLASSES
        .iter()
        .map(|c| c.share / total_share * county)
        .collect();
    for i in infos.iter().filter(|i| i.class != usize::MAX) {
        target[i.class] -= i.area;
    }
    let land: f64 = infos
        .iter()
        .filter(|i| i.class == usize::MAX)
        .map(|i| i.area)
        .sum();
    for t in target.iter_mut() {
        *t = t.max(0.0);
    }
    let sum_t: f64 = target.iter().sum();
    for t in target.iter_mut() {
        *t *= land / sum_t;
    }
    let shapes: Vec<Shape> = CLASSES.iter().map(|c| shape_of(c.code)).collect();
    let site_idx = |s: Site| match s {
        Site::Open => 0,
        Site::Approved => 1,
        Site::Built => 2,
    };
    let factors: Vec<[f64; 3]> = CLASSES
        .iter()
        .map(|c| [Site::Open, Site::Approved, Site::Built].map(|s| site_factor(c.code, s)))
        .collect();
    let weights = |info: &ParcelInfo, out: &mut Vec<f64>| {
        out.clear();
        let tile = tile_of(info.centre.0, info.centre.1) * GROUPS;
        let si = site_idx(info.site);
        for (k, c) in CLASSES.iter().enumerate() {
            out.push(
                base_weight(shapes[k], info.urban, info.hill)
                    * factors[k][si]
                    * flavour[tile + c.group as usize],
            );
        }
    };
    let mut mult = vec![1.0; k_n];
    let mut w = Vec::with_capacity(k_n);
    for _ in 0..8 {
        let mut expect = vec![0.0; k_n];
        for info in infos.iter().filter(|i| i.class == usize::MAX) {
            weights(info, &mut w);
            let s: f64 = w.iter().zip(&mult).map(|(a, b)| a * b).sum();
            for k in 0..k_n {
                expect[k] += info.area * w[k] * mult[k] / s;
            }
        }
        for k in 0..k_n {
            mult[k] = if expect[k] > 0.0 {
                mult[k] * target[k] / expect[k]
            } else {
                0.0
            };
        }
    }
    for info in infos.iter_mut().filter(|i| i.class == usize::MAX) {
        weights(info, &mut w);
        let s: f64 = w.iter().zip(&mult).map(|(a, b)| a * b).sum();
        let mut r = rng.random::<f64>() * s;
        let mut pick = k_n - 1;
        for k in 0..k_n {
            let x = w[k] * mult[k];
            if r < x {
                pick = k;
                break;
            }
            r -= x;
        }
        info.class = pick;
        if rng.random_bool(P_UNKNOWN) {
            info.unknown = Some(rng.random_range(0..UNKNOWN.len()));
            stats.unknown += 1;
        }
    }
    (infos, stats)
}

/// The DLTB features: BSM, TBBH, DLBM, DLMC, KCXS (KCDLBM), ZLDWDM.
pub(crate) fn features<R: Rng>(
    rng: &mut R,
    infos: Vec<ParcelInfo>,
    extent: Rect<f64>,
    emit: &mut dyn FnMut(SynthParcel),
) {
    // 坐落单位: towns of ~6 km and villages of ~1.5 km squares within each region, numbered
    // in order of their squares
    const TOWN: f64 = 6_000.0;
    const VILLAGE: f64 = 1_500.0;
    let sq = |v: f64, lo: f64, s: f64| ((v - lo) / s).floor().max(0.0) as u32;
    let keys: Vec<(u8, u32, u32, u32, u32)> = infos
        .iter()
        .map(|i| {
            let (x, y) = i.centre;
            let (x0, y0) = (extent.min().x, extent.min().y);
            (
                i.label,
                sq(y, y0, TOWN),
                sq(x, x0, TOWN),
                sq(y, y0, VILLAGE),
                sq(x, x0, VILLAGE),
            )
        })
        .collect();
    let mut towns: BTreeMap<(u8, u32, u32), u32> = BTreeMap::new();
    let mut villages: BTreeMap<(u8, u32, u32, u32, u32), u32> = BTreeMap::new();
    for k in &keys {
        towns.insert((k.0, k.1, k.2), 0);
        villages.insert(*k, 0);
    }
    let mut last = BTreeMap::new();
    for (k, v) in towns.iter_mut() {
        let n = last.entry(k.0).or_insert(0u32);
        *n += 1;
        *v = *n;
    }
    let mut last = BTreeMap::new();
    for (k, v) in villages.iter_mut() {
        let n = last.entry((k.0, k.1, k.2)).or_insert(0u32);
        *n += 1;
        *v = *n;
    }
    let mut bsm = [0u64; REGIONS.len()];
    let mut tbbh: BTreeMap<(u8, u32, u32, u32, u32), u32> = BTreeMap::new();
    for (info, key) in infos.into_iter().zip(&keys) {
        let region = REGIONS[info.label as usize].0;
        let code: u64 = region.parse().expect("numeric region code");
        bsm[info.label as usize] += 1;
        let serial = tbbh.entry(*key).or_insert(0);
        *serial += 1;
        let (dlbm, dlmc) = match info.unknown {
            Some(u) => UNKNOWN[u],
            None => (CLASSES[info.class].code, CLASSES[info.class].name),
        };
        let mut m = Map::new();
        m.insert(
            "BSM".into(),
            Value::from(code * 100_000_000 + bsm[info.label as usize]),
        );
        m.insert("TBBH".into(), Value::from(serial.to_string()));
        m.insert("DLBM".into(), Value::from(dlbm));
        m.insert("DLMC".into(), Value::from(dlmc));
        if info.unknown.is_none() && dlbm.starts_with("01") {
            let kcxs = if rng.random_bool(0.08) {
                0.0
            } else {
                let r: f64 = rng.random();
                0.03 + 0.07 * r + 0.05 * info.hill
            };
            let kcxs = (kcxs * 10_000.0).round() / 10_000.0;
            m.insert("KCXS".into(), Value::from(kcxs));
            if kcxs > 0.0 {
                m.insert("KCDLBM".into(), Value::from("1203"));
            }
        } else if rng.random_bool(0.7) {
            m.insert("KCXS".into(), Value::from(0.0));
        }
        let town = towns[&(key.0, key.1, key.2)];
        let village = villages[key];
        m.insert(
            "ZLDWDM".into(),
            Value::from(format!("{region}{:03}{village:03}0000000", 100 + town)),
        );
        emit(SynthParcel {
            geometry: MultiPolygon::new(vec![info.polygon]),
            properties: m,
        });
    }
}

/// Whether a parcel is cultivated land (耕地 0101–0103) under a known code.
pub(crate) fn is_farmland(info: &ParcelInfo) -> bool {
    info.unknown.is_none() && CLASSES[info.class].code.starts_with("01")
}

fn mp_box(g: &MultiPolygon<f64>) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in &g.0 {
        let q = bbox_of(p);
        b = [
            b[0].min(q[0]),
            b[1].min(q[1]),
            b[2].max(q[2]),
            b[3].max(q[3]),
        ];
    }
    b
}

/// A bucket index of the approvals' boxes.
pub(crate) fn approval_index(extent: Rect<f64>, approvals: &[SynthParcel]) -> BoxIndex {
    BoxIndex::new(
        extent,
        1_000.0,
        approvals.iter().map(|a| mp_box(&a.geometry)).collect(),
    )
}

/// Whether a parcel intersects an approval (by geometry).
pub(crate) fn touches_approval(
    info: &ParcelInfo,
    approvals: &[SynthParcel],
    index: &BoxIndex,
) -> bool {
    index
        .query(bbox_of(&info.polygon))
        .into_iter()
        .any(|k| approvals[k].geometry.intersects(&info.polygon))
}
