//! Where things go: the county extent, a bucket grid of occupied boxes, and the placement of
//! approvals (apart from each other, or deliberately on top of an earlier one) and of lots
//! outside every approval.

use geo::{Area, BooleanOps, MultiPolygon, Rect, Validation, coord};
use rand::Rng;

use crate::shapes::{ApprovalKind, Frame, LocalShape, approval_shape, lot_shape};

/// Centre of the county in EPSG:4549 (easting, northing).
pub(crate) const CENTRE: (f64, f64) = (500_000.0, 3_340_000.0);
/// Half the side of the county square at scale 1 (a 40 km × 40 km square).
pub(crate) const HALF_SIDE: f64 = 20_000.0;
/// Nothing is placed closer than this to the county edge (m).
const EDGE_INSET: f64 = 100.0;
/// Minimum clearance between the bounding discs of two approvals (m).
pub(crate) const APPROVAL_CLEARANCE: f64 = 40.0;
/// Minimum clearance between a lot outside the approvals and anything else (m).
const LOT_CLEARANCE: f64 = 10.0;
/// Placement attempts per shape before it is shrunk.
const ATTEMPTS: usize = 400;

/// The county square for `scale`: side 40 km × sqrt(scale) centred on [`CENTRE`].
pub(crate) fn extent(scale: f64) -> Rect<f64> {
    let half = HALF_SIDE * scale.max(0.0).sqrt();
    Rect::new(
        coord! { x: CENTRE.0 - half, y: CENTRE.1 - half },
        coord! { x: CENTRE.0 + half, y: CENTRE.1 + half },
    )
}

/// Axis-aligned boxes in a uniform bucket grid, for "is anything near here" queries.
pub(crate) struct SpatialIndex {
    min_x: f64,
    min_y: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    buckets: Vec<Vec<usize>>,
    boxes: Vec<[f64; 4]>,
}

impl SpatialIndex {
    pub(crate) fn new(extent: Rect<f64>, cell: f64) -> Self {
        let nx = ((extent.width() / cell).ceil() as usize).max(1);
        let ny = ((extent.height() / cell).ceil() as usize).max(1);
        SpatialIndex {
            min_x: extent.min().x,
            min_y: extent.min().y,
            cell,
            nx,
            ny,
            buckets: vec![Vec::new(); nx * ny],
            boxes: Vec::new(),
        }
    }

    fn span(&self, b: [f64; 4]) -> (usize, usize, usize, usize) {
        let ix =
            |x: f64| (((x - self.min_x) / self.cell).floor().max(0.0) as usize).min(self.nx - 1);
        let iy =
            |y: f64| (((y - self.min_y) / self.cell).floor().max(0.0) as usize).min(self.ny - 1);
        (ix(b[0]), iy(b[1]), ix(b[2]), iy(b[3]))
    }

    /// Stores a box and returns its id (ids count up from 0).
    pub(crate) fn insert(&mut self, b: [f64; 4]) -> usize {
        let id = self.boxes.len();
        self.boxes.push(b);
        let (x0, y0, x1, y1) = self.span(b);
        for j in y0..=y1 {
            for i in x0..=x1 {
                self.buckets[j * self.nx + i].push(id);
            }
        }
        id
    }

