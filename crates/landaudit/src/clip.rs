//! The part of a polygon set inside a convex polygon, for measuring: each ring is clipped against
//! the convex polygon's edges in turn (Sutherland–Hodgman), with no boolean operation and no
//! snapping grid. Many parcels are convex (宗地 are often quadrilaterals, and so are many 图斑 of
//! a regular field pattern), and one convex operand is enough; anything else takes the boolean
//! operation as before.
//!
//! A ring clipped on its own keeps its winding number inside the convex polygon. Where its part
//! inside comes in several pieces, they are joined by edges running there and back along the
//! convex polygon's boundary, which enclose nothing. So the clipped polygons measure, planar or
//! ellipsoidal (both are sums over edges, where an edge there and back cancels), the area of the
//! intersection; they are not valid polygons in general and are used only to be measured.
//!
//! The edges are tested in floating point about a local origin (the convex polygon's centre):
//! a vertex within rounding of an edge's line may be taken as inside or outside, which moves the
//! area by about 1e-16 of the extent squared, far below i_overlay's grid (2⁻²⁸ of the extent).

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, Intersects, LineString, MultiPolygon, Polygon, Rect};

use crate::measure::Measure;

/// A convex polygon prepared for clipping.
#[derive(Debug, Clone)]
pub(crate) struct Convex {
    /// Local origin: the centre of its envelope.
    origin: Coord<f64>,
    rect: Rect<f64>,
    /// Its edges about `origin`, counter-clockwise (inside on the left).
    edges: Vec<(Coord<f64>, Coord<f64>)>,
}

impl Convex {
    /// `g` as a convex polygon: one polygon without holes whose exterior turns one way only (exact
    /// orientation tests) and goes round once; `None` otherwise.
    pub(crate) fn new(g: &MultiPolygon<f64>) -> Option<Convex> {
        let [p] = g.0.as_slice() else {
            return None;
        };
        if !p.interiors().is_empty() {
            return None;
        }
        // Distinct consecutive vertices of the ring, without the closing one.
        let mut v: Vec<Coord<f64>> = Vec::with_capacity(p.exterior().0.len());
        for &c in &p.exterior().0 {
            if v.last() != Some(&c) {
                v.push(c);
            }
        }
        while v.len() > 1 && v.first() == v.last() {
            v.pop();
        }
        let n = v.len();
        if n < 3 {
            return None;
        }
        let mut turn = Orientation::Collinear;
        for i in 0..n {
            match RobustKernel::orient2d(v[i], v[(i + 1) % n], v[(i + 2) % n]) {
                Orientation::Collinear => {}
                o if turn == Orientation::Collinear => turn = o,
                o if o != turn => return None,
                _ => {}
            }
        }
        // Turning one way is not enough for a ring that winds twice (a pentagram): a convex
        // ring goes left to right and back once, so x changes direction at most twice.
        let dirs: Vec<bool> = (0..n)
            .map(|i| v[(i + 1) % n].x - v[i].x)
            .filter(|dx| *dx != 0.0)
            .map(|dx| dx > 0.0)
            .collect();
        let changes = (0..dirs.len())
            .filter(|&i| dirs[i] != dirs[(i + 1) % dirs.len()])
            .count();
        if turn == Orientation::Collinear || changes > 2 {
            return None;
        }
        if turn == Orientation::Clockwise {
            v.reverse();
        }
        let rect = p.bounding_rect()?;
        let origin = rect.center();
        let local: Vec<Coord<f64>> = v.iter().map(|&c| c - origin).collect();
        let edges = (0..n).map(|i| (local[i], local[(i + 1) % n])).collect();
        Some(Convex {
            origin,
            rect,
            edges,
        })
    }

    /// Areas below this (m²) are rounding, not overlap: 2⁻⁴⁰ of the extent squared (9e-9 m² for
    /// a 100 m parcel), a thousand times the clipping's rounding and far below i_overlay's.
    pub(crate) fn negligible_m2(&self) -> f64 {
        let e = self.rect.width().max(self.rect.height());
        e * e * 2f64.powi(-40)
    }

    /// The part of `g` inside, to be measured (see the module doc); empty when nothing of `g`
    /// comes inside.
    pub(crate) fn clip(&self, g: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        let mut out = Vec::new();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for p in &g.0 {
            let Some(exterior) = self.clip_ring(p.exterior(), &mut a, &mut b) else {
                continue;
            };
            let holes = p
                .interiors()
                .iter()
                .filter_map(|h| self.clip_ring(h, &mut a, &mut b))
                .collect();
            out.push(Polygon::new(exterior, holes));
        }
        MultiPolygon::new(out)
    }

