//! geo 0.33's `Validation for Polygon<f64>` (`algorithm/validation/polygon.rs`, MIT OR
//! Apache-2.0), step for step and in the same order, with its two quadratic loops replaced: the
//! ring self-intersection test ([`rings::has_self_intersection`]) and the pairs of holes (only
//! those whose boxes meet are related, see [`pairs`]).

use super::{pairs, rings};
use geo::algorithm::validation::{CoordIndex, InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{BoundingRect, HasDimensions, Polygon, PreparedGeometry, Relate};
use std::ops::ControlFlow;

/// Calls `report` with each of geo's errors for `polygon`, in geo's order, until it breaks.
pub(super) fn visit(
    polygon: &Polygon<f64>,
    report: &mut dyn FnMut(InvalidPolygon) -> ControlFlow<()>,
) -> ControlFlow<()> {
    if polygon.is_empty() {
        return ControlFlow::Continue(());
    }

    for (ring_idx, ring) in std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .enumerate()
    {
        if ring.is_empty() {
            continue;
        }
        let role = if ring_idx == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(ring_idx - 1)
        };
        if rings::too_few_points(ring) {
            report(InvalidPolygon::TooFewPointsInRing(role))?;
        }
        if rings::has_self_intersection(ring) {
            report(InvalidPolygon::SelfIntersection(role))?;
        }
        for (coord_idx, coord) in ring.0.iter().enumerate() {
            if rings::is_not_finite(coord) {
                report(InvalidPolygon::NonFiniteCoord(role, CoordIndex(coord_idx)))?;
            }
        }
    }

    if polygon.interiors().iter().all(|r| r.is_empty()) {
        return ControlFlow::Continue(());
    }

    // As geo: the exterior prepared once; each hole as a polygon of its own, related to the
    // prepared exterior and (prepared) to the later holes.
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let prepared_exterior = PreparedGeometry::from(&exterior);
    let holes: Vec<Polygon<f64>> = polygon
        .interiors()
        .iter()
        .map(|r| Polygon::new(r.clone(), vec![]))
        .collect();
    // An empty hole has no rectangle, so it is paired with nothing, as geo skips it.
    let rects: Vec<_> = holes.iter().map(|h| h.bounding_rect()).collect();
    let later = pairs::meeting_pairs(&rects);

    for (i, (hole, later)) in holes.iter().zip(&later).enumerate() {
        if polygon.interiors()[i].is_empty() {
            continue;
        }
        let role_i = RingRole::Interior(i);
        let prepared_hole = PreparedGeometry::from(hole);
        let exterior_vs_hole = prepared_exterior.relate(&prepared_hole);
        if !exterior_vs_hole.is_contains() {
            report(InvalidPolygon::InteriorRingNotContainedInExteriorRing(
                role_i,
            ))?;
        }
        // A hole may touch the exterior at points, not along a line.
        if exterior_vs_hole.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
            == Dimensions::OneDimensional
        {
            report(InvalidPolygon::IntersectingRingsOnALine(
                RingRole::Exterior,
                role_i,
            ))?;
        }
        for &j in later {
            let role_j = RingRole::Interior(j);
            let m = prepared_hole.relate(&holes[j]);
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                report(InvalidPolygon::IntersectingRingsOnAnArea(role_i, role_j))?;
            }
            if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                report(InvalidPolygon::IntersectingRingsOnALine(role_i, role_j))?;
            }
        }
    }
    ControlFlow::Continue(())
}
