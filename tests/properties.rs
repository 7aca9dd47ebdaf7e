//! Property tests of the overlay's area identities on generated parcels:
//! area(A) = supplied + unsupplied, unsupplied = slivers + remnants, 0 ≤ supplied ≤ min(area(A),
//! Σ area(S ∩ A)), and duplicating supplies or shifting everything changes nothing.

use geo::{Area, BooleanOps, MultiPolygon, Polygon, Translate, unary_union};
use landaudit::overlay::{difference_of_union, intersection_area};
use proptest::prelude::*;

// The crate's own test shapes: one star generator for its unit tests and these.
#[allow(dead_code)]
#[path = "../crates/landaudit/src/test_shapes.rs"]
mod test_shapes;
use test_shapes::star;

fn arb_star(extent: f64) -> impl Strategy<Value = Polygon<f64>> {
    (
        -extent..extent,
        -extent..extent,
        prop::collection::vec(20.0..100.0f64, 5..16),
        0.0..6.3f64,
    )
        .prop_map(|(x, y, r, rot)| star(x, y, &r, rot))
}

fn mp(p: &Polygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![p.clone()])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn areas_are_conserved(a in arb_star(10.0), supplies in prop::collection::vec(arb_star(120.0), 0..8)) {
        let a = mp(&a);
        let s: Vec<MultiPolygon<f64>> = supplies.iter().map(mp).collect();
        let refs: Vec<&MultiPolygon<f64>> = s.iter().collect();
        let rest = difference_of_union(&a, &refs);
        let area_a = a.unsigned_area();
        let unsupplied = rest.unsigned_area();
        // Independent computation of the supplied part: A ∩ (union of supplies).
        let polys: Vec<Polygon<f64>> = s.iter().flat_map(|m| m.0.clone()).collect();
        let union = unary_union(polys.iter());
        let supplied = a.intersection(&union).unsigned_area();
        prop_assert!((supplied + unsupplied - area_a).abs() <= 1e-7 * area_a.max(1.0),
            "A {area_a} supplied {supplied} unsupplied {unsupplied}");
        let sum_pieces: f64 = s.iter().map(|m| intersection_area(&a, m)).sum();
        prop_assert!(supplied <= sum_pieces + 1e-6 * area_a.max(1.0));
        prop_assert!(unsupplied <= area_a * (1.0 + 1e-7));
    }

    #[test]
    fn duplicate_supplies_do_not_count_twice(a in arb_star(10.0), supplies in prop::collection::vec(arb_star(60.0), 1..5)) {
        let a = mp(&a);
        let s: Vec<MultiPolygon<f64>> = supplies.iter().map(mp).collect();
        let once: Vec<&MultiPolygon<f64>> = s.iter().collect();
        let twice: Vec<&MultiPolygon<f64>> = s.iter().chain(s.iter()).collect();
        let u1 = difference_of_union(&a, &once).unsigned_area();
        let u2 = difference_of_union(&a, &twice).unsigned_area();
        prop_assert!((u1 - u2).abs() <= 1e-7 * a.unsigned_area());
    }

    #[test]
    fn translation_to_gauss_krueger_magnitudes_changes_nothing(a in arb_star(10.0), supplies in prop::collection::vec(arb_star(80.0), 1..6)) {
        let (dx, dy) = (40_512_345.678, 3_312_345.678);
        let a0 = mp(&a);
        let s0: Vec<MultiPolygon<f64>> = supplies.iter().map(mp).collect();
        let a1 = a0.translate(dx, dy);
        let s1: Vec<MultiPolygon<f64>> = s0.iter().map(|m| m.translate(dx, dy)).collect();
        let u0 = difference_of_union(&a0, &s0.iter().collect::<Vec<_>>()).unsigned_area();
        let u1 = landaudit::overlay::area(&difference_of_union(&a1, &s1.iter().collect::<Vec<_>>()));
        prop_assert!((u0 - u1).abs() <= 1e-6 * a0.unsigned_area().max(1.0), "{u0} vs {u1}");
    }

    #[test]
    fn sliver_and_remnant_parts_partition_the_rest(a in arb_star(10.0), supplies in prop::collection::vec(arb_star(60.0), 1..6)) {
        let cfg = landaudit::config::Slivers { min_width_m: 2.0, min_area_m2: 5.0 };
        let a = mp(&a);
        let s: Vec<MultiPolygon<f64>> = supplies.iter().map(mp).collect();
        let rest = difference_of_union(&a, &s.iter().collect::<Vec<_>>());
        let (mut sl, mut re) = (0.0, 0.0);
        for p in &rest.0 {
            if landaudit::sliver::is_sliver(p, &cfg) { sl += p.unsigned_area() } else { re += p.unsigned_area() }
            // A part that survives as real holds more than the sliver area.
            if !landaudit::sliver::is_sliver(p, &cfg) { prop_assert!(p.unsigned_area() >= 5.0) }
        }
        prop_assert!((sl + re - rest.unsigned_area()).abs() < 1e-9 * a.unsigned_area());
    }
}
