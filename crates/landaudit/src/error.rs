//! Typed errors. Every variant names the file it concerns; per-feature problems are not errors but
//! [`Rejection`](crate::Rejection)s, so that one bad parcel never stops a campaign run.

use std::path::PathBuf;

/// Everything that can stop a landaudit run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not well-formed JSON or not a GeoJSON FeatureCollection.
    #[error("{path}: not a readable GeoJSON FeatureCollection: {message}")]
    GeoJson {
        /// The file.
        path: PathBuf,
        /// What was wrong, with line and column where known.
        message: String,
    },
    /// The layer's coordinate reference system cannot be used for the requested work.
    #[error("{path}: {message}")]
    Crs {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// The configuration file could not be parsed or holds an unusable value.
    #[error("{path}: invalid configuration: {message}")]
    Config {
        /// The config file (or `<defaults>`).
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// An input directory given with `--dir` lacks a required layer.
    #[error(
        "{path}: no {layer} layer found (expected {layer}.geojson, .json, .gpkg, .shp, .fgb or .gdb, \
         or a layer named {layer} in a GeoPackage or FileGDB of the folder)"
    )]
    MissingLayer {
        /// The directory searched.
        path: PathBuf,
        /// The layer name looked for.
        layer: String,
    },
    /// GDAL could not open or read a layer (feature `gdal`): not a vector dataset, no such
    /// layer, a truncated or incomplete file.
    #[error("{path}: {message}")]
    Gdal {
        /// The file (with `:layer` where one was named).
        path: PathBuf,
        /// What was wrong, in one line.
        message: String,
    },
    /// A layer file's format is not supported by this build.
    #[error(
        "{path}: this build of landaudit reads and writes GeoJSON only; Shapefile, GeoPackage, FileGDB and \
         FlatGeobuf need the `gdal` feature (cargo build --release --features gdal)"
    )]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
