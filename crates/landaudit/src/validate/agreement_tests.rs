//! [`FastValidation`] against its oracle, geo 0.33's own `Validation`, on generated polygons and
//! multipolygons. Agreement means the same list of errors in the same order (so also the same
//! first error, which is what `check_geometry` reports, and the same verdict).
//!
//! The shapes are made to hit geo's corner cases: rings on a small integer grid (crossings,
//! collinear overlaps, spikes, repeated and shared vertices, degenerate rings), star-shaped rings
//! (simple, and big enough to go through the R-tree), holes and parts that touch the shell or each
//! other at a vertex or along an edge, overlap, nest or repeat, at small, large and offset
//! (4.05e7) coordinates.

use super::FastValidation;
use super::rings;
use geo::algorithm::validation::{InvalidPolygon, RingRole};
use geo::{Coord, Line, LineString, MapCoords, MultiPolygon, Polygon, Validation, coord};
use proptest::prelude::*;

/// Cases per property: polygons, multipolygons, rings, rings with odd coordinates.
const CASES: [u32; 4] = [4000, 1500, 4000, 2000];

fn c(x: f64, y: f64) -> Coord<f64> {
    coord! { x: x, y: y }
}

/// A ring as it is generated, before scaling and placing.
#[derive(Debug, Clone)]
enum Ring {
    /// Vertices on the integer grid 0..=8: often self-intersecting or degenerate.
    Grid(Vec<(i8, i8)>),
    /// Star-shaped about (4, 4): vertex k at angle 2πk/n (jittered) and the given radius (0.2..4).
    Star(Vec<(f64, f64)>),
    /// A star with a spike out (or in) at one vertex, back along the same line.
    Spiked(Vec<(f64, f64)>, usize, f64),
    /// A star that visits one of its vertices a second time.
    Revisit(Vec<(f64, f64)>, usize, usize),
}

fn star_coords(v: &[(f64, f64)]) -> Vec<Coord<f64>> {
    let n = v.len() as f64;
    v.iter()
        .enumerate()
        .map(|(k, &(jitter, r))| {
            let a = (k as f64 + 0.45 * jitter) * std::f64::consts::TAU / n;
            c(4.0 + r * a.cos(), 4.0 + r * a.sin())
        })
        .collect()
}

impl Ring {
    fn coords(&self) -> Vec<Coord<f64>> {
        match self {
            Ring::Grid(v) => v.iter().map(|&(x, y)| c(x.into(), y.into())).collect(),
            Ring::Star(v) => star_coords(v),
            Ring::Spiked(v, at, len) => {
                let mut cs = star_coords(v);
                let at = at % cs.len();
                let p = cs[at];
                let tip = c(4.0 + (p.x - 4.0) * len, 4.0 + (p.y - 4.0) * len);
                cs.splice(at + 1..at + 1, [tip, p]);
                cs
            }
            Ring::Revisit(v, from, to) => {
                let mut cs = star_coords(v);
                let (from, to) = (from % cs.len(), to % cs.len());
                let p = cs[from];
                cs.insert(to, p);
                cs
            }
        }
    }
}

/// `n` star vertices: angle jitter and a radius in `r`.
fn star(
    n: std::ops::Range<usize>,
    r: std::ops::Range<f64>,
) -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((-1.0f64..1.0, r), n)
}

fn grid(n: std::ops::Range<usize>) -> impl Strategy<Value = Ring> {
    prop::collection::vec((0i8..=8, 0i8..=8), n).prop_map(Ring::Grid)
}

/// A shell: mostly simple (round or wild stars, up to 160 vertices so the hierarchy has levels),
/// else grid rings, spikes and revisited vertices.
fn ring() -> impl Strategy<Value = Ring> {
    prop_oneof![
        4 => star(3..30, 3.0..4.0).prop_map(Ring::Star),
        2 => star(3..160, 0.2..4.0).prop_map(Ring::Star),
        2 => grid(1..10),
        1 => (star(3..60, 0.2..4.0), any::<usize>(), prop_oneof![0.0f64..0.9, 1.1f64..2.0])
            .prop_map(|(v, at, len)| Ring::Spiked(v, at, len)),
        1 => (star(4..60, 0.2..4.0), any::<usize>(), any::<usize>())
            .prop_map(|(v, a, b)| Ring::Revisit(v, a, b)),
    ]
}

