//! Ellipsoidal (椭球) area on the CGCS2000 ellipsoid, by two formulas.
//!
//! # Trapezoid series ([`EllipsoidalFormula::Trapezoid`], DOMAIN 3.3)
//!
//! The formula of the public 三调 tools ("椭球面理论面积计算"): every vertex is unprojected to
//! (B, L), and each edge (B1, L1) → (B2, L2) adds the signed area of the ellipsoidal trapezoid
//! between latitudes B1 and B2 spanning ΔL = (L1 + L2)/2 − L_ref from a reference meridian
//! (here the ring's first vertex):
//!
//! S = 2b²·ΔL·[A·sin(ΔB/2)·cos Bm − B·sin(3ΔB/2)·cos 3Bm + C·sin(5ΔB/2)·cos 5Bm
//!            − D·sin(7ΔB/2)·cos 7Bm + E·sin(9ΔB/2)·cos 9Bm],  ΔB = B2 − B1, Bm = (B1 + B2)/2.
//!
//! A ring's area is |Σ S| (Σ > 0 for counter-clockwise rings); a polygon's is outer − Σ holes.
//! The series integrates the area element b²·cos B/(1 − e²sin²B)² dB dL: expanding
//! cos B/(1 − e²sin²B)² = c₀cos B − c₁cos 3B + c₂cos 5B − c₃cos 7B + c₄cos 9B to e⁸ and integrating
//! from B1 to B2 gives 2·cₖ/(2k+1)·sin((2k+1)ΔB/2)·cos((2k+1)Bm), so A…E are cₖ/(2k+1). We derived
//! cₖ symbolically (sympy) and they equal DOMAIN 3.3's coefficients exactly (A = 1 + e²/2 + 3e⁴/8 +
//! 5e⁶/16 + 35e⁸/128, B = e²/6 + 3e⁴/16 + 3e⁶/16 + 35e⁸/192, C = 3e⁴/80 + e⁶/16 + 5e⁸/64,
//! D = e⁶/112 + 5e⁸/256, E = 5e⁸/2304); no sign or ΔL fix was needed. The neglected e¹⁰ terms are
//! ~1e-11 relative.
//!
//! **What the formula assumes about edges — why it can differ from the geodesic area by more
//! than 1e-6.** Only vertices enter, and each edge is integrated as if L varied linearly with B:
//! an east–west edge (ΔB = 0) contributes nothing, i.e. it is taken along the parallel. A geodesic
//! (and, to within a much smaller arc-to-chord term, a straight edge in the Gauss-Krüger plane)
//! bows poleward of the parallel by ≈ ℓ²·tan B/(8N), enclosing ≈ ℓ³·tan B/(12N) between the
//! two for an edge of length ℓ (N ≈ 6 383 km, the prime-vertical radius; ≈ 0.008 m² for 100 m,
//! 0.48 m² for 400 m, 7.5 m² for 1 km, at 30°N). So trapezoid − geodesic ≈ Σ over east–west
//! edges of ±ℓ³·tan B/(12N) (+ for edges running east in a counter-clockwise ring, i.e. south
//! sides). Mirrored edges cancel: a 10 km × 10 km square differs by −6.6e-8, a 1 ha square by
//! 2e-11. Unmirrored ones do not (fixtures in `tests/fixtures/cgcs2000/vectors.json`):
//!
//! | polygon | trapezoid − geodesic | Σ ℓ³·tan B/(12N) predicts |
//! |---|---|---|
//! | L-shaped parcel, south side 400 m, north sides 250 m + 150 m, with two more parcels | +0.348 m² (+1.1e-6) | +0.337 m² |
//! | L-shaped parcel, south side 90 m, north sides 50 m + 40 m, with two more parcels | +0.0041 m² (+2.6e-7) | +0.0040 m² |
//! | right triangle, 14.1 km legs, 100 km² | −65 400 m² (−6.5e-4) | (diagonal edge too) |
//!
//! The coefficients, signs and ΔL are therefore right (the single-trapezoid test compares the
//! series with the closed-form integral to 1e-10), and no fix is applied: the difference is the
//! edge model, and it is exactly what the 三调 tools compute if they use this formula on the
//! stored vertices. A consequence worth knowing: the trapezoid area changes when a vertex is
//! inserted in the middle of a long east–west edge (as overlay cuts do). Densifying the edges in
//! the plane (geo's `Euclidean.densify(&mp, 10.0)`) makes both formulas converge to the area of
//! the polygon with edges straight in the Gauss-Krüger plane (they then agree to ≤ 5e-9 on all
//! fixtures from 1 ha up); that area differs from the geodesic-edge one by the arc-to-chord term
//! ≈ ℓ³·|easting − false easting|/(12R²) per north–south edge: −2.1e-7 for the 100 km² square,
//! −6.6e-6 for the triangle, ≈ 0.02 m² for a 400 m edge 150 km from the central meridian.
//! 三调 parcels have short edges, so the formulas agree to ≲ 3e-7 on typical ones, but a parcel
//! with a long unmirrored east–west edge can differ by tenths of m², more than the 0.01 m²
//! rounding: the choice (DOMAIN 7.6) matters for such parcels. [`ellipsoidal_area_gk_straight`]
//! gives the straight-edge area without densifying: it integrates each edge's image through its
//! midpoint, unprojected for long edges and worked out from the projection's derivatives for
//! short ones.
//!
//! # Geodesic ([`EllipsoidalFormula::Geodesic`])
//!
//! Karney's algorithm (geographiclib-rs `PolygonArea`) on GRS80 (a = 6378137, 1/f =
//! 298.257222101): edges are geodesics between the unprojected vertices, as in ArcGIS
//! `AREA_GEODESIC` or PostGIS geography. geo's `GeodesicArea` cannot be used, it is fixed to WGS84
//! (the difference is ~1e-11 relative, but CGCS2000 is GRS80). Its absolute error is a few 1e-7 m²
//! (on a 1 m² square: pyproj −3e-7 m², this module −5e-7 m², against the trapezoid series in
//! 40-digit arithmetic); above 1 ha it agrees with pyproj to ≤ 3e-10 relative.
//!
//! Coordinates: Gauss-Krüger (easting, northing) in metres with a [`GkZone`], or longitude/latitude
//! degrees. No ring may span more than 180° of longitude. Functions return NaN when a vertex cannot
//! be unprojected (non-finite coordinates).

