//! Writing polygon layers through GDAL (feature `gdal`): GeoPackage and Shapefile, as bureaus
//! exchange them. Used by `audit --format gpkg` and `synth --format gpkg|shp`.
//!
//! The source is always a GeoJSON file landaudit wrote itself; GDAL's GeoJSON driver types its
//! properties (integers, reals, text, dates where every value is an ISO date), and each feature is
//! copied with its fields and geometry. A property the feature lacks, or an empty text, is
//! written unset (null). Polygons are written as MultiPolygons, as GeoPackage
//! requires for a MultiPolygon layer (Shapefile does not tell them apart).

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{
    Feature, FieldDefn, FieldValue, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType,
    ToGdal,
};
use gdal::{Dataset, DriverManager};

/// A vector format landaudit writes through GDAL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VectorFormat {
    /// One GeoPackage file holding every layer.
    GeoPackage,
    /// One Shapefile per layer, attributes in the given DBF code page (e.g. `CP936`, `UTF-8`).
    Shapefile(String),
}

/// The spatial reference of an EPSG code in GIS axis order (easting, northing), as the layers
/// are written.
pub fn srs_of_epsg(code: u32) -> Result<SpatialRef, String> {
    let mut srs = SpatialRef::from_epsg(code).map_err(|e| format!("EPSG:{code}: {e}"))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// Copies the polygon features of the GeoJSON file `src` into a new layer `name` of `ds`, fields
/// typed as GDAL's GeoJSON driver reads them.
pub fn copy_polygons(
    ds: &mut Dataset,
    name: &str,
    src: &Path,
    srs: Option<&SpatialRef>,
    options: &[&str],
) -> Result<(), String> {
    let src_ds = Dataset::open(src).map_err(|e| format!("{}: {e}", src.display()))?;
    let mut src_layer = src_ds.layer(0).map_err(|e| e.to_string())?;
    let fields: Vec<(String, OGRFieldType::Type)> = src_layer
        .defn()
        .fields()
        .map(|f| (f.name(), f.field_type()))
        .collect();
    let layer = ds
        .create_layer(LayerOptions {
            name,
            srs,
            ty: OGRwkbGeometryType::wkbMultiPolygon,
            options: (!options.is_empty()).then_some(options),
        })
        .map_err(|e| e.to_string())?;
    for (n, ty) in &fields {
        FieldDefn::new(n, *ty)
            .and_then(|d| d.add_to_layer(&layer))
            .map_err(|e| format!("field {n}: {e}"))?;
    }
    for (index, f) in src_layer.features().enumerate() {
        let mut out = Feature::new(layer.defn()).map_err(|e| e.to_string())?;
        for (i, (field_name, _)) in fields.iter().enumerate() {
            let field_error =
                |e: gdal::errors::GdalError| format!("feature {index}, field {field_name}: {e}");
            // The gdal crate has no "is set" test, and reads a field the feature does not set
            // as 0 (numbers), an empty text, or an error (dates). GDAL's text of an unset field
            // is empty, of a set number or date never: numbers are kept only with a text.
            // Empty text stays unset.
            let text = || -> Result<Option<String>, String> {
                let t = f.field_as_string(i).map_err(field_error)?;
                Ok(t.filter(|t| !t.is_empty()))
            };
            match f.field(i) {
                Ok(None) => {}
                Ok(Some(FieldValue::StringValue(t))) if t.is_empty() => {}
                Ok(Some(v @ FieldValue::StringValue(_))) => {
                    out.set_field(i, &v).map_err(field_error)?;
                }
                Ok(Some(v)) => {
                    if text()?.is_some() {
                        out.set_field(i, &v).map_err(field_error)?;
                    }
                }
                Err(_) => {
                    if let Some(t) = text()? {
                        out.set_field_string(i, &t).map_err(field_error)?;
                    }
                }
            }
        }
        if let Some(g) = f.geometry() {
            let multi = match g.to_geo() {
                Ok(geo::Geometry::Polygon(p)) => geo::MultiPolygon::new(vec![p]).to_gdal(),
                Ok(geo::Geometry::MultiPolygon(mp)) => mp.to_gdal(),
                _ => Ok(g.clone()),
            }
            .map_err(|e| format!("feature {index}: {e}"))?;
            out.set_geometry(multi)
                .map_err(|e| format!("feature {index}: {e}"))?;
        }
        out.create(&layer)
            .map_err(|e| format!("feature {index}: {e}"))?;
    }
    Ok(())
}

/// Writes the GeoJSON layers `layers` (name, file) in `format`: `target` is the GeoPackage file,
/// or the folder of the Shapefiles (`NAME.shp` …). Every layer is copied in one transaction
/// (GeoPackage).
pub fn write_layers(
    layers: &[(String, std::path::PathBuf)],
    format: &VectorFormat,
    target: &Path,
    epsg: Option<u32>,
) -> Result<(), String> {
    let srs = epsg.map(srs_of_epsg).transpose()?;
    match format {
        VectorFormat::GeoPackage => {
            let driver = DriverManager::get_driver_by_name("GPKG").map_err(|e| e.to_string())?;
            let mut ds = driver
                .create_vector_only(target)
                .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
            let mut txn = ds
                .start_transaction()
                .map_err(|e| format!("cannot start a transaction: {e}"))?;
            for (name, src) in layers {
                copy_polygons(&mut txn, name, src, srs.as_ref(), &[])
                    .map_err(|e| format!("layer {name}: {e}"))?;
            }
            txn.commit().map_err(|e| format!("cannot commit: {e}"))?;
            ds.close().map_err(|e| format!("cannot close: {e}"))?;
            Ok(())
        }
        VectorFormat::Shapefile(code_page) => {
            let driver =
                DriverManager::get_driver_by_name("ESRI Shapefile").map_err(|e| e.to_string())?;
            let encoding = format!("ENCODING={code_page}");
            for (name, src) in layers {
                let path = target.join(format!("{name}.shp"));
                let mut ds = driver
                    .create_vector_only(&path)
                    .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                copy_polygons(&mut ds, name, src, srs.as_ref(), &[&encoding])
                    .map_err(|e| format!("layer {name}: {e}"))?;
                ds.close().map_err(|e| format!("cannot close: {e}"))?;
            }
            Ok(())
        }
    }
}