/// A free hole's ring (before shrinking): small, mostly simple.
fn small_ring() -> impl Strategy<Value = Ring> {
    prop_oneof![
        4 => star(3..12, 1.0..4.0).prop_map(Ring::Star),
        1 => grid(1..7),
        1 => (star(3..12, 1.0..4.0), any::<usize>(), 0.0f64..2.0)
            .prop_map(|(v, at, len)| Ring::Spiked(v, at, len)),
    ]
}

/// A hole, relative to the shell and the holes before it.
#[derive(Debug, Clone)]
enum Hole {
    /// A ring of its own, shrunk by `scale` about (4, 4) and moved to `(cx, cy)`.
    Free(Ring, f64, f64, f64),
    /// A triangle on vertex `k` of the shell (`of` = None) or of an earlier hole, pointing into
    /// the shell or out of the hole: touching at that point.
    AtVertex(Option<usize>, usize, f64),
    /// A triangle on edge `k` of the shell or of an earlier hole, `whole` or its first half,
    /// on the far side: touching along a line.
    OnEdge(Option<usize>, usize, bool),
    /// A copy of an earlier hole (or of the shell), scaled by `f` about its centre: nested,
    /// equal, or around it.
    Copy(usize, f64),
}

fn hole() -> impl Strategy<Value = Hole> {
    prop_oneof![
        5 => (small_ring(), 0.03f64..0.3, 1.0f64..7.0, 1.0f64..7.0)
            .prop_map(|(r, s, x, y)| Hole::Free(r, s, x, y)),
        2 => (prop::option::of(any::<usize>()), any::<usize>(), 0.1f64..0.9)
            .prop_map(|(of, k, f)| Hole::AtVertex(of, k, f)),
        2 => (prop::option::of(any::<usize>()), any::<usize>(), any::<bool>())
            .prop_map(|(of, k, w)| Hole::OnEdge(of, k, w)),
        1 => (any::<usize>(), prop_oneof![Just(1.0), Just(0.5), 0.1f64..1.5])
            .prop_map(|(k, f)| Hole::Copy(k, f)),
    ]
}

/// How coordinates are finally scaled and moved.
fn placement() -> impl Strategy<Value = (f64, f64)> {
    (
        prop_oneof![Just(1.0), Just(0.5), Just(1e-3), Just(1e3), Just(0.1)],
        prop_oneof![Just(0.0), Just(4.05e7), Just(-1e5 + 0.25)],
    )
}

fn centre(r: &[Coord<f64>]) -> Coord<f64> {
    let n = r.len().max(1) as f64;
    let (x, y) = r.iter().fold((0.0, 0.0), |(x, y), p| (x + p.x, y + p.y));
    c(x / n, y / n)
}

/// `p` moved by `f` of the way towards `to` (away from it for negative `f`).
fn towards(p: Coord<f64>, to: Coord<f64>, f: f64) -> Coord<f64> {
    c(p.x + (to.x - p.x) * f, p.y + (to.y - p.y) * f)
}

fn polygon(shell: &Ring, holes: &[Hole], reverse: bool) -> Polygon<f64> {
    let mut shell = shell.coords();
    if reverse {
        shell.reverse();
    }
    let mut rings: Vec<Vec<Coord<f64>>> = Vec::new();
    for h in holes {
        // The ring a touching hole is built on, and whether the new hole goes inside it (the
        // shell) or outside (an earlier hole).
        let base = |of: &Option<usize>| match of {
            Some(k) if !rings.is_empty() => (&rings[k % rings.len()], -1.0),
            _ => (&shell, 1.0),
        };
        let cs = match h {
            Hole::Free(r, s, x, y) => r
                .coords()
                .into_iter()
                .map(|p| c(x + (p.x - 4.0) * s, y + (p.y - 4.0) * s))
                .collect(),
            Hole::AtVertex(of, k, f) => {
                let (r, sign) = base(of);
                let p = r[k % r.len()];
                let q = towards(p, centre(r), sign * f * if sign < 0.0 { 0.5 } else { 1.0 });
                let d = c((q.y - p.y) * 0.2, (p.x - q.x) * 0.2);
                vec![p, c(q.x + d.x, q.y + d.y), c(q.x - d.x, q.y - d.y)]
            }
            Hole::OnEdge(of, k, whole) => {
                let (r, sign) = base(of);
                let a = r[k % r.len()];
                let mut b = r[(k + 1) % r.len()];
                if !whole {
                    b = towards(a, b, 0.5);
                }
                let m = towards(a, b, 0.5);
                vec![a, b, towards(m, centre(r), sign * 0.3)]
            }
            Hole::Copy(k, f) => {
                let from = if rings.is_empty() {
                    &shell
                } else {
                    &rings[k % rings.len()]
                };
                let o = centre(from);
                from.iter().map(|&p| towards(o, p, *f)).collect()
            }
        };
        rings.push(cs);
    }
    Polygon::new(
        LineString::new(shell),
        rings.into_iter().map(LineString::new).collect(),
    )
}