use std::sync::LazyLock;

use geo::{LineString, MultiPolygon, Polygon};
use geodesy::prelude::Coor2D;
use geographiclib_rs::{Geodesic, PolygonArea, Winding};
use serde::{Deserialize, Serialize};

use super::{Cgcs2000Crs, GkProjection, GkZone};

/// GRS80 / CGCS2000 semi-major axis, metres.
pub const GRS80_A: f64 = 6_378_137.0;
/// GRS80 / CGCS2000 flattening.
pub const GRS80_F: f64 = 1.0 / 298.257_222_101;
/// GRS80 / CGCS2000 semi-minor axis, metres (6 356 752.314 14).
pub const GRS80_B: f64 = GRS80_A * (1.0 - GRS80_F);
const E2: f64 = GRS80_F * (2.0 - GRS80_F);
const E4: f64 = E2 * E2;
const E6: f64 = E4 * E2;
const E8: f64 = E4 * E4;
// DOMAIN 3.3's coefficients, written as there.
const SA: f64 = 1.0 + E2 / 2.0 + 3.0 * E4 / 8.0 + 35.0 * E6 / 112.0 + 630.0 * E8 / 2304.0;
const SB: f64 = E2 / 6.0 + 15.0 * E4 / 80.0 + 21.0 * E6 / 112.0 + 420.0 * E8 / 2304.0;
const SC: f64 = 3.0 * E4 / 80.0 + 7.0 * E6 / 112.0 + 180.0 * E8 / 2304.0;
const SD: f64 = E6 / 112.0 + 45.0 * E8 / 2304.0;
const SE: f64 = 5.0 * E8 / 2304.0;
const TWO_B2: f64 = 2.0 * GRS80_B * GRS80_B;