    /// One ring clipped, in world coordinates; `None` when it leaves fewer than three vertices.
    fn clip_ring(
        &self,
        ring: &LineString<f64>,
        a: &mut Vec<Coord<f64>>,
        b: &mut Vec<Coord<f64>>,
    ) -> Option<LineString<f64>> {
        // A ring whose envelope misses the convex polygon's winds zero times inside it.
        let r = ring.bounding_rect()?;
        if !r.intersects(&self.rect) {
            return None;
        }
        a.clear();
        a.extend(ring.0.iter().map(|&c| c - self.origin));
        if a.len() > 1 && a.first() == a.last() {
            a.pop();
        }
        for &(s, e) in &self.edges {
            if a.len() < 3 {
                return None;
            }
            let d = e - s;
            let side = |p: Coord<f64>| d.x * (p.y - s.y) - d.y * (p.x - s.x);
            b.clear();
            let mut prev = a[a.len() - 1];
            let mut prev_side = side(prev);
            for &cur in a.iter() {
                let cur_side = side(cur);
                if (prev_side >= 0.0) != (cur_side >= 0.0) {
                    let t = prev_side / (prev_side - cur_side);
                    b.push(prev + (cur - prev) * t);
                }
                if cur_side >= 0.0 {
                    b.push(cur);
                }
                (prev, prev_side) = (cur, cur_side);
            }
            std::mem::swap(a, b);
        }
        if a.len() < 3 {
            return None;
        }
        let mut coords: Vec<Coord<f64>> = a.iter().map(|&c| c + self.origin).collect();
        coords.push(coords[0]);
        Some(LineString::new(coords))
    }
}

/// The area under `m` of `a` ∩ `b`: by clipping when one of them is convex (`a_convex`: `a`
/// prepared, when it is convex), else by the boolean operation.
pub(crate) fn intersection_area(
    m: &Measure,
    a: &MultiPolygon<f64>,
    a_convex: Option<&Convex>,
    b: &MultiPolygon<f64>,
) -> f64 {
    match (Convex::new(b), a_convex) {
        (Some(cb), _) => cb.area_of(m, a),
        (None, Some(ca)) => ca.area_of(m, b),
        (None, None) => m.area(&crate::overlay::intersection(a, b)),
    }
}

