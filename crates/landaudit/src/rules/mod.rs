//! The campaign rules, one file each.

pub mod built;
pub mod conflicts;
pub mod idle;
pub mod landuse;
pub mod links;
pub mod regions;
pub mod unsupplied;
