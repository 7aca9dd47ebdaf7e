//! The CGCS2000 coordinate reference systems Chinese land data comes in, from their EPSG codes.
//!
//! | EPSG | what | central meridian | false easting |
//! |---|---|---|---|
//! | 4490 | CGCS2000 geographic (lon, lat in degrees) | – | – |
//! | 4326 | WGS 84 geographic, taken as CGCS2000 (they differ by well under 1 m) | – | – |
//! | 4513–4533 | 3° Gauss-Krüger zones 25–45, zone-prefixed easting | 3·zone | zone·10⁶ + 500 000 |
//! | 4534–4554 | 3° Gauss-Krüger "CM 75°E … CM 135°E" | 75 + 3·(code − 4534) | 500 000 |
//! | 4491–4501 | 6° Gauss-Krüger zones 13–23, zone-prefixed easting | 6·zone − 3 | zone·10⁶ + 500 000 |
//! | 4502–4512 | 6° Gauss-Krüger "CM 75°E … CM 135°E" | 75 + 6·(code − 4502) | 500 000 |
//!
//! All Gauss-Krüger codes are `+proj=tmerc +lat_0=0 +k=1 +y_0=0 +ellps=GRS80` (DOMAIN 3.4, checked
//! against PROJ 9.5.1 in `scripts/cgcs2000_fixtures.py`). EPSG defines the axis order as
//! (northing, easting); landaudit, like GeoJSON files written by GDAL/QGIS, keeps coordinates as
//! (x = easting, y = northing).

use std::fmt;

/// EPSG code of CGCS2000 geographic coordinates.
pub const EPSG_CGCS2000: u32 = 4490;
/// EPSG code of WGS 84 geographic coordinates.
pub const EPSG_WGS84: u32 = 4326;

/// A CGCS2000 coordinate reference system landaudit can compute areas in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cgcs2000Crs {
    /// EPSG:4490, longitude/latitude in degrees (x = lon, y = lat).
    Geographic,
    /// EPSG:4326, longitude/latitude in degrees, treated as CGCS2000: the two frames differ by
    /// well under a metre in China, and the GRS80/WGS84 ellipsoids by 0.1 mm in the semi-minor axis
    /// (a 1 km² parcel's area differs by about 1e-11 relative, DEPS 3).
    Wgs84Geographic,
    /// A Gauss-Krüger (transverse Mercator) zone on GRS80, coordinates (easting, northing) in metres.
    GaussKruger(GkZone),
}

/// A CGCS2000 Gauss-Krüger zone: transverse Mercator on GRS80 with scale 1 on the central meridian,
/// latitude of origin 0 and false northing 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GkZone {
    /// The EPSG code, or 0 for a zone that has no CGCS2000 EPSG code (outside 75°E–135°E).
    pub epsg: u32,
    /// Central meridian, degrees east.
    pub central_meridian: f64,
    /// False easting in metres: 500 000, or zone·10⁶ + 500 000 when the easting is zone-prefixed.
    pub false_easting: f64,
    /// Zone width in degrees: 3 or 6.
    pub zone_width: u8,
    /// Zone number: central meridian / 3 for 3° zones, (central meridian + 3) / 6 for 6° zones.
    pub zone_number: u32,
    /// Whether eastings carry the zone number in front (e.g. 40 500 000 for zone 40's meridian).
    pub prefixed: bool,
}

