//! Streaming GeoJSON writer: a FeatureCollection with the input's `crs` member (so GDAL and QGIS
//! place the output where the input was), features written one at a time, atomically.

use std::path::Path;

use geo::MultiPolygon;

use crate::crs::Crs;
use crate::error::Result;
use crate::io::atomic::write_atomic;

/// Writes `features` (properties, geometry) as a FeatureCollection to `path`, atomically.
///
/// ```
/// use geo::wkt;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.geojson");
/// let square = wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.))));
/// let mut props = serde_json::Map::new();
/// props.insert("id".into(), "a".into());
/// landaudit::io::geojson_write::write_features(&path, &landaudit::Crs::Epsg(4549), [(props, &square)]).unwrap();
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert!(text.contains("urn:ogc:def:crs:EPSG::4549"));
/// assert_eq!(text.parse::<geojson::GeoJson>().is_ok(), true);
/// ```
pub fn write_features<'g>(
    path: &Path,
    crs: &Crs,
    features: impl IntoIterator<
        Item = (
            serde_json::Map<String, serde_json::Value>,
            &'g MultiPolygon<f64>,
        ),
    >,
) -> Result<()> {
    write_atomic(path, |w| {
        w.write_all(b"{\"type\":\"FeatureCollection\",")?;
        if let Some(urn) = crs.urn() {
            let member = serde_json::json!({"type": "name", "properties": {"name": urn}});
            write!(w, "\"crs\":{member},")?;
        }
        w.write_all(b"\"features\":[\n")?;
        for (i, (properties, geometry)) in features.into_iter().enumerate() {
            if i > 0 {
                w.write_all(b",\n")?;
            }
            let feature = geojson::Feature {
                geometry: Some(geojson::Geometry::from(geometry)),
                properties: Some(properties),
                ..Default::default()
            };
            serde_json::to_writer(&mut *w, &feature)?;
        }
        w.write_all(b"\n]}\n")
    })
}
