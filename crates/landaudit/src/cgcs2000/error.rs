//! Errors of CGCS2000 coordinate handling.

/// What can go wrong identifying or transforming CGCS2000 coordinates.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The EPSG code is not CGCS2000 (4490, 4491–4554) nor WGS 84 geographic (4326).
    #[error("EPSG:{0} is not a CGCS2000 geographic or Gauss-Krüger coordinate system")]
    UnknownEpsg(u32),
    /// The projection library refused to set up the zone's operator.
    #[error("cannot set up the projection {proj}: {reason}")]
    Setup {
        /// The zone's PROJ string.
        proj: String,
        /// The library's message.
        reason: String,
    },
    /// A coordinate could not be transformed: not finite, or too far from the central meridian
    /// for the transverse Mercator series.
    #[error("cannot {direction} ({x}, {y}) with {zone}")]
    OutOfDomain {
        /// "project" (geographic → plane) or "unproject" (plane → geographic).
        direction: &'static str,
        /// Input x (longitude in degrees or easting in metres).
        x: f64,
        /// Input y (latitude in degrees or northing in metres).
        y: f64,
        /// The zone, as text.
        zone: String,
    },
}
