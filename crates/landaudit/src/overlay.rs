//! The overlay engine: every boolean operation of an audit pass goes through here.
//!
//! geo's `BooleanOps` (i_overlay) snaps each operation's coordinates to an integer grid spanning
//! that operation's own bounding box (DEPS 1.2), so the operands are kept small (one target and
//! the candidates the R-tree found for it) and moved to a local origin at the target's centre
//! before the operation: Gauss-Krüger coordinates (≈ 4×10⁷ m eastings with a zone prefix) would
//! otherwise cost digits both in the grid and in the shoelace area of the result.
//!
//! Cutters are combined with the NonZero fill rule: members of one MultiPolygon may overlap
//! (duplicate or overlapping supplies), and the default EvenOdd rule would make overlaps cancel
//! (DEPS 1.2 trap 2). All inputs are oriented on read, which NonZero needs.

use geo::bool_ops::FillRule;
use geo::{Area, BooleanOps, BoundingRect, Coord, Intersects, MultiPolygon, Polygon, Translate};

use crate::cgcs2000::Polygonal;

/// A local origin: the centre of a target's bounding box.
fn origin_of(target: &MultiPolygon<f64>) -> Coord<f64> {
    target
        .bounding_rect()
        .map(|r| r.center())
        .unwrap_or(Coord { x: 0.0, y: 0.0 })
}

fn to_local(g: &MultiPolygon<f64>, o: Coord<f64>) -> MultiPolygon<f64> {
    g.translate(-o.x, -o.y)
}

/// The part of `target` not covered by any of `cutters`: target − ∪ cutters.
/// Overlapping cutters are never counted twice.
///
/// ```
/// use geo::{wkt, Area};
/// use landaudit::overlay::difference_of_union;
/// let approval = wkt!(MULTIPOLYGON(((0. 0.,100. 0.,100. 100.,0. 100.,0. 0.))));
/// let a = wkt!(MULTIPOLYGON(((0. 0.,60. 0.,60. 100.,0. 100.,0. 0.))));
/// let b = wkt!(MULTIPOLYGON(((40. 0.,70. 0.,70. 100.,40. 100.,40. 0.)))); // overlaps a
/// let rest = difference_of_union(&approval, &[&a, &b]);
/// assert!((rest.unsigned_area() - 3000.0).abs() < 1e-6);
/// ```
pub fn difference_of_union(
    target: &MultiPolygon<f64>,
    cutters: &[&MultiPolygon<f64>],
) -> MultiPolygon<f64> {
    // Cutters whose envelope misses the target's cannot cut it; leaving them out also keeps the
    // operation's extent, and so its snapping grid, as small as the target allows.
    let Some(bbox) = target.bounding_rect() else {
        return target.clone();
    };
    let meets = |c: &&&MultiPolygon<f64>| {
        c.bounding_rect().is_some_and(|r| {
            r.min().x <= bbox.max().x
                && bbox.min().x <= r.max().x
                && r.min().y <= bbox.max().y
                && bbox.min().y <= r.max().y
        })
    };
    let cutters: Vec<&&MultiPolygon<f64>> = cutters.iter().filter(meets).collect();
    if cutters.is_empty() {
        return target.clone();
    }
    let o = bbox.center();
    let local_target = to_local(target, o);
    let local_cutters: MultiPolygon<f64> = cutters
        .iter()
        .flat_map(|c| c.0.iter())
        .map(|p: &Polygon<f64>| p.translate(-o.x, -o.y))
        .collect();
    let rest = local_target.difference_with_fill_rule(&local_cutters, FillRule::NonZero);
    // A difference is never larger than its target. i_overlay 4.5.2 sometimes returns the target
    // plus a cutter lying inside it, for multipolygons whose parts touch (found by the overlay
    // fuzz target; `tests/geos_adversarial.rs`, `difference_never_adds_the_cutter`). The parts of
    // a valid multipolygon have disjoint interiors, so the difference can be taken part by part,
    // which gives the right answer there; should that too be wrong, the engine's failure is
    // raised (and `guarded` makes it the feature's rejection) rather than a wrong area reported.
    let target_area = area(&local_target);
    // The slack (a pass over every ring) is only worked out for a result larger than its target.
    let too_big = |g: &MultiPolygon<f64>| {
        let a = area(g);
        a > target_area && a > target_area + snap_slack(&local_target, target_area, &local_cutters)
    };
    let rest = if local_target.0.len() > 1 && too_big(&rest) {
        local_target
            .0
            .iter()
            .flat_map(|p| {
                MultiPolygon::new(vec![p.clone()])
                    .difference_with_fill_rule(&local_cutters, FillRule::NonZero)
                    .0
            })
            .collect()
    } else {
        rest
    };
    if too_big(&rest) {
        panic!(
            "the geometry engine's difference ({:.3} m²) exceeds its target ({target_area:.3} m²)",
            area(&rest),
        );
    }
    rest.translate(o.x, o.y)
}

