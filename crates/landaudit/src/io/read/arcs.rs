//! Circular arcs to line segments: how a curved polygon (CurvePolygon, CompoundCurve,
//! CircularString, as GeoPackage and FileGDB store them) becomes the linear polygon the analysis
//! works on.
//!
//! Each arc, given as start, any point on it, and end (the OGC CircularString triple), is cut into
//! equal angular steps of at most [`ARC_STEP_DEGREES`], GDAL's default `OGR_ARC_STEPSIZE`, so the
//! result matches `ogr2ogr -nlt CONVERT_TO_LINEAR` in density. The arc's own start and end
//! positions are kept exactly (neighbouring segments stay connected); the points in between lie on
//! the circle. Three collinear points are two straight segments, and an arc whose start and end
//! coincide is the full circle through the middle point, as in the OGC definition.

use geo::Coord;

/// The largest angle one segment of a linearised arc spans, in degrees.
pub(crate) const ARC_STEP_DEGREES: f64 = 4.0;

/// Appends the linearised CircularString `points` (start, middle, end, middle, end, …) to `out`,
/// which either is empty or already ends at `points[0]` (the start is not repeated then).
/// Returns the number of arcs, or an error for a CircularString of the wrong length.
pub(crate) fn circular_string(
    points: &[Coord<f64>],
    out: &mut Vec<Coord<f64>>,
) -> Result<usize, String> {
    if points.len() < 3 || points.len().is_multiple_of(2) {
        return Err(format!(
            "circular string of {} points (needs 3, 5, 7, …)",
            points.len()
        ));
    }
    push(out, points[0]);
    let step = ARC_STEP_DEGREES.to_radians();
    for w in points.windows(3).step_by(2) {
        arc(w[0], w[1], w[2], step, out);
    }
    Ok(points.len() / 2)
}

/// Appends a straight LineString to `out` (see [`circular_string`] for the shared start).
pub(crate) fn line_string(points: &[Coord<f64>], out: &mut Vec<Coord<f64>>) {
    for &p in points {
        push(out, p);
    }
}

/// Appends `p` unless it repeats the last position.
fn push(out: &mut Vec<Coord<f64>>, p: Coord<f64>) {
    if out.last() != Some(&p) {
        out.push(p);
    }
}

