//! The campaign rules, one file each.

pub mod built;
pub mod idle;
pub mod links;
pub mod unsupplied;
