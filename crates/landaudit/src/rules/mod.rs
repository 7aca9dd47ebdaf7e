//! The campaign rules, one file each.

pub mod links;
pub mod unsupplied;
