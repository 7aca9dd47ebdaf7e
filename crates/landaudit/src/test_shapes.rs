//! Shapes the unit tests share.

use geo::{Coord, LineString, Polygon};

/// A star-shaped simple polygon around (cx, cy), counter-clockwise, with one vertex per radius.
pub(crate) fn star(cx: f64, cy: f64, radii: &[f64], rot: f64) -> Polygon<f64> {
    let n = radii.len();
    let ring = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = rot + std::f64::consts::TAU * i as f64 / n as f64;
            Coord {
                x: cx + r * t.cos(),
                y: cy + r * t.sin(),
            }
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}