impl Cgcs2000Crs {
    /// The CRS of an EPSG code, `None` for codes that are not CGCS2000 (or WGS 84) geographic or
    /// CGCS2000 Gauss-Krüger.
    ///
    /// ```
    /// use landaudit::cgcs2000::Cgcs2000Crs;
    /// let Some(Cgcs2000Crs::GaussKruger(z)) = Cgcs2000Crs::from_epsg(4528) else { panic!() };
    /// assert_eq!((z.zone_number, z.central_meridian, z.false_easting), (40, 120.0, 40_500_000.0));
    /// let Some(Cgcs2000Crs::GaussKruger(z)) = Cgcs2000Crs::from_epsg(4549) else { panic!() };
    /// assert_eq!((z.zone_number, z.central_meridian, z.false_easting), (40, 120.0, 500_000.0));
    /// assert_eq!(Cgcs2000Crs::from_epsg(4490), Some(Cgcs2000Crs::Geographic));
    /// assert_eq!(Cgcs2000Crs::from_epsg(3857), None);
    /// ```
    pub fn from_epsg(code: u32) -> Option<Self> {
        match code {
            EPSG_CGCS2000 => Some(Cgcs2000Crs::Geographic),
            EPSG_WGS84 => Some(Cgcs2000Crs::Wgs84Geographic),
            _ => GkZone::from_epsg(code).map(Cgcs2000Crs::GaussKruger),
        }
    }

    /// The CRS a GeoJSON file declares ([`crate::Crs`]): no `crs` member and OGC CRS84 mean WGS 84
    /// longitude/latitude, taken as CGCS2000.
    pub fn from_crs(crs: &crate::Crs) -> Option<Self> {
        crs.epsg().and_then(Cgcs2000Crs::from_epsg)
    }

    /// The EPSG code (0 for a Gauss-Krüger zone without one).
    pub fn epsg(&self) -> u32 {
        match self {
            Cgcs2000Crs::Geographic => EPSG_CGCS2000,
            Cgcs2000Crs::Wgs84Geographic => EPSG_WGS84,
            Cgcs2000Crs::GaussKruger(z) => z.epsg,
        }
    }

    /// Whether coordinates are longitude/latitude degrees (not metres).
    pub fn is_geographic(&self) -> bool {
        !matches!(self, Cgcs2000Crs::GaussKruger(_))
    }
}

impl GkZone {
    /// The Gauss-Krüger zone of an EPSG code in 4491–4554, else `None`.
    pub fn from_epsg(code: u32) -> Option<GkZone> {
        match code {
            4513..=4533 => Some(GkZone::three_degree(code - 4513 + 25, true)),
            4534..=4554 => Some(GkZone::three_degree(25 + (code - 4534), false)),
            4491..=4501 => Some(GkZone::six_degree(code - 4491 + 13, true)),
            4502..=4512 => Some(GkZone::six_degree(13 + (code - 4502), false)),
            _ => None,
        }
    }

    /// The 3° zone with this number (central meridian 3·zone). `epsg` is filled in for zones 25–45
    /// (75°E–135°E) and 0 otherwise.
    pub fn three_degree(zone_number: u32, prefixed: bool) -> GkZone {
        let epsg = match (zone_number, prefixed) {
            (25..=45, true) => 4513 + zone_number - 25,
            (25..=45, false) => 4534 + zone_number - 25,
            _ => 0,
        };
        GkZone {
            epsg,
            central_meridian: 3.0 * f64::from(zone_number),
            false_easting: false_easting(zone_number, prefixed),
            zone_width: 3,
            zone_number,
            prefixed,
        }
    }

    /// The 6° zone with this number (central meridian 6·zone − 3). `epsg` is filled in for zones
    /// 13–23 (75°E–135°E) and 0 otherwise.
    pub fn six_degree(zone_number: u32, prefixed: bool) -> GkZone {
        let epsg = match (zone_number, prefixed) {
            (13..=23, true) => 4491 + zone_number - 13,
            (13..=23, false) => 4502 + zone_number - 13,
            _ => 0,
        };
        GkZone {
            epsg,
            central_meridian: 6.0 * f64::from(zone_number) - 3.0,
            false_easting: false_easting(zone_number, prefixed),
            zone_width: 6,
            zone_number,
            prefixed,
        }
    }

