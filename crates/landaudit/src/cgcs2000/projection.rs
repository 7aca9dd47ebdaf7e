//! Gauss-Krüger forward and inverse projection on GRS80, and reprojection of polygons.
//!
//! The transverse Mercator series is not hand-written: it is the `tmerc` operator of the
//! [`geodesy`] crate (0.15, `default-features = false`), which implements the Poder/Engsager
//! 6th-order Krüger series that PROJ uses. Chosen over `proj4rs` 0.1.5 because (DEPS 3) it agreed
//! with PROJ slightly better (forward ≤ 1e-9 m, inverse ≤ 3.4e-9 m up to 6° from the central
//! meridian), its author wrote PROJ's own `tmerc` implementation, 0.15 is its current release
//! (proj4rs 0.1.5 is two minor versions behind its 0.3), and without default features it pulls
//! only small crates (no C, no network). Against pyproj/PROJ 9.5.1, on 248 points up to 3° from the
//! central meridian between 18°N and 53.5°N, this module measures forward ≤ 1.1e-8 m, inverse
//! ≤ 1.1e-8 m, round trips ≤ 7.5e-9 m (tests; `tests/fixtures/cgcs2000/vectors.json`).
//!
//! Geodesy works in radians and takes coordinates as (longitude, latitude) / (easting, northing),
//! the order landaudit uses. A [`GkProjection`] holds a small geodesy context with the zone's
//! operator; [`GkProjection::cached`] keeps one per distinct zone for the whole process, so the
//! convenience functions here and in [`super::area`](mod@super::area) set a zone up once.

use std::sync::{Arc, OnceLock, RwLock};

use geo::{Coord, MapCoords, MultiPolygon};
use geodesy::prelude::{Context, Coor2D, Direction, Minimal, OpHandle};

use super::{Cgcs2000Crs, CrsError, GkZone};

/// A Gauss-Krüger zone ready to transform coordinates.
#[derive(Debug)]
pub struct GkProjection {
    zone: GkZone,
    ctx: Minimal,
    op: OpHandle,
}

impl GkProjection {
    /// Sets up the zone's transverse Mercator operator (a few microseconds; prefer
    /// [`GkProjection::cached`] in loops).
    pub fn new(zone: &GkZone) -> Result<GkProjection, CrsError> {
        let definition = format!(
            "tmerc lat_0=0 lon_0={} k_0=1 x_0={} y_0=0 ellps=GRS80",
            zone.central_meridian, zone.false_easting
        );
        let mut ctx = Minimal::new();
        let op = ctx.op(&definition).map_err(|e| CrsError::Setup {
            proj: zone.proj_string(),
            reason: e.to_string(),
        })?;
        Ok(GkProjection {
            zone: *zone,
            ctx,
            op,
        })
    }

    /// The process-wide shared projection of a zone, set up on first use.
    pub fn cached(zone: &GkZone) -> Result<Arc<GkProjection>, CrsError> {
        static CACHE: OnceLock<RwLock<Vec<Arc<GkProjection>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| RwLock::new(Vec::new()));
        let find = |v: &[Arc<GkProjection>]| {
            v.iter()
                .find(|p| p.zone.same_projection(zone))
                .map(Arc::clone)
        };
        // A poisoned lock only means another thread panicked while holding it; the Vec is intact.
        if let Some(p) = find(&cache.read().unwrap_or_else(|e| e.into_inner())) {
            return Ok(p);
        }
        let mut w = cache.write().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = find(&w) {
            return Ok(p);
        }
        let p = Arc::new(GkProjection::new(zone)?);
        w.push(Arc::clone(&p));
        Ok(p)
    }

    /// The zone.
    pub fn zone(&self) -> &GkZone {
        &self.zone
    }

    /// Longitude, latitude (degrees) → easting, northing (metres).
    ///
    /// ```
    /// use landaudit::cgcs2000::{GkProjection, GkZone};
    /// let p = GkProjection::new(&GkZone::from_epsg(4549).unwrap())?;
    /// let (e, n) = p.forward(120.0, 30.0)?;
    /// assert!((e - 500_000.0).abs() < 1e-6 && (n - 3_320_113.398).abs() < 1e-3);
    /// let (lon, lat) = p.inverse(e, n)?;
    /// assert!((lon - 120.0).abs() < 1e-11 && (lat - 30.0).abs() < 1e-11);
    /// # Ok::<(), landaudit::cgcs2000::CrsError>(())
    /// ```
    pub fn forward(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        let mut c = [Coor2D::gis(lon, lat)];
        self.apply(Direction::Fwd, &mut c);
        let [x, y] = c[0].0;
        if x.is_finite() && y.is_finite() {
            Ok((x, y))
        } else {
            Err(self.out_of_domain("project", lon, lat))
        }
    }

    /// Easting, northing (metres) → longitude, latitude (degrees).
    pub fn inverse(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let mut c = [Coor2D::raw(x, y)];
        self.apply(Direction::Inv, &mut c);
        let [lon, lat] = c[0].0;
        if lon.is_finite() && lat.is_finite() {
            Ok((lon.to_degrees(), lat.to_degrees()))
        } else {
            Err(self.out_of_domain("unproject", x, y))
        }
    }

    /// Projects every coordinate of a polygon set given in longitude/latitude degrees.
    pub fn forward_multipolygon(
        &self,
        mp: &MultiPolygon<f64>,
    ) -> Result<MultiPolygon<f64>, CrsError> {
        mp.try_map_coords(|c| self.forward(c.x, c.y).map(|(x, y)| Coord { x, y }))
    }

    /// Unprojects every coordinate of a polygon set to longitude/latitude degrees.
    pub fn inverse_multipolygon(
        &self,
        mp: &MultiPolygon<f64>,
    ) -> Result<MultiPolygon<f64>, CrsError> {
        mp.try_map_coords(|c| self.inverse(c.x, c.y).map(|(x, y)| Coord { x, y }))
    }

    /// Unprojects a batch of (easting, northing) to (longitude, latitude) in **radians**, in place,
    /// in one call into geodesy; non-transformable points become NaN.
    pub(crate) fn inverse_radians_in_place(&self, coords: &mut [Coor2D]) {
        self.apply(Direction::Inv, coords);
    }

    fn apply(&self, direction: Direction, mut coords: &mut [Coor2D]) {
        // The handle was made by this context, so `apply` cannot fail; should it, poison the points
        // so callers see NaN rather than the untransformed input.
        if self.ctx.apply(self.op, direction, &mut coords).is_err() {
            for c in coords.iter_mut() {
                *c = Coor2D::raw(f64::NAN, f64::NAN);
            }
        }
    }

    fn out_of_domain(&self, direction: &'static str, x: f64, y: f64) -> CrsError {
        CrsError::OutOfDomain {
            direction,
            x,
            y,
            zone: self.zone.to_string(),
        }
    }
}

