//! Reading and writing layers. One file per format; every writer goes through [`atomic`], so an
//! interrupted run never leaves a truncated output behind.

pub mod atomic;
pub mod geojson_read;
pub mod geojson_write;

pub use geojson_read::{ReadOptions, read_layer};
