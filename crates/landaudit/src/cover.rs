//! The cover of a target by small pieces (footprints on a supply) with as few boolean operations
//! as the pieces allow. A piece wholly inside the target whose interior is apart from every other
//! piece's adds its own area to target ∩ ∪ pieces; one whose boundary meets the target's but
//! that is apart from every other piece adds its intersection with the target, clipped when
//! either is convex; only pieces that touch or overlap one another go to a boolean operation, as
//! one union, with the target. The usual case (buildings inside their parcel, a few across its
//! edge) takes none, and it is exact: no snapping to an engine grid, no difference of two large
//! areas.
//!
//! Every test here is exact (geo's robust `orient2d` predicates). Anything short of a clear
//! inside / outside / apart answer (an edge of a piece meeting an edge of the target, even at one
//! point; a target ring inside a piece; two pieces touching or overlapping, other than exact
//! duplicates) is taken the safer way: a piece unclear against the target is intersected with it,
//! and pieces that meet one another are unioned.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Intersects, Line, MultiPolygon, Polygon, Rect};

use crate::clip::{Convex, intersection_area};
use crate::measure::Measure;
use crate::overlay::intersection_of_union;

/// A polygon of a candidate placed against the target.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    /// Which candidate (position in the slice given to [`Target::sort`]) it belongs to.
    pub(crate) owner: usize,
    polygon: &'a Polygon<f64>,
    rect: Rect<f64>,
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

    /// Where one polygon (with its envelope `rect`) lies against the target, by exact tests.
    fn spot(&self, polygon: &Polygon<f64>, rect: &Rect<f64>) -> Spot {
        if !rect.intersects(&self.rect) {
            return Spot::Outside;
        }
        if edges_meet(polygon, rect, &self.edges) {
            return Spot::Unclear;
        }
        // No boundary contact: the piece is inside or outside as a whole, unless a ring of the
        // target lies inside it (a hole of the target, or the whole target).
        if holds_a_vertex(polygon, rect, self.geometry.0.iter().flat_map(rings)) {
            return Spot::HoldsARing;
        }
        match polygon
            .exterior()
            .0
            .first()
            .map(|v| self.geometry.coordinate_position(v))
        {
            Some(CoordPos::Inside) => Spot::Inside,
            Some(CoordPos::Outside) => Spot::Outside,
            _ => Spot::Unclear,
        }
    }

    /// Where one polygon lies: `None` when its boundary meets the target's, when it holds a ring
    /// of the target, or when its first vertex lies on the target's boundary.
    fn where_is(&self, polygon: &Polygon<f64>, rect: &Rect<f64>) -> Option<Place> {
        match self.spot(polygon, rect) {
            Spot::Inside => Some(Place::Inside),
            Spot::Outside => Some(Place::Outside),
            Spot::HoldsARing | Spot::Unclear => None,
        }
    }

    /// The candidates' polygons with their envelopes. The envelopes come first, in a loop of
    /// their own: each candidate's coordinates are two pointers away and seldom in cache, and
    /// without the tests in between the processor fetches several candidates' at once.
    fn boxed<'c>(candidates: &[&'c MultiPolygon<f64>]) -> Vec<Piece<'c>> {
        candidates
            .iter()
            .enumerate()
            .flat_map(|(owner, c)| c.0.iter().map(move |p| (owner, p)))
            .filter_map(|(owner, polygon)| {
                Some(Piece {
                    owner,
                    polygon,
                    rect: polygon.bounding_rect()?,
                })
            })
            .collect()
    }

    /// The polygons of `candidates` that lie inside the target, or `None` when some polygon is
    /// neither clearly inside nor clearly outside it (its boundary meets the target's, or it
    /// holds a ring of the target). Polygons outside are left out.
    pub(crate) fn sort<'c>(&self, candidates: &[&'c MultiPolygon<f64>]) -> Option<Vec<Piece<'c>>> {
        let mut inside = vec![];
        for piece in Self::boxed(candidates) {
            match self.where_is(piece.polygon, &piece.rect)? {
                Place::Inside => inside.push(piece),
                Place::Outside => {}
            }
        }
        Some(inside)
    }

    /// Every polygon of `candidates` placed: those inside the target, and those whose place is
    /// unclear (see [`Target::sort`]); polygons outside are left out.
    pub(crate) fn place_all<'c>(&self, candidates: &[&'c MultiPolygon<f64>]) -> Placed<'c> {
        let mut placed = Placed::default();
        for piece in Self::boxed(candidates) {
            match self.where_is(piece.polygon, &piece.rect) {
                Some(Place::Inside) => placed.inside.push(piece),
                Some(Place::Outside) => {}
                None => placed.unclear.push(piece),
            }
        }
        placed
    }
}