static GRS80: LazyLock<Geodesic> = LazyLock::new(|| Geodesic::new(GRS80_A, GRS80_F));

/// Which ellipsoidal area is "the" area (DOMAIN 7.6: which one 三调 uses is unconfirmed; they
/// agree to ~1e-7 on parcels with short or mirrored edges, but differ by ≈ ℓ³·tan B/(12N) per
/// unmirrored east–west edge of length ℓ, see the module doc). Read from configuration as
/// `"trapezoid"` or `"geodesic"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EllipsoidalFormula {
    /// The trapezoid series of the public 三调 tools (the default).
    #[default]
    Trapezoid,
    /// Karney's geodesic polygon area on GRS80.
    Geodesic,
}

/// Polygon sets the area functions take: `Polygon<f64>` and `MultiPolygon<f64>`.
pub trait Polygonal: private::Sealed {
    /// The polygons.
    fn polygons(&self) -> &[Polygon<f64>];
}

impl Polygonal for Polygon<f64> {
    fn polygons(&self) -> &[Polygon<f64>] {
        std::slice::from_ref(self)
    }
}

impl Polygonal for MultiPolygon<f64> {
    fn polygons(&self) -> &[Polygon<f64>] {
        &self.0
    }
}

mod private {
    pub trait Sealed {}
    impl Sealed for geo::Polygon<f64> {}
    impl Sealed for geo::MultiPolygon<f64> {}
}

impl EllipsoidalFormula {
    /// Area in m² of polygons in a Gauss-Krüger zone.
    pub fn area_gk<G: Polygonal>(self, g: &G, zone: &GkZone) -> f64 {
        match self {
            EllipsoidalFormula::Trapezoid => ellipsoidal_area_gk(g, zone),
            EllipsoidalFormula::Geodesic => geodesic_area_gk(g, zone),
        }
    }

    /// Area in m² of polygons in longitude/latitude degrees.
    pub fn area_lonlat<G: Polygonal>(self, g: &G) -> f64 {
        match self {
            EllipsoidalFormula::Trapezoid => ellipsoidal_area_lonlat(g),
            EllipsoidalFormula::Geodesic => geodesic_area_lonlat(g),
        }
    }
}

/// Ellipsoidal area in m² of polygons in any CGCS2000 CRS, by the chosen formula.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use landaudit::cgcs2000::{area, Cgcs2000Crs, EllipsoidalFormula};
/// // A 100 m × 100 m square 100 km east of the central meridian of EPSG:4549.
/// let sq = MultiPolygon::new(vec![polygon![
///     (x: 600_000.0, y: 3_350_000.0), (x: 600_100.0, y: 3_350_000.0),
///     (x: 600_100.0, y: 3_350_100.0), (x: 600_000.0, y: 3_350_100.0),
/// ]]);
/// let crs = Cgcs2000Crs::from_epsg(4549).unwrap();
/// let t = area(&sq, &crs, EllipsoidalFormula::Trapezoid);
/// let g = area(&sq, &crs, EllipsoidalFormula::Geodesic);
/// // The plane overstates the ellipsoid by the Gauss-Krüger areal scale, ≈ 1.000247 here.
/// assert!((t - 9_997.5316).abs() < 1e-3 && ((t - g) / g).abs() < 1e-9);
/// ```
pub fn area<G: Polygonal>(g: &G, crs: &Cgcs2000Crs, formula: EllipsoidalFormula) -> f64 {
    match crs {
        Cgcs2000Crs::Geographic | Cgcs2000Crs::Wgs84Geographic => formula.area_lonlat(g),
        Cgcs2000Crs::GaussKruger(zone) => formula.area_gk(g, zone),
    }
}

