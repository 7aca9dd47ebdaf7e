//! Coordinate reference systems as GeoJSON files declare them (the legacy `crs` member that GDAL
//! and QGIS write: `urn:ogc:def:crs:EPSG::4549`, `EPSG:4549`), and what landaudit can overlay.

use std::fmt;

/// A declared coordinate reference system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crs {
    /// No `crs` member: RFC 7946 says longitude/latitude on WGS 84.
    Rfc7946,
    /// An EPSG code.
    Epsg(u32),
    /// OGC CRS84 (longitude/latitude).
    Crs84,
    /// A name landaudit does not recognise, kept as written.
    Other(String),
}

/// What kind of coordinates a CRS has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrsKind {
    /// Degrees of longitude and latitude.
    Geographic,
    /// Metres on a projection plane (Gauss-Krüger, UTM…).
    ProjectedMetres,
    /// Not known to landaudit.
    Unknown,
}

impl Crs {
    /// Parses a CRS name such as `urn:ogc:def:crs:EPSG::4549`, `urn:ogc:def:crs:EPSG:6.6:4549`,
    /// `EPSG:4549` or `urn:ogc:def:crs:OGC:1.3:CRS84`.
    ///
    /// ```
    /// use landaudit::Crs;
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::4549"), Crs::Epsg(4549));
    /// assert_eq!(Crs::from_name("EPSG:4490"), Crs::Epsg(4490));
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84"), Crs::Crs84);
    /// ```
    pub fn from_name(name: &str) -> Crs {
        let n = name.trim();
        let upper = n.to_ascii_uppercase();
        if upper.ends_with("CRS84") {
            return Crs::Crs84;
        }
        if let Some(pos) = upper.rfind("EPSG:") {
            // The code is the last colon-separated field: "EPSG::4549", "EPSG:6.6:4549", "EPSG:4549".
            let tail = &n[pos + 5..];
            if let Some(code) = tail.rsplit(':').next().and_then(|c| c.trim().parse().ok()) {
                return Crs::Epsg(code);
            }
        }
        Crs::Other(n.to_string())
    }

    /// Reads the legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":…}}`).
    pub fn from_member(member: &serde_json::Value) -> Crs {
        match member
            .get("properties")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
        {
            Some(name) => Crs::from_name(name),
            None => Crs::Other(member.to_string()),
        }
    }

    /// The EPSG code, if any.
    pub fn epsg(&self) -> Option<u32> {
        match self {
            Crs::Epsg(c) => Some(*c),
            Crs::Rfc7946 | Crs::Crs84 => Some(4326),
            Crs::Other(_) => None,
        }
    }

    /// Whether coordinates are degrees or metres, for the codes Chinese land data uses.
    pub fn kind(&self) -> CrsKind {
        match self {
            Crs::Rfc7946 | Crs::Crs84 => CrsKind::Geographic,
            Crs::Other(_) => CrsKind::Unknown,
            Crs::Epsg(code) => match code {
                // WGS 84, CGCS2000, Beijing 1954, Xian 1980 geographic.
                4326 | 4490 | 4214 | 4610 => CrsKind::Geographic,
                // CGCS2000 Gauss-Krüger 6° and 3° zones (DOMAIN 3.4).
                4491..=4554 => CrsKind::ProjectedMetres,
                // Xian 1980 and Beijing 1954 Gauss-Krüger zones.
                2327..=2442 | 21413..=21483 => CrsKind::ProjectedMetres,
                // WGS 84 / UTM, Web Mercator.
                32601..=32660 | 32701..=32760 | 3857 => CrsKind::ProjectedMetres,
                _ => CrsKind::Unknown,
            },
        }
    }

    /// The name written into output files' `crs` member.
    pub fn urn(&self) -> Option<String> {
        match self {
            Crs::Epsg(c) => Some(format!("urn:ogc:def:crs:EPSG::{c}")),
            Crs::Crs84 => Some("urn:ogc:def:crs:OGC:1.3:CRS84".into()),
            Crs::Rfc7946 => None,
            Crs::Other(n) => Some(n.clone()),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Rfc7946 => write!(f, "none declared (RFC 7946 longitude/latitude)"),
            Crs::Epsg(c) => write!(f, "EPSG:{c}"),
            Crs::Crs84 => write!(f, "OGC:CRS84"),
            Crs::Other(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(Crs::Epsg(4549).kind(), CrsKind::ProjectedMetres);
        assert_eq!(Crs::Epsg(4528).kind(), CrsKind::ProjectedMetres);
        assert_eq!(Crs::Epsg(4490).kind(), CrsKind::Geographic);
        assert_eq!(Crs::Rfc7946.kind(), CrsKind::Geographic);
        assert_eq!(Crs::Epsg(9999).kind(), CrsKind::Unknown);
        assert_eq!(
            Crs::from_name("urn:ogc:def:crs:EPSG:6.6:4549"),
            Crs::Epsg(4549)
        );
        assert_eq!(
            Crs::from_name("LOCAL_CS"),
            Crs::Other("LOCAL_CS".to_string())
        );
    }

    #[test]
    fn member() {
        let v =
            serde_json::json!({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}});
        assert_eq!(Crs::from_member(&v), Crs::Epsg(4549));
    }
}
