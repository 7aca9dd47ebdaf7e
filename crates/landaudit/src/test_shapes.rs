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

/// A small deterministic generator of uniform numbers in [0, 1) (xorshift64), for tests that
/// walk through many cases without a proptest strategy; `seed` must not be 0.
pub(crate) fn uniform(mut seed: u64) -> impl FnMut() -> f64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    }
}