/// Trapezoid-series (三调 椭球面积) area in m² of polygons in a Gauss-Krüger zone: each vertex
/// unprojected with the zone, then the series of the module doc.
///
/// ```
/// use geo::polygon;
/// use landaudit::cgcs2000::{ellipsoidal_area_gk, GkZone};
/// let zone = GkZone::from_prefixed_easting(40_600_000.0).unwrap(); // EPSG:4528
/// let ha = polygon![
///     (x: 40_600_000.0, y: 3_350_000.0), (x: 40_600_100.0, y: 3_350_000.0),
///     (x: 40_600_100.0, y: 3_350_100.0), (x: 40_600_000.0, y: 3_350_100.0),
/// ];
/// assert!((ellipsoidal_area_gk(&ha, &zone) - 9_997.5316).abs() < 1e-3);
/// ```
pub fn ellipsoidal_area_gk<G: Polygonal>(g: &G, zone: &GkZone) -> f64 {
    sum_rings_gk(g, zone, trapezoid_ring)
}

/// Trapezoid-series area in m² of polygons in a Gauss-Krüger zone, with every edge longer than
/// `straight_m` metres taken as it is drawn: straight in the Gauss-Krüger plane.
///
/// The series on the vertices alone takes each edge as linear in (B, L); a straight edge of the
/// plane bows away from that by ≈ ℓ²·tan B/(8N), enclosing ≈ ℓ³·tan B/(12N) (module doc: 0.008 m²
/// for 100 m, 0.48 m² for 400 m at 30°N). Cutting every edge to `straight_m` before the series
/// (what [`Measure`](crate::measure::Measure) did before this function) shrinks that to ≈ 1e-5 m²
/// per 10 m of edge but unprojects a vertex every 10 m. Here an edge longer than `straight_m` is cut into
/// pieces of at most [`STRAIGHT_PIECE_M`], and each piece is measured as the series takes its
/// chord plus two small integrals, both taken over the parabola through the piece's ends and its
/// unprojected midpoint (3-point Gauss–Legendre):
///
/// * the chord linear in (B, L) rather than at its mean longitude (the series' own edge model),
///   ∫(t − ½)·ΔL·ΔB·M(B(t)) dt, and
/// * the bow of the edge off its chord, ∫4t(1 − t)·(e_L·ΔB − e_B·ΔL)·M(B(t)) dt, where e is the
///   midpoint's offset from the chord's middle and M(B) = b²·cos B/(1 − e²sin²B)² the area element.
///
/// Both are written in differences of nearby coordinates, so no precision is lost to the ring's
/// longitude lever arm. An edge of at most [`SHORT_BOW_M`] is one piece whose midpoint offset
/// is worked out from the projection's derivatives instead of unprojected (the map to isometric
/// latitude and longitude is holomorphic: the offset follows from the chord and the gradient of
/// the scale), so a building's outline costs one unprojection per vertex, as on the vertices
/// alone. Against the series on edges cut to 0.5 m and 1 m (extrapolated), this agrees to
/// ≤ 1e-5 m² on parcels up to 4 km across anywhere in a zone (tests), where cutting to 10 m is off
/// by up to 1.4e-3 m²; it unprojects two points per long edge instead of ℓ/10.
/// Edges of at most `straight_m` are taken as the series takes them, so a polygon without longer
/// edges gets exactly [`ellipsoidal_area_gk`]'s figure; `straight_m = 0` takes every edge straight.
///
/// ```
/// use geo::polygon;
/// use landaudit::cgcs2000::{ellipsoidal_area_gk, ellipsoidal_area_gk_straight, GkZone};
/// let zone = GkZone::from_epsg(4549).unwrap();
/// // A parcel with a 1 km south side at 45°N, and its two halves either side of x = 650 500.
/// let (x, y) = (650_000.0, 4_985_000.0);
/// let whole = polygon![(x: x, y: y), (x: x + 1000.0, y: y), (x: x + 600.0, y: y + 300.0),
///                      (x: x + 400.0, y: y + 300.0)];
/// let west = polygon![(x: x, y: y), (x: x + 500.0, y: y), (x: x + 500.0, y: y + 300.0),
///                     (x: x + 400.0, y: y + 300.0)];
/// let east = polygon![(x: x + 500.0, y: y), (x: x + 1000.0, y: y), (x: x + 600.0, y: y + 300.0),
///                     (x: x + 500.0, y: y + 300.0)];
/// let vertices = |p| ellipsoidal_area_gk(p, &zone);
/// let straight = |p| ellipsoidal_area_gk_straight(p, &zone, 10.0);
/// // On the vertices alone the halves do not add up: the south side bows by a different amount
/// // when it is cut in two.
/// assert!((vertices(&west) + vertices(&east) - vertices(&whole)).abs() > 5.0);
/// assert!((straight(&west) + straight(&east) - straight(&whole)).abs() < 1e-4);
/// ```
pub fn ellipsoidal_area_gk_straight<G: Polygonal>(g: &G, zone: &GkZone, straight_m: f64) -> f64 {
    let Ok(proj) = GkProjection::cached(zone) else {
        return f64::NAN;
    };
    // Every ring's vertices, and the midpoints and ends of the pieces of its long edges, go
    // through the projection in one call; `kind` says which point is which.
    let mut pts: Vec<Coor2D> = Vec::new();
    let mut kind: Vec<Point> = Vec::new();
    let mut rings: Vec<(usize, bool)> = Vec::new(); // (end in `pts`, is a hole)
    for p in g.polygons() {
        for (ring, hole) in
            std::iter::once((p.exterior(), false)).chain(p.interiors().iter().map(|r| (r, true)))
        {
            push_ring(ring, straight_m, zone.false_easting, &mut pts, &mut kind);
            rings.push((pts.len(), hole));
        }
    }
    proj.inverse_radians_in_place(&mut pts);
    let mut total = 0.0;
    let mut start = 0;
    for (end, hole) in rings {
        let a = straight_ring(&pts[start..end], &kind[start..end]).abs();
        total += if hole { -a } else { a };
        start = end;
    }
    total
}

