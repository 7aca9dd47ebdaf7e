//! Telling digitising slivers from real remnants.
//!
//! A remnant part is a sliver when its area is below `min_area_m2`, or when it is narrower than
//! `min_width_m` everywhere, i.e. it vanishes under an inward buffer of half that width. The buffer
//! is only run when needed: every point of a region whose largest inscribed circle has radius r lies
//! within r of the boundary, so area ≤ r × perimeter; a part with area / perimeter > w / 2 therefore
//! holds a disc of diameter > w and is real without buffering.

use geo::{Area, Buffer, Euclidean, Length, Polygon, Translate};

use crate::config::Slivers;

/// Whether `part` is a digitising sliver under the thresholds `s`.
///
/// ```
/// use geo::wkt;
/// use landaudit::{config::Slivers, sliver::is_sliver};
/// let s = Slivers { min_width_m: 0.5, min_area_m2: 1.0 };
/// let strip = wkt!(POLYGON((0. 0.,200. 0.,200. 0.3,0. 0.3,0. 0.)));   // 60 m², 0.3 m wide
/// let lot = wkt!(POLYGON((0. 0.,20. 0.,20. 20.,0. 20.,0. 0.)));
/// assert!(is_sliver(&strip, &s));
/// assert!(!is_sliver(&lot, &s));
/// ```
pub fn is_sliver(part: &Polygon<f64>, s: &Slivers) -> bool {
    if s.min_area_m2 <= 0.0 && s.min_width_m <= 0.0 {
        return false;
    }
    let area = part.unsigned_area();
    if area < s.min_area_m2 {
        return true;
    }
    if s.min_width_m <= 0.0 {
        return false;
    }
    let perimeter: f64 = part
        .exterior()
        .lines()
        .chain(part.interiors().iter().flat_map(|r| r.lines()))
        .map(|l| Euclidean.length(&l))
        .sum();
    if perimeter <= 0.0 || area / perimeter > s.min_width_m / 2.0 {
        return false;
    }
    // Inward buffer in a local frame; a sliver leaves nothing (allow for the engine's grid).
    let c = part.exterior().0[0];
    let local = part.translate(-c.x, -c.y);
    let core = local.buffer(-s.min_width_m / 2.0);
    core.unsigned_area() <= area * 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    const S: Slivers = Slivers {
        min_width_m: 0.5,
        min_area_m2: 1.0,
    };

    #[test]
    fn strip_with_a_blob_is_real() {
        // A 0.3 m strip 100 m long ending in a 5 × 5 m square: not narrow everywhere.
        let p =
            wkt!(POLYGON((0. 0.,100. 0.,100. -2.,105. -2.,105. 3.,100. 3.,100. 0.3,0. 0.3,0. 0.)));
        assert!(!is_sliver(&p, &S));
    }

    #[test]
    fn small_square_is_a_sliver_by_area() {
        let p = wkt!(POLYGON((0. 0.,0.9 0.,0.9 0.9,0. 0.9,0. 0.)));
        assert!(is_sliver(&p, &S));
    }

    #[test]
    fn zero_thresholds_disable() {
        let z = Slivers {
            min_width_m: 0.0,
            min_area_m2: 0.0,
        };
        let p = wkt!(POLYGON((0. 0.,100. 0.,100. 0.01,0. 0.01,0. 0.)));
        assert!(!is_sliver(&p, &z));
    }

    #[test]
    fn thin_triangle_at_gauss_krueger_magnitudes() {
        // A 0.4 m wide wedge 300 m long, at zone-prefixed coordinates.
        let (x, y) = (40_500_000.0, 3_300_000.0);
        let p = wkt!(POLYGON((0. 0.,300. 0.,0. 0.4,0. 0.))).translate(x, y);
        assert!(is_sliver(&p, &S));
    }
}