fn place<T: MapCoords<f64, f64, Output = T>>(g: &T, (s, o): (f64, f64)) -> T {
    g.map_coords(|p| c(p.x * s + o, p.y * s + o))
}

fn polygon_strategy() -> impl Strategy<Value = Polygon<f64>> {
    (
        ring(),
        prop::collection::vec(hole(), 0..6),
        any::<bool>(),
        placement(),
    )
        .prop_map(|(shell, holes, reverse, at)| place(&polygon(&shell, &holes, reverse), at))
}

/// Runs `f`, catching a panic: geo's `relate` has a `debug_assert!` that fails on a part collapsed
/// to a point (`RelateOperation::compute_proper_intersection_im`), in geo's validation as in ours,
/// which calls the same `relate` on a subset of geo's pairs (the others never reach the assert).
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| ())
}

/// Same errors in the same order (or both panic), and the same first error.
fn same<G>(g: &G) -> Result<(), TestCaseError>
where
    G: FastValidation + Validation<Error = <G as FastValidation>::Error> + std::fmt::Debug,
    <G as FastValidation>::Error: PartialEq + std::fmt::Debug,
{
    prop_assert_eq!(
        caught(|| g.fast_validation_errors()),
        caught(|| g.validation_errors()),
        "{:?}",
        g
    );
    prop_assert_eq!(
        caught(|| g.fast_check_validation()),
        caught(|| g.check_validation()),
        "{:?}",
        g
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES[0], ..ProptestConfig::default() })]

    /// Whole polygons: same errors, same order.
    #[test]
    fn polygon_errors_are_geos(p in polygon_strategy()) {
        same(&p)?;
    }

    /// `check_geometry` orients in place: the same rings as geo's `orient`, which copies.
    #[test]
    fn orient_in_place_is_geos_orient(p in polygon_strategy(), q in polygon_strategy()) {
        use geo::Orient;
        let mut mp = MultiPolygon(vec![p, q]);
        let want = mp.orient(geo::orient::Direction::Default);
        super::orient_in_place(&mut mp);
        prop_assert_eq!(mp, want);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES[1], ..ProptestConfig::default() })]

    /// Multipolygons of 1–5 such polygons, moved on a grid of half or all their size so that
    /// parts overlap, touch along edges or at corners, nest, repeat or stay apart.
    #[test]
    fn multi_polygon_errors_are_geos(
        parts in prop::collection::vec(
            (ring(), prop::collection::vec(hole(), 0..3), any::<bool>(), 0i8..4, 0i8..4),
            1..6,
        ),
        step in prop_oneof![Just(4.0), Just(8.0)],
        at in placement(),
    ) {
        let mp = MultiPolygon(
            parts
                .iter()
                .map(|(shell, holes, reverse, dx, dy)| {
                    let p = polygon(shell, holes, *reverse);
                    let (dx, dy) = (f64::from(*dx) * step, f64::from(*dy) * step);
                    place(&p.map_coords(|q| c(q.x + dx, q.y + dy)), at)
                })
                .collect(),
        );
        same(&mp)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES[2], ..ProptestConfig::default() })]

    /// Every generated ring, through the hierarchy of boxes whatever its size, against geo's verdict on
    /// the ring as a polygon's exterior.
    #[test]
    fn ring_self_intersection_is_geos(r in ring(), at in placement(), reverse in any::<bool>()) {
        let mut cs = r.coords();
        if reverse {
            cs.reverse();
        }
        let p = place(&Polygon::new(LineString::new(cs), vec![]), at);
        let lines: Vec<Line<f64>> = p.exterior().lines().collect();
        let geo_says = p
            .validation_errors()
            .contains(&InvalidPolygon::SelfIntersection(RingRole::Exterior));
        prop_assert_eq!(rings::indexed(&lines), geo_says);
        prop_assert_eq!(rings::every_pair(&lines), geo_says);
        prop_assert_eq!(rings::has_self_intersection(p.exterior()), geo_says);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES[3], ..ProptestConfig::default() })]

    /// Rings with a non-finite or huge coordinate (geo reports `NonFiniteCoord`; the filter by
    /// boxes does not hold for such segments, which are tried against all others).
    #[test]
    fn rings_with_odd_coordinates_are_geos(
        r in ring(),
        at in any::<usize>(),
        odd in prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY),
            Just(1e300), Just(-1e200), Just(1e-300), Just(5e-324),
        ],
        y in any::<bool>(),
    ) {
        let mut cs = r.coords();
        let k = at % cs.len();
        if y { cs[k].y = odd } else { cs[k].x = odd }
        let p = Polygon::new(LineString::new(cs), vec![]);
        let lines: Vec<Line<f64>> = p.exterior().lines().collect();
        prop_assert_eq!(rings::indexed(&lines), rings::every_pair(&lines));
        same(&p)?;
    }
}