/// The longest piece a long edge is cut into for [`ellipsoidal_area_gk_straight`] (metres): the
/// parabola through a piece's ends and midpoint follows the edge's image to ≈ 1e-6 m² over it.
pub const STRAIGHT_PIECE_M: f64 = 1000.0;

/// Edges longer than `straight_m` up to this length (metres) take their bow from the projection's
/// derivatives (to 0.1 %: ≤ 2e-6 m² on a 50 m edge at 52°N); longer ones through
/// their unprojected midpoints.
pub const SHORT_BOW_M: f64 = 50.0;

/// What a point given to [`straight_ring`] is.
#[derive(Debug, Clone, Copy)]
enum Point {
    /// A vertex whose next edge is taken as the series takes it.
    Vertex,
    /// A vertex whose next edge is straight and short: its grid step (northing, easting) and the
    /// easting of its middle from the central meridian.
    Short(f64, f64, f64),
    /// The midpoint of a piece of a long straight edge.
    Mid,
}

/// Appends a ring's vertices (without the closing repeat) and, for each edge longer than
/// `straight_m` and [`SHORT_BOW_M`], its pieces' midpoints and inner ends; `false_easting` is the
/// zone's.
fn push_ring(
    ring: &LineString<f64>,
    straight_m: f64,
    false_easting: f64,
    pts: &mut Vec<Coor2D>,
    kind: &mut Vec<Point>,
) {
    let c = &ring.0[..];
    let n = match c {
        [first, .., last] if first == last => c.len() - 1,
        _ => c.len(),
    };
    for i in 0..n {
        let a = c[i];
        let b = c[(i + 1) % n];
        pts.push(Coor2D::raw(a.x, a.y));
        let len = (b.x - a.x).hypot(b.y - a.y);
        if len <= straight_m || n < 3 {
            kind.push(Point::Vertex);
        } else if len <= SHORT_BOW_M {
            let e = 0.5 * (a.x + b.x) - false_easting;
            kind.push(Point::Short(b.y - a.y, b.x - a.x, e));
        } else {
            kind.push(Point::Vertex);
            let k = (len / STRAIGHT_PIECE_M).ceil().max(1.0) as usize;
            for j in 0..k {
                for (t, is_mid) in [
                    ((j as f64 + 0.5) / k as f64, true),
                    ((j + 1) as f64 / k as f64, false),
                ] {
                    if j + 1 == k && !is_mid {
                        break; // the edge's end is the next vertex
                    }
                    pts.push(Coor2D::raw(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)));
                    kind.push(if is_mid { Point::Mid } else { Point::Vertex });
                }
            }
        }
    }
}

