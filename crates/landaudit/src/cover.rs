//! The cover of a target by small pieces (footprints on a supply) without a boolean operation,
//! where none is needed: when every piece lies wholly inside or wholly outside the target, and
//! the pieces inside do not meet one another, the area of target ∩ ∪ pieces is the sum of the
//! inside pieces' areas. That is the usual case (buildings inside their parcel), and it is exact:
//! no snapping to an engine grid, no difference of two large areas.
//!
//! Every test here is exact (geo's robust `orient2d` predicates). Anything short of a clear
//! inside / outside / apart answer (an edge of a piece meeting an edge of the target, even at one
//! point; a target ring inside a piece; two pieces touching or overlapping, other than exact
//! duplicates) is answered `None`, and the caller takes the boolean operation as before.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Intersects, Line, MultiPolygon, Polygon, Rect};

/// A polygon of a candidate that lies inside the target.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    /// Which candidate (position in the slice given to [`Target::sort`]) it belongs to.
    pub(crate) owner: usize,
    polygon: &'a Polygon<f64>,
    rect: Rect<f64>,
}

impl<'a> Piece<'a> {
    /// The polygon.
    pub(crate) fn polygon(&self) -> &'a Polygon<f64> {
        self.polygon
    }
}

/// A target prepared for placing pieces: its envelope and its edges with theirs.
pub(crate) struct Target<'a> {
    geometry: &'a MultiPolygon<f64>,
    rect: Rect<f64>,
    edges: Vec<(Line<f64>, Rect<f64>)>,
}

fn rings(p: &Polygon<f64>) -> impl Iterator<Item = &geo::LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

/// Whether `polygon` (with its envelope `rect`) holds, inside or on its boundary, the first
/// vertex of one of `rings`.
fn holds_a_vertex<'r>(
    polygon: &Polygon<f64>,
    rect: &Rect<f64>,
    mut rings: impl Iterator<Item = &'r geo::LineString<f64>>,
) -> bool {
    rings.any(|ring| {
        ring.0.first().is_some_and(|v| {
            rect.intersects(v) && polygon.coordinate_position(v) != CoordPos::Outside
        })
    })
}

/// Whether some edge of `p` meets (crosses, touches or overlaps) one of `edges`.
fn edges_meet(p: &Polygon<f64>, rect: &Rect<f64>, edges: &[(Line<f64>, Rect<f64>)]) -> bool {
    edges
        .iter()
        .filter(|(_, r)| r.intersects(rect))
        .any(|(e, r)| {
            rings(p).flat_map(|ring| ring.lines()).any(|l| {
                let lr = Rect::new(l.start, l.end);
                lr.intersects(r) && l.intersects(e)
            })
        })
}

fn edges_of<'g>(
    rings: impl Iterator<Item = &'g geo::LineString<f64>>,
) -> Vec<(Line<f64>, Rect<f64>)> {
    rings
        .flat_map(|r| r.lines())
        .map(|l| (l, Rect::new(l.start, l.end)))
        .collect()
}

impl<'a> Target<'a> {
    /// Prepares `geometry` (a valid geometry); `None` when it is empty.
    pub(crate) fn new(geometry: &'a MultiPolygon<f64>) -> Option<Target<'a>> {
        let rect = geometry.bounding_rect()?;
        let edges = edges_of(geometry.0.iter().flat_map(rings));
        Some(Target {
            geometry,
            rect,
            edges,
        })
    }

    /// The polygons of `candidates` that lie inside the target, or `None` when some polygon is
    /// neither clearly inside nor clearly outside it (its boundary meets the target's, or it
    /// holds a ring of the target). Polygons outside are left out.
    pub(crate) fn sort<'c>(&self, candidates: &[&'c MultiPolygon<f64>]) -> Option<Vec<Piece<'c>>> {
        // The envelopes first, in a loop of their own: each candidate's coordinates are two
        // pointers away and seldom in cache, and without the tests in between the processor
        // fetches several candidates' at once.
        let boxed: Vec<(usize, &Polygon<f64>, Rect<f64>)> = candidates
            .iter()
            .enumerate()
            .flat_map(|(owner, c)| c.0.iter().map(move |p| (owner, p)))
            .filter_map(|(owner, p)| Some((owner, p, p.bounding_rect()?)))
            .collect();
        let mut inside = vec![];
        for (owner, polygon, rect) in boxed {
            if !rect.intersects(&self.rect) {
                continue;
            }
            if edges_meet(polygon, &rect, &self.edges) {
                return None;
            }
            // No boundary contact: the piece is inside or outside as a whole, unless a ring
            // of the target lies inside it (a hole of the target, or the whole target).
            if holds_a_vertex(polygon, &rect, self.geometry.0.iter().flat_map(rings)) {
                return None;
            }
            match polygon
                .exterior()
                .0
                .first()
                .map(|v| self.geometry.coordinate_position(v))
            {
                Some(CoordPos::Inside) => inside.push(Piece {
                    owner,
                    polygon,
                    rect,
                }),
                Some(CoordPos::Outside) => {}
                _ => return None,
            }
        }
        Some(inside)
    }
}

