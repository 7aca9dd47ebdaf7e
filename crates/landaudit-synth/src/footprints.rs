//! Footprints (动工/建设范围): construction detected on the ground on two survey dates, placed
//! per supply so that they agree with its attributes, plus village houses outside the supplies.
//!
//! Every supply is drawn in a local frame turned with its longest outline edge. Buildings and
//! hard-standing are axis-parallel rectangles there, kept [`INSET`] inside the land the supply
//! may use (its own land minus land it shares with another supply), so neighbouring lots that
//! overlap by a digitising sliver never see each other's construction. They are laid out
//! disjoint, so a supply's cover is the sum of their areas (the tests measure it independently
//! with boolean operations).

use crate::grid::BoxIndex;
use chrono::NaiveDate;
use geo::algorithm::buffer::{BufferStyle, LineJoin};
use geo::orient::{Direction, Orient};
use geo::{
    Area, BooleanOps, BoundingRect, Buffer, Coord, Distance, Euclidean, Intersects, LineString,
    MultiPolygon, Point, Polygon, Rect, Validation, unary_union,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

use crate::FootprintGroup;
use crate::attributes::{SupplyFacts, fmt_date};
use crate::layout::SpatialIndex;
use crate::shapes::{Frame, random_unit, round_clean, round_mm};

/// XORed into the survey seed to seed the footprint stream, so the other layers do not change.
pub(crate) const SEED_XOR: u64 = 0xF00D;

/// The earlier observation date (RQ).
pub(crate) fn earlier_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("valid date")
}
/// The later observation date (RQ): one year and two weeks after the earlier one.
pub(crate) fn later_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).expect("valid date")
}

/// Construction keeps this far inside the land it stands on (m); more than the largest
/// digitising overlap of neighbouring lots (0.5 m shift + 0.3 m vertex nudge).
const INSET: f64 = 1.5;
/// Share of not-started supplies started without a recorded date.
const P_UNDATED: f64 = 0.15;
/// Share of the other not-started supplies with a shed.
const P_SHED: f64 = 0.05;
/// Share of eligible started supplies (low development or investment, started before the
/// earlier date, no ZZRQ) that halted without a record.
const P_HALT_UNRECORDED: f64 = 0.25;
/// Chance that a building is moved across its parcel's edge.
const P_CROSS: f64 = 0.11;
/// Chance that a footprint is digitised twice in its snapshot.
const P_DUP: f64 = 0.02;
/// Clearance of a village from every approval and lot box (m); exceeds the largest overhang.
const VILLAGE_CLEARANCE: f64 = 45.0;

/// A footprint of one supply while it is being laid out.
struct Item {
    geometry: MultiPolygon<f64>,
    /// Bounding box in the supply's local frame.
    aabb: [f64; 4],
    /// Area inside the supply (m²).
    inside: f64,
    /// A rectangle that may be moved across the edge.
    movable: bool,
    crossed: bool,
}

/// A finished footprint feature before shuffling.
struct Feature {
    geometry: MultiPolygon<f64>,
    later: bool,
}

/// What the footprint pass produced.
pub(crate) struct Outcome {
    pub groups: Vec<FootprintGroup>,
    pub sharing_land: Vec<usize>,
    pub earlier: usize,
    pub later: usize,
    pub village: usize,
    pub edge_crossing: usize,
    pub duplicate_pairs: Vec<(usize, usize)>,
}

/// One supply as the footprint pass sees it.
pub(crate) struct SupplyRef<'a> {
    pub geometry: &'a MultiPolygon<f64>,
    pub facts: &'a SupplyFacts,
    /// The approval a cut lot came from (its siblings only overlap it by slivers).
    pub lot_of: Option<usize>,
}

fn bbox_of(mp: &MultiPolygon<f64>) -> [f64; 4] {
    match mp.bounding_rect() {
        Some(r) => [r.min().x, r.min().y, r.max().x, r.max().y],
        None => [0.0; 4],
    }
}

/// A supply's usable land in its local frame: rings as open point lists.
struct Local {
    frame: Frame,
    rings: Vec<Vec<[f64; 2]>>,
    bbox: [f64; 4],
}

