//! The attribute cross-check (DOMAIN 1.5 method 1 against method 2): a supply's PZWH names the
//! approvals it draws on; the overlay says which approvals it lies in. Disagreements are reported.

use std::collections::HashMap;

use geo::{BoundingRect, MultiPolygon, Rect};
use rayon::prelude::*;

use crate::clip::Convex;
use crate::config::Config;
use crate::cover::{Place, place};
use crate::index::{ParcelIndex, par_map_z_order};
use crate::measure::{Areas, Measure};
use crate::model::{Approval, Supply, normalize_pzwh};
use crate::overlay::{difference_of_union, guarded, intersection_and_area};

/// How one supply overlaps the approvals.
#[derive(Debug, Clone)]
pub struct SupplyOverlap {
    /// Position of the supply in the supplies slice.
    pub supply: usize,
    /// Planar and ellipsoidal area of the supply.
    pub areas: Areas,
    /// The supply's area (m², by the run's [`Measure`]).
    pub area_m2: f64,
    /// The part of the supply outside every approval (m²): existing construction land (存量)
    /// when it is the whole supply.
    pub outside_approvals_m2: f64,
    /// `(approval position, overlap m²)` for every approval it overlaps with positive area.
    pub overlaps: Vec<(usize, f64)>,
}

/// What kind of disagreement a link issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkIssueKind {
    /// The supply names an approval number that is not in the approvals layer.
    UnknownApproval,
    /// The supply names an approval it does not lie in (overlap below `links.min_share`).
    NamedNotOverlapping,
    /// The supply overlaps an approval substantially (≥ `links.substantial_share`) without naming it.
    OverlapsUnnamed,
}

impl LinkIssueKind {
    /// Machine name.
    pub fn name(self) -> &'static str {
        match self {
            LinkIssueKind::UnknownApproval => "unknown_approval",
            LinkIssueKind::NamedNotOverlapping => "named_not_overlapping",
            LinkIssueKind::OverlapsUnnamed => "overlaps_unnamed",
        }
    }

    /// Chinese explanation for reports.
    pub fn label(self) -> &'static str {
        match self {
            LinkIssueKind::UnknownApproval => "所填批准文号在批次图层中不存在",
            LinkIssueKind::NamedNotOverlapping => "所填批次与供地图斑基本不相交",
            LinkIssueKind::OverlapsUnnamed => "压盖批次但未填写其批准文号",
        }
    }
}

/// One disagreement between a supply's PZWH and the overlay.
#[derive(Debug, Clone)]
pub struct LinkIssue {
    /// Position of the supply.
    pub supply: usize,
    /// Kind.
    pub kind: LinkIssueKind,
    /// The approval number concerned (as the supply wrote it, or the overlapped approval's).
    pub pzwh: String,
    /// Position of the approval when it exists.
    pub approval: Option<usize>,
    /// Overlap of supply and approval (m²).
    pub overlap_m2: f64,
    /// Overlap as a share of the supply's area.
    pub share: f64,
}

