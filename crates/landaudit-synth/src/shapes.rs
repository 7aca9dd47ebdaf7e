//! Polygon construction: jittered quadrilaterals in a local frame, rotation into the county,
//! millimetre rounding and small geometric helpers.
//!
//! Only IEEE-exact arithmetic (`+ - * /`, `sqrt`) is used on coordinates, never `sin`/`cos`/`exp`,
//! so the output does not depend on the platform's libm.

use geo::{Area, Coord, LineString, MultiPolygon, Polygon, Validation};
use rand::Rng;

/// A point in a shape's local frame (metres, origin at the shape's centre).
pub(crate) type Pt = [f64; 2];

/// Rounds a coordinate to millimetres (3 decimals).
pub(crate) fn round_mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A random unit vector, drawn by rejection from the unit disc (no trigonometry).
pub(crate) fn random_unit<R: Rng>(rng: &mut R) -> (f64, f64) {
    loop {
        let x: f64 = rng.random_range(-1.0..1.0);
        let y: f64 = rng.random_range(-1.0..1.0);
        let r2 = x * x + y * y;
        if r2 > 0.04 && r2 <= 1.0 {
            let r = r2.sqrt();
            return (x / r, y / r);
        }
    }
}

/// Placement of a local shape in the county: rotation (cos, sin) then translation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    pub cx: f64,
    pub cy: f64,
    pub cos: f64,
    pub sin: f64,
}

impl Frame {
    /// A frame centred at (cx, cy) with a random rotation.
    pub(crate) fn random<R: Rng>(rng: &mut R, cx: f64, cy: f64) -> Self {
        let (cos, sin) = random_unit(rng);
        Frame { cx, cy, cos, sin }
    }

    /// Local to world coordinates (not rounded).
    pub(crate) fn to_world(self, p: Pt) -> Coord<f64> {
        Coord {
            x: self.cx + p[0] * self.cos - p[1] * self.sin,
            y: self.cy + p[0] * self.sin + p[1] * self.cos,
        }
    }
}

/// Twice the signed area of an open ring (positive when counter-clockwise).
fn ring_area2(ring: &[Pt]) -> f64 {
    let n = ring.len();
    let mut s = 0.0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        s += a[0] * b[1] - b[0] * a[1];
    }
    s
}

/// Unsigned area of an open ring.
pub(crate) fn ring_area(ring: &[Pt]) -> f64 {
    ring_area2(ring).abs() / 2.0
}

/// One polygon in a local frame: open rings, exterior counter-clockwise, holes clockwise.
#[derive(Clone, Debug)]
pub(crate) struct LocalPart {
    pub exterior: Vec<Pt>,
    pub holes: Vec<Vec<Pt>>,
}

/// A (multi)polygon in a local frame.
#[derive(Clone, Debug)]
pub(crate) struct LocalShape {
    pub parts: Vec<LocalPart>,
}

impl LocalShape {
    /// Area of the exteriors minus the holes.
    pub(crate) fn net_area(&self) -> f64 {
        self.parts
            .iter()
            .map(|p| ring_area(&p.exterior) - p.holes.iter().map(|h| ring_area(h)).sum::<f64>())
            .sum()
    }

    /// Scales every coordinate about the local origin.
    pub(crate) fn scale(&mut self, k: f64) {
        for part in &mut self.parts {
            for p in part
                .exterior
                .iter_mut()
                .chain(part.holes.iter_mut().flatten())
            {
                p[0] *= k;
                p[1] *= k;
            }
        }
    }