/// Whether the interiors of two polygons, whose boundaries do not meet, are apart: neither
/// holds a vertex of the other.
fn apart(a: &Piece, b: &Piece) -> bool {
    !holds_a_vertex(a.polygon, &a.rect, rings(b.polygon))
        && !holds_a_vertex(b.polygon, &b.rect, rings(a.polygon))
}

/// The pieces to count once each, when the pieces' interiors do not overlap: exact duplicates
/// (the same building on two dates, or digitised twice) are counted once. `None` when two
/// pieces touch or overlap otherwise.
pub(crate) fn distinct<'c>(mut pieces: Vec<Piece<'c>>) -> Option<Vec<Piece<'c>>> {
    pieces.sort_by(|a, b| a.rect.min().x.total_cmp(&b.rect.min().x));
    let mut keep = vec![true; pieces.len()];
    for i in 0..pieces.len() {
        if !keep[i] {
            continue;
        }
        let a = &pieces[i];
        let mut a_edges = None;
        for j in i + 1..pieces.len() {
            let b = &pieces[j];
            if b.rect.min().x > a.rect.max().x {
                break;
            }
            if !keep[j] || !a.rect.intersects(&b.rect) {
                continue;
            }
            if a.polygon == b.polygon {
                keep[j] = false;
                continue;
            }
            let edges = a_edges.get_or_insert_with(|| edges_of(rings(a.polygon)));
            if edges_meet(b.polygon, &b.rect, edges) || !apart(a, b) {
                return None;
            }
        }
    }
    Some(
        pieces
            .into_iter()
            .zip(keep)
            .filter_map(|(p, k)| k.then_some(p))
            .collect(),
    )
}

/// Where a geometry lies with respect to another, when that is clear without an overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Every part of it lies in the other's interior.
    Inside,
    /// Their interiors do not meet.
    Outside,
}