impl Local {
    fn new(land: &MultiPolygon<f64>, frame: Frame) -> Self {
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut rings = Vec::new();
        for p in &land.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                let n = ring.0.len().saturating_sub(1);
                let pts: Vec<[f64; 2]> = ring.0[..n]
                    .iter()
                    .map(|&c| {
                        let (dx, dy) = (c.x - frame.cx, c.y - frame.cy);
                        [
                            dx * frame.cos + dy * frame.sin,
                            dy * frame.cos - dx * frame.sin,
                        ]
                    })
                    .collect();
                for q in &pts {
                    bbox[0] = bbox[0].min(q[0]);
                    bbox[1] = bbox[1].min(q[1]);
                    bbox[2] = bbox[2].max(q[0]);
                    bbox[3] = bbox[3].max(q[1]);
                }
                if pts.len() >= 3 {
                    rings.push(pts);
                }
            }
        }
        Local { frame, rings, bbox }
    }

    fn edges(&self) -> impl Iterator<Item = ([f64; 2], [f64; 2])> + '_ {
        self.rings
            .iter()
            .flat_map(|r| (0..r.len()).map(move |i| (r[i], r[(i + 1) % r.len()])))
    }

    /// Even-odd point-in-polygon over all rings.
    fn inside(&self, p: [f64; 2]) -> bool {
        let mut odd = false;
        for (a, b) in self.edges() {
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    odd = !odd;
                }
            }
        }
        odd
    }

    /// Whether the rectangle, grown by `margin`, lies inside the land without touching its
    /// outline.
    fn fits(&self, r: [f64; 4], margin: f64) -> bool {
        let e = [r[0] - margin, r[1] - margin, r[2] + margin, r[3] + margin];
        if e[0] < self.bbox[0] || e[1] < self.bbox[1] || e[2] > self.bbox[2] || e[3] > self.bbox[3]
        {
            return false;
        }
        if self.edges().any(|(a, b)| segment_meets_box(a, b, e)) {
            return false;
        }
        self.inside([(r[0] + r[2]) / 2.0, (r[1] + r[3]) / 2.0])
    }

    /// The outline point nearest to `p` and its distance.
    fn nearest(&self, p: [f64; 2]) -> Option<([f64; 2], f64)> {
        let mut best: Option<([f64; 2], f64)> = None;
        for (a, b) in self.edges() {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let q = [a[0] + t * dx, a[1] + t * dy];
            let d = ((q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1])).sqrt();
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((q, d));
            }
        }
        best
    }

    /// The rectangle as a world polygon, rounded to millimetres, counter-clockwise.
    fn world_rect(&self, r: [f64; 4]) -> MultiPolygon<f64> {
        let corner = |x: f64, y: f64| {
            let c = self.frame.to_world([x, y]);
            Coord {
                x: round_mm(c.x),
                y: round_mm(c.y),
            }
        };
        let ring = vec![
            corner(r[0], r[1]),
            corner(r[2], r[1]),
            corner(r[2], r[3]),
            corner(r[0], r[3]),
            corner(r[0], r[1]),
        ];
        MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
    }
}