    /// Local bounding box `[min_x, min_y, max_x, max_y]`.
    pub(crate) fn bounds(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in self.parts.iter().flat_map(|p| p.exterior.iter()) {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        b
    }

    /// Largest distance of a vertex from the local origin: the shape lies in a disc of this
    /// radius whatever the rotation.
    pub(crate) fn radius(&self) -> f64 {
        self.parts
            .iter()
            .flat_map(|p| p.exterior.iter())
            .map(|p| (p[0] * p[0] + p[1] * p[1]).sqrt())
            .fold(0.0, f64::max)
    }

    /// The shape placed in the county, coordinates rounded to millimetres.
    pub(crate) fn to_world(&self, frame: Frame) -> MultiPolygon<f64> {
        let ring = |r: &[Pt]| -> LineString<f64> {
            let mut cs: Vec<Coord<f64>> = r
                .iter()
                .map(|&p| {
                    let c = frame.to_world(p);
                    Coord {
                        x: round_mm(c.x),
                        y: round_mm(c.y),
                    }
                })
                .collect();
            cs.dedup();
            LineString::new(cs)
        };
        MultiPolygon::new(
            self.parts
                .iter()
                .map(|p| Polygon::new(ring(&p.exterior), p.holes.iter().map(|h| ring(h)).collect()))
                .collect(),
        )
    }
}

/// A counter-clockwise open ring: a `w` × `h` rectangle centred at the origin whose corners are
/// moved by up to `corner_jitter` × min(w, h) and with `n_vertices - 4` extra vertices on its
/// edges, each pushed off the edge by up to `edge_offset` × min(w, h).
///
/// Every vertex stays within (w/2 + (corner_jitter + edge_offset) min(w,h)) of the centre in x
/// (same for y), and the ring is simple: corners stay near 90°, and the extra vertices of an
/// edge are strictly ordered along it, away from its ends.
pub(crate) fn jittered_ring<R: Rng>(
    rng: &mut R,
    w: f64,
    h: f64,
    n_vertices: usize,
    corner_jitter: f64,
    edge_offset: f64,
) -> Vec<Pt> {
    let m = w.min(h);
    let j = corner_jitter * m;
    let mut jit = |v: f64| {
        v + if j > 0.0 {
            rng.random_range(-j..=j)
        } else {
            0.0
        }
    };
    let corners = [
        [jit(-w / 2.0), jit(-h / 2.0)],
        [jit(w / 2.0), jit(-h / 2.0)],
        [jit(w / 2.0), jit(h / 2.0)],
        [jit(-w / 2.0), jit(h / 2.0)],
    ];
    let mut per_edge = [0usize; 4];
    for _ in 4..n_vertices.max(4) {
        per_edge[rng.random_range(0..4)] += 1;
    }
    let mut ring = Vec::with_capacity(n_vertices.max(4));
    for e in 0..4 {
        let a = corners[e];
        let b = corners[(e + 1) % 4];
        ring.push(a);
        let k = per_edge[e];
        if k == 0 {
            continue;
        }
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        // left normal of a counter-clockwise ring points inwards
        let (nx, ny) = (-dy / len, dx / len);
        let slot = 0.8 / k as f64;
        let max_off = (edge_offset * m).min(0.25 * slot * len);
        for s in 0..k {
            let t = 0.1 + slot * (s as f64 + rng.random_range(0.2..0.8));
            let off = if max_off > 0.0 {
                rng.random_range(-max_off..=max_off)
            } else {
                0.0
            };
            ring.push([a[0] + t * dx + off * nx, a[1] + t * dy + off * ny]);
        }
    }
    ring
}

/// Width and height of a rectangle of area `area` with a random aspect ratio in [1, max_aspect].
pub(crate) fn random_dims<R: Rng>(rng: &mut R, area: f64, max_aspect: f64) -> (f64, f64) {
    let aspect: f64 = rng.random_range(1.0..=max_aspect);
    let w = (area * aspect).sqrt();
    (w, area / w)
}

/// The three kinds of approval polygon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApprovalKind {
    /// One polygon, no hole.
    Simple,
    /// One polygon with one interior hole of 2–15 % of the exterior's area.
    Holed,
    /// Two separate, non-touching polygons.
    TwoParts,
}

/// Corner jitter and edge offset of approval outlines (fractions of the short side).
const APPROVAL_CORNER_JITTER: f64 = 0.10;
const APPROVAL_EDGE_OFFSET: f64 = 0.03;