impl GkZone {
    /// Longitude, latitude (degrees) → easting, northing (metres) in this zone, through the
    /// process-wide [`GkProjection::cached`].
    ///
    /// ```
    /// use landaudit::cgcs2000::GkZone;
    /// let zone = GkZone::from_epsg(4528).unwrap(); // zone 40, prefixed easting
    /// let (e, n) = zone.forward(121.5, 30.0)?;
    /// assert!((e - 40_644_737.749).abs() < 1e-3 && (n - 3_321_060.841).abs() < 1e-3);
    /// # Ok::<(), landaudit::cgcs2000::CrsError>(())
    /// ```
    pub fn forward(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        GkProjection::cached(self)?.forward(lon, lat)
    }

    /// Easting, northing (metres) in this zone → longitude, latitude (degrees).
    pub fn inverse(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        GkProjection::cached(self)?.inverse(x, y)
    }
}

/// Reprojects polygons from a CGCS2000 CRS to a Gauss-Krüger zone: geographic → zone by the forward
/// projection; a zone with the same projection → returned unchanged; the same central meridian
/// with and without the zone prefix → eastings shifted exactly; another zone → unprojected to
/// geographic and projected again.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use landaudit::cgcs2000::{reproject, Cgcs2000Crs, GkZone};
/// let lonlat = MultiPolygon::new(vec![polygon![
///     (x: 120.1, y: 30.2), (x: 120.101, y: 30.2), (x: 120.101, y: 30.201), (x: 120.1, y: 30.201),
/// ]]);
/// let z4549 = GkZone::from_epsg(4549).unwrap();
/// let gk = reproject(&lonlat, &Cgcs2000Crs::Geographic, &z4549)?;
/// let first = gk.0[0].exterior().0[0];
/// assert!((first.x - 509_629.224).abs() < 1e-3 && (first.y - 3_342_288.451).abs() < 1e-3);
/// // Into the prefixed twin of the same zone: eastings + 40 000 000.
/// let z4528 = GkZone::from_epsg(4528).unwrap();
/// let pre = reproject(&gk, &Cgcs2000Crs::GaussKruger(z4549), &z4528)?;
/// assert_eq!(pre.0[0].exterior().0[0].x, first.x + 40_000_000.0);
/// # Ok::<(), landaudit::cgcs2000::CrsError>(())
/// ```
pub fn reproject(
    mp: &MultiPolygon<f64>,
    from: &Cgcs2000Crs,
    to: &GkZone,
) -> Result<MultiPolygon<f64>, CrsError> {
    match from {
        Cgcs2000Crs::Geographic | Cgcs2000Crs::Wgs84Geographic => {
            GkProjection::cached(to)?.forward_multipolygon(mp)
        }
        Cgcs2000Crs::GaussKruger(z) if z.same_projection(to) => Ok(mp.clone()),
        Cgcs2000Crs::GaussKruger(z) if z.central_meridian == to.central_meridian => {
            let shift = to.false_easting - z.false_easting;
            Ok(mp.map_coords(|c| Coord {
                x: c.x + shift,
                y: c.y,
            }))
        }
        Cgcs2000Crs::GaussKruger(z) => {
            let (src, dst) = (GkProjection::cached(z)?, GkProjection::cached(to)?);
            mp.try_map_coords(|c| {
                let (lon, lat) = src.inverse(c.x, c.y)?;
                dst.forward(lon, lat).map(|(x, y)| Coord { x, y })
            })
        }
    }
}

/// Converts polygons in any CGCS2000 CRS to longitude/latitude degrees (geographic input is
/// returned unchanged).
pub fn to_lonlat(
    mp: &MultiPolygon<f64>,
    from: &Cgcs2000Crs,
) -> Result<MultiPolygon<f64>, CrsError> {
    match from {
        Cgcs2000Crs::Geographic | Cgcs2000Crs::Wgs84Geographic => Ok(mp.clone()),
        Cgcs2000Crs::GaussKruger(z) => GkProjection::cached(z)?.inverse_multipolygon(mp),
    }
}
