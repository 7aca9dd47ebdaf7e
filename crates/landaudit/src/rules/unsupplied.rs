//! 批而未供: per approval, the supplied and the unsupplied area by spatial overlay
//! (DOMAIN 1.5 method 2): unsupplied = approval − ∪ supplies, kept as polygons, with digitising
//! slivers separated from real remnants.

use geo::{BoundingRect, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;

use crate::config::{ApprovalOverlap, Config};
use crate::index::{ParcelIndex, par_map_z_order};
use crate::measure::{Areas, Measure};
use crate::model::{Approval, Supply};
use crate::overlay::{difference_of_union, guarded};
use crate::sliver::is_sliver;

/// Where an approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApprovalStatus {
    /// No real remnant: all of it is supplied (up to slivers).
    Supplied,
    /// Part supplied, part not.
    Partial,
    /// Nothing supplied (supplied area below the sliver area threshold).
    Unsupplied,
    /// Wholly covered by earlier approvals (`overlap = "earliest_wins"`): nothing of its own to audit.
    Superseded,
}

impl ApprovalStatus {
    /// Machine name.
    pub fn name(self) -> &'static str {
        match self {
            ApprovalStatus::Supplied => "supplied",
            ApprovalStatus::Partial => "partial",
            ApprovalStatus::Unsupplied => "unsupplied",
            ApprovalStatus::Superseded => "superseded",
        }
    }

    /// Chinese label for reports.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Supplied => "已供完",
            ApprovalStatus::Partial => "部分供应",
            ApprovalStatus::Unsupplied => "未供应",
            ApprovalStatus::Superseded => "被先批批次覆盖",
        }
    }
}

/// The overlay result of one approval. Areas are planar m² in the layer's CRS.
#[derive(Debug, Clone)]
pub struct ApprovalOverlay {
    /// Position of the approval in the approvals slice.
    pub approval: usize,
    /// Planar and ellipsoidal area of the audited geometry.
    pub areas: Areas,
    /// Area audited (by the run's [`Measure`]): the approval's area, less land of earlier
    /// approvals under `earliest_wins`.
    pub area_m2: f64,
    /// Area of the approval already counted under earlier overlapping approvals.
    pub overlap_m2: f64,
    /// Area covered by the union of supplies.
    pub supplied_m2: f64,
    /// `area_m2 − supplied_m2`.
    pub unsupplied_m2: f64,
    /// Unsupplied area in sliver parts.
    pub sliver_m2: f64,
    /// Unsupplied area in real remnant parts.
    pub remnant_m2: f64,
    /// Real remnant parts.
    pub remnants: Vec<Polygon<f64>>,
    /// Number of sliver parts.
    pub sliver_parts: usize,
    /// Status.
    pub status: ApprovalStatus,
}

/// The audited geometry of every approval: the approval itself, or under `earliest_wins` the
/// approval minus all approvals earlier by (PZRQ, input order), missing dates last.
pub fn effective_geometries(
    approvals: &[Approval],
    cfg: &Config,
) -> Vec<Result<MultiPolygon<f64>, String>> {
    if cfg.approvals.overlap == ApprovalOverlap::Independent {
        return approvals.iter().map(|a| Ok(a.geometry().clone())).collect();
    }
    let index = ParcelIndex::new(approvals.iter().map(|a| a.geometry()));
    let key = |a: &Approval| (a.pzrq.is_none(), a.pzrq, a.parcel.index);
    approvals
        .par_iter()
        .map(|a| {
            let Some(rect) = a.geometry().bounding_rect() else {
                return Ok(a.geometry().clone());
            };
            let earlier: Vec<&MultiPolygon<f64>> = index
                .candidates(rect)
                .into_iter()
                .map(|j| &approvals[j])
                .filter(|b| key(b) < key(a))
                .map(|b| b.geometry())
                .collect();
            if earlier.is_empty() {
                Ok(a.geometry().clone())
            } else {
                guarded(|| difference_of_union(a.geometry(), &earlier))
            }
        })
        .collect()
}

/// Runs the unsupplied overlay for every approval, in parallel. `effective` comes from
/// [`effective_geometries`]. An approval whose overlay fails is returned as `Err` with the reason.
pub fn unsupplied(
    approvals: &[Approval],
    effective: &[Result<MultiPolygon<f64>, String>],
    supplies: &[Supply],
    supply_index: &ParcelIndex,
    cfg: &Config,
    measure: &Measure,
) -> Vec<Result<ApprovalOverlay, String>> {
    let rects: Vec<Option<Rect<f64>>> = effective
        .par_iter()
        .map(|e| e.as_ref().ok().and_then(|g| g.bounding_rect()))
        .collect();
    par_map_z_order(&rects, |i| {
        let eff = effective[i].as_ref().map_err(Clone::clone)?;
        guarded(|| overlay_one(i, &approvals[i], eff, supplies, supply_index, cfg, measure))
    })
}

fn overlay_one(
    i: usize,
    approval: &Approval,
    eff: &MultiPolygon<f64>,
    supplies: &[Supply],
    supply_index: &ParcelIndex,
    cfg: &Config,
    m: &Measure,
) -> ApprovalOverlay {
    let areas = m.both(eff);
    let eff_m2 = m.pick(&areas);
    // Most approvals overlap no earlier one, and then the audited geometry is the approval.
    let full_m2 = if eff == approval.geometry() {
        eff_m2
    } else {
        m.area(approval.geometry())
    };
    let area_m2 = eff_m2.min(full_m2);
    let overlap_m2 = (full_m2 - area_m2).max(0.0);
    let candidates: Vec<&MultiPolygon<f64>> = match eff.bounding_rect() {
        Some(rect) => supply_index
            .candidates(rect)
            .into_iter()
            .map(|j| supplies[j].geometry())
            .collect(),
        None => vec![],
    };
    let rest = difference_of_union(eff, &candidates);
    let unsupplied_raw = m.area(&rest).min(area_m2);
    let supplied_m2 = (area_m2 - unsupplied_raw).max(0.0);
    let unsupplied_m2 = area_m2 - supplied_m2;
    let mut remnants = Vec::new();
    let (mut sliver_m2, mut sliver_parts) = (0.0, 0);
    for part in rest.0 {
        if is_sliver(&part, &cfg.slivers) {
            sliver_m2 += m.area(&MultiPolygon::new(vec![part]));
            sliver_parts += 1;
        } else {
            remnants.push(part);
        }
    }
    let sliver_m2 = sliver_m2.min(unsupplied_m2);
    let remnant_m2 = unsupplied_m2 - sliver_m2;
    let status = if area_m2 <= 0.0 || eff.0.is_empty() {
        ApprovalStatus::Superseded
    } else if remnants.is_empty() {
        ApprovalStatus::Supplied
    } else if supplied_m2 < cfg.slivers.min_area_m2.max(1e-6) {
        ApprovalStatus::Unsupplied
    } else {
        ApprovalStatus::Partial
    };
    ApprovalOverlay {
        approval: i,
        areas,
        area_m2,
        overlap_m2,
        supplied_m2,
        unsupplied_m2,
        sliver_m2,
        remnant_m2,
        remnants,
        sliver_parts,
        status,
    }
}