/// A shell with many small holes in a grid, some of them touching or overlapping their
/// neighbours: the hole pairs go through the R-tree.
fn holey(n: usize, touching: bool) -> Polygon<f64> {
    let side = n.isqrt() + 1;
    let big = side as f64 * 2.0 + 2.0;
    let holes = (0..n)
        .map(|k| {
            let (x, y) = ((k % side) as f64 * 2.0 + 1.0, (k / side) as f64 * 2.0 + 1.0);
            // Every seventh hole reaches its right-hand neighbour, along a line or over an area.
            let w = match (touching, k % 7) {
                (true, 0) => 2.0,
                (true, 3) => 2.5,
                _ => 1.0,
            };
            LineString::from(vec![(x, y), (x + w, y), (x + w, y + 1.0), (x, y + 1.0)])
        })
        .collect();
    Polygon::new(
        LineString::from(vec![(0., 0.), (big, 0.), (big, big), (0., big)]),
        holes,
    )
}

#[test]
fn many_holes_are_geos() {
    for touching in [false, true] {
        let p = holey(150, touching);
        assert_eq!(p.fast_validation_errors(), p.validation_errors());
        assert_eq!(p.is_valid_fast(), !touching);
    }
}

#[test]
fn many_holes_are_fast() {
    let p = holey(5000, false);
    assert!(p.is_valid_fast());
    let p = holey(5000, true);
    assert!(!p.is_valid_fast());
    assert!(p.fast_validation_errors().len() > 5000 / 7);
}

#[test]
fn many_parts_are_geos() {
    let parts = |n: usize, gap: f64| -> MultiPolygon<f64> {
        (0..n)
            .map(|k| {
                let (x, y) = ((k % 20) as f64 * gap, (k / 20) as f64 * gap);
                Polygon::new(
                    LineString::from(vec![(x, y), (x + 1.0, y), (x + 1.0, y + 1.0), (x, y + 1.0)]),
                    vec![],
                )
            })
            .collect()
    };
    for gap in [2.0, 1.0, 0.75] {
        let mp = parts(200, gap);
        assert_eq!(
            mp.fast_validation_errors(),
            mp.validation_errors(),
            "gap {gap}"
        );
    }
    assert!(parts(5000, 2.0).is_valid_fast());
    assert!(!parts(5000, 1.0).is_valid_fast());
}

