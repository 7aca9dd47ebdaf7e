//! Reading and writing layers. One module per format; every writer goes through [`atomic`], so an
//! interrupted run never leaves a truncated output behind.

pub mod atomic;
#[cfg(feature = "gdal")]
pub mod gdal_write;
pub mod geojson_write;
pub mod read;
pub(crate) mod windows;

pub use read::{
    Prefilter, ReadOptions, SourceOptions, is_geojson, read_layer, read_layer_from,
    read_layer_limited,
};