impl Target<'_> {
    /// How `g` and the target lie, when that is clear without an overlay: `g` inside the
    /// target, apart from it, or holding it; `None` when their boundaries meet or it is anything
    /// else.
    pub(crate) fn relate(&self, g: &MultiPolygon<f64>) -> Option<Relation> {
        let (mut inside, mut outside, mut holds) = (0, 0, 0);
        for p in &g.0 {
            let Some(rect) = p.bounding_rect() else {
                continue;
            };
            match self.spot(p, &rect) {
                Spot::Inside => inside += 1,
                Spot::Outside => outside += 1,
                Spot::HoldsARing => holds += 1,
                Spot::Unclear => return None,
            }
        }
        if holds == 0 {
            return match (inside, outside) {
                (0, _) => Some(Relation::Outside),
                (_, 0) => Some(Relation::Inside),
                _ => None,
            };
        }
        // No boundaries meet: the target lies in g when each of its exteriors starts inside g
        // and no ring of g starts inside the target (a hole of g, or another part of it, that
        // the target would surround).
        let exteriors_inside = self.geometry.0.iter().all(|t| {
            t.exterior()
                .0
                .first()
                .is_some_and(|v| g.coordinate_position(v) == CoordPos::Inside)
        });
        let nothing_of_g_inside =
            g.0.iter()
                .filter(|p| p.bounding_rect().is_some_and(|r| r.intersects(&self.rect)))
                .flat_map(rings)
                .filter_map(|r| r.0.first())
                .all(|v| self.geometry.coordinate_position(v) == CoordPos::Outside);
        (exteriors_inside && nothing_of_g_inside).then_some(Relation::Holds)
    }
}

/// Where one polygon lies against a target, from exact tests ([`Target::spot`]).
enum Spot {
    /// In the target's interior.
    Inside,
    /// Apart from it.
    Outside,
    /// Its boundary does not meet the target's, and it holds a ring of the target.
    HoldsARing,
    /// Its boundary meets the target's (or its first vertex lies on it).
    Unclear,
}

/// How a geometry and a target lie, from [`Target::relate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    /// The geometry lies in the target's interior.
    Inside,
    /// Their interiors do not meet.
    Outside,
    /// The target lies in the geometry's interior.
    Holds,
}

/// The polygons of some candidates placed against a target by [`Target::place_all`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Placed<'c> {
    /// Clearly inside the target.
    pub(crate) inside: Vec<Piece<'c>>,
    /// Their boundary meets the target's, or they hold a ring of it.
    pub(crate) unclear: Vec<Piece<'c>>,
}

/// Whether the interiors of two polygons, whose boundaries do not meet, are apart: neither
/// holds a vertex of the other.
fn apart(a: &Piece, b: &Piece) -> bool {
    !holds_a_vertex(a.polygon, &a.rect, rings(b.polygon))
        && !holds_a_vertex(b.polygon, &b.rect, rings(a.polygon))
}

/// The pieces of a cover (target ∩ ∪ pieces), sorted by how they can be measured. Exact
/// duplicates (the same building on two dates, or digitised twice) are kept once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Split<'c> {
    /// Inside the target, apart from every other piece: each adds its own area.
    pub(crate) alone: Vec<Piece<'c>>,
    /// Unclear (its boundary meets the target's), apart from every other piece: each adds the
    /// area of its intersection with the target.
    pub(crate) crossing: Vec<Piece<'c>>,
    /// Touching or overlapping another piece: their union's intersection with the target is
    /// measured as a whole.
    pub(crate) together: Vec<Piece<'c>>,
}

