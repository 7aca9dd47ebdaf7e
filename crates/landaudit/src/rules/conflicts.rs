//! Conflicts: where approvals, their unsupplied remnants and supplies overlap permanent basic
//! farmland (永久基本农田, 土地管理法 第33–35条) or the ecological red line (生态保护红线).

use geo::{BoundingRect, MultiPolygon};
use rayon::prelude::*;
use serde::Deserialize;

use crate::clip::{Convex, intersection_area};
use crate::index::ParcelIndex;
use crate::measure::Measure;
use crate::overlay::guarded;
use crate::tiles::Tiled;

/// `[conflicts]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConflictSettings {
    /// Overlaps smaller than this (m²) are digitising noise and not reported. Default 1 m².
    pub min_area_m2: f64,
}

impl Default for ConflictSettings {
    fn default() -> Self {
        ConflictSettings { min_area_m2: 1.0 }
    }
}

/// The protected layer a conflict is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConflictLayer {
    /// 永久基本农田.
    Farmland,
    /// 生态保护红线.
    Redline,
}

impl ConflictLayer {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            ConflictLayer::Farmland => "farmland",
            ConflictLayer::Redline => "redline",
        }
    }
}

/// What conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConflictKind {
    /// An approval's audited geometry.
    Approval,
    /// An approval's real unsupplied remnants.
    Remnant,
    /// A supply.
    Supply,
}

impl ConflictKind {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            ConflictKind::Approval => "approval",
            ConflictKind::Remnant => "remnant",
            ConflictKind::Supply => "supply",
        }
    }
}

/// One overlap above the minimum area.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// Protected layer.
    pub layer: ConflictLayer,
    /// What overlaps it.
    pub kind: ConflictKind,
    /// PZWH or DZJGH.
    pub id: String,
    /// The protected polygon's id.
    pub other_id: String,
    /// Overlap area (m²).
    pub area_m2: f64,
}

/// Overlaps of `subjects` (id, geometry) with the protected polygons, in parallel; subjects whose
/// overlay failed come back as `Err((id, reason))`.
pub fn find(
    layer: ConflictLayer,
    kind: ConflictKind,
    subjects: &[(String, MultiPolygon<f64>)],
    protected: &[(String, MultiPolygon<f64>)],
    index: &ParcelIndex,
    settings: &ConflictSettings,
    m: &Measure,
) -> Vec<Result<Vec<Conflict>, (String, String)>> {
    subjects
        .par_iter()
        .map(|(id, g)| {
            guarded(|| {
                let Some(rect) = g.bounding_rect() else {
                    return vec![];
                };
                let convex = Convex::new(g);
                index
                    .candidates(rect)
                    .into_iter()
                    .filter_map(|j| {
                        let (other_id, p) = &protected[j];
                        let a = intersection_area(m, g, convex.as_ref(), p);
                        (a >= settings.min_area_m2 && a > 0.0).then(|| Conflict {
                            layer,
                            kind,
                            id: id.clone(),
                            other_id: other_id.clone(),
                            area_m2: a,
                        })
                    })
                    .collect()
            })
            .map_err(|e| (id.clone(), e))
        })
        .collect()
}

/// [`find`] against the protected polygons cut into grid pieces ([`Tiled`], built over
/// `protected` in the same order): each subject meets only the pieces near it, and its overlap
/// with a protected polygon is the sum over that polygon's pieces (the pieces are disjoint), to
/// which the minimum area then applies. Same rows as [`find`] up to the engine's snapping.
pub fn find_tiled(
    layer: ConflictLayer,
    kind: ConflictKind,
    subjects: &[(String, MultiPolygon<f64>)],
    protected: &[(String, MultiPolygon<f64>)],
    tiled: &Tiled,
    settings: &ConflictSettings,
    m: &Measure,
) -> Vec<Result<Vec<Conflict>, (String, String)>> {
    subjects
        .par_iter()
        .map(|(id, g)| {
            guarded(|| {
                let Some(rect) = g.bounding_rect() else {
                    return vec![];
                };
                // Pieces come grouped by source polygon, in ascending order.
                let mut sums: Vec<(usize, f64)> = Vec::new();
                let convex = Convex::new(g);
                for (j, piece) in tiled.candidates(rect) {
                    let a = intersection_area(m, g, convex.as_ref(), piece);
                    match sums.last_mut() {
                        Some((k, s)) if *k == j => *s += a,
                        _ => sums.push((j, a)),
                    }
                }
                sums.into_iter()
                    .filter(|&(_, a)| a >= settings.min_area_m2 && a > 0.0)
                    .map(|(j, a)| Conflict {
                        layer,
                        kind,
                        id: id.clone(),
                        other_id: protected[j].0.clone(),
                        area_m2: a,
                    })
                    .collect()
            })
            .map_err(|e| (id.clone(), e))
        })
        .collect()
}
