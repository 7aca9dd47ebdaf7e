//! The working frame: the one projected CRS every layer is brought into before indexing and
//! overlay, and the checks that keep layers from being overlaid in different frames.
//!
//! - CGCS2000 layers (EPSG:4490, 4326 treated as CGCS2000, Gauss-Krüger 4491–4554) may be mixed:
//!   the working zone is the approvals layer's Gauss-Krüger zone, or for geographic approvals the
//!   3-degree zone of their centre (`--zone` overrides); every other layer is reprojected into it.
//! - Other projected CRSs (UTM, Xian 80 / Beijing 54 Gauss-Krüger) are overlaid as they are, and
//!   only when every layer declares the same one.
//! - Declared CRS and coordinates must agree: eastings carrying a zone prefix (≈ 40 500 000)
//!   under an unprefixed code (or the reverse), or degrees outside ±180/±90, are errors.

use geo::{BoundingRect, MultiPolygon, Rect};
use rayon::prelude::*;

use crate::cgcs2000::{Cgcs2000Crs, GkZone, reproject, to_lonlat};
use crate::crs::{Crs, CrsKind};
use crate::error::{Error, Result};
use crate::io::read::union;
use crate::layer::Layer;

/// The frame of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The working CRS (where overlays and planar areas happen).
    pub working: Crs,
    /// The working Gauss-Krüger zone, when CGCS2000.
    pub zone: Option<GkZone>,
    /// The CRS outputs are written in: the approvals layer's.
    pub output: Crs,
}

/// The extent of a layer's valid features: its parcels and those a prefilter did not hold.
fn layer_bbox(layer: &Layer) -> Option<Rect<f64>> {
    layer
        .parcels
        .iter()
        .filter_map(|p| p.geometry.bounding_rect())
        .chain(layer.outside_bbox)
        .reduce(union)
}

fn crs_error(layer: &Layer, message: String) -> Error {
    Error::Crs {
        path: layer.path.clone(),
        message,
    }
}

/// The declared CRS of a layer (or `assume` when it declares none), checked against its
/// coordinates.
pub fn declared(layer: &Layer, assume: Option<&Crs>) -> Result<Crs> {
    let crs = match (&layer.crs, assume) {
        (Crs::Rfc7946, Some(a)) => a.clone(),
        (c, _) => c.clone(),
    };
    if crs.kind() == CrsKind::Unknown {
        return Err(crs_error(
            layer,
            format!(
                "unknown CRS {crs}: landaudit knows EPSG:4490/4326 and the Gauss-Krüger/UTM codes; \
                 pass --crs EPSG:NNNN if you know the layer's CRS"
            ),
        ));
    }
    let Some(b) = layer_bbox(layer) else {
        return Ok(crs);
    };
    let (x0, x1) = (b.min().x, b.max().x);
    match crs.kind() {
        CrsKind::Geographic
            if x0 < -180.0 || x1 > 180.0 || b.min().y < -90.0 || b.max().y > 90.0 =>
        {
            let hint = GkZone::from_prefixed_easting(x0)
                .map(|z| {
                    format!(
                        " (they look like Gauss-Krüger eastings with zone prefix {}: EPSG:{}?)",
                        z.zone_number, z.epsg
                    )
                })
                .unwrap_or_default();
            Err(crs_error(
                layer,
                format!(
                    "declared {crs} is longitude/latitude, but x runs {x0:.0}..{x1:.0}{hint}; \
                     declare the right CRS (or pass --crs EPSG:NNNN for files without a crs member)"
                ),
            ))
        }
        _ => match crs.epsg().and_then(Cgcs2000Crs::from_epsg) {
            Some(Cgcs2000Crs::GaussKruger(z)) => {
                let lo = z.false_easting - 1_000_000.0;
                let hi = z.false_easting + 1_000_000.0;
                if x0 < lo || x1 > hi {
                    let seen = GkZone::from_prefixed_easting(x0)
                        .map(|p| {
                            format!(
                                "; the eastings carry zone prefix {} (EPSG:{})",
                                p.zone_number, p.epsg
                            )
                        })
                        .unwrap_or_default();
                    Err(crs_error(
                        layer,
                        format!(
                            "declared {crs} (false easting {:.0}) does not fit eastings {x0:.0}..{x1:.0}{seen}; \
                             declare the CRS the coordinates are in",
                            z.false_easting
                        ),
                    ))
                } else {
                    Ok(crs)
                }
            }
            _ => Ok(crs),
        },
    }
}

/// The error for a layer whose CRS cannot be overlaid with the approvals layer's.
fn differs(layer: &Layer, crs: &Crs, a_layer: &Layer, a_crs: &Crs) -> Error {
    crs_error(
        layer,
        format!(
            "CRS {crs} differs from the approvals layer's {a_crs} ({}); landaudit reprojects only between \
             CGCS2000 systems (EPSG:4490, 4326, 4491–4554), so reproject one of them first",
            a_layer.path.display()
        ),
    )
}