/// Whether segment a–b meets the closed box (Liang–Barsky).
fn segment_meets_box(a: [f64; 2], b: [f64; 2], r: [f64; 4]) -> bool {
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for axis in 0..2 {
        let d = b[axis] - a[axis];
        let (lo, hi) = (r[axis], r[axis + 2]);
        if d == 0.0 {
            if a[axis] < lo || a[axis] > hi {
                return false;
            }
        } else {
            let (mut ta, mut tb) = ((lo - a[axis]) / d, (hi - a[axis]) / d);
            if ta > tb {
                std::mem::swap(&mut ta, &mut tb);
            }
            t0 = t0.max(ta);
            t1 = t1.min(tb);
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

/// A frame centred on the land's box, turned with the longest exterior edge of the parcel's
/// largest part.
fn parcel_frame(parcel: &MultiPolygon<f64>, land: &MultiPolygon<f64>) -> Frame {
    let b = bbox_of(land);
    let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
    let mut best = (0.0, 1.0, 0.0);
    if let Some(p) = parcel
        .0
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
    {
        for w in p.exterior().0.windows(2) {
            let (dx, dy) = (w[1].x - w[0].x, w[1].y - w[0].y);
            let len = (dx * dx + dy * dy).sqrt();
            if len > best.0 {
                best = (len, dx / len, dy / len);
            }
        }
    }
    Frame {
        cx,
        cy,
        cos: best.1,
        sin: best.2,
    }
}

fn overlaps_any(items: &[Item], r: [f64; 4], gap: f64) -> bool {
    let e = [r[0] - gap, r[1] - gap, r[2] + gap, r[3] + gap];
    items
        .iter()
        .any(|it| e[0] < it.aabb[2] && it.aabb[0] < e[2] && e[1] < it.aabb[3] && it.aabb[1] < e[3])
}

/// Tries random positions for a `w` × `h` rectangle; adds it when it fits.
fn place_random<R: Rng>(
    rng: &mut R,
    local: &Local,
    items: &mut Vec<Item>,
    w: f64,
    h: f64,
    gap: f64,
    attempts: usize,
) -> bool {
    let b = local.bbox;
    let (xs, ys) = (b[2] - b[0] - w - 2.0 * INSET, b[3] - b[1] - h - 2.0 * INSET);
    if xs <= 0.0 || ys <= 0.0 {
        return false;
    }
    for a in 0..attempts {
        // the first half of the attempts snap to a side of the land's box
        let mut x = b[0] + INSET + rng.random_range(0.0..xs);
        let mut y = b[1] + INSET + rng.random_range(0.0..ys);
        if a < attempts / 2 {
            if rng.random_bool(0.5) {
                x = if rng.random_bool(0.5) {
                    b[0] + INSET
                } else {
                    b[2] - INSET - w
                };
            } else {
                y = if rng.random_bool(0.5) {
                    b[1] + INSET
                } else {
                    b[3] - INSET - h
                };
            }
        }
        let r = [x, y, x + w, y + h];
        if !overlaps_any(items, r, gap) && local.fits(r, INSET) {
            items.push(Item {
                geometry: local.world_rect(r),
                aabb: r,
                inside: w * h,
                movable: true,
                crossed: false,
            });
            return true;
        }
    }
    false
}

/// Rows of `w` × `h` buildings `gap` apart, added row by row until `cover` reaches `target`
/// (m²) or the land is full, never taking `cover` beyond `cap`.
#[allow(clippy::too_many_arguments)]
fn grid_fill<R: Rng>(
    rng: &mut R,
    local: &Local,
    items: &mut Vec<Item>,
    cover: &mut f64,
    target: f64,
    cap: f64,
    w: f64,
    h: f64,
    gap: f64,
) {
    let b = local.bbox;
    let x0 = b[0] + INSET + rng.random_range(0.0..gap);
    let y0 = b[1] + INSET + rng.random_range(0.0..gap);
    let mut y = y0;
    while y + h <= b[3] - INSET && *cover < target {
        let mut x = x0;
        while x + w <= b[2] - INSET && *cover < target {
            let r = [x, y, x + w, y + h];
            if *cover + w * h <= cap && !overlaps_any(items, r, gap) && local.fits(r, INSET) {
                items.push(Item {
                    geometry: local.world_rect(r),
                    aabb: r,
                    inside: w * h,
                    movable: true,
                    crossed: false,
                });
                *cover += w * h;
            }
            x += w + gap;
        }
        y += h + gap;
    }
}

/// The land shrunk by `d` metres, rounded and cleaned; `None` when nothing is left.
fn shrunk(land: &MultiPolygon<f64>, d: f64) -> Option<MultiPolygon<f64>> {
    let inner = land.buffer_with_style(BufferStyle::new(-d).line_join(LineJoin::Bevel));
    round_clean(&inner, 1.0).map(|g| g.orient(Direction::Default))
}

/// Cover of construction laid out for one supply; buildings and hard-standing covering
/// `lo..hi` of `area`, at least `min` (fallback: the whole land shrunk by the inset).
#[allow(clippy::too_many_arguments)]
fn build_up<R: Rng>(
    rng: &mut R,
    local: &Local,
    land: &MultiPolygon<f64>,
    area: f64,
    lo: f64,
    hi: f64,
    min: f64,
    max: f64,
) -> Vec<Item> {
    let mut items = Vec::new();
    let target = rng.random_range(lo..hi) * area;
    let mut cover = 0.0;
    // hard-standing: a few larger rectangles carrying a good part of the cover
    if area >= 1_500.0 {
        let n = 1
            + usize::from(area > 10_000.0 && rng.random_bool(0.5))
            + usize::from(area > 30_000.0 && rng.random_bool(0.5));
        let share: f64 = rng.random_range(0.3..0.65);
        let each = target * share / n as f64;
        let (bw, bh) = (local.bbox[2] - local.bbox[0], local.bbox[3] - local.bbox[1]);
        for _ in 0..n {
            let aspect: f64 = rng.random_range(1.0..2.5);
            let mut w = (each * aspect).sqrt();
            let mut h = each / w;
            if rng.random_bool(0.5) {
                std::mem::swap(&mut w, &mut h);
            }
            for _ in 0..6 {
                let (ww, hh) = (w.min(0.9 * bw), h.min(0.9 * bh));
                if ww < 15.0 || hh < 15.0 {
                    break;
                }
                if place_random(rng, local, &mut items, ww, hh, 4.0, 25) {
                    cover += ww * hh;
                    break;
                }
                w *= 0.8;
                h *= 0.8;
            }
        }
    }
    // buildings in rows
    // building size grows with the parcel: 10–12 m on the smallest lots, up to 40 m
    let large = (area.sqrt() / 2.5).clamp(12.0, 40.0);
    let small = (area.sqrt() / 8.0).clamp(10.0, large);
    let w = rng.random_range(small..=large);
    let h = rng.random_range(small..=large);
    let gap = rng.random_range(3.0..8.0);
    grid_fill(
        rng,
        local,
        &mut items,
        &mut cover,
        target,
        max * area,
        w,
        h,
        gap,
    );
    if cover < min * area {
        // squeeze smaller buildings into what is left
        let w = rng.random_range(10.0..13.0);
        let h = rng.random_range(10.0..13.0);
        grid_fill(
            rng,
            local,
            &mut items,
            &mut cover,
            min * area * 1.05,
            max * area,
            w,
            h,
            2.5,
        );
        for _ in 0..20 {
            if cover >= min * area * 1.05 {
                break;
            }
            let w = rng.random_range(10.0..20.0);
            let h = rng.random_range(10.0..20.0);
            if cover + w * h <= max * area && place_random(rng, local, &mut items, w, h, 2.5, 30) {
                cover += w * h;
            }
        }
    }
    if cover < min * area || (cover < 0.95 * target && rng.random_bool(0.6)) {
        // a paved yard around the buildings (kept 2 m off them)
        let taken: Vec<MultiPolygon<f64>> = items
            .iter()
            .map(|it| {
                let a = it.aabb;
                local.world_rect([a[0] - 2.0, a[1] - 2.0, a[2] + 2.0, a[3] + 2.0])
            })
            .collect();
        let lo_add = min * area - cover;
        let hi_add = max * area - cover;
        let want = (target - cover).max(lo_add);
        if let Some(inner) = shrunk(land, INSET) {
            let yard = if taken.is_empty() {
                inner
            } else {
                inner.difference(&unary_union(taken.iter()))
            };
            if let Some(g) = pave(local, &yard, want, lo_add, hi_add) {
                cover += g.unsigned_area();
                items.push(paved(local, g));
            }
        }
    }
    if cover < min * area {
        // narrow or ragged land: pave what lies inside the inset (or just inside the largest
        // digitising overlap of a neighbour) instead
        items.clear();
        let want = target.max(min * area);
        if let Some(g) = [INSET, 0.9]
            .into_iter()
            .filter_map(|d| shrunk(land, d))
            .find_map(|inner| pave(local, &inner, want, min * area, max * area))
        {
            items.push(paved(local, g));
        }
    }
    items
}

/// A piece of `base` with an area in `lo..=hi`, as near `want` as a strip of the land cut
/// across its local x axis makes it; `None` when no strip fits.
fn pave(
    local: &Local,
    base: &MultiPolygon<f64>,
    want: f64,
    lo: f64,
    hi: f64,
) -> Option<MultiPolygon<f64>> {
    let full = base.unsigned_area();
    if full < lo {
        return None;
    }
    let b = local.bbox;
    let first = (want / full).clamp(0.05, 1.0);
    for t in [first, first * 1.25, first * 1.6, first * 0.8, 1.0] {
        let g = if t >= 1.0 {
            round_clean(base, 10.0)
        } else {
            let strip =
                local.world_rect([b[0] - 1.0, b[1] - 1.0, b[0] + t * (b[2] - b[0]), b[3] + 1.0]);
            round_clean(&base.intersection(&strip), 10.0)
        };
        if let Some(g) = g {
            let a = g.unsigned_area();
            if a >= lo && a <= hi {
                return Some(g.orient(Direction::Default));
            }
        }
    }
    None
}

/// A paved piece as an item (never moved).
fn paved(local: &Local, g: MultiPolygon<f64>) -> Item {
    Item {
        aabb: local_aabb(local, bbox_of(&g)),
        inside: g.unsigned_area(),
        geometry: g,
        movable: false,
        crossed: false,
    }
}

/// A conservative local box around a world box.
fn local_aabb(local: &Local, b: [f64; 4]) -> [f64; 4] {
    let mut out = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let f = local.frame;
    for (x, y) in [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])] {
        let (dx, dy) = (x - f.cx, y - f.cy);
        let p = [dx * f.cos + dy * f.sin, dy * f.cos - dx * f.sin];
        out[0] = out[0].min(p[0]);
        out[1] = out[1].min(p[1]);
        out[2] = out[2].max(p[0]);
        out[3] = out[3].max(p[1]);
    }
    out
}

/// One to three foundations covering `lo..hi` of `area`, never more than `max`.
fn foundations<R: Rng>(
    rng: &mut R,
    local: &Local,
    area: f64,
    lo: f64,
    hi: f64,
    max: f64,
) -> Vec<Item> {
    let mut items = Vec::new();
    let target = rng.random_range(lo..hi) * area;
    let n = rng.random_range(1..=3usize);
    let mut cover = 0.0;
    for k in 0..n {
        let each = (target - cover) / (n - k) as f64;
        let aspect: f64 = rng.random_range(1.0..2.0);
        let mut w = (each * aspect).sqrt();
        let mut h = each / w;
        for _ in 0..8 {
            if cover + w * h <= max * area
                && w >= 2.0
                && h >= 2.0
                && place_random(rng, local, &mut items, w, h, 3.0, 20)
            {
                cover += w * h;
                break;
            }
            w *= 0.85;
            h *= 0.85;
        }
    }
    items
}

/// Moves a building 1–5 m across the nearest edge of its land; `true` when it was moved.
#[allow(clippy::too_many_arguments)]
fn cross_edge<R: Rng>(
    rng: &mut R,
    k: usize,
    items: &mut [Item],
    local: &Local,
    parcel: &MultiPolygon<f64>,
    me: usize,
    supplies: &[SupplyRef<'_>],
    grid: &BoxIndex,
) -> Option<f64> {
    let r = items[k].aabb;
    let c = [(r[0] + r[2]) / 2.0, (r[1] + r[3]) / 2.0];
    let (q, d) = local.nearest(c)?;
    if d <= 0.0 {
        return None;
    }
    let u = [(q[0] - c[0]) / d, (q[1] - c[1]) / d];
    let reach = (r[2] - r[0]) / 2.0 * u[0].abs() + (r[3] - r[1]) / 2.0 * u[1].abs();
    let s: f64 = rng.random_range(1.0..5.0);
    let t = d - reach + s;
    let moved = [
        r[0] + u[0] * t,
        r[1] + u[1] * t,
        r[2] + u[0] * t,
        r[3] + u[1] * t,
    ];
    let g = local.world_rect(moved);
    if items.iter().enumerate().any(|(j, it)| {
        let a = it.aabb;
        j != k
            && moved[0] < a[2]
            && a[0] < moved[2]
            && moved[1] < a[3]
            && a[1] < moved[3]
            && (it.movable || it.geometry.intersects(&g))
    }) {
        return None;
    }
    let area = g.unsigned_area();
    let inside = g.intersection(parcel).unsigned_area();
    if inside < 0.3 * area || area - inside < 1.0 {
        return None;
    }
    let reach =
        g.0.iter()
            .flat_map(|p| p.exterior().0.iter())
            .map(|c| Euclidean.distance(&Point::from(*c), parcel))
            .fold(0.0, f64::max);
    if !(1.0..=5.0).contains(&reach) {
        return None;
    }
    let b = bbox_of(&g);
    if grid
        .query(b)
        .into_iter()
        .any(|j| j != me && supplies[j].geometry.intersects(&g))
    {
        return None;
    }
    let old = items[k].inside;
    items[k].geometry = g;
    items[k].aabb = moved;
    items[k].inside = inside;
    items[k].crossed = true;
    Some(old - inside)
}

/// Lays out the footprints of every supply and of the villages, in a stream of its own.
pub(crate) fn generate(
    seed: u64,
    supplies: &[SupplyRef<'_>],
    extent: Rect<f64>,
    index: &mut SpatialIndex,
    emit: &mut dyn FnMut(crate::SynthParcel),
) -> Outcome {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SEED_XOR);
    let (earlier, later) = (earlier_date(), later_date());
    let n = supplies.len();

    // land shared with another supply (re-supplies, lots of overlapping approvals, overhangs)
    let boxes: Vec<[f64; 4]> = supplies.iter().map(|s| bbox_of(s.geometry)).collect();
    let grid = BoxIndex::new(extent, 500.0, boxes.clone());
    let mut foreign: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in grid.query(boxes[i]) {
            if j <= i {
                continue;
            }
            let siblings =
                matches!((supplies[i].lot_of, supplies[j].lot_of), (Some(a), Some(b)) if a == b);
            if siblings {
                continue;
            }
            if supplies[i]
                .geometry
                .intersection(supplies[j].geometry)
                .unsigned_area()
                > 1.0
            {
                foreign[i].push(j);
                foreign[j].push(i);
            }
        }
    }
    let sharing_land: Vec<usize> = (0..n).filter(|&i| !foreign[i].is_empty()).collect();

    let mut groups = Vec::with_capacity(n);
    let mut features: Vec<Feature> = Vec::new();
    // per feature: may a shifted copy of it be added?
    let mut loose: Vec<bool> = Vec::new();
    let mut edge_crossing = 0;
    for (i, s) in supplies.iter().enumerate() {
        let f = s.facts;
        let group = if f.completed.is_some() {
            FootprintGroup::Built
        } else if f.halted.is_some() {
            FootprintGroup::Halted
        } else if let Some(st) = f.started {
            let low = f.developed_share.is_some_and(|d| d < 1.0 / 3.0) || f.invested_share < 0.25;
            if low && st < earlier && rng.random_bool(P_HALT_UNRECORDED) {
                FootprintGroup::HaltedUnrecorded
            } else {
                FootprintGroup::Built
            }
        } else {
            let r: f64 = rng.random();
            if r < P_UNDATED {
                FootprintGroup::StartedUndated
            } else if r < P_UNDATED + (1.0 - P_UNDATED) * P_SHED {
                FootprintGroup::Shed
            } else {
                FootprintGroup::NotStarted
            }
        };
        if group == FootprintGroup::NotStarted {
            groups.push(group);
            continue;
        }
        let area = s.geometry.unsigned_area();
        let land = if foreign[i].is_empty() {
            s.geometry.clone()
        } else {
            let others = unary_union(foreign[i].iter().map(|&j| supplies[j].geometry));
            s.geometry.difference(&others)
        };
        let local = Local::new(&land, parcel_frame(s.geometry, &land));
        let (mut items, min, max) = match group {
            FootprintGroup::Built => (
                build_up(&mut rng, &local, &land, area, 0.32, 0.95, 0.31, 1.0),
                0.31,
                1.0,
            ),
            FootprintGroup::StartedUndated => (
                build_up(&mut rng, &local, &land, area, 0.17, 0.78, 0.16, 0.8),
                0.16,
                1.0,
            ),
            FootprintGroup::Halted | FootprintGroup::HaltedUnrecorded => (
                foundations(&mut rng, &local, area, 0.04, 0.22, 0.24),
                0.035,
                0.25,
            ),
            _ => {
                // a shed under 4 % of the parcel
                let mut items = Vec::new();
                let side: f64 = rng.random_range(3.0..8.0);
                let aspect: f64 = rng.random_range(1.0..1.8);
                let (mut w, mut h) = (side * aspect, side);
                let cap = 0.04 * area;
                if w * h > cap {
                    let k = (cap / (w * h)).sqrt();
                    w *= k;
                    h *= k;
                }
                place_random(&mut rng, &local, &mut items, w, h, 0.0, 30);
                (items, 0.0, 0.05)
            }
        };
        if items.is_empty() && group == FootprintGroup::Shed {
            groups.push(FootprintGroup::NotStarted);
            continue;
        }
        if items.is_empty() && group == FootprintGroup::StartedUndated {
            groups.push(FootprintGroup::NotStarted);
            continue;
        }
        groups.push(group);

        // a few buildings pushed across the edge (never onto another supply)
        let mut cover: f64 = items.iter().map(|it| it.inside).sum();
        if group != FootprintGroup::Shed {
            for k in 0..items.len() {
                if !items[k].movable || !rng.random_bool(P_CROSS) {
                    continue;
                }
                let before = (items[k].geometry.clone(), items[k].aabb, items[k].inside);
                if let Some(lost) = cross_edge(
                    &mut rng, k, &mut items, &local, s.geometry, i, supplies, &grid,
                ) {
                    let now = cover - lost;
                    if now >= min * area && now <= max * area {
                        cover = now;
                    } else {
                        let it = &mut items[k];
                        (it.geometry, it.aabb, it.inside) = before;
                        it.crossed = false;
                    }
                }
            }
        }

        // the earlier snapshot: everything (no growth), nothing (started after it) or the
        // first rows, leaving at least 3 % of the parcel to grow
        let in_earlier = match group {
            FootprintGroup::Halted | FootprintGroup::HaltedUnrecorded | FootprintGroup::Shed => {
                items.len()
            }
            _ if f.started.is_some_and(|d| d > earlier) => 0,
            _ if f.completed.is_some_and(|d| d <= earlier) => items.len(),
            _ => {
                let r: f64 = match group {
                    FootprintGroup::Built => rng.random_range(0.2..0.9),
                    _ => rng.random_range(0.0..0.8),
                };
                let mut sum = 0.0;
                let mut k = 0;
                while k < items.len()
                    && sum < r * cover
                    && cover - (sum + items[k].inside) >= 0.03 * area
                {
                    sum += items[k].inside;
                    k += 1;
                }
                k
            }
        };
        let copies_ok = matches!(
            group,
            FootprintGroup::Built | FootprintGroup::StartedUndated
        );
        for (k, it) in items.into_iter().enumerate() {
            let crossed = it.crossed;
            let rect = it.movable;
            if k < in_earlier {
                features.push(Feature {
                    geometry: it.geometry.clone(),
                    later: false,
                });
                loose.push(false);
                edge_crossing += usize::from(crossed);
            }
            features.push(Feature {
                geometry: it.geometry,
                later: true,
            });
            loose.push(copies_ok && rect && !crossed);
            edge_crossing += usize::from(crossed);
        }
    }

    // villages: a tenth of all footprints, houses of 8–15 m well away from every parcel
    let wanted = features.len() / 9;
    let mut village = 0;
    let mut tries = 0;
    let (ex0, ey0, ex1, ey1) = (
        extent.min().x,
        extent.min().y,
        extent.max().x,
        extent.max().y,
    );
    while village < wanted && tries < 20_000 {
        tries += 1;
        let houses = rng.random_range(15..=60usize);
        let spacing: f64 = rng.random_range(18.0..26.0);
        let radius = spacing * (houses as f64 / 2.0).sqrt() + spacing;
        let (lo_x, hi_x) = (ex0 + 100.0 + radius, ex1 - 100.0 - radius);
        let (lo_y, hi_y) = (ey0 + 100.0 + radius, ey1 - 100.0 - radius);
        if lo_x >= hi_x || lo_y >= hi_y {
            break;
        }
        let (cx, cy) = (rng.random_range(lo_x..hi_x), rng.random_range(lo_y..hi_y));
        let bx = [cx - radius, cy - radius, cx + radius, cy + radius];
        if index.any_near(bx, VILLAGE_CLEARANCE, None) {
            continue;
        }
        index.insert(bx);
        let (cos, sin) = random_unit(&mut rng);
        let frame = Frame { cx, cy, cos, sin };
        let cells = (radius / spacing).floor() as i64;
        for j in -cells..=cells {
            for i in -cells..=cells {
                let (px, py) = (i as f64 * spacing, j as f64 * spacing);
                if px * px + py * py > (radius - spacing) * (radius - spacing)
                    || !rng.random_bool(0.7)
                {
                    continue;
                }
                let w: f64 = rng.random_range(8.0..15.0);
                let h: f64 = rng.random_range(8.0..15.0);
                let room_x = spacing - w - 2.0;
                let room_y = spacing - h - 2.0;
                let x = px - spacing / 2.0 + 1.0 + rng.random_range(0.0..room_x);
                let y = py - spacing / 2.0 + 1.0 + rng.random_range(0.0..room_y);
                let corner = |a: f64, b: f64| {
                    let c = frame.to_world([a, b]);
                    Coord {
                        x: round_mm(c.x),
                        y: round_mm(c.y),
                    }
                };
                let g = MultiPolygon::new(vec![Polygon::new(
                    LineString::new(vec![
                        corner(x, y),
                        corner(x + w, y),
                        corner(x + w, y + h),
                        corner(x, y + h),
                        corner(x, y),
                    ]),
                    vec![],
                )]);
                // 92 % seen on both dates, 6 % new, 2 % demolished
                let r: f64 = rng.random();
                let (first, second) = if r < 0.92 {
                    (true, true)
                } else if r < 0.98 {
                    (false, true)
                } else {
                    (true, false)
                };
                if first {
                    features.push(Feature {
                        geometry: g.clone(),
                        later: false,
                    });
                    loose.push(true);
                    village += 1;
                }
                if second {
                    features.push(Feature {
                        geometry: g,
                        later: true,
                    });
                    loose.push(true);
                    village += 1;
                }
            }
        }
    }
    let n_village = village;

    // ~2 % digitised twice in their snapshot: an exact copy, or one shifted by 0.05–0.3 m
    // (only where a little more cover changes no verdict)
    let base = features.len();
    let mut dup_pairs = Vec::new();
    for k in 0..base {
        if !rng.random_bool(P_DUP) {
            continue;
        }
        let mut g = features[k].geometry.clone();
        if loose[k] && (features[k].later || k >= base - n_village) && rng.random_bool(0.5) {
            let (ux, uy) = random_unit(&mut rng);
            let len: f64 = rng.random_range(0.05..0.3);
            let moved = MultiPolygon::new(
                g.0.iter()
                    .map(|p| {
                        let ring = p
                            .exterior()
                            .0
                            .iter()
                            .map(|c| Coord {
                                x: round_mm(c.x + ux * len),
                                y: round_mm(c.y + uy * len),
                            })
                            .collect();
                        Polygon::new(LineString::new(ring), vec![])
                    })
                    .collect(),
            );
            if moved.is_valid() {
                g = moved;
            }
        }
        dup_pairs.push((k, features.len()));
        let later = features[k].later;
        features.push(Feature { geometry: g, later });
    }

    // shuffled output, BSM numbered in file order
    let (perm, new_pos) = crate::shuffled_order(&mut rng, features.len());
    let mut slots: Vec<Option<Feature>> = features.into_iter().map(Some).collect();
    let mut n_earlier = 0;
    let mut n_later = 0;
    for (k, &p) in perm.iter().enumerate() {
        let f = slots[p].take().expect("each footprint moved once");
        let d = if f.later {
            n_later += 1;
            later
        } else {
            n_earlier += 1;
            earlier
        };
        // same share of slash and compact dates as the other layers
        let mut m = Map::new();
        m.insert("BSM".into(), Value::from(k as u64 + 1));
        m.insert("RQ".into(), Value::from(fmt_date(&mut rng, d)));
        emit(crate::SynthParcel {
            geometry: f.geometry,
            properties: m,
        });
    }
    Outcome {
        groups,
        sharing_land,
        earlier: n_earlier,
        later: n_later,
        village: n_village,
        edge_crossing,
        duplicate_pairs: dup_pairs
            .into_iter()
            .map(|(a, b)| (new_pos[a], new_pos[b]))
            .collect(),
    }
}