impl Convex {
    /// The area under `m` of the part of `g` inside; rounding-sized areas are 0.
    pub(crate) fn area_of(&self, m: &Measure, g: &MultiPolygon<f64>) -> f64 {
        let a = m.area(&self.clip(g));
        if a > self.negligible_m2() { a } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_shapes::star;
    use geo::{Area, BooleanOps, Rotate, Translate, wkt};
    use proptest::prelude::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new((x0, y0), (x1, y1)).to_polygon()])
    }

    #[test]
    fn squares_by_hand() {
        let c = Convex::new(&rect(0.0, 0.0, 10.0, 10.0)).unwrap();
        // Half inside: 5 × 10.
        assert_eq!(c.clip(&rect(5.0, 0.0, 20.0, 10.0)).unsigned_area(), 50.0);
        // Wholly inside, wholly outside, touching along an edge.
        assert_eq!(c.clip(&rect(2.0, 2.0, 4.0, 4.0)).unsigned_area(), 4.0);
        assert!(c.clip(&rect(20.0, 0.0, 30.0, 10.0)).0.is_empty());
        assert!(c.clip(&rect(10.0, 0.0, 20.0, 10.0)).unsigned_area() <= c.negligible_m2());
        // Covering it: the square itself.
        assert_eq!(c.clip(&rect(-5.0, -5.0, 15.0, 15.0)).unsigned_area(), 100.0);
    }

    #[test]
    fn a_u_shape_across_a_square_keeps_both_arms_and_a_hole_is_subtracted() {
        // U: 0..30 × 0..30 minus the slot 10..20 × 10..30; the square 0..30 × 15..25 meets
        // the two arms (10 × 10 each), joined along its lower edge by an edge there and back.
        let u = wkt!(MULTIPOLYGON(((0. 0.,30. 0.,30. 30.,20. 30.,20. 10.,10. 10.,10. 30.,0. 30.,0. 0.))));
        let c = Convex::new(&rect(0.0, 15.0, 30.0, 25.0)).unwrap();
        assert!((c.clip(&u).unsigned_area() - 200.0).abs() < 1e-9);
        // A 20 × 20 block with a 4 × 4 hole, clipped to its left half: 10 × 20 − 2 × 4.
        let holed = wkt!(MULTIPOLYGON(((0. 0.,20. 0.,20. 20.,0. 20.,0. 0.),(8. 8.,8. 12.,12. 12.,12. 8.,8. 8.))));
        let c = Convex::new(&rect(-1.0, -1.0, 10.0, 21.0)).unwrap();
        assert!((c.clip(&holed).unsigned_area() - 192.0).abs() < 1e-9);
    }

    #[test]
    fn only_convex_polygons_are_taken() {
        let l = wkt!(MULTIPOLYGON(((0. 0.,2. 0.,2. 1.,1. 1.,1. 2.,0. 2.,0. 0.))));
        assert!(Convex::new(&l).is_none());
        let holed =
            wkt!(MULTIPOLYGON(((0. 0.,9. 0.,9. 9.,0. 9.,0. 0.),(1. 1.,1. 2.,2. 2.,2. 1.,1. 1.))));
        assert!(Convex::new(&holed).is_none());
        let two =
            MultiPolygon::new([rect(0.0, 0.0, 1.0, 1.0).0, rect(2.0, 0.0, 3.0, 1.0).0].concat());
        assert!(Convex::new(&two).is_none());
        // A pentagram turns one way at every vertex but winds twice.
        let star: Vec<(f64, f64)> = (0..=5)
            .map(|k| {
                let t = std::f64::consts::TAU * (k as f64 * 2.0 / 5.0) + 0.3;
                (t.cos(), t.sin())
            })
            .collect();
        assert!(Convex::new(&MultiPolygon::new(vec![Polygon::new(star.into(), vec![])])).is_none());
        // Clockwise, with a straight vertex and a repeated one: still convex.
        let cw = wkt!(MULTIPOLYGON(((0. 0.,0. 4.,4. 4.,4. 2.,4. 2.,4. 0.,0. 0.))));
        let c = Convex::new(&cw).unwrap();
        assert!((c.clip(&rect(2.0, 2.0, 6.0, 6.0)).unsigned_area() - 4.0).abs() < 1e-12);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// At Gauss-Krüger magnitudes, against geo's intersection: a convex polygon (a rotated
        /// rectangle or a regular polygon) and a star-shaped polygon, sometimes with a hole,
        /// sometimes with a second part.
        #[test]
        fn clip_area_equals_the_boolean_intersection(
            sides in 3usize..9,
            rot in 0.0f64..6.3,
            w in 5.0f64..120.0,
            h in 5.0f64..120.0,
            regular in any::<bool>(),
            r in prop::collection::vec(20.0f64..90.0, 5..14),
            dx in -120.0f64..120.0,
            dy in -120.0f64..120.0,
            hole in any::<bool>(),
            second in any::<bool>(),
        ) {
            let (x0, y0) = (40_512_345.0, 3_345_678.0);
            let convex = if regular {
                MultiPolygon::new(vec![star(x0, y0, &vec![w; sides], rot)])
            } else {
                rect(x0 - w / 2.0, y0 - h / 2.0, x0 + w / 2.0, y0 + h / 2.0)
                    .rotate_around_point(rot.to_degrees(), geo::Point::new(x0, y0))
            };
            let (sx, sy) = (x0 + dx, y0 + dy);
            let holes = if hole {
                let mut ring = star(sx, sy, &[8.0, 12.0, 9.0, 11.0], 0.2).exterior().clone();
                ring.0.reverse();
                vec![ring]
            } else {
                vec![]
            };
            let mut parts = vec![Polygon::new(star(sx, sy, &r, 0.1).exterior().clone(), holes)];
            if second {
                parts.push(star(sx + 250.0, sy, &r, 0.1));
            }
            let subject = MultiPolygon::new(parts);
            let c = Convex::new(&convex).expect("convex");
            let o = geo::Coord { x: x0, y: y0 };
            let want = convex.translate(-o.x, -o.y)
                .intersection(&subject.translate(-o.x, -o.y))
                .unsigned_area();
            let got = crate::overlay::area(&c.clip(&subject));
            // i_overlay snaps to 2⁻²⁸ of the operation's extent: on a small piece of a large
            // operation that is ~1e-6 m² (the first failure: 0.45 m², 1.6e-6 m² apart).
            prop_assert!((got - want).abs() <= 1e-6 * want + 1e-4, "{got} vs {want}");
            // Ellipsoidal too: the edges there and back along the boundary cancel, to the
            // rounding of their densified points at Gauss-Krüger magnitudes (ulp 7.5e-9 m); with
            // i_overlay's grid on the other side, small pieces differ by up to ~1e-5 m² (the
            // first failure: 5.6 m², 5.9e-6 m² apart, planar × the areal scale between them).
            let zone = crate::cgcs2000::GkZone::from_epsg(4528).expect("zone");
            let m = Measure::new(Some(zone), &crate::measure::AreaSettings::default()).expect("measure");
            let want = m.area(&crate::overlay::intersection(&convex, &subject));
            let got = c.area_of(&m, &subject);
            prop_assert!((got - want).abs() <= 1e-6 * want + 1e-4, "ellipsoidal {got} vs {want}");
        }
    }
}