    /// Whether a stored box other than `ignore` comes within `margin` of `b`.
    pub(crate) fn any_near(&self, b: [f64; 4], margin: f64, ignore: Option<usize>) -> bool {
        let q = [b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin];
        let (x0, y0, x1, y1) = self.span(q);
        for j in y0..=y1 {
            for i in x0..=x1 {
                for &id in &self.buckets[j * self.nx + i] {
                    if Some(id) == ignore {
                        continue;
                    }
                    let o = self.boxes[id];
                    if o[0] <= q[2] && q[0] <= o[2] && o[1] <= q[3] && q[1] <= o[3] {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// An approval's geometry and how it was made.
pub(crate) struct PlacedApproval {
    /// Millimetre-rounded, valid, counter-clockwise exteriors.
    pub geometry: MultiPolygon<f64>,
    /// Planar area of `geometry` (m²).
    pub area: f64,
    pub frame: Frame,
    /// Bounding box of the outline in the local frame.
    pub local_bounds: [f64; 4],
    pub kind: ApprovalKind,
    /// The earlier approval this one was placed on top of (re-approval of the same land).
    pub overlaps: Option<usize>,
    /// West / middle / east third of the county (0, 1, 2) by the centre's easting.
    pub band: usize,
}

/// Area of a new approval in m²: 1.05–19.95 ha, small ones more common.
fn approval_area<R: Rng>(rng: &mut R) -> f64 {
    let u: f64 = rng.random();
    (1.05 + 18.9 * u * u) * 10_000.0
}

fn band_of(extent: Rect<f64>, x: f64) -> usize {
    let t = (x - extent.min().x) / extent.width();
    ((t * 3.0).floor().max(0.0) as usize).min(2)
}

fn disc_box(cx: f64, cy: f64, r: f64) -> [f64; 4] {
    [cx - r, cy - r, cx + r, cy + r]
}

/// A random centre such that a disc of radius `r` stays [`EDGE_INSET`] inside the extent.
fn random_centre<R: Rng>(rng: &mut R, extent: Rect<f64>, r: f64) -> (f64, f64) {
    let pick = |rng: &mut R, lo: f64, hi: f64| {
        let (a, b) = (lo + EDGE_INSET + r, hi - EDGE_INSET - r);
        if a < b {
            rng.random_range(a..b)
        } else {
            (lo + hi) / 2.0
        }
    };
    let x = pick(rng, extent.min().x, extent.max().x);
    let y = pick(rng, extent.min().y, extent.max().y);
    (x, y)
}

/// Places `n` approvals: ~3 % on top of an earlier one, the rest apart from each other.
pub(crate) fn place_approvals<R: Rng>(
    rng: &mut R,
    n: usize,
    extent: Rect<f64>,
    index: &mut SpatialIndex,
) -> Vec<PlacedApproval> {
    let mut out: Vec<PlacedApproval> = Vec::with_capacity(n);
    let mut targeted: Vec<bool> = Vec::with_capacity(n);
    for i in 0..n {
        if i >= 5
            && rng.random_bool(0.03)
            && let Some(a) = place_overlapping(rng, &out, &targeted, extent, index)
        {
            let t = a.overlaps.expect("overlapping approval has a target");
            targeted[t] = true;
            index.insert(disc_box(a.frame.cx, a.frame.cy, radius_of(&a)));
            out.push(a);
            targeted.push(true); // never overlap an overlapping approval again
            continue;
        }
        let r: f64 = rng.random();
        let kind = if r < 0.08 {
            ApprovalKind::TwoParts
        } else if r < 0.16 {
            ApprovalKind::Holed
        } else {
            ApprovalKind::Simple
        };
        let mut area = approval_area(rng);
        'shrink: for _ in 0..8 {
            for _ in 0..ATTEMPTS {
                let shape = approval_shape(rng, kind, area);
                let radius = shape.radius();
                let (cx, cy) = random_centre(rng, extent, radius);
                let bx = disc_box(cx, cy, radius);
                if index.any_near(bx, APPROVAL_CLEARANCE, None) {
                    continue;
                }
                let frame = Frame::random(rng, cx, cy);
                if let Some(a) = finish(&shape, frame, kind, None, extent) {
                    index.insert(bx);
                    out.push(a);
                    targeted.push(false);
                    break 'shrink;
                }
            }
            area = (area * 0.7).max(10_500.0);
        }
    }
    out
}

fn radius_of(a: &PlacedApproval) -> f64 {
    let b = a.local_bounds;
    let rx = b[0].abs().max(b[2].abs());
    let ry = b[1].abs().max(b[3].abs());
    (rx * rx + ry * ry).sqrt()
}

/// Builds the world geometry and checks it: valid, 1–20 ha.
fn finish(
    shape: &LocalShape,
    frame: Frame,
    kind: ApprovalKind,
    overlaps: Option<usize>,
    extent: Rect<f64>,
) -> Option<PlacedApproval> {
    let geometry = shape.to_world(frame);
    if !geometry.is_valid() {
        return None;
    }
    let area = geometry.unsigned_area();
    if !(10_000.0..=200_000.0).contains(&area) {
        return None;
    }
    Some(PlacedApproval {
        geometry,
        area,
        frame,
        local_bounds: shape.bounds(),
        kind,
        overlaps,
        band: band_of(extent, frame.cx),
    })
}

/// Tries to place a simple approval partly on top of a random earlier, not yet overlapped one,
/// clear of every other approval. Overlap is 5–80 % of the smaller of the two.
fn place_overlapping<R: Rng>(
    rng: &mut R,
    placed: &[PlacedApproval],
    targeted: &[bool],
    extent: Rect<f64>,
    index: &SpatialIndex,
) -> Option<PlacedApproval> {
    let candidates: Vec<usize> = (0..placed.len()).filter(|&i| !targeted[i]).collect();
    if candidates.is_empty() {
        return None;
    }
    let t = candidates[rng.random_range(0..candidates.len())];
    let target = &placed[t];
    let rt = radius_of(target);
    for _ in 0..30 {
        let area = approval_area(rng).min(target.area * 1.5).max(10_500.0);
        let shape = approval_shape(rng, ApprovalKind::Simple, area);
        let r = shape.radius();
        let (ux, uy) = crate::shapes::random_unit(rng);
        let d = rng.random_range(0.3..0.7) * (rt + r);
        let (cx, cy) = (target.frame.cx + ux * d, target.frame.cy + uy * d);
        let bx = disc_box(cx, cy, r);
        let inside = bx[0] >= extent.min().x + EDGE_INSET
            && bx[1] >= extent.min().y + EDGE_INSET
            && bx[2] <= extent.max().x - EDGE_INSET
            && bx[3] <= extent.max().y - EDGE_INSET;
        if !inside || index.any_near(bx, APPROVAL_CLEARANCE, Some(t)) {
            continue;
        }
        let frame = Frame::random(rng, cx, cy);
        let Some(a) = finish(&shape, frame, ApprovalKind::Simple, Some(t), extent) else {
            continue;
        };
        let shared = a.geometry.intersection(&target.geometry).unsigned_area();
        let smaller = a.area.min(target.area);
        if shared >= 0.05 * smaller && shared <= 0.8 * smaller {
            return Some(a);
        }
    }
    None
}

/// A lot outside every approval (0.2–5 ha), or `None` when no free space was found.
pub(crate) fn place_lot<R: Rng>(
    rng: &mut R,
    extent: Rect<f64>,
    index: &mut SpatialIndex,
) -> Option<(MultiPolygon<f64>, usize)> {
    for _ in 0..ATTEMPTS {
        let u: f64 = rng.random();
        let area = (0.21 + 4.75 * u * u) * 10_000.0;
        let shape = lot_shape(rng, area);
        let r = shape.radius();
        let (cx, cy) = random_centre(rng, extent, r);
        let bx = disc_box(cx, cy, r);
        if index.any_near(bx, LOT_CLEARANCE, None) {
            continue;
        }
        let frame = Frame::random(rng, cx, cy);
        let geometry = shape.to_world(frame);
        if !geometry.is_valid() {
            continue;
        }
        index.insert(bx);
        return Some((geometry, band_of(extent, cx)));
    }
    None
}
