//! Criterion benchmarks of input validation: `validate::check_geometry` (landaudit's
//! `FastValidation`) against the same check through geo 0.33's quadratic `Validation`, as
//! `check_geometry` did before.
//!
//! `cargo bench --bench validate -- --sample-size 10`; `-- --test` runs each routine once.
//!
//! - `ring/{new,geo}/N`: one valid parcel whose exterior is a wavy circle of N vertices at
//!   zone-prefixed Gauss-Krüger coordinates (star-shaped, so simple); geo only up to 10⁴ (10⁵
//!   would take about a minute an iteration in release, ~15 min in the test profile);
//! - `zigzag/{new,geo}/N`: the same with a radial zigzag of ±27 m from vertex to vertex, the
//!   ring of the 10⁵-vertex unit test: at 10⁵ vertices each segment's box meets ~50 others';
//! - `holes/{new,geo}/N`: a square parcel with N small square holes (geo relates every pair);
//! - `ring_with_holes/new/100000x1000`: the 10⁵-vertex ring with 1,000 small square holes: each
//!   hole is still related to the whole exterior, as geo does (linear in the exterior per hole).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use geo::orient::Direction;
use geo::{
    Area, Coord, LineString, MultiPolygon, Orient, Polygon, RemoveRepeatedPoints, Validation,
};
use landaudit::validate::{Checked, check_geometry};

/// A ring of `n` vertices about a zone-prefixed Gauss-Krüger point, radius 5 km. `zigzag`: each
/// vertex's radius jumps by up to ±27 m from the last (at 10⁵ vertices, 0.3 m apart along the
/// ring, segments are near-radial and each one's box meets ~50 others'); otherwise the same
/// wavy outline at any `n`, with a jitter of a third of the vertex spacing, like a digitised
/// boundary.
fn circle(n: usize, zigzag: bool) -> MultiPolygon<f64> {
    let spacing = std::f64::consts::TAU * 5000.0 / n as f64;
    let ring: Vec<Coord<f64>> = (0..n)
        .map(|k| {
            let a = k as f64 * std::f64::consts::TAU / n as f64;
            let k = k as f64;
            let r = if zigzag {
                5000.0 + 20.0 * (k * 0.61).sin() + 7.0 * (k * 2.3).cos()
            } else {
                5000.0
                    + 20.0 * (7.0 * a).sin()
                    + 7.0 * (31.0 * a).cos()
                    + spacing / 3.0 * (k * 2.3).sin()
            };
            Coord {
                x: 40_500_000.0 + r * a.cos(),
                y: 3_300_000.0 + r * a.sin(),
            }
        })
        .collect();
    MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
}

fn holes(n: usize) -> MultiPolygon<f64> {
    let side = n.isqrt() + 1;
    let big = side as f64 * 20.0 + 20.0;
    let holes = (0..n)
        .map(|k| {
            let (x, y) = (
                (k % side) as f64 * 20.0 + 10.0,
                (k / side) as f64 * 20.0 + 10.0,
            );
            LineString::from(vec![
                (x, y),
                (x + 10.0, y),
                (x + 10.0, y + 10.0),
                (x, y + 10.0),
            ])
        })
        .collect();
    let shell = LineString::from(vec![(0., 0.), (big, 0.), (big, big), (0., big)]);
    MultiPolygon::new(vec![Polygon::new(shell, holes)])
}

fn ring_with_holes(n: usize, h: usize) -> MultiPolygon<f64> {
    let mut g = circle(n, false);
    let side = h.isqrt() + 1;
    for k in 0..h {
        let (x, y) = (
            40_500_000.0 - 3000.0 + (k % side) as f64 * 6000.0 / side as f64,
            3_300_000.0 - 3000.0 + (k / side) as f64 * 6000.0 / side as f64,
        );
        g.0[0].interiors_push(vec![
            (x, y),
            (x + 10.0, y),
            (x + 10.0, y + 10.0),
            (x, y + 10.0),
        ]);
    }
    g
}

/// `check_geometry(g, false)` as it was with geo's validation (valid inputs only).
fn check_with_geo(g: MultiPolygon<f64>) -> Option<MultiPolygon<f64>> {
    let g = g.remove_repeated_points();
    if g.validation_errors().into_iter().next().is_some() {
        return None;
    }
    let g = g.orient(Direction::Default);
    (g.unsigned_area() > 0.0).then_some(g)
}

fn bench(
    c: &mut Criterion,
    group: &str,
    g: &MultiPolygon<f64>,
    n: impl std::fmt::Display,
    with_geo: bool,
) {
    let mut grp = c.benchmark_group(group);
    grp.warm_up_time(Duration::from_secs(1));
    grp.bench_function(format!("new/{n}"), |b| {
        b.iter_batched(
            || g.clone(),
            |g| {
                assert!(matches!(
                    check_geometry(black_box(g), false),
                    Checked::Valid(_)
                ))
            },
            BatchSize::LargeInput,
        )
    });
    if with_geo {
        grp.bench_function(format!("geo/{n}"), |b| {
            b.iter_batched(
                || g.clone(),
                |g| assert!(check_with_geo(black_box(g)).is_some()),
                BatchSize::LargeInput,
            )
        });
    }
    grp.finish();
}

fn validate(c: &mut Criterion) {
    for n in [1_000, 10_000, 100_000] {
        bench(c, "ring", &circle(n, false), n, n <= 10_000);
    }
    for n in [1_000, 10_000, 100_000] {
        bench(c, "zigzag", &circle(n, true), n, n <= 10_000);
    }
    for n in [100, 1_000] {
        bench(c, "holes", &holes(n), n, true);
    }
    bench(
        c,
        "ring_with_holes",
        &ring_with_holes(100_000, 1_000),
        "100000x1000",
        false,
    );
}

criterion_group!(benches, validate);
criterion_main!(benches);
