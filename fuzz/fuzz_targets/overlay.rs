//! Arbitrary polygons, validated as the reader validates them, through the overlay engine:
//! no panic, and every area finite, non-negative and no larger than the subject's.
#![no_main]

use geo::{BoundingRect, Coord, Euclidean, Length, LineString, MultiPolygon, Polygon};
use landaudit::overlay::{area, difference_of_union, intersection_area};
use landaudit::validate::{Checked, check_geometry};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// Rings are lists of grid points; the ring is closed here.
type Ring = Vec<(i16, i16)>;
/// A polygon: exterior ring, then holes.
type Rings = Vec<Ring>;

#[derive(Debug, Arbitrary)]
struct Input {
    /// Grid step: 10^(step % 7 - 3) m, from 1 mm to 1 km.
    step: u8,
    /// Where the grid sits: the origin, a Gauss-Krüger point (EPSG:4549), the same with the
    /// zone prefix (EPSG:4528, eastings ≈ 4×10⁷), or lon/lat degrees.
    origin: u8,
    repair: bool,
    subject: Vec<Rings>,
    cutters: Vec<Vec<Rings>>,
}

/// The polygons of `parts` on the grid, or `None` where a ring has fewer than 3 distinct
/// positions: the reader never passes such rings on (they enclose nothing, and a polygon
/// collapsed to a point trips a debug assertion in geo's `relate`).
fn build(parts: &[Rings], o: Coord<f64>, step: f64) -> Option<MultiPolygon<f64>> {
    let mut polygons = vec![];
    for rings in parts.iter().take(4).filter(|rings| !rings.is_empty()) {
        let mut lines = vec![];
        for ring in rings.iter().take(3) {
            let mut coords: Vec<Coord<f64>> = ring
                .iter()
                .take(16)
                .map(|&(x, y)| Coord {
                    x: o.x + x as f64 * step,
                    y: o.y + y as f64 * step,
                })
                .collect();
            coords.push(*coords.first()?);
            if coords.windows(2).filter(|w| w[0] != w[1]).count() < 3 {
                return None;
            }
            lines.push(LineString::new(coords));
        }
        let exterior = lines.remove(0);
        polygons.push(Polygon::new(exterior, lines));
    }
    Some(MultiPolygon::new(polygons))
}

/// How far an area may overshoot: i_overlay snaps every operation to an integer grid spanning its
/// bounding box (≈ extent / 2³⁰ per step), so an area can move by about perimeter × grid step,
/// whatever the area itself is. Observed: a difference 1.4e-9 larger than its subject
/// (relative), with polygons spanning 60,000 km; 3e-10 at parcel scale.
fn snap_tolerance(shapes: &[&MultiPolygon<f64>]) -> f64 {
    let rect = shapes
        .iter()
        .filter_map(|g| g.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        });
    let extent = rect.map_or(0.0, |r| r.width().max(r.height()));
    let perimeter: f64 = shapes
        .iter()
        .flat_map(|g| g.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| Euclidean.length(r))
        .sum();
    perimeter * extent * 2f64.powi(-28)
}

fn checked(g: MultiPolygon<f64>, repair: bool) -> Option<MultiPolygon<f64>> {
    match check_geometry(g, repair) {
        Checked::Valid(g) | Checked::Repaired(g, _) => Some(g),
        Checked::Invalid(_) => None,
    }
}

fuzz_target!(|input: Input| {
    let step = 10f64.powi(input.step as i32 % 7 - 3);
    let o = match input.origin % 4 {
        0 => Coord { x: 0.0, y: 0.0 },
        1 => Coord {
            x: 500_000.0,
            y: 3_300_000.0,
        },
        2 => Coord {
            x: 40_500_000.0,
            y: 3_300_000.0,
        },
        _ => Coord { x: 120.0, y: 30.0 },
    };
    let step = if input.origin % 4 == 3 {
        step * 1e-5
    } else {
        step
    };
    let Some(subject) = build(&input.subject, o, step).and_then(|g| checked(g, input.repair))
    else {
        return;
    };
    let cutters: Vec<MultiPolygon<f64>> = input
        .cutters
        .iter()
        .take(4)
        .filter_map(|c| build(c, o, step).and_then(|g| checked(g, input.repair)))
        .collect();
    let a_s = area(&subject);
    assert!(a_s.is_finite() && a_s > 0.0, "subject area {a_s}");

    let mut refs: Vec<&MultiPolygon<f64>> = cutters.iter().collect();
    let rest = area(&difference_of_union(&subject, &refs));
    refs.push(&subject);
    let bound = a_s * (1.0 + 1e-9) + snap_tolerance(&refs);
    assert!(rest.is_finite() && rest >= 0.0, "difference area {rest}");
    assert!(
        rest <= bound,
        "difference area {rest} > subject area {a_s} (bound {bound})"
    );

    for c in &cutters {
        let a_c = area(c);
        let i = intersection_area(&subject, c);
        let snap = snap_tolerance(&[&subject, c]);
        assert!(i.is_finite() && i >= 0.0, "intersection area {i}");
        assert!(
            i <= a_s * (1.0 + 1e-9) + snap,
            "intersection area {i} > subject area {a_s}"
        );
        assert!(
            i <= a_c * (1.0 + 1e-9) + snap,
            "intersection area {i} > cutter area {a_c}"
        );
    }
});