/// A coast of 1,500 vertices with 30 small parts inside its box: in its corners (apart), inside it
/// (overlapping), on one of its vertices (touching at a point) and on one of its edges (touching
/// along a line). Every small part is related to the coast, through the prepared parts.
#[test]
fn coast_and_small_parts_are_geos() {
    let n = 1500;
    let coast: Vec<Coord<f64>> = (0..n)
        .map(|k| {
            let a = k as f64 * std::f64::consts::TAU / n as f64;
            let r = 1000.0 + 2.0 * (k as f64 * 0.37).sin();
            c(r * a.cos(), r * a.sin())
        })
        .collect();
    let square = |x: f64, y: f64, w: f64| {
        Polygon::new(
            LineString::from(vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w)]),
            vec![],
        )
    };
    let outward = |p: Coord<f64>, f: f64| c(p.x * f, p.y * f);
    let mut parts = vec![Polygon::new(LineString::new(coast.clone()), vec![])];
    for k in 0..20 {
        let t = f64::from(k) * 8.0;
        parts.push(square(820.0 + t, 840.0 + t / 2.0, 5.0));
        assert!(820.0f64.hypot(840.0) > 1010.0);
    }
    for k in 0..5 {
        parts.push(square(-500.0 + 100.0 * f64::from(k), 0.0, 30.0));
    }
    let (p, q) = (coast[10], coast[11]);
    parts.push(Polygon::new(
        LineString::new(vec![p, outward(q, 1.05), outward(p, 1.05)]),
        vec![],
    ));
    let (p, q) = (coast[400], coast[401]);
    parts.push(Polygon::new(
        LineString::new(vec![p, q, outward(p, 1.05)]),
        vec![],
    ));
    let mp = MultiPolygon(parts);
    let errors = mp.fast_validation_errors();
    assert_eq!(errors, mp.validation_errors());
    assert_eq!(errors.len(), 6, "{errors:?}");
}

/// Bigger rings than the generators make, still small enough for geo's quadratic test.
#[test]
fn big_rings_are_geos() {
    for (n, moved) in [(1500, None), (1500, Some(3.5)), (1500, Some(0.5))] {
        let mut cs: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / n as f64;
                let r = 1000.0 + 3.0 * (k as f64 * 0.37).sin();
                c(4.05e7 + r * a.cos(), 3.3e6 + r * a.sin())
            })
            .collect();
        if let Some(f) = moved {
            // Pull one vertex across the ring (crossing) or part way (still simple).
            cs[10].x = 4.05e7 + (cs[10].x - 4.05e7) * (1.0 - f);
        }
        let p = Polygon::new(LineString::new(cs), vec![]);
        assert_eq!(
            p.fast_validation_errors(),
            p.validation_errors(),
            "{n} {moved:?}"
        );
    }
}

/// What the generators make: how many polygons and multipolygons are valid, which error comes
/// first, how many make geo's `relate` panic. `cargo test -p landaudit --lib generated_mix --
/// --ignored --nocapture`.
#[test]
#[ignore = "report: the mix of generated cases"]
fn generated_mix() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;
    let kind = |s: String| s.split('(').take(3).collect::<Vec<_>>().join("(");
    let mut runner = TestRunner::deterministic();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let polygons = polygon_strategy();
    for _ in 0..2000 {
        let p = polygons.new_tree(&mut runner).unwrap().current();
        let k = match caught(|| p.check_validation()) {
            Ok(Ok(())) => "polygon valid".into(),
            Ok(Err(e)) => format!("polygon {}", kind(format!("{e:?}"))),
            Err(()) => "polygon panic".into(),
        };
        *tally.entry(k).or_default() += 1;
    }
    let parts = prop::collection::vec(
        (ring(), prop::collection::vec(hole(), 0..3), 0i8..4, 0i8..4),
        1..6,
    );
    for _ in 0..1000 {
        let mp: MultiPolygon<f64> = parts
            .new_tree(&mut runner)
            .unwrap()
            .current()
            .iter()
            .map(|(shell, holes, dx, dy)| {
                let (dx, dy) = (f64::from(*dx) * 4.0, f64::from(*dy) * 4.0);
                polygon(shell, holes, false).map_coords(|q| c(q.x + dx, q.y + dy))
            })
            .collect();
        let k = match caught(|| mp.check_validation()) {
            Ok(Ok(())) => "multipolygon valid".into(),
            Ok(Err(e)) => format!("multipolygon {}", kind(format!("{e:?}"))),
            Err(()) => "multipolygon panic".into(),
        };
        *tally.entry(k).or_default() += 1;
    }
    for (k, n) in tally {
        eprintln!("{n:6} {k}");
    }
}
