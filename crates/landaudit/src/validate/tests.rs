//! Unit tests of `check_geometry`.

use super::*;
use geo::wkt;

#[test]
fn hole_outside_shell_is_invalid() {
    let g =
        wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(20. 20.,21. 20.,21. 21.,20. 20.))));
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

/// A star-shaped (so simple) noisy circle of `n` vertices at projected-CRS coordinates.
fn noisy_circle(n: usize) -> Vec<geo::Coord<f64>> {
    (0..n)
        .map(|k| {
            let a = k as f64 * std::f64::consts::TAU / n as f64;
            let r = 5000.0 + 20.0 * (k as f64 * 0.61).sin() + 7.0 * (k as f64 * 2.3).cos();
            geo::coord! { x: 4.05e7 + r * a.cos(), y: 3.3e6 + r * a.sin() }
        })
        .collect()
}

#[test]
fn ring_of_100k_vertices_is_judged_quickly() {
    let ring = noisy_circle(100_000);
    let g = MultiPolygon::new(vec![Polygon::new(ring.clone().into(), vec![])]);
    match check_geometry(g, false) {
        Checked::Valid(m) => assert_eq!(m.0[0].exterior().0.len(), 100_001),
        other => panic!("{other:?}"),
    }

    // One vertex pulled across the centre: its two segments cross the far side of the ring.
    let mut crossed = ring;
    crossed[60_000].x -= 2.0 * (crossed[60_000].x - 4.05e7);
    crossed[60_000].y -= 2.0 * (crossed[60_000].y - 3.3e6);
    let g = MultiPolygon::new(vec![Polygon::new(crossed.into(), vec![])]);
    match check_geometry(g, false) {
        Checked::Invalid(why) => assert_eq!(
            why,
            "invalid polygon: polygon at index 0 is invalid: exterior ring has a self-intersection"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hole_of_100k_vertices_is_judged_quickly() {
    let shell = geo::LineString::from(vec![
        (4.05e7 - 1e4, 3.3e6 - 1e4),
        (4.05e7 + 1e4, 3.3e6 - 1e4),
        (4.05e7 + 1e4, 3.3e6 + 1e4),
        (4.05e7 - 1e4, 3.3e6 + 1e4),
    ]);
    let p = Polygon::new(shell, vec![noisy_circle(100_000).into()]);
    assert!(p.is_valid_fast());
}