    /// The 3° zone a longitude (degrees east) falls in: zone n covers [3n − 1.5°, 3n + 1.5°), so
    /// 118.5°E is zone 40 (CM 120°E) and 121.4999°E too. Longitudes are taken in 0–360°; a
    /// non-finite longitude gives zone 0.
    ///
    /// ```
    /// use landaudit::cgcs2000::GkZone;
    /// let z = GkZone::three_degree_for_longitude(120.2, false);
    /// assert_eq!((z.epsg, z.zone_number, z.central_meridian), (4549, 40, 120.0));
    /// assert_eq!(GkZone::three_degree_for_longitude(121.6, true).epsg, 4529);
    /// ```
    pub fn three_degree_for_longitude(lon: f64, prefixed: bool) -> GkZone {
        let zone = if lon.is_finite() {
            // 0..=120 after rem_euclid; zone 120 (CM 360) is zone 0 (CM 0).
            ((lon.rem_euclid(360.0) + 1.5) / 3.0).floor() as u32 % 120
        } else {
            0
        };
        GkZone::three_degree(zone, prefixed)
    }

    /// The zone named by a zone-prefixed easting (the 8-digit Chinese "Y" value): the zone number is
    /// `floor(x / 10⁶)`, e.g. 40 512 345.6 → 3° zone 40 (CM 120°E, EPSG:4528).
    ///
    /// The prefix alone does not say whether the zone is 3° or 6° wide; in China (73°E–135°E) the two
    /// numberings do not overlap — 3° zones are 25–45 and 6° zones 13–23 — so the prefix value
    /// decides: 25–45 gives a 3° zone, 13–23 a 6° zone, anything else (including a plain
    /// 6-digit easting such as 512 345.6, prefix 0, and non-finite values) `None`. Data from outside
    /// China, where 3° zones 13–23 exist, would be misread as 6° zones: use the EPSG code there.
    ///
    /// ```
    /// use landaudit::cgcs2000::GkZone;
    /// let z = GkZone::from_prefixed_easting(40_512_345.6).unwrap();
    /// assert_eq!((z.epsg, z.zone_width, z.central_meridian), (4528, 3, 120.0));
    /// assert_eq!(GkZone::from_prefixed_easting(20_400_000.0).unwrap().central_meridian, 117.0);
    /// assert_eq!(GkZone::from_prefixed_easting(512_345.6), None);
    /// ```
    pub fn from_prefixed_easting(x: f64) -> Option<GkZone> {
        if !x.is_finite() || x < 0.0 {
            return None;
        }
        let prefix = (x / 1e6).floor();
        if prefix > 1000.0 {
            return None;
        }
        match prefix as u32 {
            n @ 25..=45 => Some(GkZone::three_degree(n, true)),
            n @ 13..=23 => Some(GkZone::six_degree(n, true)),
            _ => None,
        }
    }

    /// The same zone with (`true`) or without (`false`) the zone prefix in the easting.
    pub fn with_prefix(&self, prefixed: bool) -> GkZone {
        match self.zone_width {
            6 => GkZone::six_degree(self.zone_number, prefixed),
            _ => GkZone::three_degree(self.zone_number, prefixed),
        }
    }

    /// Whether two zones project identically (same central meridian and false easting), whatever
    /// their EPSG codes.
    pub fn same_projection(&self, other: &GkZone) -> bool {
        self.central_meridian == other.central_meridian && self.false_easting == other.false_easting
    }

    /// The PROJ string of the zone, e.g. for EPSG:4549
    /// `+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs`.
    pub fn proj_string(&self) -> String {
        format!(
            "+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0={} +y_0=0 +ellps=GRS80 +units=m +no_defs",
            self.central_meridian, self.false_easting
        )
    }
}

impl fmt::Display for GkZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epsg != 0 {
            write!(f, "EPSG:{} ", self.epsg)?;
        }
        write!(
            f,
            "(CGCS2000 {}° Gauss-Krüger zone {}, CM {}°E, false easting {})",
            self.zone_width, self.zone_number, self.central_meridian, self.false_easting
        )
    }
}

fn false_easting(zone_number: u32, prefixed: bool) -> f64 {
    if prefixed {
        f64::from(zone_number) * 1e6 + 500_000.0
    } else {
        500_000.0
    }
}
