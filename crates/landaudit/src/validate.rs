//! Geometry validation and repair on input. Every parcel that enters the analysis is OGC-valid,
//! free of repeated points, and oriented CCW-exterior / CW-holes: geo's `unary_union` picks its fill
//! rule from the first ring's winding, so mixed winding silently loses area (DEPS 1.2).

use geo::orient::Direction;
use geo::{Area, MakeValid, MultiPolygon, Orient, RemoveRepeatedPoints, Validation, unary_union};

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
pub fn check_geometry(geometry: MultiPolygon<f64>, repair: bool) -> Checked {
    let geometry = geometry.remove_repeated_points();
    let problem = geometry.validation_errors().into_iter().next();
    let (geometry, repaired) = match problem {
        None => (geometry, None),
        Some(p) if !repair => return Checked::Invalid(format!("invalid polygon: {p}")),
        Some(p) => match repair_parts(&geometry) {
            Ok(fixed) if fixed.is_valid() => (fixed, Some(format!("repaired: {p}"))),
            Ok(_) => return Checked::Invalid(format!("invalid polygon, repair failed: {p}")),
            Err(e) => {
                return Checked::Invalid(format!("invalid polygon ({p}), repair failed: {e}"));
            }
        },
    };
    let geometry = geometry.orient(Direction::Default);
    if geometry.0.is_empty() || geometry.unsigned_area() <= 0.0 {
        return Checked::Invalid("zero area".into());
    }
    match repaired {
        None => Checked::Valid(geometry),
        Some(what) => Checked::Repaired(geometry, what),
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
        if p.is_valid() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn hole_outside_shell_is_invalid() {
        let g = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(20. 20.,21. 20.,21. 21.,20. 20.))));
        assert!(matches!(check_geometry(g, false), Checked::Invalid(_)));
    }

    #[test]
    fn overlapping_parts_are_invalid() {
        let g = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)),((5. 5.,15. 5.,15. 15.,5. 15.,5. 5.))));
        assert!(matches!(
            check_geometry(g.clone(), false),
            Checked::Invalid(_)
        ));
        // Repair merges them: 100 + 100 - 25.
        match check_geometry(g, true) {
            Checked::Repaired(m, _) => assert!((m.unsigned_area() - 175.0).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn repeated_points_are_dropped_silently() {
        let g = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 0.,10. 10.,0. 10.,0. 0.))));
        match check_geometry(g, false) {
            Checked::Valid(m) => assert_eq!(m.0[0].exterior().0.len(), 5),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn degenerate_ring_is_invalid() {
        let g = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,20. 0.,0. 0.))));
        assert!(matches!(check_geometry(g, false), Checked::Invalid(_)));
    }
}