/// Overlap of every supply with the approvals, in parallel; `Err` where the engine failed.
pub fn supply_overlaps(
    approvals: &[Approval],
    approval_index: &ParcelIndex,
    supplies: &[Supply],
    m: &Measure,
) -> Vec<Result<SupplyOverlap, String>> {
    let rects: Vec<Option<Rect<f64>>> = supplies
        .par_iter()
        .map(|s| s.geometry().bounding_rect())
        .collect();
    par_map_z_order(&rects, |i| {
        guarded(|| {
            let g = supplies[i].geometry();
            let cands = match rects[i] {
                Some(r) => approval_index.candidates(r),
                None => vec![],
            };
            let areas = m.both(g);
            let area_m2 = m.pick(&areas);
            // A supply clearly inside an approval (or clearly apart from it) needs no
            // boolean operation with it, nor one for its part outside the approvals.
            let mut contained = false;
            // A convex supply (宗地 often are) is measured against an approval its
            // boundary meets by clipping the approval to it, without a boolean operation.
            let convex = Convex::new(g);
            // A non-convex supply's intersection with an approval takes a boolean
            // operation; its result is kept, so that when it is the only approval the part
            // outside is the supply less it, without a second one (a difference).
            let mut kept: Option<(usize, MultiPolygon<f64>)> = None;
            let overlaps = cands
                .iter()
                .filter_map(|&j| {
                    let a = match place(g, approvals[j].geometry()) {
                        Some(Place::Inside) => {
                            contained = true;
                            areas.planar_m2
                        }
                        Some(Place::Outside) => 0.0,
                        None => match &convex {
                            Some(c) => c.area_of(&Measure::PLANAR, approvals[j].geometry()),
                            None => {
                                let (part, a) = intersection_and_area(g, approvals[j].geometry());
                                if a > 0.0 {
                                    kept = Some((j, part));
                                }
                                a
                            }
                        },
                    };
                    (a > 0.0).then_some((j, a))
                })
                .collect::<Vec<_>>();
            let outside_approvals_m2 = if contained {
                0.0
            } else if overlaps.is_empty() {
                area_m2
            } else if let [(j, inside)] = overlaps.as_slice()
                && let Some(inside) = match (&convex, &kept) {
                    // One approval: the part outside is the supply less the part inside
                    // (its planar area is the one just measured).
                    _ if !m.is_ellipsoidal() => Some(*inside),
                    (Some(c), _) => Some(c.area_of(m, approvals[*j].geometry())),
                    (None, Some((k, part))) if k == j => Some(m.area(part)),
                    _ => None,
                }
            {
                (area_m2 - inside).max(0.0)
            } else {
                let within: Vec<_> = overlaps
                    .iter()
                    .map(|&(j, _)| approvals[j].geometry())
                    .collect();
                m.area(&difference_of_union(g, &within)).min(area_m2)
            };
            SupplyOverlap {
                supply: i,
                areas,
                area_m2,
                outside_approvals_m2,
                overlaps,
            }
        })
    })
}

/// Whether the check can run: some supply names an approval.
pub fn check_active(supplies: &[Supply]) -> bool {
    supplies.iter().any(|s| !s.pzwh.is_empty())
}

/// Compares each supply's named approvals with the approvals it overlaps (in parallel; the
/// issues come in the order of `overlaps`).
pub fn link_issues<'a>(
    approvals: &[Approval],
    supplies: &[Supply],
    overlaps: impl IntoParallelIterator<Item = &'a SupplyOverlap>,
    cfg: &Config,
) -> Vec<LinkIssue> {
    let by_number: HashMap<String, usize> = approvals
        .iter()
        .enumerate()
        .map(|(i, a)| (normalize_pzwh(&a.pzwh), i))
        .collect();
    overlaps
        .into_par_iter()
        .flat_map_iter(|o| issues_of(o, approvals, supplies, &by_number, cfg))
        .collect()
}

/// The link issues of one supply.
fn issues_of(
    o: &SupplyOverlap,
    approvals: &[Approval],
    supplies: &[Supply],
    by_number: &HashMap<String, usize>,
    cfg: &Config,
) -> Vec<LinkIssue> {
    let mut issues = Vec::new();
    let s = &supplies[o.supply];
    let share = |m2: f64| if o.area_m2 > 0.0 { m2 / o.area_m2 } else { 0.0 };
    let overlap_with = |j: usize| {
        o.overlaps
            .iter()
            .find(|(k, _)| *k == j)
            .map_or(0.0, |(_, m2)| *m2)
    };
    let mut named = Vec::new();
    for name in &s.pzwh {
        match by_number.get(&normalize_pzwh(name)) {
            None => issues.push(LinkIssue {
                supply: o.supply,
                kind: LinkIssueKind::UnknownApproval,
                pzwh: name.clone(),
                approval: None,
                overlap_m2: 0.0,
                share: 0.0,
            }),
            Some(&j) => {
                named.push(j);
                let m2 = overlap_with(j);
                if share(m2) < cfg.links.min_share {
                    issues.push(LinkIssue {
                        supply: o.supply,
                        kind: LinkIssueKind::NamedNotOverlapping,
                        pzwh: name.clone(),
                        approval: Some(j),
                        overlap_m2: m2,
                        share: share(m2),
                    });
                }
            }
        }
    }
    for &(j, m2) in &o.overlaps {
        if !named.contains(&j) && share(m2) >= cfg.links.substantial_share {
            issues.push(LinkIssue {
                supply: o.supply,
                kind: LinkIssueKind::OverlapsUnnamed,
                pzwh: approvals[j].pzwh.clone(),
                approval: Some(j),
                overlap_m2: m2,
                share: share(m2),
            });
        }
    }
    issues
}
