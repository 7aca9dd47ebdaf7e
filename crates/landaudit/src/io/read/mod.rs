//! Reading layers: one module per format, sharing what a feature becomes.
//!
//! - [`geojson`]: the streaming GeoJSON reader (always built, pure Rust);
//! - `gdal` (feature `gdal`): Shapefile, GeoPackage, FileGDB, FlatGeobuf and any other OGR
//!   vector source, through the system GDAL;
//! - `feature`: field lookup, id and geometry checks of one feature, for every format;
//! - `coords`: GeoJSON coordinates from their text (zone prefixes removed exactly);
//! - `rings`: positions and rings to polygons, for every format;
//! - `arcs` (feature `gdal`): circular arcs of curved polygons to line segments;
//! - `split`: GeoJSON values cut out of the byte stream, under the byte limits of `[input]`.
//!
//! Whatever the format, a read yields a [`Layer`]: the valid parcels and the rejected, repaired
//! and warned features, with `read = parcels + rejected`.

#[cfg(feature = "gdal")]
mod arcs;
mod coords;
pub(crate) mod feature;
#[cfg(feature = "gdal")]
mod gdal;
pub mod geojson;
pub(crate) mod rings;
mod split;

use std::collections::HashMap;
use std::path::Path;

use crate::config::{FieldMap, InputSettings};
use crate::crs::Crs;
use crate::error::Result;
use crate::layer::{Layer, LayerKind, RejectStatus, Rejection};

use self::feature::{FieldLookup, Outcome};

/// How a layer is read.
#[derive(Debug, Clone)]
pub struct ReadOptions<'a> {
    /// Which layer this is (decides the id field and the known fields).
    pub kind: LayerKind,
    /// Source field names.
    pub fields: &'a FieldMap,
    /// Repair invalid polygons instead of rejecting them.
    pub repair: bool,
    /// Keep every source field of every feature in [`crate::Parcel::fields`], not only the
    /// canonical ones (the `overlay` command carries them to its output).
    pub all_fields: bool,
}

impl<'a> ReadOptions<'a> {
    /// Options for a layer of `kind` with source field names `fields`: no repair, canonical fields
    /// only.
    pub fn new(kind: LayerKind, fields: &'a FieldMap) -> Self {
        ReadOptions {
            kind,
            fields,
            repair: false,
            all_fields: false,
        }
    }
}

/// Where to look inside a source GDAL reads; ignored for GeoJSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// Text encoding of a Shapefile's attributes (an encoding label such as `GBK`, `GB18030`,
    /// `UTF-8`), overriding its `.cpg`. Without it: the `.cpg` (or the code page in the DBF
    /// header), else UTF-8 when every text is valid UTF-8, else GB18030.
    pub encoding: Option<String>,
    /// The layer to read from a multi-layer source (GeoPackage, FileGDB) when the path does not
    /// name one as `file.gpkg:layer`. Without either: the only layer, or the one named after the
    /// layer kind (`approvals`, `DLTB`, …).
    pub layer: Option<String>,
}

/// Reads a layer file into a [`Layer`], under the default [`InputSettings`] (64 MiB per feature,
/// no file limit). The format follows the file name: `.geojson` and `.json` are GeoJSON
/// FeatureCollections of Polygon/MultiPolygon features.
///
/// ```no_run
/// use landaudit::{Config, LayerKind, io::{read_layer, ReadOptions}};
/// let cfg = Config::default();
/// let opts = ReadOptions::new(LayerKind::Approvals, &cfg.fields.approvals);
/// let layer = read_layer("data/demo/approvals.geojson".as_ref(), &opts).unwrap();
/// println!("{} parcels, {} rejected", layer.parcels.len(), layer.rejected_count());
/// ```
pub fn read_layer(path: &Path, opts: &ReadOptions) -> Result<Layer> {
    read_layer_limited(path, opts, &InputSettings::default())
}

/// Reads a layer like [`read_layer`], under the limits of `input` (the `[input]` settings).
///
/// ```
/// use landaudit::{Config, LayerKind, io::{read_layer_limited, ReadOptions}};
/// let cfg = Config::from_toml_str("[input]\nmax_feature_bytes = 100").unwrap();
/// let opts = ReadOptions::new(LayerKind::Approvals, &cfg.fields.approvals);
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/approvals.geojson");
/// let e = read_layer_limited(path.as_ref(), &opts, &cfg.input).unwrap_err();
/// assert!(e.to_string().contains("feature 0 is larger than [input] max_feature_bytes = 100"));
/// ```
pub fn read_layer_limited(path: &Path, opts: &ReadOptions, input: &InputSettings) -> Result<Layer> {
    read_layer_from(path, opts, input, &SourceOptions::default())
}