/// Where `piece` lies with respect to `target`; `None` when their boundaries meet, when a ring
/// of `target` lies inside `piece`, or when some parts of `piece` are inside and some outside.
pub(crate) fn place(piece: &MultiPolygon<f64>, target: &MultiPolygon<f64>) -> Option<Place> {
    let inside = Target::new(target)?.sort(&[piece])?;
    if inside.is_empty() {
        Some(Place::Outside)
    } else if inside.len() == piece.0.len() {
        Some(Place::Inside)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_shapes::star;
    use geo::{Area, BooleanOps, Translate, unary_union, wkt};
    use proptest::prelude::*;

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new((x, y), (x + s, y + s)).to_polygon()])
    }

    /// The fast cover, or `None` where the boolean operation is needed.
    fn sum(target: &MultiPolygon<f64>, cands: &[&MultiPolygon<f64>]) -> Option<f64> {
        let t = Target::new(target)?;
        let pieces = distinct(t.sort(cands)?)?;
        Some(pieces.iter().map(|p| p.polygon().unsigned_area()).sum())
    }

    /// target ∩ ∪ pieces by geo's boolean operations.
    fn boolean(target: &MultiPolygon<f64>, cands: &[&MultiPolygon<f64>]) -> f64 {
        let polys: Vec<Polygon<f64>> = cands.iter().flat_map(|m| m.0.clone()).collect();
        target
            .intersection(&unary_union(polys.iter()))
            .unsigned_area()
    }

    #[test]
    fn inside_outside_and_duplicates_add_up() {
        let s = square(0., 0., 100.);
        let a = square(10., 10., 20.); // inside: 400
        let b = square(50., 50., 10.); // inside: 100
        let dup = square(50., 50., 10.); // the same building on another date
        let far = square(200., 0., 10.); // outside
        let near = square(101., 10., 5.); // outside, its envelope meets the target's edge box
        let cands = [&a, &b, &dup, &far, &near];
        assert_eq!(sum(&s, &cands), Some(500.0));
        assert_eq!(boolean(&s, &cands), 500.0);
    }

    #[test]
    fn place_of_a_whole_geometry() {
        let s = square(0., 0., 100.);
        let two = MultiPolygon::new(vec![
            square(10., 10., 5.).0[0].clone(),
            square(60., 60., 5.).0[0].clone(),
        ]);
        let split = MultiPolygon::new(vec![
            square(10., 10., 5.).0[0].clone(),
            square(160., 60., 5.).0[0].clone(),
        ]);
        assert_eq!(place(&two, &s), Some(Place::Inside));
        assert_eq!(place(&square(200., 0., 5.), &s), Some(Place::Outside));
        assert_eq!(place(&split, &s), None);
        assert_eq!(place(&square(95., 10., 10.), &s), None);
        assert_eq!(place(&s, &square(10., 10., 5.)), None); // holds the target
    }

    #[test]
    fn anything_unclear_is_left_to_the_boolean_operation() {
        let s = square(0., 0., 100.);
        let crossing = square(95., 10., 10.);
        let on_edge = square(90., 10., 10.); // touches the target's boundary from inside
        let overlapping = [square(10., 10., 20.), square(20., 20., 20.)];
        let touching = [square(10., 10., 20.), square(30., 10., 20.)];
        let covering = square(-10., -10., 200.); // holds the whole target
        assert_eq!(sum(&s, &[&crossing]), None);
        assert_eq!(sum(&s, &[&on_edge]), None);
        assert_eq!(sum(&s, &[&overlapping[0], &overlapping[1]]), None);
        assert_eq!(sum(&s, &[&touching[0], &touching[1]]), None);
        assert_eq!(sum(&s, &[&covering]), None);
    }

    #[test]
    fn a_piece_in_a_hole_is_outside_and_one_around_a_hole_is_unclear() {
        let s = wkt!(MULTIPOLYGON(((0. 0.,100. 0.,100. 100.,0. 100.,0. 0.),(40. 40.,40. 60.,60. 60.,60. 40.,40. 40.))));
        let in_hole = square(45., 45., 5.);
        let around_hole = square(30., 30., 40.);
        let nested = [square(10., 10., 20.), square(15., 15., 5.)]; // one inside the other
        assert_eq!(sum(&s, &[&in_hole]), Some(0.0));
        assert_eq!(sum(&s, &[&around_hole]), None);
        assert_eq!(sum(&s, &[&nested[0], &nested[1]]), None);
    }

    #[test]
    fn interlocking_shapes_whose_envelopes_overlap_are_apart() {
        let s = square(0., 0., 100.);
        let l1 = wkt!(MULTIPOLYGON(((10. 10.,50. 10.,50. 20.,20. 20.,20. 50.,10. 50.,10. 10.))));
        let l2 = wkt!(MULTIPOLYGON(((25. 25.,60. 25.,60. 60.,55. 60.,55. 30.,25. 30.,25. 25.))));
        // L-shapes: 40·10 + 10·30 = 700 and 35·5 + 5·30 = 325
        assert_eq!(sum(&s, &[&l1, &l2]), Some(1025.0));
        assert!((boolean(&s, &[&l1, &l2]) - 1025.0).abs() < 1e-9);
    }

    fn arb_star(extent: f64, r: std::ops::Range<f64>) -> impl Strategy<Value = Polygon<f64>> {
        (
            -extent..extent,
            -extent..extent,
            prop::collection::vec(r, 3..9),
            0.0..6.3f64,
        )
            .prop_map(|(x, y, r, rot)| star(x, y, &r, rot))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

        /// Wherever the sum is given, it is the boolean operations' cover (at Gauss-Krüger
        /// magnitudes, with duplicates and a target with a hole).
        #[test]
        fn the_sum_is_the_boolean_cover(
            target in arb_star(5.0, 60.0..100.0),
            hole in prop::option::of(arb_star(3.0, 5.0..15.0)),
            pieces in prop::collection::vec(arb_star(110.0, 2.0..12.0), 0..14),
            dups in prop::collection::vec(0usize..14, 0..3),
        ) {
            let (dx, dy) = (40_512_345.678, 3_312_345.678);
            let mut target = MultiPolygon::new(vec![target]);
            if let Some(h) = hole {
                target = target.difference(&MultiPolygon::new(vec![h]));
            }
            let target = target.translate(dx, dy);
            let mut cands: Vec<MultiPolygon<f64>> = pieces
                .into_iter()
                .map(|p| MultiPolygon::new(vec![p]).translate(dx, dy))
                .collect();
            for d in dups {
                if let Some(c) = cands.get(d).cloned() {
                    cands.push(c);
                }
            }
            let refs: Vec<&MultiPolygon<f64>> = cands.iter().collect();
            if let Some(fast) = sum(&target, &refs) {
                let exact = boolean(&target, &refs);
                prop_assert!((fast - exact).abs() <= 1e-6 * exact.max(1.0), "fast {fast} boolean {exact}");
            }
        }
    }
}