/// Appends the points after `p0` of the arc p0 → p1 → p2, in steps of at most `step` radians.
fn arc(p0: Coord<f64>, p1: Coord<f64>, p2: Coord<f64>, step: f64, out: &mut Vec<Coord<f64>>) {
    // Work relative to p0: Gauss-Krüger coordinates are ~10⁶, arcs are metres to kilometres.
    let (bx, by) = (p1.x - p0.x, p1.y - p0.y);
    let (cx, cy) = (p2.x - p0.x, p2.y - p0.y);
    let full = cx == 0.0 && cy == 0.0;
    let (ux, uy, ccw) = if full {
        // A full circle: p1 is the point opposite p0; the direction is immaterial, CCW is chosen.
        (bx / 2.0, by / 2.0, true)
    } else {
        let d = 2.0 * (bx * cy - by * cx);
        let scale = (bx * bx + by * by).max(cx * cx + cy * cy);
        if d.abs() <= 1e-12 * scale {
            // Collinear (or repeated) points: a straight line through p1.
            push(out, p1);
            push(out, p2);
            return;
        }
        let b2 = bx * bx + by * by;
        let c2 = cx * cx + cy * cy;
        let ux = (cy * b2 - by * c2) / d;
        let uy = (bx * c2 - cx * b2) / d;
        (ux, uy, d > 0.0)
    };
    let r = ux.hypot(uy);
    let a0 = (-uy).atan2(-ux);
    let tau = std::f64::consts::TAU;
    let sweep = if full {
        tau
    } else {
        let a2 = (cy - uy).atan2(cx - ux);
        let mut s = a2 - a0;
        if ccw {
            while s <= 0.0 {
                s += tau;
            }
        } else {
            while s >= 0.0 {
                s -= tau;
            }
        }
        s
    };
    let n = (sweep.abs() / step).ceil().max(1.0) as usize;
    for i in 1..n {
        let a = a0 + sweep * i as f64 / n as f64;
        push(
            out,
            Coord {
                x: p0.x + ux + r * a.cos(),
                y: p0.y + uy + r * a.sin(),
            },
        );
    }
    push(out, p2);
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, LineString, Polygon, coord};

    fn ring_area(points: &[Coord<f64>]) -> f64 {
        Polygon::new(LineString::from(points.to_vec()), vec![]).unsigned_area()
    }

    /// The area of a regular `n`-gon inscribed in a circle of radius `r`.
    fn inscribed(n: usize, r: f64) -> f64 {
        n as f64 / 2.0 * r * r * (std::f64::consts::TAU / n as f64).sin()
    }

    #[test]
    fn two_half_circles_make_a_90_gon() {
        // Centre (1010, 0), radius 10: 2 arcs of 180°, 45 steps of 4° each.
        let pts = [
            coord! { x: 1000.0, y: 0.0 },
            coord! { x: 1010.0, y: 10.0 },
            coord! { x: 1020.0, y: 0.0 },
            coord! { x: 1010.0, y: -10.0 },
            coord! { x: 1000.0, y: 0.0 },
        ];
        let mut out = vec![];
        assert_eq!(circular_string(&pts, &mut out), Ok(2));
        assert_eq!(out.len(), 91);
        assert_eq!(out[0], pts[0]);
        assert_eq!(out[90], pts[4]);
        assert!(out.contains(&pts[2]));
        for p in &out {
            assert!(((p.x - 1010.0).hypot(p.y) - 10.0).abs() < 1e-12);
        }
        assert!((ring_area(&out) - inscribed(90, 10.0)).abs() < 1e-9);
    }

    #[test]
    fn full_circle_from_one_arc_far_from_the_origin() {
        // start = end: the full circle with the middle point opposite; at Gauss-Krüger magnitudes.
        let (x0, y0) = (40_512_345.5, 3_345_678.25);
        let pts = [
            coord! { x: x0, y: y0 },
            coord! { x: x0 + 200.0, y: y0 },
            coord! { x: x0, y: y0 },
        ];
        let mut out = vec![];
        assert_eq!(circular_string(&pts, &mut out), Ok(1));
        assert_eq!(out.len(), 91);
        let rel = (ring_area(&out) - inscribed(90, 100.0)).abs() / inscribed(90, 100.0);
        assert!(rel < 1e-9, "{rel}");
    }

    #[test]
    fn clockwise_quarter_arc_stays_on_its_side() {
        // From (0,10) clockwise through (7.07, 7.07) to (10, 0): centre (0,0), a 90° arc.
        let h = 10.0 / 2f64.sqrt();
        let pts = [
            coord! { x: 0.0, y: 10.0 },
            coord! { x: h, y: h },
            coord! { x: 10.0, y: 0.0 },
        ];
        let mut out = vec![];
        circular_string(&pts, &mut out).unwrap();
        assert_eq!(out.len(), 24); // ceil(90 / 4) = 23 steps
        assert!(out.iter().all(|p| p.x >= -1e-12 && p.y >= -1e-12));
        // Closed with the centre, it is a fan of 23 equal triangles.
        let mut fan = out.clone();
        fan.push(coord! { x: 0.0, y: 0.0 });
        fan.push(out[0]);
        let expect = 23.0 / 2.0 * 100.0 * (std::f64::consts::FRAC_PI_2 / 23.0).sin();
        assert!((ring_area(&fan) - expect).abs() < 1e-9);
    }

    #[test]
    fn collinear_points_are_straight_and_bad_lengths_are_errors() {
        let mut out = vec![];
        let pts = [
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 1.0, y: 1.0 },
            coord! { x: 2.0, y: 2.0 },
        ];
        circular_string(&pts, &mut out).unwrap();
        assert_eq!(out, pts);
        assert!(circular_string(&pts[..2], &mut vec![]).is_err());
        let four = [pts[0], pts[1], pts[2], pts[0]];
        assert!(
            circular_string(&four, &mut vec![])
                .unwrap_err()
                .contains("4 points")
        );
    }

    #[test]
    fn shared_start_is_not_repeated() {
        let mut out = vec![coord! { x: -5.0, y: 0.0 }, coord! { x: 0.0, y: 0.0 }];
        line_string(
            &[coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 0.0 }],
            &mut out,
        );
        assert_eq!(out.len(), 3);
    }
}