/// Reads a layer like [`read_layer_limited`], with the encoding and layer choice of `source` for
/// the formats read through GDAL. Without the `gdal` feature those formats are an
/// [`Error::UnsupportedFormat`](crate::error::Error::UnsupportedFormat) that names the feature.
pub fn read_layer_from(
    path: &Path,
    opts: &ReadOptions,
    input: &InputSettings,
    source: &SourceOptions,
) -> Result<Layer> {
    if needs_gdal(path) {
        #[cfg(feature = "gdal")]
        return gdal::read(path, opts, source);
        #[cfg(not(feature = "gdal"))]
        {
            let _ = source;
            return Err(crate::error::Error::UnsupportedFormat {
                path: path.to_path_buf(),
            });
        }
    }
    geojson::read(path, opts, input)
}

/// The names of the vector layers of a multi-layer source (GeoPackage, FileGDB folder), in the
/// source's order. Without the `gdal` feature this is an
/// [`Error::UnsupportedFormat`](crate::error::Error::UnsupportedFormat).
pub fn layer_names(path: &Path) -> Result<Vec<String>> {
    #[cfg(feature = "gdal")]
    return gdal::layer_names(path);
    #[cfg(not(feature = "gdal"))]
    Err(crate::error::Error::UnsupportedFormat {
        path: path.to_path_buf(),
    })
}

/// File name endings of the formats read through GDAL (a `.gdb` is a folder).
pub const GDAL_EXTENSIONS: [&str; 5] = ["shp", "gpkg", "gdb", "fgb", "dbf"];

/// Whether the path names a format only GDAL reads (by its ending, or a folder). Every other
/// file is read as GeoJSON, whatever its name, and gets GeoJSON's errors if it is not.
pub fn needs_gdal(path: &Path) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| GDAL_EXTENSIONS.iter().any(|g| e.eq_ignore_ascii_case(g)));
    // `layer.gpkg:name` names a layer inside a GeoPackage.
    let with_layer = path.to_str().is_some_and(|p| {
        p.rsplit_once(':')
            .is_some_and(|(file, _)| needs_gdal(Path::new(file)))
    });
    by_name || with_layer || path.is_dir()
}

/// Whether the file name says GeoJSON (`.geojson` or `.json`, any case).
pub fn is_geojson(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// The layer from the converted features of a file, in file order: duplicate ids rejected (where
/// the layer needs unique ids), notes and rejections recorded against their feature index.
pub(crate) fn assemble(
    opts: &ReadOptions,
    path: &Path,
    crs: Crs,
    lookup: &FieldLookup,
    converted: Vec<Outcome>,
) -> Layer {
    let read = converted.len();
    let mut layer = Layer {
        kind: opts.kind,
        path: path.to_path_buf(),
        crs,
        file_crs: None,
        read,
        parcels: Vec::with_capacity(read),
        rejections: Vec::new(),
        notes: Vec::new(),
    };
    let reject = |index, id, status, reason| Rejection {
        layer: opts.kind,
        file: path.to_path_buf(),
        index,
        id,
        status,
        reason,
    };
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(read);
    for (index, outcome) in converted.into_iter().enumerate() {
        match outcome {
            Ok((parcel, notes)) => {
                if let Some(first) = seen.get(&parcel.id).filter(|_| opts.kind.id_required()) {
                    layer.rejections.push(reject(
                        index,
                        Some(parcel.id.clone()),
                        RejectStatus::Rejected,
                        format!(
                            "duplicate id {} = {:?} (first used by feature {first})",
                            lookup.id_source, parcel.id
                        ),
                    ));
                    continue;
                }
                if opts.kind.id_required() {
                    seen.insert(parcel.id.clone(), index);
                }
                for (status, reason) in notes {
                    layer
                        .rejections
                        .push(reject(index, Some(parcel.id.clone()), status, reason));
                }
                layer.parcels.push(parcel);
            }
            Err((id, reason)) => {
                layer
                    .rejections
                    .push(reject(index, id, RejectStatus::Rejected, reason))
            }
        }
    }
    layer
}
