//! CGCS2000 coordinates (DOMAIN 3.4) and ellipsoidal area (DOMAIN 3.3).
//!
//! - [`zones`]: the CRS behind an EPSG code ([`Cgcs2000Crs::from_epsg`]: 4490, 4326, 3° and 6°
//!   Gauss-Krüger zones 4491–4554) and the zone of a longitude or of a zone-prefixed easting.
//! - [`projection`]: Gauss-Krüger forward/inverse on GRS80 via the `geodesy` crate (≈ 1e-8 m from
//!   PROJ), polygon [`reproject`]ion between zones.
//! - [`area`](mod@area): the 三调 trapezoid-series 椭球面积 and Karney's geodesic area on GRS80, chosen by
//!   [`EllipsoidalFormula`].
//!
//! Coordinates are (x = easting, y = northing) in metres or (x = longitude, y = latitude) in
//! degrees, as GeoJSON files written by GDAL hold them.
//!
//! ```
//! use geo::{polygon, MultiPolygon};
//! use landaudit::cgcs2000::{area, reproject, Cgcs2000Crs, EllipsoidalFormula, GkZone};
//! // A parcel digitised in lon/lat, audited in the Gauss-Krüger zone of its longitude.
//! let parcel = MultiPolygon::new(vec![polygon![
//!     (x: 120.300, y: 30.100), (x: 120.301, y: 30.100), (x: 120.301, y: 30.101), (x: 120.300, y: 30.101),
//! ]]);
//! let zone = GkZone::three_degree_for_longitude(120.3, false); // EPSG:4549
//! let gk = reproject(&parcel, &Cgcs2000Crs::Geographic, &zone)?;
//! let on_plane = area(&gk, &Cgcs2000Crs::GaussKruger(zone), EllipsoidalFormula::Trapezoid);
//! let from_lonlat = area(&parcel, &Cgcs2000Crs::Geographic, EllipsoidalFormula::Trapezoid);
//! assert!((on_plane - from_lonlat).abs() < 1e-6); // ≈ 10 692 m²
//! # Ok::<(), landaudit::cgcs2000::CrsError>(())
//! ```

pub mod area;
mod error;
pub mod projection;
pub mod zones;

#[cfg(test)]
mod straight_tests;
#[cfg(test)]
mod tests;

pub use area::{
    EllipsoidalFormula, Polygonal, SHORT_BOW_M, STRAIGHT_PIECE_M, area, ellipsoidal_area_gk,
    ellipsoidal_area_gk_straight, ellipsoidal_area_lonlat, geodesic_area_gk, geodesic_area_lonlat,
};
pub use error::CrsError;
pub use projection::{GkProjection, reproject, to_lonlat};
pub use zones::{Cgcs2000Crs, GkZone};
