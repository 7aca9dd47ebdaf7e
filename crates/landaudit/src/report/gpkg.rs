//! `audit.gpkg` (feature `gdal`, `--format gpkg`): the whole result in one GeoPackage that QGIS
//! opens as one file: layers `unsupplied` and `idle` (polygons, in the input CRS) and every CSV
//! table of the run as an attribute table of the same name (`approvals`, `supplies`, `links`,
//! `regions`, `windows`, `rejected`, and `landuse` / `conflicts` when written).
//!
//! The polygon layers are the features of `unsupplied.geojson` and `idle.geojson`, written by
//! the same code into a temporary folder and copied over by GDAL with their types (dates stay
//! dates). The tables are the CSV files just written; a column whose every value is an integer
//! (without a leading zero) becomes an integer column, one whose every value is a number a real
//! column, any other a text column; empty cells are null. The GeoPackage is built in a temporary
//! folder of the output folder, in one transaction, then renamed into place.

use std::path::{Path, PathBuf};

use gdal::vector::{
    Feature, FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType,
};
use gdal::{Dataset, DriverManager};

use crate::audit::Audit;
use crate::error::{Error, Result};
use crate::io::gdal_write::{copy_polygons, srs_of_epsg};

/// The tables copied into the GeoPackage, in order, when their CSV file exists.
const TABLES: [&str; 8] = [
    "approvals",
    "supplies",
    "links",
    "regions",
    "windows",
    "landuse",
    "conflicts",
    "rejected",
];

/// Writes `dir/audit.gpkg` from the audit and the CSV files already written in `dir`.
pub fn write(audit: &Audit, dir: &Path) -> Result<PathBuf> {
    let target = dir.join("audit.gpkg");
    let fail = |message: String| Error::Gdal {
        path: target.clone(),
        message,
    };
    let tmp = tempfile::Builder::new()
        .prefix(".landaudit-")
        .suffix(".tmp")
        .tempdir_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let unsupplied = tmp.path().join("unsupplied.geojson");
    let idle = tmp.path().join("idle.geojson");
    super::unsupplied_geojson::write(audit, &unsupplied)?;
    super::idle_geojson::write(audit, &idle)?;

    let path = tmp.path().join("audit.gpkg");
    {
        let driver = DriverManager::get_driver_by_name("GPKG").map_err(|e| fail(e.to_string()))?;
        let mut ds = driver
            .create_vector_only(&path)
            .map_err(|e| fail(format!("cannot create the GeoPackage: {e}")))?;
        let srs = audit
            .crs
            .epsg()
            .map(srs_of_epsg)
            .transpose()
            .map_err(fail)?;
        let mut txn = ds
            .start_transaction()
            .map_err(|e| fail(format!("cannot start a transaction: {e}")))?;
        for (name, src) in [("unsupplied", &unsupplied), ("idle", &idle)] {
            copy_polygons(&mut txn, name, src, srs.as_ref(), &[])
                .map_err(|e| fail(format!("layer {name}: {e}")))?;
        }
        for name in TABLES {
            let csv = dir.join(format!("{name}.csv"));
            if csv.is_file() {
                copy_table(&mut txn, name, &csv).map_err(|e| fail(format!("table {name}: {e}")))?;
            }
        }
        txn.commit()
            .map_err(|e| fail(format!("cannot commit: {e}")))?;
        ds.close().map_err(|e| fail(format!("cannot close: {e}")))?;
    }
    std::fs::rename(&path, &target).map_err(|e| Error::io(&target, e))?;
    Ok(target)
}

/// The type of a CSV column from its values.
fn column_type(values: impl Iterator<Item = impl AsRef<str>>) -> OGRFieldType::Type {
    let (mut int, mut real) = (true, true);
    for v in values {
        let v = v.as_ref();
        if v.is_empty() {
            continue;
        }
        let digits = v.strip_prefix('-').unwrap_or(v);
        let is_int = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && v.parse::<i64>().is_ok();
        let is_real = v
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && v.parse::<f64>().is_ok_and(f64::is_finite)
            && (!digits.starts_with('0') || digits.starts_with("0.") || digits == "0");
        int &= is_int;
        real &= is_real;
    }
    if int {
        OGRFieldType::OFTInteger64
    } else if real {
        OGRFieldType::OFTReal
    } else {
        OGRFieldType::OFTString
    }
}

/// Copies a CSV file into a new attribute table (no geometry), with typed columns.
fn copy_table(ds: &mut Dataset, name: &str, csv_path: &Path) -> std::result::Result<(), String> {
    let mut reader = csv::Reader::from_path(csv_path).map_err(|e| e.to_string())?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let types: Vec<OGRFieldType::Type> = (0..header.len())
        .map(|i| column_type(rows.iter().map(|r| r.get(i).unwrap_or(""))))
        .collect();
    let layer = ds
        .create_layer(LayerOptions {
            name,
            srs: None,
            ty: OGRwkbGeometryType::wkbNone,
            options: None,
        })
        .map_err(|e| e.to_string())?;
    for (n, ty) in header.iter().zip(&types) {
        FieldDefn::new(n, *ty)
            .and_then(|d| d.add_to_layer(&layer))
            .map_err(|e| e.to_string())?;
    }
    for r in &rows {
        let mut out = Feature::new(layer.defn()).map_err(|e| e.to_string())?;
        for (i, ty) in types.iter().enumerate() {
            let v = r.get(i).unwrap_or("");
            if v.is_empty() {
                continue;
            }
            let set = match *ty {
                OGRFieldType::OFTInteger64 => out.set_field_integer64(i, v.parse().unwrap_or(0)),
                OGRFieldType::OFTReal => out.set_field_double(i, v.parse().unwrap_or(f64::NAN)),
                _ => out.set_field_string(i, v),
            };
            set.map_err(|e| e.to_string())?;
        }
        out.create(&layer).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types() {
        assert_eq!(
            column_type(["1", "-20", ""].iter()),
            OGRFieldType::OFTInteger64
        );
        assert_eq!(column_type(["1", "2.5"].iter()), OGRFieldType::OFTReal);
        assert_eq!(column_type(["1e3", "0.25"].iter()), OGRFieldType::OFTReal);
        // Codes keep their leading zeros; words stay words.
        assert_eq!(column_type(["0101", "12"].iter()), OGRFieldType::OFTString);
        assert_eq!(column_type(["inf"].iter()), OGRFieldType::OFTString);
        assert_eq!(column_type(["NaN"].iter()), OGRFieldType::OFTString);
        assert_eq!(column_type(["2019-03-07"].iter()), OGRFieldType::OFTString);
        assert_eq!(
            column_type(["浙政土〔2019〕1号"].iter()),
            OGRFieldType::OFTString
        );
    }
}