/// The bow of a short straight edge of the Gauss-Krüger plane off its chord in (L, B): the offset
/// of the edge's midpoint from the middle of the chord between its unprojected ends (l0, b0) and
/// (l1, b1), from the edge's grid step (dn northing, de easting) and the easting `e` of its middle
/// from the central meridian, without unprojecting the midpoint.
///
/// The map from the plane (Z = N + iE) to isometric latitude and longitude (ζ = q + il) is
/// holomorphic, so along Z0 + tD its midpoint lies off the chord by −g″D²/8 = −(ζ1 − ζ0)·(g″/g′)·D/8
/// (to third order), where g″/g′ = (log g′)′ = −∂ₙ ln m + i·∂ₑ ln m and m = k·N·cos B is the ratio
/// of grid to isometric length (k the point scale, ≈ 1 + E²/(2MN)). B follows q by
/// dB/dq = cos B·(1 − e²sin²B)/(1 − e²), whose curvature adds −(d²B/dq²)·Δq²/8.
pub(super) fn short_bow(
    l0: f64,
    b0: f64,
    l1: f64,
    b1: f64,
    dn: f64,
    de: f64,
    e: f64,
) -> (f64, f64) {
    let one_e2 = 1.0 - E2;
    let (s, co) = (0.5 * (b0 + b1)).sin_cos();
    let w = 1.0 - E2 * s * s;
    let c = co * w / one_e2; // dB/dq
    let dc = -s * (w + 2.0 * E2 * co * co) / one_e2; // d(dB/dq)/dB
    let (dq, dl) = ((b1 - b0) / c, l1 - l0);
    // g′ ≈ Δζ / D.
    let d2 = dn * dn + de * de;
    let (gr, gi) = ((dq * dn + dl * de) / d2, (dl * dn - dq * de) / d2);
    // ∂ ln m along N and E: ln(N cos B) through B, ln k through E.
    let dlog_ncos = E2 * s * co / w - s / co;
    let r2 = GRS80_A * GRS80_A * one_e2 / (w * w);
    let (mn, me) = (dlog_ncos * c * gr, -dlog_ncos * c * gi + e / r2);
    // δζ = −Δζ·(g″/g′)·D/8, g″/g′ = −mn + i·me.
    let (hr, hi) = (-mn, me);
    let (pr, pi) = (dq * hr - dl * hi, dq * hi + dl * hr);
    let (zr, zi) = (-(pr * dn - pi * de) / 8.0, -(pr * de + pi * dn) / 8.0);
    (zi, c * zr - c * dc * dq * dq / 8.0)
}