/// An approval outline of net area `area` m² (exactly, before rounding) in a local frame.
pub(crate) fn approval_shape<R: Rng>(rng: &mut R, kind: ApprovalKind, area: f64) -> LocalShape {
    let outline = |rng: &mut R, a: f64| -> (Vec<Pt>, f64, f64) {
        let (w, h) = random_dims(rng, a, 2.5);
        let n = rng.random_range(8..=20);
        (
            jittered_ring(rng, w, h, n, APPROVAL_CORNER_JITTER, APPROVAL_EDGE_OFFSET),
            w,
            h,
        )
    };
    let mut shape = match kind {
        ApprovalKind::Simple => {
            let (exterior, _, _) = outline(rng, area);
            LocalShape {
                parts: vec![LocalPart {
                    exterior,
                    holes: vec![],
                }],
            }
        }
        ApprovalKind::Holed => {
            let (exterior, w, h) = outline(rng, area);
            let ext_area = ring_area(&exterior);
            let frac: f64 = rng.random_range(0.03..0.13);
            let s = frac.sqrt();
            let n = rng.random_range(4..=6);
            let mut hole = jittered_ring(rng, s * w, s * h, n, 0.05, 0.0);
            // exact hole area
            let k = (frac * ext_area / ring_area(&hole)).sqrt();
            for p in &mut hole {
                p[0] *= k;
                p[1] *= k;
            }
            let hb = bounds_of(&hole);
            // keep at least 10 % of the short side between the hole and the outline
            let m = w.min(h);
            let slack = |half: f64, lo: f64, hi: f64| -> f64 {
                (half
                    - (APPROVAL_CORNER_JITTER + APPROVAL_EDGE_OFFSET + 0.1) * m
                    - lo.abs().max(hi))
                .max(0.0)
            };
            let sx = slack(w / 2.0, hb[0], hb[2]);
            let sy = slack(h / 2.0, hb[1], hb[3]);
            let ox = if sx > 0.0 {
                rng.random_range(-sx..=sx) * 0.8
            } else {
                0.0
            };
            let oy = if sy > 0.0 {
                rng.random_range(-sy..=sy) * 0.8
            } else {
                0.0
            };
            for p in &mut hole {
                p[0] += ox;
                p[1] += oy;
            }
            hole.reverse(); // clockwise
            LocalShape {
                parts: vec![LocalPart {
                    exterior,
                    holes: vec![hole],
                }],
            }
        }
        ApprovalKind::TwoParts => {
            let share: f64 = rng.random_range(0.55..0.8);
            let (mut a, w1, h1) = outline(rng, area * share);
            let (mut b, w2, h2) = outline(rng, area * (1.0 - share));
            let reach = APPROVAL_CORNER_JITTER + APPROVAL_EDGE_OFFSET;
            let gap: f64 = rng.random_range(10.0..60.0);
            let dx = w1 / 2.0 + reach * w1.min(h1) + gap + w2 / 2.0 + reach * w2.min(h2);
            let dy = rng.random_range(-0.25..=0.25) * h1;
            for p in &mut b {
                p[0] += dx;
                p[1] += dy;
            }
            // centre the pair on the origin
            let (mx, my) = (dx / 2.0, dy / 2.0);
            for p in a.iter_mut().chain(b.iter_mut()) {
                p[0] -= mx;
                p[1] -= my;
            }
            LocalShape {
                parts: vec![
                    LocalPart {
                        exterior: a,
                        holes: vec![],
                    },
                    LocalPart {
                        exterior: b,
                        holes: vec![],
                    },
                ],
            }
        }
    };
    let k = (area / shape.net_area()).sqrt();
    shape.scale(k);
    shape
}

/// A plain lot outline (4–8 vertices) of area `area` m², for supplies outside every approval.
pub(crate) fn lot_shape<R: Rng>(rng: &mut R, area: f64) -> LocalShape {
    let (w, h) = random_dims(rng, area, 2.0);
    let n = rng.random_range(4..=8);
    let exterior = jittered_ring(rng, w, h, n, 0.06, 0.02);
    let mut shape = LocalShape {
        parts: vec![LocalPart {
            exterior,
            holes: vec![],
        }],
    };
    let k = (area / shape.net_area()).sqrt();
    shape.scale(k);
    shape
}