/// The part of `target` covered by `pieces`: target ∩ ∪ pieces, with overlapping pieces counted
/// once (NonZero), computed about the target's centre. Measuring it gives the covered area
/// directly, with an error of the order of the covered part's outline, where `target −
/// difference_of_union(target, pieces)` would carry the whole target's.
///
/// ```
/// use geo::{wkt, Area, Polygon};
/// use landaudit::overlay::intersection_of_union;
/// let supply = wkt!(MULTIPOLYGON(((0. 0.,100. 0.,100. 100.,0. 100.,0. 0.))));
/// let a: Polygon = wkt!(POLYGON((90. 10.,110. 10.,110. 20.,90. 20.,90. 10.)));
/// let b: Polygon = wkt!(POLYGON((95. 15.,105. 15.,105. 30.,95. 30.,95. 15.))); // overlaps a
/// let built = intersection_of_union(&supply, &[&a, &b]);
/// assert!((built.unsigned_area() - (100.0 + 75.0 - 25.0)).abs() < 1e-6);
/// ```
pub fn intersection_of_union(
    target: &MultiPolygon<f64>,
    pieces: &[&Polygon<f64>],
) -> MultiPolygon<f64> {
    let Some(bbox) = target.bounding_rect() else {
        return MultiPolygon::new(vec![]);
    };
    let o = bbox.center();
    let local: MultiPolygon<f64> = pieces
        .iter()
        .filter(|p| p.bounding_rect().is_some_and(|r| r.intersects(&bbox)))
        .map(|p| p.translate(-o.x, -o.y))
        .collect();
    if local.0.is_empty() {
        return MultiPolygon::new(vec![]);
    }
    to_local(target, o)
        .intersection_with_fill_rule(&local, FillRule::NonZero)
        .translate(o.x, o.y)
}

/// How much an operation's result may exceed its exact area through i_overlay's snapping: every
/// vertex moves by at most one grid step, 2⁻²⁸ of the operation's extent (DEPS 1.2), so an area
/// by at most perimeter × step (and 1e-9 of the target for the sums).
fn snap_slack(target: &MultiPolygon<f64>, target_area: f64, cutters: &MultiPolygon<f64>) -> f64 {
    use geo::{Euclidean, Length};
    let rings = |g: &MultiPolygon<f64>| -> f64 {
        g.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| Euclidean.length(r))
            .sum()
    };
    let extent = [target, cutters]
        .iter()
        .filter_map(|g| g.bounding_rect())
        .map(|r| r.width().max(r.height()))
        .fold(0.0, f64::max);
    target_area * 1e-9 + (rings(target) + rings(cutters)) * extent * 2f64.powi(-28)
}

/// The intersection of two valid geometries.
pub fn intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let o = origin_of(a);
    to_local(a, o)
        .intersection(&to_local(b, o))
        .translate(o.x, o.y)
}

/// The part of `g` inside the rectangle `rect`, computed about the rectangle's centre (so the
/// engine's grid spans the rectangle, not the whole of a large `g`).
///
/// ```
/// use geo::{wkt, Area, Rect};
/// let g = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))));
/// let part = landaudit::overlay::clip_to_rect(&g, Rect::new((5., -1.), (20., 4.)));
/// assert!((part.unsigned_area() - 20.0).abs() < 1e-9);
/// ```
pub fn clip_to_rect(g: &MultiPolygon<f64>, rect: geo::Rect<f64>) -> MultiPolygon<f64> {
    intersection(&MultiPolygon::new(vec![rect.to_polygon()]), g)
}

/// The area of the intersection of two valid geometries, computed in the local frame.
///
/// ```
/// use geo::wkt;
/// let a = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))));
/// let b = wkt!(MULTIPOLYGON(((5. 5.,15. 5.,15. 15.,5. 15.,5. 5.))));
/// assert!((landaudit::overlay::intersection_area(&a, &b) - 25.0).abs() < 1e-9);
/// ```
pub fn intersection_area(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    if boxes_apart(a, b) {
        return 0.0;
    }
    let o = origin_of(a);
    to_local(a, o).intersection(&to_local(b, o)).unsigned_area()
}

/// The intersection of two valid geometries and its planar area, the area exactly as
/// [`intersection_area`] gives it (measured in the local frame, before moving back), for a
/// caller that needs the polygons as well.
///
/// ```
/// use geo::wkt;
/// let a = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))));
/// let b = wkt!(MULTIPOLYGON(((5. 5.,15. 5.,15. 15.,5. 15.,5. 5.))));
/// let (part, area) = landaudit::overlay::intersection_and_area(&a, &b);
/// assert_eq!(area, landaudit::overlay::intersection_area(&a, &b));
/// assert!((landaudit::overlay::area(&part) - 25.0).abs() < 1e-9);
/// ```
pub fn intersection_and_area(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
) -> (MultiPolygon<f64>, f64) {
    if boxes_apart(a, b) {
        return (MultiPolygon::new(vec![]), 0.0);
    }
    let o = origin_of(a);
    let local = to_local(a, o).intersection(&to_local(b, o));
    let area = local.unsigned_area();
    (local.translate(o.x, o.y), area)
}