/// Signed area of one ring from [`push_ring`], unprojected to (lon, lat) radians.
fn straight_ring(ring: &[Coor2D], kind: &[Point]) -> f64 {
    let n = ring.len();
    if kind.iter().filter(|k| !matches!(k, Point::Mid)).count() < 3 {
        return 0.0;
    }
    let l_ref = ring[0].0[0];
    let lon = |i: usize| wrap_pi(ring[i % n].0[0] - l_ref);
    let mut sum = 0.0;
    let mut i = 0;
    while i < n {
        let (l0, b0) = (lon(i), ring[i].0[1]);
        if let Point::Mid = kind[(i + 1) % n] {
            let (lm, bm) = (lon(i + 1), ring[(i + 1) % n].0[1]);
            let (l1, b1) = (lon(i + 2), ring[(i + 2) % n].0[1]);
            let bow = ((lm - l0) - 0.5 * (l1 - l0), (bm - b0) - 0.5 * (b1 - b0));
            sum += trapezoid(b0, b1, 0.5 * (l0 + l1)) + straight_correction(l0, b0, l1, b1, bow);
            i += 2;
        } else {
            let (l1, b1) = (lon(i + 1), ring[(i + 1) % n].0[1]);
            sum += trapezoid(b0, b1, 0.5 * (l0 + l1));
            if let Point::Short(dn, de, e) = kind[i] {
                let bow = short_bow(l0, b0, l1, b1, dn, de, e);
                sum += straight_correction(l0, b0, l1, b1, bow);
            }
            i += 1;
        }
    }
    sum
}

/// What a straight piece from (l0, b0) to (l1, b1), whose midpoint lies `(e_L, e_B)` off the
/// chord's middle, adds to the series on its chord: the chord linear in (B, L) rather than at its
/// mean longitude, and the bow off the chord (see [`ellipsoidal_area_gk_straight`]).
fn straight_correction(l0: f64, b0: f64, l1: f64, b1: f64, (el, eb): (f64, f64)) -> f64 {
    // 3-point Gauss–Legendre on [0, 1].
    const NODES: [(f64, f64); 3] = [
        (0.5 - 0.387_298_334_620_741_7, 5.0 / 18.0),
        (0.5, 8.0 / 18.0),
        (0.5 + 0.387_298_334_620_741_7, 5.0 / 18.0),
    ];
    let (dl, db) = (l1 - l0, b1 - b0);
    let bow = el * db - eb * dl;
    NODES
        .iter()
        .map(|&(t, w)| {
            let (s, c) = (b0 + t * db).sin_cos();
            let q = 1.0 - E2 * s * s;
            let m = GRS80_B * GRS80_B * c / (q * q);
            w * m * ((t - 0.5) * dl * db + 4.0 * t * (1.0 - t) * bow)
        })
        .sum()
}

/// Trapezoid-series area in m² of polygons in longitude/latitude degrees (EPSG:4490).
pub fn ellipsoidal_area_lonlat<G: Polygonal>(g: &G) -> f64 {
    sum_rings_lonlat(g, trapezoid_ring)
}

/// Geodesic (Karney, GRS80) area in m² of polygons in a Gauss-Krüger zone: each vertex
/// unprojected with the zone, edges taken as geodesics.
pub fn geodesic_area_gk<G: Polygonal>(g: &G, zone: &GkZone) -> f64 {
    sum_rings_gk(g, zone, geodesic_ring)
}

/// Geodesic (Karney, GRS80) area in m² of polygons in longitude/latitude degrees.
///
/// ```
/// use geo::polygon;
/// use landaudit::cgcs2000::geodesic_area_lonlat;
/// let p = polygon![(x: 120.15, y: 30.25), (x: 120.1604, y: 30.25), (x: 120.1604, y: 30.259),
///                  (x: 120.15, y: 30.259)];
/// assert!((geodesic_area_lonlat(&p) - 998_595.642).abs() < 1e-2); // DEPS 3 (pyproj: GRS80)
/// ```
pub fn geodesic_area_lonlat<G: Polygonal>(g: &G) -> f64 {
    sum_rings_lonlat(g, geodesic_ring)
}

/// Σ over polygons of |outer| − Σ |holes|, with rings given to `ring_area` as (lon, lat) radians.
fn sum_rings<G: Polygonal>(
    g: &G,
    mut to_radians: impl FnMut(&LineString<f64>, &mut Vec<Coor2D>),
    ring_area: fn(&[Coor2D]) -> f64,
) -> f64 {
    let mut buf = Vec::new();
    let mut total = 0.0;
    for p in g.polygons() {
        to_radians(p.exterior(), &mut buf);
        total += ring_area(&buf).abs();
        for hole in p.interiors() {
            to_radians(hole, &mut buf);
            total -= ring_area(&buf).abs();
        }
    }
    total
}

