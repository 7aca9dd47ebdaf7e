//! How areas are measured: planar in the working Gauss-Krüger plane, or ellipsoidal on the
//! CGCS2000 ellipsoid as official 图斑面积 are (DOMAIN 3.3). One [`Measure`] drives every area
//! column, status, rate and total of a run; both figures are reported for approvals and supplies.

use geo::line_measures::Densifiable;
use geo::{BoundingRect, Densify, Euclidean, MultiPolygon, Polygon, Rect};
use serde::Deserialize;

use crate::cgcs2000::{EllipsoidalFormula, GkZone, Polygonal, ellipsoidal_area_gk_straight};

/// Which area drives statuses, rates and totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaMode {
    /// Ellipsoidal when the working CRS is a CGCS2000 Gauss-Krüger zone, else planar (default).
    #[default]
    Auto,
    /// Ellipsoidal area on the CGCS2000 ellipsoid (an error without a CGCS2000 CRS).
    Ellipsoidal,
    /// Planar area in the working projection.
    Planar,
}

/// Area settings (`[area]` in the config).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AreaSettings {
    /// Which area drives the audit.
    pub mode: AreaMode,
    /// Which ellipsoidal formula gives the official number: the 三调 trapezoid series (default)
    /// or Karney's geodesic area; DOMAIN 7.6 leaves the choice unconfirmed.
    pub formula: EllipsoidalFormula,
    /// Edges longer than this (metres, in the working plane) are measured as they are drawn,
    /// straight in the Gauss-Krüger plane, so that the area is that of the polygon the overlay
    /// computed. Without it the trapezoid series takes each edge as linear in (B, L), which makes
    /// an area depend on how its edges are cut: ≈ ℓ³·tan B/(12N), 0.48 m² on a lone 400 m
    /// east–west edge at 30°N, and a remnant would no longer add up with what was supplied.
    /// Shorter edges are taken as the series takes them (< 1e-5 m² per 10 m edge at 30°N).
    /// Default 10 m; 0 measures the vertices as they are, as the 三调 tools do for whole
    /// parcels. The trapezoid formula integrates a long edge's image exactly
    /// ([`ellipsoidal_area_gk_straight`]); the geodesic formula cuts it into pieces of this
    /// length, as the name says.
    pub densify_m: f64,
}

impl Default for AreaSettings {
    fn default() -> Self {
        AreaSettings {
            mode: AreaMode::Auto,
            formula: EllipsoidalFormula::Trapezoid,
            densify_m: 10.0,
        }
    }
}

/// What a [`Measure`] measures: a polygon or a multipolygon.
trait Measurable:
    Polygonal + Densifiable<f64, Output = Self> + BoundingRect<f64, Output = Option<Rect<f64>>>
{
}

impl Measurable for Polygon<f64> {}
impl Measurable for MultiPolygon<f64> {}

/// The area measure of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// The working Gauss-Krüger zone, when the working CRS is CGCS2000.
    pub zone: Option<GkZone>,
    /// True when the ellipsoidal area drives the audit.
    pub ellipsoidal: bool,
    /// The ellipsoidal formula.
    pub formula: EllipsoidalFormula,
    /// Longest edge (m) before the ellipsoidal area is taken; 0 = vertices as they are.
    pub densify_m: f64,
}

/// Both areas of a geometry.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Areas {
    /// Planar area in the working plane (m²).
    pub planar_m2: f64,
    /// Ellipsoidal area (m²), when the working CRS is CGCS2000.
    pub ellipsoid_m2: Option<f64>,
}

impl Measure {
    /// Planar measure (no CGCS2000 zone known).
    pub const PLANAR: Measure = Measure {
        zone: None,
        ellipsoidal: false,
        formula: EllipsoidalFormula::Trapezoid,
        densify_m: 0.0,
    };

