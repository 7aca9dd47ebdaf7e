//! Geometry validation and repair on input. Every parcel that enters the analysis is OGC-valid,
//! free of repeated points, and oriented CCW-exterior / CW-holes: geo's `unary_union` picks its fill
//! rule from the first ring's winding, so mixed winding silently loses area (DEPS 1.2).
//!
//! Validity is judged by [`FastValidation`]: geo 0.33's own rules and error values
//! ([`geo::Validation`]), computed in about O(n log n) instead of geo's O(n²) per ring, per pair
//! of holes and per pair of parts, so that a 10⁵-vertex river or red-line zone does not stall the
//! reader.

mod multi_polygon;
mod pairs;
mod polygon;
mod rings;

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod tests;

use geo::orient::Direction;
use geo::{
    Area, MakeValid, MultiPolygon, Orient, Polygon, RemoveRepeatedPoints, Winding, unary_union,
};
use std::ops::ControlFlow;

pub use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon};

/// geo's [`Validation`](geo::Validation) for polygons and multipolygons, with the same errors
/// in the same order, but fast on big rings and on many holes or parts.
///
/// geo 0.33 compares every pair of a ring's segments, relates every pair of holes and every pair
/// of parts. Here only a ring's segments whose boxes meet are compared (found through a hierarchy
/// of boxes along the ring), and only holes or parts whose boxes meet are related (geo's `relate`
/// gives nothing for the others). What is tested on the pairs that remain is geo's own code, so
/// the answers are geo's, down to its treatment of spikes, repeated vertices and degenerate rings.
/// The property tests in this module compare the whole error list with geo's on generated
/// polygons and multipolygons.
///
/// ```
/// use geo::{Validation, wkt};
/// use landaudit::validate::FastValidation;
/// let bowtie = wkt!(POLYGON((0. 0.,10. 10.,10. 0.,0. 10.,0. 0.)));
/// assert!(!bowtie.is_valid_fast());
/// assert_eq!(bowtie.fast_validation_errors(), bowtie.validation_errors());
/// assert_eq!(
///     bowtie.fast_check_validation().unwrap_err().to_string(),
///     "exterior ring has a self-intersection"
/// );
/// ```
pub trait FastValidation {
    /// geo's error type for this geometry.
    type Error;

    /// Calls `report` with each error, in geo's order, until `report` breaks; returns whether it
    /// broke. The other methods are built on this one.
    fn visit_fast_validation(
        &self,
        report: &mut dyn FnMut(Self::Error) -> ControlFlow<()>,
    ) -> ControlFlow<()>;

    /// All errors, as geo's `validation_errors()` gives them.
    fn fast_validation_errors(&self) -> Vec<Self::Error> {
        let mut errors = Vec::new();
        let _ = self.visit_fast_validation(&mut |e| {
            errors.push(e);
            ControlFlow::Continue(())
        });
        errors
    }

    /// The first error, as geo's `check_validation()` gives it; stops looking there.
    fn fast_check_validation(&self) -> Result<(), Self::Error> {
        let mut first = None;
        let _ = self.visit_fast_validation(&mut |e| {
            first = Some(e);
            ControlFlow::Break(())
        });
        first.map_or(Ok(()), Err)
    }

    /// Whether there is no error, as geo's `is_valid()`.
    fn is_valid_fast(&self) -> bool {
        self.fast_check_validation().is_ok()
    }
}

impl FastValidation for Polygon<f64> {
    type Error = InvalidPolygon;

    fn visit_fast_validation(
        &self,
        report: &mut dyn FnMut(InvalidPolygon) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        polygon::visit(self, report)
    }
}

impl FastValidation for MultiPolygon<f64> {
    type Error = InvalidMultiPolygon;

    fn visit_fast_validation(
        &self,
        report: &mut dyn FnMut(InvalidMultiPolygon) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        multi_polygon::visit(self, report)
    }
}

/// The outcome of checking one geometry.
#[derive(Debug, Clone)]
pub enum Checked {
    /// Valid (after normalising orientation and repeated points).
    Valid(MultiPolygon<f64>),
    /// Was invalid and has been repaired; the text says what was wrong.
    Repaired(MultiPolygon<f64>, String),
    /// Invalid and not repaired; the text says why.
    Invalid(String),
}

/// Checks a polygon geometry, repairing it when `repair` is set.
///
/// ```
/// use geo::wkt;
/// use landaudit::validate::{check_geometry, Checked};
/// let bowtie = wkt!(MULTIPOLYGON(((0. 0.,10. 10.,10. 0.,0. 10.,0. 0.))));
/// assert!(matches!(check_geometry(bowtie.clone(), false), Checked::Invalid(_)));
/// assert!(matches!(check_geometry(bowtie, true), Checked::Repaired(..)));
/// ```
pub fn check_geometry(mut geometry: MultiPolygon<f64>, repair: bool) -> Checked {
    // In place: the geometry is ours, so neither step needs a copy of every ring.
    geometry.remove_repeated_points_mut();
    let problem = geometry.fast_check_validation().err();
    let (geometry, repaired) = match problem {
        None => (geometry, None),
        Some(p) if !repair => return Checked::Invalid(format!("invalid polygon: {p}")),
        Some(p) => match repair_parts(&geometry) {
            Ok(fixed) if fixed.is_valid_fast() => (fixed, Some(format!("repaired: {p}"))),
            Ok(_) => return Checked::Invalid(format!("invalid polygon, repair failed: {p}")),
            Err(e) => {
                return Checked::Invalid(format!("invalid polygon ({p}), repair failed: {e}"));
            }
        },
    };
    let mut geometry = geometry;
    orient_in_place(&mut geometry);
    if geometry.0.is_empty() || geometry.unsigned_area() <= 0.0 {
        return Checked::Invalid("zero area".into());
    }
    match repaired {
        None => Checked::Valid(geometry),
        Some(what) => Checked::Repaired(geometry, what),
    }
}

/// `orient(Direction::Default)` without the copy: CCW exteriors, CW holes. geo's `orient` clones
/// each ring and reverses the clone where its winding is the other way; this reverses in place
/// where it is, which leaves the same rings.
fn orient_in_place(geometry: &mut MultiPolygon<f64>) {
    for p in &mut geometry.0 {
        p.interiors_mut(|holes| holes.iter_mut().for_each(|h| h.make_cw_winding()));
        p.exterior_mut(|e| e.make_ccw_winding());
    }
}

/// Repairs each part on its own (geo's `MakeValid`: a bow-tie becomes its two triangles), then
/// dissolves the parts: overlapping parts of one parcel mean the land is in the parcel, so they
/// are unioned, not cancelled as an even-odd repair of the whole would do.
fn repair_parts(
    g: &MultiPolygon<f64>,
) -> Result<MultiPolygon<f64>, geo::algorithm::repair_polygon::RepairPolygonError> {
    let mut parts = Vec::with_capacity(g.0.len());
    for p in &g.0 {
        if p.is_valid_fast() {
            parts.push(p.clone());
        } else {
            parts.extend(p.make_valid()?.0);
        }
    }
    let parts: Vec<_> = parts
        .into_iter()
        .map(|p| p.orient(Direction::Default))
        .collect();
    Ok(unary_union(parts.iter()))
}