fn sum_rings_gk<G: Polygonal>(g: &G, zone: &GkZone, ring_area: fn(&[Coor2D]) -> f64) -> f64 {
    let Ok(proj) = GkProjection::cached(zone) else {
        return f64::NAN;
    };
    let fill = |ls: &LineString<f64>, buf: &mut Vec<Coor2D>| {
        buf.clear();
        buf.extend(ls.0.iter().map(|c| Coor2D::raw(c.x, c.y)));
        proj.inverse_radians_in_place(buf);
    };
    sum_rings(g, fill, ring_area)
}

fn sum_rings_lonlat<G: Polygonal>(g: &G, ring_area: fn(&[Coor2D]) -> f64) -> f64 {
    let fill = |ls: &LineString<f64>, buf: &mut Vec<Coor2D>| {
        buf.clear();
        buf.extend(ls.0.iter().map(|c| Coor2D::gis(c.x, c.y)));
    };
    sum_rings(g, fill, ring_area)
}

/// Signed trapezoid-series area of a ring of (lon, lat) radians, closed or not; > 0 when
/// counter-clockwise.
pub(super) fn trapezoid_ring(ring: &[Coor2D]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let l_ref = ring[0].0[0];
    let mut sum = 0.0;
    for i in 0..n {
        let [l1, b1] = ring[i].0;
        let [l2, b2] = ring[(i + 1) % n].0;
        // A closed ring's last edge (back to itself) has ΔB = 0 and adds nothing.
        let dl = 0.5 * (wrap_pi(l1 - l_ref) + wrap_pi(l2 - l_ref));
        sum += trapezoid(b1, b2, dl);
    }
    sum
}

/// Area of the ellipsoidal trapezoid between latitudes `b1`, `b2` spanning `dl` (radians),
/// signed by `b2 − b1` and `dl`.
pub(super) fn trapezoid(b1: f64, b2: f64, dl: f64) -> f64 {
    let db = b2 - b1;
    let bm = 0.5 * (b1 + b2);
    // sin((2k+1)·ΔB/2) and cos((2k+1)·Bm) by the Chebyshev recurrence
    // f((2k+3)x) = 2·cos 2x·f((2k+1)x) − f((2k−1)x): two library calls per edge instead of ten.
    // The leading term takes the library's values as they are; the others are ≤ e²/6 of it, so the
    // recurrence's few ulps do not reach the sum.
    let (s1, c1) = ((0.5 * db).sin(), bm.cos());
    let (ds, dc) = (2.0 * (1.0 - 2.0 * s1 * s1), 2.0 * (2.0 * c1 * c1 - 1.0));
    let s3 = ds * s1 + s1; // sin(−x) = −sin x
    let c3 = dc * c1 - c1; // cos(−x) = cos x
    let (s5, c5) = (ds * s3 - s1, dc * c3 - c1);
    let (s7, c7) = (ds * s5 - s3, dc * c5 - c3);
    let (s9, c9) = (ds * s7 - s5, dc * c7 - c5);
    TWO_B2 * dl * (SA * s1 * c1 - SB * s3 * c3 + SC * s5 * c5 - SD * s7 * c7 + SE * s9 * c9)
}

fn wrap_pi(d: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    if d > PI {
        d - TAU
    } else if d < -PI {
        d + TAU
    } else {
        d
    }
}

/// Signed geodesic area of a ring of (lon, lat) radians, closed or not.
pub(super) fn geodesic_ring(ring: &[Coor2D]) -> f64 {
    let open = match ring {
        [first, .., last] if first == last => &ring[..ring.len() - 1],
        _ => ring,
    };
    if open.len() < 3 {
        return 0.0;
    }
    let mut pa = PolygonArea::new(&GRS80, Winding::CounterClockwise);
    for c in open {
        let [lon, lat] = c.0;
        pa.add_point(lat.to_degrees(), lon.to_degrees());
    }
    pa.compute(true).1
}