/// Resolves the working frame from the approvals layer's CRS and the others'. `zone` (a 3-degree
/// zone number, 25–45) overrides the working zone of CGCS2000 data.
pub fn resolve(
    approvals: (&Layer, &Crs),
    others: &[(&Layer, &Crs)],
    zone: Option<u32>,
) -> Result<Frame> {
    let (a_layer, a_crs) = approvals;
    let a_cgcs = a_crs.epsg().and_then(Cgcs2000Crs::from_epsg);
    let all_cgcs = a_cgcs.is_some()
        && others
            .iter()
            .all(|(_, c)| c.epsg().and_then(Cgcs2000Crs::from_epsg).is_some());
    if !all_cgcs {
        if zone.is_some() {
            return Err(crs_error(
                a_layer,
                "--zone applies to CGCS2000 data only".into(),
            ));
        }
        if a_crs.kind() != CrsKind::ProjectedMetres {
            return Err(crs_error(
                a_layer,
                format!(
                    "{a_crs} is not a projected CRS in metres and not CGCS2000/WGS 84 longitude/latitude; reproject first"
                ),
            ));
        }
        for (l, c) in others {
            if *c != a_crs {
                return Err(differs(l, c, a_layer, a_crs));
            }
        }
        return Ok(Frame {
            working: a_crs.clone(),
            zone: None,
            output: a_crs.clone(),
        });
    }
    let zone = match (zone, a_cgcs) {
        (Some(n), _) => {
            if !(25..=45).contains(&n) {
                return Err(crs_error(
                    a_layer,
                    format!("--zone {n}: 3-degree CGCS2000 zones are 25–45"),
                ));
            }
            GkZone::three_degree(n, false)
        }
        (None, Some(Cgcs2000Crs::GaussKruger(z))) => z,
        (None, _) => {
            let lon = layer_bbox(a_layer).map_or(120.0, |b| b.center().x);
            GkZone::three_degree_for_longitude(lon, false)
        }
    };
    Ok(Frame {
        working: Crs::Epsg(zone.epsg),
        zone: Some(zone),
        // The approvals file's own CRS, with its zone prefix if the reader removed it.
        output: a_layer.file_crs.clone().unwrap_or_else(|| a_crs.clone()),
    })
}

impl Frame {
    /// Checks a layer read after the frame was resolved (declared in `crs`, see [`declared`]) as
    /// [`resolve`] would have checked it among the `others`: in a CGCS2000 frame it must be
    /// CGCS2000 too, in any other frame it must declare the approvals layer's CRS.
    pub fn admit(&self, approvals: (&Layer, &Crs), layer: &Layer, crs: &Crs) -> Result<()> {
        let (a_layer, a_crs) = approvals;
        let fits = match self.zone {
            Some(_) => crs.epsg().and_then(Cgcs2000Crs::from_epsg).is_some(),
            None => *crs == self.working,
        };
        if fits {
            Ok(())
        } else {
            Err(differs(layer, crs, a_layer, a_crs))
        }
    }

    /// Whether coordinates in `crs` are working coordinates already: [`Frame::to_working`]
    /// leaves a layer declared in it as it is, and [`Frame::admit`] accepts it.
    pub fn is_working(&self, crs: &Crs) -> bool {
        match self.zone {
            None => *crs == self.working,
            Some(zone) => matches!(
                crs.epsg().and_then(Cgcs2000Crs::from_epsg),
                Some(Cgcs2000Crs::GaussKruger(z)) if z.same_projection(&zone)
            ),
        }
    }

    /// Brings a layer's parcels (declared in `from`) into the working CRS, in parallel.
    pub fn to_working(&self, layer: &mut Layer, from: &Crs) -> Result<()> {
        let (Some(zone), Some(src)) = (self.zone, from.epsg().and_then(Cgcs2000Crs::from_epsg))
        else {
            return Ok(());
        };
        if matches!(src, Cgcs2000Crs::GaussKruger(z) if z.same_projection(&zone)) {
            return Ok(());
        }
        let path = layer.path.clone();
        layer.parcels.par_iter_mut().try_for_each(|p| {
            p.geometry = reproject(&p.geometry, &src, &zone).map_err(|e| Error::Crs {
                path: path.clone(),
                message: format!(
                    "feature {} ({}): cannot reproject to EPSG:{}: {e}",
                    p.index, p.id, zone.epsg
                ),
            })?;
            Ok(())
        })
    }

    /// A geometry in the working CRS, in the output CRS.
    pub fn to_output(
        &self,
        g: &MultiPolygon<f64>,
    ) -> std::result::Result<MultiPolygon<f64>, String> {
        let (Some(zone), Some(out)) = (
            self.zone,
            self.output.epsg().and_then(Cgcs2000Crs::from_epsg),
        ) else {
            return Ok(g.clone());
        };
        let working = Cgcs2000Crs::GaussKruger(zone);
        match out {
            Cgcs2000Crs::GaussKruger(z) => reproject(g, &working, &z),
            _ => to_lonlat(g, &working),
        }
        .map_err(|e| format!("cannot convert an output geometry to {}: {e}", self.output))
    }

    /// Whether outputs need converting.
    pub fn converts_output(&self) -> bool {
        self.working != self.output
    }
}