    /// The measure for a working zone and settings; `Err` when ellipsoidal area is asked for
    /// without a CGCS2000 zone.
    pub fn new(zone: Option<GkZone>, s: &AreaSettings) -> Result<Measure, String> {
        let ellipsoidal = match (s.mode, zone) {
            (AreaMode::Planar, _) => false,
            (AreaMode::Auto, z) => z.is_some(),
            (AreaMode::Ellipsoidal, Some(_)) => true,
            (AreaMode::Ellipsoidal, None) => {
                return Err("ellipsoidal area needs a CGCS2000 CRS (EPSG:4490 or a Gauss-Krüger zone 4491–4554); use --area planar".into());
            }
        };
        if !(s.densify_m.is_finite() && s.densify_m >= 0.0) {
            return Err(format!("[area] densify_m must be ≥ 0, got {}", s.densify_m));
        }
        Ok(Measure {
            zone,
            ellipsoidal,
            formula: s.formula,
            densify_m: s.densify_m,
        })
    }

    /// The area that drives the audit (m²).
    ///
    /// ```
    /// use geo::wkt;
    /// use landaudit::measure::Measure;
    /// let sq = wkt!(MULTIPOLYGON(((500000. 3300000.,500100. 3300000.,500100. 3300100.,500000. 3300100.,500000. 3300000.))));
    /// assert!((Measure::PLANAR.area(&sq) - 10_000.0).abs() < 1e-6);
    /// ```
    pub fn area(&self, g: &MultiPolygon<f64>) -> f64 {
        self.area_of(g)
    }

    /// [`Measure::area`] of one polygon.
    pub fn polygon_area(&self, p: &Polygon<f64>) -> f64 {
        self.area_of(p)
    }

    fn area_of<G: Measurable>(&self, g: &G) -> f64 {
        match (self.ellipsoidal, self.zone) {
            (true, Some(z)) => self.ellipsoid(g, &z),
            _ => crate::overlay::area(g),
        }
    }

    fn ellipsoid<G: Measurable>(&self, g: &G, z: &GkZone) -> f64 {
        match self.formula {
            _ if self.densify_m <= 0.0 => self.formula.area_gk(g, z),
            EllipsoidalFormula::Trapezoid => ellipsoidal_area_gk_straight(g, z, self.densify_m),
            EllipsoidalFormula::Geodesic => self
                .formula
                .area_gk(&Euclidean.densify(g, self.densify_m), z),
        }
    }

    /// Both areas.
    pub fn both(&self, g: &MultiPolygon<f64>) -> Areas {
        Areas {
            planar_m2: crate::overlay::area(g),
            ellipsoid_m2: self.zone.map(|z| self.ellipsoid(g, &z)),
        }
    }

    /// True when the ellipsoidal area drives the audit (and can be taken: a CGCS2000 zone).
    pub fn is_ellipsoidal(&self) -> bool {
        self.ellipsoidal && self.zone.is_some()
    }

    /// The driving area out of both (saves measuring twice).
    pub fn pick(&self, a: &Areas) -> f64 {
        match (self.ellipsoidal, a.ellipsoid_m2) {
            (true, Some(e)) => e,
            _ => a.planar_m2,
        }
    }

    /// Which area drives the audit, in words for reports.
    pub fn describe(&self) -> String {
        match (self.ellipsoidal, self.zone) {
            (true, Some(z)) => format!(
                "ellipsoidal area on the CGCS2000 ellipsoid ({} formula, inverse-projected from EPSG:{}; {})",
                match self.formula {
                    EllipsoidalFormula::Trapezoid => "三调 trapezoid-series",
                    EllipsoidalFormula::Geodesic => "Karney geodesic",
                },
                z.epsg,
                if self.densify_m > 0.0 {
                    format!(
                        "edges longer than {} m taken straight in the plane",
                        self.densify_m
                    )
                } else {
                    "edges between the vertices as the formula takes them".to_string()
                }
            ),
            _ => "planar area in the working projection".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_says_how_edges_are_taken() {
        let zone = GkZone::from_epsg(4549);
        let straight = Measure::new(zone, &AreaSettings::default()).unwrap();
        let vertices = Measure::new(
            zone,
            &AreaSettings {
                densify_m: 0.0,
                ..AreaSettings::default()
            },
        )
        .unwrap();
        assert!(
            straight
                .describe()
                .ends_with("EPSG:4549; edges longer than 10 m taken straight in the plane)"),
            "{}",
            straight.describe()
        );
        assert!(vertices.describe().contains("as the formula takes them"));
        assert_eq!(
            Measure::PLANAR.describe(),
            "planar area in the working projection"
        );
    }
}
