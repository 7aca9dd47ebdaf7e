//! # landaudit
//!
//! Finds approved-but-unsupplied land (批而未供) by overlaying land-parcel polygon layers:
//! per approval (批次 / 单独选址), the supplied and unsupplied area, the unsupplied remnants as
//! polygons with digitising slivers set apart, and a cross-check of supplies' PZWH attribute links.
//!
//! ```
//! use landaudit::{Audit, AuditInputs, Config};
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo");
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
//! let audit = Audit::run(&AuditInputs::from_dir(dir.as_ref(), as_of)?, &Config::default())?;
//! for o in audit.overlays.iter().flatten().take(3) {
//!     println!("{}: {:.1} m² unsupplied", audit.approvals[o.approval].pzwh, o.remnant_m2);
//! }
//! # Ok::<(), landaudit::Error>(())
//! ```
//!
//! Layout: data enters in [`io`], is validated in [`validate`], indexed in [`index`], overlaid in
//! [`overlay`], judged in [`rules`], and leaves in [`report`]. Geometries are `geo` types.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod algebra;
pub mod audit;
pub mod cgcs2000;
mod clip;
pub mod config;
mod cover;
pub mod crs;
pub mod dates;
pub mod error;
pub mod frame;
pub mod index;
pub mod io;
pub mod layer;
pub mod measure;
pub mod model;
pub mod overlay;
pub mod report;
pub mod rules;
pub mod sliver;
pub mod stages;
#[cfg(test)]
mod test_shapes;
pub mod tiles;
pub mod units;
pub mod validate;

pub use audit::{Audit, AuditInputs, LayerAccount, NoProgress, Progress, Totals};
pub use config::Config;
pub use crs::Crs;
pub use error::{Error, Result};
pub use index::ParcelIndex;
pub use layer::{Layer, LayerKind, Parcel, RejectStatus, Rejection};
pub use model::{Approval, Supply};
pub use rules::unsupplied::{ApprovalOverlay, ApprovalStatus};
