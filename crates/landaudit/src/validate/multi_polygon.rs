//! geo 0.33's `Validation for MultiPolygon<f64>` (`algorithm/validation/multi_polygon.rs`, MIT
//! OR Apache-2.0) in the same order, but only the parts whose boxes meet are related (see
//! [`pairs`]).

use super::{pairs, polygon};
use geo::algorithm::validation::{GeometryIndex, InvalidMultiPolygon};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{BoundingRect, MultiPolygon, Relate};
use std::ops::ControlFlow;

/// Calls `report` with each of geo's errors for `mp`, in geo's order, until it breaks.
pub(super) fn visit(
    mp: &MultiPolygon<f64>,
    report: &mut dyn FnMut(InvalidMultiPolygon) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let rects: Vec<_> = mp.0.iter().map(|p| p.bounding_rect()).collect();
    let later = pairs::meeting_pairs(&rects);
    for (i, (part, later)) in mp.0.iter().zip(&later).enumerate() {
        polygon::visit(part, &mut |e| {
            report(InvalidMultiPolygon::InvalidPolygon(GeometryIndex(i), e))
        })?;
        // Parts may not overlap, and may touch only at points.
        for &j in later {
            let m = part.relate(&mp.0[j]);
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                report(InvalidMultiPolygon::ElementsOverlaps(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ))?;
            }
            if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                report(InvalidMultiPolygon::ElementsTouchOnALine(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ))?;
            }
        }
    }
    ControlFlow::Continue(())
}