/// The pieces of a [`Placed`] with how they meet one another, found once for any subset of
/// them (the footprints of one observation date, say): each group of exact duplicates is one
/// piece, and the pairs of pieces that touch or overlap are listed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meetings<'c> {
    /// One piece per group of exact duplicates, and whether it is unclear against the target;
    /// in order of the envelopes' least x.
    pieces: Vec<(Piece<'c>, bool)>,
    /// The owners of each piece's duplicates (the piece's own first).
    owners: Vec<Vec<usize>>,
    /// Pairs of pieces (positions in `pieces`) that touch or overlap.
    meets: Vec<(usize, usize)>,
}

impl<'c> Meetings<'c> {
    /// Finds how the placed pieces meet.
    pub(crate) fn new(placed: &Placed<'c>) -> Meetings<'c> {
        let mut all: Vec<(Piece<'c>, bool)> = placed
            .inside
            .iter()
            .map(|p| (*p, false))
            .chain(placed.unclear.iter().map(|p| (*p, true)))
            .collect();
        all.sort_by(|a, b| a.0.rect.min().x.total_cmp(&b.0.rect.min().x));
        // Exact duplicates first: each joins the first piece of its group.
        let mut group: Vec<Option<usize>> = vec![None; all.len()];
        let mut out = Meetings::default();
        for i in 0..all.len() {
            if group[i].is_some() {
                continue;
            }
            let k = out.pieces.len();
            group[i] = Some(k);
            out.pieces.push(all[i]);
            out.owners.push(vec![all[i].0.owner]);
            let a = &all[i].0;
            for j in i + 1..all.len() {
                let b = &all[j].0;
                if b.rect.min().x > a.rect.max().x {
                    break;
                }
                if group[j].is_none() && a.rect == b.rect && a.polygon == b.polygon {
                    group[j] = Some(k);
                    out.owners[k].push(b.owner);
                }
            }
        }
        // Then the pairs of distinct pieces that meet (still in order of least x).
        let pieces = &out.pieces;
        for i in 0..pieces.len() {
            let a = &pieces[i].0;
            let mut a_edges = None;
            for (j, (b, _)) in pieces.iter().enumerate().skip(i + 1) {
                if b.rect.min().x > a.rect.max().x {
                    break;
                }
                if !a.rect.intersects(&b.rect) {
                    continue;
                }
                let edges = a_edges.get_or_insert_with(|| edges_of(rings(a.polygon)));
                if edges_meet(b.polygon, &b.rect, edges) || !apart(a, b) {
                    out.meets.push((i, j));
                }
            }
        }
        out
    }

    /// The pieces of the candidates `on` accepts, sorted by how their cover is measured. The
    /// interiors of the `alone` and `crossing` pieces are apart from every other piece's, so the
    /// cover's area is the sum of the `alone` pieces' areas, of the `crossing` pieces'
    /// intersections with the target, and of the `together` pieces' union's.
    pub(crate) fn split(&self, on: impl Fn(usize) -> bool) -> Split<'c> {
        let present: Vec<bool> = self
            .owners
            .iter()
            .map(|o| o.iter().any(|&k| on(k)))
            .collect();
        let mut met = vec![false; self.pieces.len()];
        for &(i, j) in &self.meets {
            if present[i] && present[j] {
                met[i] = true;
                met[j] = true;
            }
        }
        let mut out = Split::default();
        for (k, &(piece, unclear)) in self.pieces.iter().enumerate() {
            match (present[k], met[k], unclear) {
                (false, _, _) => {}
                (true, true, _) => out.together.push(piece),
                (true, false, true) => out.crossing.push(piece),
                (true, false, false) => out.alone.push(piece),
            }
        }
        out
    }
}

impl Split<'_> {
    /// The area under `m` of target ∩ ∪ pieces, for the `target` the pieces were placed on
    /// (`convex`: it prepared for clipping, when it is convex; `area`: its area under `m`).
    /// `alone` measures a piece that lies inside (a caller may remember its areas).
    pub(crate) fn area(
        &self,
        m: &Measure,
        target: &MultiPolygon<f64>,
        convex: Option<&Convex>,
        area: f64,
        mut alone: impl FnMut(&Polygon<f64>) -> f64,
    ) -> f64 {
        // (folds from +0.0: an empty f64 `sum` is −0.0)
        let inside = self.alone.iter().fold(0.0, |s, p| s + alone(p.polygon));
        let crossing = self.crossing.iter().fold(0.0, |s, p| {
            let piece = MultiPolygon::new(vec![p.polygon.clone()]);
            s + intersection_area(m, target, convex, &piece)
        });
        let together = if self.together.is_empty() {
            0.0
        } else {
            let pieces: Vec<&Polygon<f64>> = self.together.iter().map(|p| p.polygon).collect();
            m.area(&intersection_of_union(target, &pieces))
        };
        (inside + crossing + together).clamp(0.0, area)
    }
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
    use geo::{Area, BooleanOps, Length, Translate, unary_union, wkt};
    use proptest::prelude::*;

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new((x, y), (x + s, y + s)).to_polygon()])
    }

    /// The pieces split by how they are measured.
    fn split_of<'c>(target: &MultiPolygon<f64>, cands: &[&'c MultiPolygon<f64>]) -> Split<'c> {
        let placed = Target::new(target).unwrap().place_all(cands);
        Meetings::new(&placed).split(|_| true)
    }

    /// How many pieces are measured alone, across the target's boundary, and together.
    fn ways(target: &MultiPolygon<f64>, cands: &[&MultiPolygon<f64>]) -> [usize; 3] {
        let s = split_of(target, cands);
        [s.alone.len(), s.crossing.len(), s.together.len()]
    }

    /// The cover by [`Split::area`] (planar).
    fn sum(target: &MultiPolygon<f64>, cands: &[&MultiPolygon<f64>]) -> f64 {
        let area = target.unsigned_area();
        let convex = Convex::new(target);
        split_of(target, cands).area(&Measure::PLANAR, target, convex.as_ref(), area, |p| {
            p.unsigned_area()
        })
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
        assert_eq!(ways(&s, &cands), [2, 0, 0]);
        assert_eq!(sum(&s, &cands), 500.0);
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
    fn pieces_across_the_edge_are_clipped_and_pieces_that_meet_are_unioned() {
        let s = square(0., 0., 100.);
        let crossing = square(95., 10., 10.); // half inside: 50
        let on_edge = square(90., 10., 10.); // touches the target's boundary from inside: 100
        let overlapping = [square(10., 10., 20.), square(20., 20., 20.)]; // 400 + 400 − 100
        let touching = [square(10., 10., 20.), square(30., 10., 20.)]; // 400 + 400
        let covering = square(-10., -10., 200.); // holds the whole target
        let inside = square(60., 60., 10.); // alone beside the others: 100
        assert_eq!(ways(&s, &[&crossing, &inside]), [1, 1, 0]);
        assert_eq!(sum(&s, &[&crossing, &inside]), 150.0);
        assert_eq!(ways(&s, &[&on_edge]), [0, 1, 0]);
        assert_eq!(sum(&s, &[&on_edge]), 100.0);
        let pair = [&overlapping[0], &overlapping[1], &inside];
        assert_eq!(ways(&s, &pair), [1, 0, 2]);
        assert!((sum(&s, &pair) - 800.0).abs() < 1e-6);
        let pair = [&touching[0], &touching[1], &crossing];
        assert_eq!(ways(&s, &pair), [0, 1, 2]);
        assert!((sum(&s, &pair) - 850.0).abs() < 1e-6);
        assert_eq!(ways(&s, &[&covering]), [0, 1, 0]);
        assert_eq!(sum(&s, &[&covering]), 10_000.0);
        // a piece across the edge that overlaps one inside: both measured together
        let over_edge = square(85., 10., 20.);
        assert_eq!(ways(&s, &[&over_edge, &on_edge, &inside]), [1, 0, 2]);
        assert!((sum(&s, &[&over_edge, &on_edge, &inside]) - 400.0).abs() < 1e-6);
    }

    #[test]
    fn a_piece_in_a_hole_is_outside_and_one_around_a_hole_is_clipped() {
        let s = wkt!(MULTIPOLYGON(((0. 0.,100. 0.,100. 100.,0. 100.,0. 0.),(40. 40.,40. 60.,60. 60.,60. 40.,40. 40.))));
        let in_hole = square(45., 45., 5.);
        let around_hole = square(30., 30., 40.);
        let nested = [square(10., 10., 20.), square(15., 15., 5.)]; // one inside the other
        assert_eq!(ways(&s, &[&in_hole]), [0, 0, 0]);
        assert_eq!(sum(&s, &[&in_hole]), 0.0);
        assert_eq!(ways(&s, &[&around_hole]), [0, 1, 0]);
        assert!((sum(&s, &[&around_hole]) - 1200.0).abs() < 1e-6);
        assert_eq!(ways(&s, &[&nested[0], &nested[1]]), [0, 0, 2]);
        assert!((sum(&s, &[&nested[0], &nested[1]]) - 400.0).abs() < 1e-6);
    }

    #[test]
    fn interlocking_shapes_whose_envelopes_overlap_are_apart() {
        let s = square(0., 0., 100.);
        let l1 = wkt!(MULTIPOLYGON(((10. 10.,50. 10.,50. 20.,20. 20.,20. 50.,10. 50.,10. 10.))));
        let l2 = wkt!(MULTIPOLYGON(((25. 25.,60. 25.,60. 60.,55. 60.,55. 30.,25. 30.,25. 25.))));
        // L-shapes: 40·10 + 10·30 = 700 and 35·5 + 5·30 = 325
        assert_eq!(ways(&s, &[&l1, &l2]), [2, 0, 0]);
        assert_eq!(sum(&s, &[&l1, &l2]), 1025.0);
        assert!((boolean(&s, &[&l1, &l2]) - 1025.0).abs() < 1e-9);
    }

    #[test]
    fn a_subset_meets_only_within_itself() {
        let s = square(0., 0., 100.);
        // owners: 0 and 1 are the same building on two dates; 2, on the second date only,
        // overlaps it; 3, on the first date, crosses the target's edge
        let a = square(10., 10., 20.);
        let a_again = square(10., 10., 20.);
        let b = square(20., 20., 20.);
        let c = square(95., 50., 10.);
        let cands = [&a, &a_again, &b, &c];
        let placed = Target::new(&s).unwrap().place_all(&cands);
        let meetings = Meetings::new(&placed);
        let count = |sp: Split| [sp.alone.len(), sp.crossing.len(), sp.together.len()];
        assert_eq!(count(meetings.split(|k| k == 0 || k == 3)), [1, 1, 0]);
        assert_eq!(count(meetings.split(|k| k == 1 || k == 2)), [0, 0, 2]);
        assert_eq!(count(meetings.split(|k| k == 1)), [1, 0, 0]);
        assert_eq!(count(meetings.split(|_| true)), [0, 1, 2]);
        assert_eq!(count(meetings.split(|_| false)), [0, 0, 0]);
    }

    #[test]
    fn relations_of_a_geometry_and_a_target() {
        let t = square(0., 0., 100.);
        let target = Target::new(&t).unwrap();
        assert_eq!(target.relate(&square(10., 10., 5.)), Some(Relation::Inside));
        assert_eq!(
            target.relate(&square(200., 0., 5.)),
            Some(Relation::Outside)
        );
        assert_eq!(
            target.relate(&square(101., 0., 5.)),
            Some(Relation::Outside)
        );
        assert_eq!(
            target.relate(&square(-10., -10., 200.)),
            Some(Relation::Holds)
        );
        assert_eq!(target.relate(&square(95., 10., 10.)), None); // across the edge
        assert_eq!(target.relate(&square(100., 10., 10.)), None); // touching
        // holding the target around a hole that lies inside the target: not a hold
        let ring = wkt!(MULTIPOLYGON(((-10. -10.,200. -10.,200. 200.,-10. 200.,-10. -10.),(40. 40.,40. 60.,60. 60.,60. 40.,40. 40.))));
        assert_eq!(target.relate(&ring), None);
        // the target in a hole of g: apart
        let around = wkt!(MULTIPOLYGON(((-100. -100.,300. -100.,300. 300.,-100. 300.,-100. -100.),(-50. -50.,-50. 250.,250. 250.,250. -50.,-50. -50.))));
        assert_eq!(target.relate(&around), Some(Relation::Outside));
        // parts inside and outside: unclear
        let split = MultiPolygon::new(vec![
            square(10., 10., 5.).0[0].clone(),
            square(160., 60., 5.).0[0].clone(),
        ]);
        assert_eq!(target.relate(&split), None);
        // a target of two parts, g holding only one of them
        let two = MultiPolygon::new(vec![
            square(0., 0., 10.).0[0].clone(),
            square(50., 0., 10.).0[0].clone(),
        ]);
        let two = Target::new(&two).unwrap();
        assert_eq!(two.relate(&square(-5., -5., 20.)), None);
        assert_eq!(two.relate(&square(-5., -5., 100.)), Some(Relation::Holds));
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

        /// Whatever `relate` answers, the boolean intersection agrees: all of g (inside), none of
        /// it (outside), all of the target (holds); with holes in both and at Gauss-Krüger
        /// magnitudes. g is drawn small and near, far, or large around the target, so that every
        /// answer comes up.
        #[test]
        fn relations_agree_with_the_boolean_intersection(
            target in arb_star(5.0, 60.0..100.0),
            t_hole in prop::option::of(arb_star(3.0, 2.0..15.0)),
            mode in 0..3usize,
            (x, y) in (-1.0..1.0f64, -1.0..1.0f64),
            radii in prop::collection::vec(0.0..1.0f64, 3..9),
            rot in 0.0..6.3f64,
            g_hole in prop::option::of((-1.0..1.0f64, -1.0..1.0f64, 2.0..30.0f64)),
        ) {
            let (dx, dy) = (40_512_345.678, 3_312_345.678);
            let mut t = MultiPolygon::new(vec![target]);
            if let Some(h) = t_hole {
                t = t.difference(&MultiPolygon::new(vec![h]));
            }
            // (centre offset, radius range, hole offset) by mode: small and near, far, large
            let (off, r0, r1, hole_off) = [(40.0, 2.0, 15.0, 40.0), (250.0, 5.0, 60.0, 40.0), (10.0, 120.0, 200.0, 150.0)][mode];
            let cx = if mode == 1 { off + 50.0 * x } else { off * x };
            let radii: Vec<f64> = radii.iter().map(|r| r0 + (r1 - r0) * r).collect();
            let mut g = MultiPolygon::new(vec![star(cx, off * y, &radii, rot)]);
            if let Some((hx, hy, r)) = g_hole {
                g = g.difference(&square(cx + hole_off * hx, off * y + hole_off * hy, r));
            }
            let (t, g) = (t.translate(dx, dy), g.translate(dx, dy));
            let both = t.intersection(&g).unsigned_area();
            let tol = 1e-6 * t.unsigned_area().max(g.unsigned_area());
            match Target::new(&t).unwrap().relate(&g) {
                Some(Relation::Inside) => prop_assert!((both - g.unsigned_area()).abs() <= tol),
                Some(Relation::Outside) => prop_assert!(both <= tol),
                Some(Relation::Holds) => prop_assert!((both - t.unsigned_area()).abs() <= tol),
                None => {}
            }
        }

        /// The split cover is the boolean operations' cover (at Gauss-Krüger magnitudes, with
        /// pieces inside, across the target's edge and meeting one another, duplicates, and a
        /// target with a hole).
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
            let fast = sum(&target, &refs);
            let exact = boolean(&target, &refs);
            // Both sides may run i_overlay, which moves each vertex by up to one step of a grid
            // of 2⁻²⁸ of the operation's extent (DEPS 1.2): each area may be off by the
            // outlines involved times that step. A piece counted twice or left out is off by
            // square metres.
            let outline = |g: &MultiPolygon<f64>| -> f64 {
                g.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .map(|r| geo::Euclidean.length(r))
                    .sum()
            };
            let outlines = outline(&target) + cands.iter().map(outline).sum::<f64>();
            let extent = crate::io::read::union_rect(
                refs.iter().chain([&&target]).filter_map(|g| g.bounding_rect()),
            )
            .map_or(0.0, |r| r.width().max(r.height()));
            let tol = 1e-6 * exact.max(1.0) + 2.0 * outlines * extent * 2f64.powi(-28);
            prop_assert!((fast - exact).abs() <= tol, "fast {fast} boolean {exact} tol {tol}");
        }
    }
}