fn bounds_of(ring: &[Pt]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in ring {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

/// Applies `f` to every coordinate, rounds to millimetres, drops repeated vertices and parts
/// (or holes) smaller than `min_part_area` m². Returns `None` when nothing valid is left.
pub(crate) fn map_round_clean(
    mp: &MultiPolygon<f64>,
    min_part_area: f64,
    mut f: impl FnMut(Coord<f64>) -> Coord<f64>,
) -> Option<MultiPolygon<f64>> {
    let mut ring = |ls: &LineString<f64>| -> LineString<f64> {
        let mut cs: Vec<Coord<f64>> =
            ls.0.iter()
                .map(|&c| {
                    let c = f(c);
                    Coord {
                        x: round_mm(c.x),
                        y: round_mm(c.y),
                    }
                })
                .collect();
        cs.dedup();
        LineString::new(cs)
    };
    let mut parts = Vec::with_capacity(mp.0.len());
    for p in &mp.0 {
        let ext = ring(p.exterior());
        let holes: Vec<LineString<f64>> = p
            .interiors()
            .iter()
            .map(&mut ring)
            .filter(|h| h.0.len() >= 4 && Polygon::new(h.clone(), vec![]).unsigned_area() >= 1.0)
            .collect();
        if ext.0.len() < 4 {
            continue;
        }
        let poly = Polygon::new(ext, holes);
        if poly.unsigned_area() >= min_part_area {
            parts.push(poly);
        }
    }
    let out = MultiPolygon::new(parts);
    (!out.0.is_empty() && out.is_valid()).then_some(out)
}

/// Rounds to millimetres and cleans (see [`map_round_clean`]) without moving anything.
pub(crate) fn round_clean(mp: &MultiPolygon<f64>, min_part_area: f64) -> Option<MultiPolygon<f64>> {
    map_round_clean(mp, min_part_area, |c| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Winding;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn approval_shapes_are_valid_with_exact_area() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for i in 0..600 {
            let kind = [
                ApprovalKind::Simple,
                ApprovalKind::Holed,
                ApprovalKind::TwoParts,
            ][i % 3];
            let area = rng.random_range(10_000.0..200_000.0);
            let shape = approval_shape(&mut rng, kind, area);
            assert!((shape.net_area() - area).abs() < 1e-6 * area);
            let frame = Frame::random(&mut rng, 500_000.0, 3_340_000.0);
            let mp = shape.to_world(frame);
            assert!(mp.is_valid(), "{kind:?} {:?}", mp.validation_errors());
            assert!((mp.unsigned_area() - area).abs() < 1e-3 * area);
            for p in &mp.0 {
                assert!(p.exterior().is_ccw());
                for h in p.interiors() {
                    assert!(h.is_cw());
                }
            }
            match kind {
                ApprovalKind::Simple => assert_eq!((mp.0.len(), mp.0[0].interiors().len()), (1, 0)),
                ApprovalKind::Holed => {
                    assert_eq!((mp.0.len(), mp.0[0].interiors().len()), (1, 1));
                    let ext = Polygon::new(mp.0[0].exterior().clone(), vec![]).unsigned_area();
                    let hole = Polygon::new(mp.0[0].interiors()[0].clone(), vec![]).unsigned_area();
                    let f = hole / ext;
                    assert!((0.02..=0.15).contains(&f), "hole fraction {f}");
                }
                ApprovalKind::TwoParts => assert_eq!(mp.0.len(), 2),
            }
            let nv = mp.0[0].exterior().0.len() - 1;
            assert!((8..=20).contains(&nv), "{nv} vertices");
        }
    }

    #[test]
    fn rounding_is_to_millimetres() {
        assert_eq!(round_mm(500_123.456_789), 500_123.457);
        assert_eq!(round_mm(3_340_000.000_4), 3_340_000.0);
        assert_eq!(format!("{}", round_mm(3_340_123.456_7)), "3340123.457");
    }
}