/// Whether the bounding boxes of `a` and `b` are apart (or one is empty): then they have no
/// intersection.
fn boxes_apart(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    let (ra, rb) = match (a.bounding_rect(), b.bounding_rect()) {
        (Some(ra), Some(rb)) => (ra, rb),
        _ => return true,
    };
    ra.max().x < rb.min().x
        || rb.max().x < ra.min().x
        || ra.max().y < rb.min().y
        || rb.max().y < ra.min().y
}

/// Area of a geometry computed about a local origin (robust for zone-prefixed eastings): the
/// centre of its bounding box.
///
/// It is geo's `unsigned_area` of the geometry translated to that origin, step for step and so
/// bit for bit (the translation is exact arithmetic's `x − o` rounded once, as geo's affine
/// translation gives it), without making the translated copy.
pub fn area<G>(g: &G) -> f64
where
    G: Polygonal + BoundingRect<f64, Output = Option<geo::Rect<f64>>>,
{
    let o = g
        .bounding_rect()
        .map(|r| r.center())
        .unwrap_or(Coord { x: 0.0, y: 0.0 });
    g.polygons()
        .iter()
        .fold(0.0, |total, p| total + polygon_area_about(p, o).abs())
}

/// geo's `Polygon::signed_area` of `p` translated by `−o`.
fn polygon_area_about(p: &Polygon<f64>, o: Coord<f64>) -> f64 {
    let exterior = ring_area_about(p.exterior(), o);
    let area = p.interiors().iter().fold(exterior.abs(), |total, hole| {
        total - ring_area_about(hole, o).abs()
    });
    if exterior < 0.0 { -area } else { area }
}

/// geo's `get_linestring_area` of `ring` translated by `−o`: the determinants of its edges
/// shifted by its first (translated) coordinate, halved; 0 for an open or degenerate ring.
fn ring_area_about(ring: &geo::LineString<f64>, o: Coord<f64>) -> f64 {
    let c = &ring.0;
    if c.len() < 3 {
        return 0.0;
    }
    let t = |k: usize| Coord {
        x: c[k].x - o.x,
        y: c[k].y - o.y,
    };
    let shift = t(0);
    if shift != t(c.len() - 1) {
        return 0.0;
    }
    let mut sum = 0.0;
    let mut prev = t(1) - shift;
    for k in 2..c.len() {
        let shifted = t(k) - shift;
        sum += prev.x * shifted.y - prev.y * shifted.x;
        prev = shifted;
    }
    sum / 2.0
}

/// Runs `f`, turning a panic inside the geometry engine into an error message, so that one
/// pathological parcel costs one row, not the run (DEPS 5: i_overlay still gets fuzz-found panics).
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|e| {
        let msg = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        format!("geometry engine failed: {msg}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_shapes::star;
    use proptest::prelude::*;

    /// What [`area`] replaces: geo's area of a translated copy.
    fn translated<G>(g: &G) -> f64
    where
        G: BoundingRect<f64, Output = Option<geo::Rect<f64>>> + Translate<f64> + Area<f64>,
    {
        let o = g
            .bounding_rect()
            .map(|r| r.center())
            .unwrap_or(Coord { x: 0.0, y: 0.0 });
        g.translate(-o.x, -o.y).unsigned_area()
    }

    fn arb_polygon() -> impl Strategy<Value = Polygon<f64>> {
        (
            -1e3..1e3f64,
            prop::collection::vec(20.0..200.0f64, 3..12),
            prop::option::of(prop::collection::vec(1.0..15.0f64, 3..7)),
            0.0..6.3f64,
            any::<bool>(),
        )
            .prop_map(|(x, radii, hole, rot, clockwise)| {
                let mut p = star(x, 0.0, &radii, rot);
                if let Some(h) = hole {
                    let mut h = star(x, 0.0, &h, rot).exterior().clone();
                    if clockwise {
                        h.0.reverse();
                    }
                    p = Polygon::new(p.exterior().clone(), vec![h]);
                }
                p
            })
    }

    proptest! {
        /// Bit for bit geo's area of the translated copy, at Gauss-Krüger magnitudes, for
        /// polygons and multipolygons with holes of either orientation.
        #[test]
        fn area_is_geo_area_of_the_translated_copy(
            polygons in prop::collection::vec(arb_polygon(), 1..4),
            (dx, dy) in (3.9e7..4.1e7f64, 2.0e6..5.0e6f64),
        ) {
            let polygons: Vec<Polygon<f64>> = polygons.iter().map(|p| p.translate(dx, dy)).collect();
            for p in &polygons {
                prop_assert_eq!(area(p).to_bits(), translated(p).to_bits());
            }
            let m = MultiPolygon::new(polygons);
            prop_assert_eq!(area(&m).to_bits(), translated(&m).to_bits());
        }
    }

    #[test]
    fn open_and_degenerate_rings_measure_zero_as_in_geo() {
        let open = Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]),
            vec![],
        );
        assert_eq!(area(&open), translated(&open));
        assert_eq!(area(&MultiPolygon::<f64>::new(vec![])), 0.0);
        let square = geo::Rect::new((0.0, 0.0), (10.0, 10.0)).to_polygon();
        assert_eq!(area(&square), 100.0);
    }
}
