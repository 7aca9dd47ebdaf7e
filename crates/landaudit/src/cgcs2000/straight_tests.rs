//! Tests of [`ellipsoidal_area_gk_straight`]: the reference is the trapezoid series on edges cut
//! to 1 m and 0.5 m, extrapolated (its error falls as the square of the cut length).

use geo::{Coord, Densify, Euclidean, LineString, MultiPolygon, Polygon, polygon};

use super::*;

/// The series on edges cut to `h` and `h/2`, Richardson-extrapolated to edges of length 0.
fn cut_fine(g: &MultiPolygon<f64>, zone: &GkZone) -> f64 {
    let coarse = ellipsoidal_area_gk(&Euclidean.densify(g, 1.0), zone);
    let fine = ellipsoidal_area_gk(&Euclidean.densify(g, 0.5), zone);
    (4.0 * fine - coarse) / 3.0
}

/// A deterministic walk through shapes and places: rectangles and notched parcels with a hole,
/// 20 m to 4 km across, turned, anywhere from 280 km west to 280 km east of the central meridian
/// and from 20°N to 52°N.
fn parcels() -> Vec<MultiPolygon<f64>> {
    let mut next = crate::test_shapes::uniform(0x9e37_79b9_7f4a_7c15_u64);
    (0..48)
        .map(|i| {
            let (cx, cy) = (
                500_000.0 + (next() - 0.5) * 560_000.0,
                2_200_000.0 + next() * 3_550_000.0,
            );
            let (w, h) = (20.0 * 200f64.powf(next()), 20.0 * 200f64.powf(next()));
            let (s, c) = (next() * std::f64::consts::TAU).sin_cos();
            let at = |&(x, y): &(f64, f64)| Coord {
                x: cx + c * x - s * y,
                y: cy + s * x + c * y,
            };
            let ring =
                |pts: &[(f64, f64)]| LineString::from(pts.iter().map(at).collect::<Vec<_>>());
            let p = if i % 2 == 0 {
                ring(&[(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)])
            } else {
                ring(&[
                    (0.0, 0.0),
                    (w, 0.0),
                    (w, h),
                    (0.6 * w, h),
                    (0.6 * w, 0.3 * h),
                    (0.2 * w, 0.3 * h),
                    (0.0, h),
                ])
            };
            let hole = ring(&[
                (0.7 * w, 0.1 * h),
                (0.7 * w, 0.2 * h),
                (0.9 * w, 0.2 * h),
                (0.9 * w, 0.1 * h),
            ]);
            MultiPolygon::new(vec![Polygon::new(
                p,
                if i % 3 == 0 { vec![hole] } else { vec![] },
            )])
        })
        .collect()
}

#[test]
fn straight_edges_match_edges_cut_to_nothing() {
    let zone = GkZone::from_epsg(4549).unwrap();
    let (mut worst, mut worst_cut10) = (0.0f64, 0.0f64);
    for g in parcels() {
        let reference = cut_fine(&g, &zone);
        let straight = ellipsoidal_area_gk_straight(&g, &zone, 0.0);
        let d = (straight - reference).abs();
        assert!(
            d < 2e-5 + 2e-12 * reference,
            "{g:?}: straight {straight} vs cut fine {reference}"
        );
        worst = worst.max(d);
        let cut10 = ellipsoidal_area_gk(&Euclidean.densify(&g, 10.0), &zone);
        worst_cut10 = worst_cut10.max((cut10 - reference).abs());
    }
    eprintln!("worst |straight − cut fine| {worst:.1e} m², edges cut to 10 m {worst_cut10:.1e} m²");
    // The reference tells the methods apart: cutting to 10 m is off by more than this allows.
    assert!(worst_cut10 > 1e-4, "{worst_cut10}");
}

#[test]
fn short_edges_are_taken_as_the_series_takes_them() {
    let zone = GkZone::from_epsg(4549).unwrap();
    for g in parcels() {
        // Longer than every edge: exactly the vertex figure.
        assert_eq!(
            ellipsoidal_area_gk_straight(&g, &zone, 1e5),
            ellipsoidal_area_gk(&g, &zone)
        );
        // Edges over 10 m straight, shorter ones as they are: within the bow the short ones
        // leave (≈ ℓ³·tan B/(12N), below 2e-5 m² for 10 m at 52°N), per short edge.
        let short =
            g.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.lines())
                .filter(|l| (l.dx().hypot(l.dy())) <= 10.0)
                .count() as f64;
        let d = (ellipsoidal_area_gk_straight(&g, &zone, 10.0) - cut_fine(&g, &zone)).abs();
        assert!(
            d < 2e-5 * (1.0 + short),
            "{g:?}: {d} with {short} short edges"
        );
    }
}

#[test]
fn straight_area_ignores_winding_closure_and_grouping() {
    let zone = GkZone::from_epsg(4549).unwrap();
    for g in parcels() {
        let a = ellipsoidal_area_gk_straight(&g, &zone, 10.0);
        let p = &g.0[0];
        let open = |ls: &LineString<f64>, reverse: bool| {
            let mut c = ls.0[..ls.0.len() - 1].to_vec();
            if reverse {
                c.reverse();
            }
            // LineString::from does not close a ring; Polygon::new would.
            LineString::from(c)
        };
        let turned = Polygon::new(
            open(p.exterior(), true),
            p.interiors().iter().map(|r| open(r, false)).collect(),
        );
        let b = ellipsoidal_area_gk_straight(&turned, &zone, 10.0);
        assert!((a - b).abs() <= 1e-9 * a, "{a} vs {b}");
        assert_eq!(ellipsoidal_area_gk_straight(p, &zone, 10.0), a);
    }
    // Two parcels together measure as the sum of each.
    let all = MultiPolygon::new(parcels().into_iter().flat_map(|g| g.0).collect());
    let each: f64 = all
        .0
        .iter()
        .map(|p| ellipsoidal_area_gk_straight(p, &zone, 10.0))
        .sum();
    let together = ellipsoidal_area_gk_straight(&all, &zone, 10.0);
    assert!((together - each).abs() <= 1e-9 * each);
}

#[test]
fn straight_area_of_bad_or_degenerate_rings() {
    let zone = GkZone::from_epsg(4549).unwrap();
    let bad = polygon![(x: 500_000.0, y: 3e6), (x: f64::NAN, y: 3e6), (x: 500_100.0, y: 3.0001e6)];
    assert!(ellipsoidal_area_gk_straight(&bad, &zone, 10.0).is_nan());
    let flat = polygon![(x: 500_000.0, y: 3e6), (x: 500_500.0, y: 3e6)];
    assert_eq!(ellipsoidal_area_gk_straight(&flat, &zone, 10.0), 0.0);
    let none = MultiPolygon::<f64>::new(vec![]);
    assert_eq!(ellipsoidal_area_gk_straight(&none, &zone, 10.0), 0.0);
}

#[test]
fn halves_add_up_to_the_whole() {
    // A parcel with a long south side, cut in two across it, from the equator side of the
    // province to the north, on and off the central meridian: the halves add up.
    let zone = GkZone::from_epsg(4549).unwrap();
    for (x, y) in [
        (300_000.0, 2_300_000.0),
        (500_000.0, 3_300_000.0),
        (760_000.0, 5_700_000.0),
    ] {
        let p = |pts: [(f64, f64); 4]| {
            Polygon::new(
                LineString::from(pts.map(|(a, b)| (x + a, y + b)).to_vec()),
                vec![],
            )
        };
        let whole = p([(0.0, 0.0), (2500.0, 0.0), (1400.0, 700.0), (1100.0, 700.0)]);
        let west = p([(0.0, 0.0), (1250.0, 0.0), (1250.0, 700.0), (1100.0, 700.0)]);
        let east = p([
            (1250.0, 0.0),
            (2500.0, 0.0),
            (1400.0, 700.0),
            (1250.0, 700.0),
        ]);
        let f = |q: &Polygon<f64>| ellipsoidal_area_gk_straight(q, &zone, 10.0);
        let d = f(&west) + f(&east) - f(&whole);
        assert!(d.abs() < 1e-4, "({x}, {y}): halves − whole = {d}");
        let v = |q: &Polygon<f64>| ellipsoidal_area_gk(q, &zone);
        assert!((v(&west) + v(&east) - v(&whole)).abs() > 10.0 * d.abs());
    }
}

#[test]
fn the_bow_of_a_short_edge_without_its_midpoint() {
    let zone = GkZone::from_epsg(4549).unwrap();
    let proj = GkProjection::cached(&zone).unwrap();
    let mut next = crate::test_shapes::uniform(0x2545_f491_4f6c_dd1d_u64);
    let mut worst: f64 = 0.0;
    for _ in 0..2000 {
        let (x, y) = (
            500_000.0 + (next() - 0.5) * 560_000.0,
            2_200_000.0 + next() * 3_550_000.0,
        );
        let len = 10.0 + next() * 190.0;
        let (sa, ca) = (next() * std::f64::consts::TAU).sin_cos();
        let (dx, dy) = (len * ca, len * sa);
        let mut p = [
            geodesy::prelude::Coor2D::raw(x, y),
            geodesy::prelude::Coor2D::raw(x + dx / 2.0, y + dy / 2.0),
            geodesy::prelude::Coor2D::raw(x + dx, y + dy),
        ];
        proj.inverse_radians_in_place(&mut p);
        let [[l0, b0], [lm, bm], [l1, b1]] = p.map(|c| c.0);
        let exact = ((lm - l0) - 0.5 * (l1 - l0), (bm - b0) - 0.5 * (b1 - b0));
        let got = super::area::short_bow(l0, b0, l1, b1, dy, dx, x + dx / 2.0 - 500_000.0);
        let size = exact.0.hypot(exact.1);
        let err = (got.0 - exact.0).hypot(got.1 - exact.1);
        // The bow is ℓ²/R-small (1e-13 rad for 30 m): judged against its own size, and against
        // the rounding of the unprojected coordinates (2e-16 rad each, ~1e-15 in the offset).
        if size > 1e-12 {
            worst = worst.max(err / size);
        }
        assert!(
            err <= 1e-3 * size + 2e-15,
            "{len} m at ({x}, {y}): {got:?} vs {exact:?}"
        );
    }
    eprintln!("worst relative error of the short bow {worst:.1e}");
}
