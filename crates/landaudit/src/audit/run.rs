//! Running an audit: load the layers, bring them into one frame, index them, run the passes.

use std::path::Path;

use geo::BoundingRect;
use rayon::prelude::*;

use super::{Audit, AuditInputs, LayerAccount, NoProgress, Progress};
use crate::config::Config;
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::frame;
use crate::index::ParcelIndex;
use crate::io::{Prefilter, ReadOptions, SourceOptions, read_layer_from};
use crate::layer::{Layer, LayerKind, Parcel, RejectStatus, Rejection};
use crate::measure::Measure;
use crate::model::{Supply, approvals_from, footprints_from, supplies_from};
use crate::report::html::thousands;
use crate::rules::built::{self, Built};
use crate::rules::conflicts::{self, Conflict, ConflictKind, ConflictLayer};
use crate::rules::idle::{IdleEvidence, IdleVerdict, classify};
use crate::rules::landuse::{self, Cell, LanduseRow};
use crate::rules::links::{self, SupplyOverlap};
use crate::rules::regions::{self, ApprovalFigures, Region, SupplyFigures};
use crate::rules::unsupplied::{self, ApprovalOverlay};
use crate::stages::StageTimer;
use crate::tiles::Tiled;

impl Audit {
    /// Runs the whole audit with default (silent) progress.
    ///
    /// ```
    /// use landaudit::{Audit, AuditInputs, Config};
    /// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo");
    /// let inputs = AuditInputs::from_dir(dir.as_ref(), as_of).unwrap();
    /// let audit = Audit::run(&inputs, &Config::default()).unwrap();
    /// let t = audit.totals();
    /// assert!((t.area_m2 - (t.supplied_m2 + t.unsupplied_m2)).abs() < 1e-3);
    /// ```
    pub fn run(inputs: &AuditInputs, config: &Config) -> Result<Audit> {
        Self::run_with_progress(inputs, config, &NoProgress)
    }

    /// Runs the whole audit, reporting progress.
    pub fn run_with_progress(
        inputs: &AuditInputs,
        config: &Config,
        progress: &dyn Progress,
    ) -> Result<Audit> {
        let timer = StageTimer::new(progress);
        let mut audit = Self::run_stages(inputs, config, &timer)?;
        audit.timings = timer.finish();
        Ok(audit)
    }

    fn run_stages(inputs: &AuditInputs, config: &Config, progress: &dyn Progress) -> Result<Audit> {
        config.validate().map_err(|message| Error::Config {
            path: "<config>".into(),
            message,
        })?;
        // Every layer but the land use now; the land use once the remnants are known, holding only
        // the polygons that may meet one (see "load land use" below).
        let loads = [
            &inputs.footprints,
            &inputs.farmland,
            &inputs.redline,
            &inputs.regions,
        ]
        .iter()
        .filter(|p| p.is_some())
        .count()
            + 2;
        progress.stage("load", loads as u64);
        let read = |path: &Path, kind: LayerKind, keep: Option<Prefilter>| {
            let l = read_layer_from(
                path,
                &ReadOptions {
                    kind,
                    fields: config.fields.for_kind(kind),
                    repair: inputs.repair,
                    all_fields: false,
                    keep,
                },
                &config.input,
                &SourceOptions {
                    encoding: inputs.encoding.clone(),
                    layer: inputs.layers.get(&kind).cloned(),
                },
            );
            progress.inc(1);
            l
        };
        let ((a_layer, s_layer), f_layer) = rayon::join(
            || {
                rayon::join(
                    || read(&inputs.approvals, LayerKind::Approvals, None),
                    || read(&inputs.supplies, LayerKind::Supplies, None),
                )
            },
            || {
                inputs
                    .footprints
                    .as_ref()
                    .map(|p| read(p, LayerKind::Footprints, None))
                    .transpose()
            },
        );
        let (mut a_layer, mut s_layer, mut f_layer) = (a_layer?, s_layer?, f_layer?);
        const CONTEXT: [LayerKind; 3] =
            [LayerKind::Farmland, LayerKind::Redline, LayerKind::Regions];
        let context_paths = [&inputs.farmland, &inputs.redline, &inputs.regions];
        let mut context: Vec<Option<Layer>> = context_paths
            .par_iter()
            .zip(CONTEXT.par_iter())
            .map(|(p, k)| p.as_ref().map(|p| read(p, *k, None)).transpose())
            .collect::<Result<Vec<_>>>()?;
        let context_used: Vec<usize> = context
            .iter()
            .map(|l| l.as_ref().map_or(0, |l| l.parcels.len()))
            .collect();
        // Parcels move into the domain records; the layers keep their metadata and rejections.
        let used = |l: &Layer| l.parcels.len();
        let (a_used, s_used, f_used) = (
            used(&a_layer),
            used(&s_layer),
            f_layer.as_ref().map_or(0, used),
        );
        let assume = inputs.assume_crs.as_ref();
        let a_crs = frame::declared(&a_layer, assume)?;
        let s_crs = frame::declared(&s_layer, assume)?;
        let f_crs = f_layer
            .as_ref()
            .map(|l| frame::declared(l, assume))
            .transpose()?;
        let context_crs: Vec<Option<Crs>> = context
            .iter()
            .map(|l| l.as_ref().map(|l| frame::declared(l, assume)).transpose())
            .collect::<Result<Vec<_>>>()?;
        let mut others = vec![(&s_layer, &s_crs)];
        if let (Some(l), Some(c)) = (&f_layer, &f_crs) {
            others.push((l, c));
        }
        for (l, c) in context.iter().zip(&context_crs) {
            if let (Some(l), Some(c)) = (l, c) {
                others.push((l, c));
            }
        }
        let frame = frame::resolve((&a_layer, &a_crs), &others, inputs.zone)?;
        let measure = Measure::new(frame.zone, &config.area).map_err(|message| Error::Crs {
            path: a_layer.path.clone(),
            message,
        })?;
        progress.stage("reproject", 3);
        frame.to_working(&mut a_layer, &a_crs)?;
        frame.to_working(&mut s_layer, &s_crs)?;
        if let (Some(l), Some(c)) = (&mut f_layer, &f_crs) {
            frame.to_working(l, c)?;
        }
        for (l, c) in context.iter_mut().zip(&context_crs) {
            if let (Some(l), Some(c)) = (l, c) {
                frame.to_working(l, c)?;
            }
        }
        progress.inc(3);
        // The three layers' records are independent: built side by side.
        let a_parcels = std::mem::take(&mut a_layer.parcels);
        let s_parcels = std::mem::take(&mut s_layer.parcels);
        let f_parcels = f_layer.as_mut().map(|l| std::mem::take(&mut l.parcels));
        let ((approvals, a_warn), ((supplies, s_warn), (footprints, f_warn))) = rayon::join(
            || approvals_from(&a_layer, a_parcels, config),
            || {
                rayon::join(
                    || supplies_from(&s_layer, s_parcels, config),
                    || match (&f_layer, f_parcels) {
                        (Some(l), Some(parcels)) => footprints_from(l, parcels, config),
                        _ => (vec![], vec![]),
                    },
                )
            },
        );
        let mut rejections: Vec<Rejection> = a_layer
            .rejections
            .iter()
            .chain(&s_layer.rejections)
            .chain(f_layer.iter().flat_map(|l| &l.rejections))
            .cloned()
            .chain(a_warn)
            .chain(s_warn)
            .chain(f_warn)
            .collect();

        // Context layers: farmland, red line, regions.
        for l in context.iter().flatten() {
            rejections.extend(l.rejections.iter().cloned());
        }
        let [fl_layer, rl_layer, rg_layer] = &mut context[..] else {
            unreachable!("three context layers")
        };
        let shapes = |l: &mut Option<Layer>| -> Vec<(String, geo::MultiPolygon<f64>)> {
            l.as_mut()
                .map(|l| {
                    std::mem::take(&mut l.parcels)
                        .into_iter()
                        .map(|p| (p.id, p.geometry))
                        .collect()
                })
                .unwrap_or_default()
        };
        let farmland = shapes(fl_layer);
        let redline = shapes(rl_layer);
        let region_shapes: Vec<Region> = rg_layer
            .as_mut()
            .map(|l| {
                std::mem::take(&mut l.parcels)
                    .into_iter()
                    .map(|p| Region {
                        code: regions::county_code(&p.id),
                        name: p.attrs.text("xzqmc"),
                        geometry: p.geometry,
                    })
                    .collect()
            })
            .unwrap_or_default();

        progress.stage("index", 2);
        let (supply_index, approval_index) = rayon::join(
            || ParcelIndex::new(supplies.iter().map(|s| s.geometry())),
            || ParcelIndex::new(approvals.iter().map(|a| a.geometry())),
        );
        progress.inc(2);

        progress.stage("overlay", (approvals.len() * 2 + supplies.len() * 2) as u64);
        // The footprints' tree is the longest to build, and rstar builds it on one thread: it is
        // built beside the unsupplied overlay and the link check, which do not need it, while
        // the other threads work on those.
        let (footprint_index, (effective, results, overlaps)) = rayon::join(
            || ParcelIndex::new(footprints.iter().map(|f| f.geometry())),
            || {
                let effective = unsupplied::effective_geometries(&approvals, config);
                progress.inc(approvals.len() as u64);
                let results = unsupplied::unsupplied(
                    &approvals,
                    &effective,
                    &supplies,
                    &supply_index,
                    config,
                    &measure,
                );
                progress.inc(approvals.len() as u64);
                let overlaps =
                    links::supply_overlaps(&approvals, &approval_index, &supplies, &measure);
                progress.inc(supplies.len() as u64);
                (effective, results, overlaps)
            },
        );
        let built_results = match &f_layer {
            Some(_) => {
                let areas: Vec<Option<f64>> = overlaps
                    .iter()
                    .map(|o| o.as_ref().ok().map(|o| o.area_m2))
                    .collect();
                built::built_with_areas(&supplies, &areas, &footprints, &footprint_index, &measure)
            }
            None => vec![],
        };
        progress.inc(supplies.len() as u64);
        // The footprints have done their work: only their dates are wanted from here on. Free
        // them, and the indexes and effective geometries of the overlay, before the land use.
        let footprint_dates = built::observation_dates(&footprints);
        drop(footprint_index);
        drop_par(footprints);
        drop((effective, supply_index, approval_index));

        let fail = |layer: &Layer, p: &crate::layer::Parcel, reason: String| Rejection {
            layer: layer.kind,
            file: layer.path.clone(),
            index: p.index,
            id: Some(p.id.clone()),
            status: RejectStatus::Rejected,
            reason,
        };
        let overlays: Vec<Option<ApprovalOverlay>> = results
            .into_iter()
            .zip(&approvals)
            .map(|(r, a)| {
                r.map_err(|e| rejections.push(fail(&a_layer, &a.parcel, e)))
                    .ok()
            })
            .collect();
        let mut built: Vec<Option<Built>> = vec![None; supplies.len()];
        let mut supply_overlaps: Vec<Option<SupplyOverlap>> = Vec::with_capacity(supplies.len());
        let mut built_results = built_results.into_iter();
        for (i, (r, s)) in overlaps.into_iter().zip(&supplies).enumerate() {
            match (r, built_results.next()) {
                (Err(e), _) | (Ok(_), Some(Err(e))) => {
                    rejections.push(fail(&s_layer, &s.parcel, e));
                    supply_overlaps.push(None);
                }
                (Ok(o), b) => {
                    built[i] = b.and_then(|b| b.ok());
                    supply_overlaps.push(Some(o));
                }
            }
        }
        let idle: Vec<Option<IdleVerdict>> = supplies
            .par_iter()
            .zip(&supply_overlaps)
            .zip(&built)
            .map(|((s, o), b)| {
                let o = o.as_ref()?;
                Some(classify(
                    &idle_evidence(s, o, b.as_ref()),
                    inputs.as_of,
                    &config.idle,
                ))
            })
            .collect();
        // What the remnants are today: the land use, read now that the remnants are known.
        progress.stage("load land use", 1);
        let has_landuse = inputs.landuse.is_some();
        let (lu_layer, lu_used, cells) = match &inputs.landuse {
            Some(path) => {
                let (l, used, cells) = load_landuse(
                    path,
                    &read,
                    &overlays,
                    &frame,
                    (&a_layer, &a_crs),
                    assume,
                    config,
                    &mut rejections,
                )?;
                (Some(l), used, cells)
            }
            None => (None, 0, vec![]),
        };
        // … and what they and the parcels conflict with.
        progress.stage("landuse", 0);
        let mut landuse_rows: Vec<LanduseRow> = Vec::new();
        if has_landuse {
            let index = ParcelIndex::new(cells.iter().map(|c| &c.geometry));
            let tab = landuse::tabulate(&overlays, &cells, &index, &config.landuse, &measure);
            drop(index);
            drop_par(cells);
            for (r, o) in tab.into_iter().zip(overlays.iter().flatten()) {
                match r {
                    Ok(rows) => landuse_rows.extend(rows),
                    Err(e) => rejections.push(fail(
                        &a_layer,
                        &approvals[o.approval].parcel,
                        format!("land-use tabulation: {e}"),
                    )),
                }
            }
        }
        progress.stage("conflicts", 0);
        let mut protected_layers = Vec::new();
        let mut conflict_rows: Vec<Conflict> = Vec::new();
        // The subjects are copies of every approval, remnant and supply: made only when a
        // protected layer is given.
        type Subjects = Vec<(String, geo::MultiPolygon<f64>)>;
        let subjects: [Subjects; 3] = if inputs.farmland.is_none() && inputs.redline.is_none() {
            Default::default()
        } else {
            [
                approvals
                    .iter()
                    .map(|a| (a.pzwh.clone(), a.geometry().clone()))
                    .collect(),
                overlays
                    .iter()
                    .flatten()
                    .filter(|o| !o.remnants.is_empty())
                    .map(|o| {
                        (
                            approvals[o.approval].pzwh.clone(),
                            geo::MultiPolygon::new(o.remnants.clone()),
                        )
                    })
                    .collect(),
                supplies
                    .iter()
                    .map(|s| (s.dzjgh.clone(), s.geometry().clone()))
                    .collect(),
            ]
        };
        let [subjects_approvals, subjects_remnants, subjects_supplies] = subjects;
        for (layer, shapes, given) in [
            (
                ConflictLayer::Farmland,
                &farmland,
                inputs.farmland.is_some(),
            ),
            (ConflictLayer::Redline, &redline, inputs.redline.is_some()),
        ] {
            if !given {
                continue;
            }
            protected_layers.push(layer);
            // Red-line blobs and farmland blocks grow with the county: cut them into grid
            // pieces so each subject meets only the vertices near it.
            let tiled = Tiled::new(&shapes.iter().map(|(_, g)| g).collect::<Vec<_>>());
            for (kind, subjects) in [
                (ConflictKind::Approval, &subjects_approvals),
                (ConflictKind::Remnant, &subjects_remnants),
                (ConflictKind::Supply, &subjects_supplies),
            ] {
                for r in conflicts::find_tiled(
                    layer,
                    kind,
                    subjects,
                    shapes,
                    &tiled,
                    &config.conflicts,
                    &measure,
                ) {
                    match r {
                        Ok(c) => conflict_rows.extend(c),
                        Err((id, e)) => {
                            // Conflict checks run on parcels already in the analysis: a failure
                            // is a warning on that parcel, found again by its id.
                            let (src, index) = match kind {
                                ConflictKind::Supply => (
                                    &s_layer,
                                    supplies
                                        .iter()
                                        .find(|s| s.dzjgh == id)
                                        .map(|s| s.parcel.index),
                                ),
                                _ => (
                                    &a_layer,
                                    approvals
                                        .iter()
                                        .find(|a| a.pzwh == id)
                                        .map(|a| a.parcel.index),
                                ),
                            };
                            rejections.push(Rejection {
                                layer: src.kind,
                                file: src.path.clone(),
                                index: index.unwrap_or_default(),
                                id: Some(id),
                                status: RejectStatus::Warning,
                                reason: format!("{} conflict check failed: {e}", layer.name()),
                            })
                        }
                    }
                }
            }
        }

        progress.stage("regions", 0);
        // Regions and 供地率 windows.
        let approval_regions = regions::assign(
            &approvals.iter().map(|a| a.geometry()).collect::<Vec<_>>(),
            &approvals
                .par_iter()
                .map(|a| a.xzqdm.clone())
                .collect::<Vec<_>>(),
            &region_shapes,
            &config.regions,
        );
        let supply_regions = regions::assign(
            &supplies.iter().map(|s| s.geometry()).collect::<Vec<_>>(),
            &supplies
                .par_iter()
                .map(|s| s.parcel.attrs.text("xzqdm"))
                .collect::<Vec<_>>(),
            &region_shapes,
            &config.regions,
        );
        let names: std::collections::BTreeMap<String, String> = region_shapes
            .iter()
            .filter_map(|r| r.name.clone().map(|n| (r.code.clone(), n)))
            .collect();
        let approval_figures: Vec<ApprovalFigures> = overlays
            .iter()
            .flatten()
            .map(|o| ApprovalFigures {
                county: approval_regions[o.approval].clone().unwrap_or_default(),
                pzrq: approvals[o.approval].pzrq,
                area_m2: o.area_m2,
                supplied_m2: o.supplied_m2,
                remnant_m2: o.remnant_m2,
                sliver_m2: o.sliver_m2,
            })
            .collect();
        let supply_figures: Vec<SupplyFigures> = (0..supplies.len())
            .filter_map(|i| {
                let (o, v) = (supply_overlaps[i].as_ref()?, idle[i].as_ref()?);
                Some(SupplyFigures {
                    county: supply_regions[i].clone().unwrap_or_default(),
                    area_m2: o.area_m2,
                    idle: v.status.is_idle(),
                    fee_yuan: v.fee_yuan.unwrap_or(0.0),
                    recover_m2: if v.disposal == crate::rules::idle::Disposal::Recover {
                        o.area_m2
                    } else {
                        0.0
                    },
                })
            })
            .collect();
        let region_rows = regions::region_rows(&approval_figures, &supply_figures, &names);
        let window_rows =
            regions::window_rows(&approval_figures, &names, &config.regions, inputs.as_of);

        let links_checked = links::check_active(&supplies);
        let link_issues = if links_checked {
            links::link_issues(
                &approvals,
                &supplies,
                supply_overlaps.par_iter().flatten(),
                config,
            )
        } else {
            vec![]
        };
        rejections.sort_by_key(|r| (r.layer, r.index, r.status));

        let account = |layer: &Layer, used: usize, failed: usize| {
            let repaired = layer
                .rejections
                .iter()
                .filter(|r| r.status == RejectStatus::Repaired)
                .count();
            LayerAccount {
                kind: layer.kind,
                path: layer.path.clone(),
                read: layer.read,
                used: used - failed,
                rejected: layer.rejected_count() + failed,
                repaired,
                notes: layer.notes.clone(),
            }
        };
        let mut accounts = vec![
            account(
                &a_layer,
                a_used,
                overlays.iter().filter(|o| o.is_none()).count(),
            ),
            account(
                &s_layer,
                s_used,
                supply_overlaps.iter().filter(|o| o.is_none()).count(),
            ),
        ];
        if let Some(l) = &f_layer {
            accounts.push(account(l, f_used, 0));
        }
        if let Some(l) = &lu_layer {
            accounts.push(account(l, lu_used, 0));
        }
        for (l, used) in context.iter().zip(&context_used) {
            if let Some(l) = l {
                accounts.push(account(l, *used, 0));
            }
        }
        Ok(Audit {
            config: config.clone(),
            as_of: inputs.as_of,
            crs: frame.output.clone(),
            frame,
            measure,
            approvals,
            supplies,
            overlays,
            supply_overlaps,
            link_issues,
            links_checked,
            has_footprints: f_layer.is_some(),
            footprint_dates,
            built,
            idle,
            has_landuse,
            landuse: landuse_rows,
            protected_layers,
            conflicts: conflict_rows,
            approval_regions,
            supply_regions,
            region_shapes,
            regions: region_rows,
            windows: window_rows,
            rejections,
            accounts,
            timings: vec![],
        })
    }
}

/// Drops a large vector's items on all threads: freeing hundreds of thousands of parcels one by
/// one is otherwise a sequential pause between the parallel stages.
fn drop_par<T: Send>(v: Vec<T>) {
    v.into_par_iter().for_each(drop);
}

/// Reads the land-use layer once the remnants are known, holding only the polygons whose bounding
/// box meets the bounding box of a real remnant part of some approval: the boxes
/// [`landuse::tabulate`] looks its cells up with, so the tabulation cannot change. The test is
/// made only on coordinates the frame uses as they are; a layer that needs reprojecting is held
/// whole. The layer's CRS is checked as [`frame::resolve`] checks the others, and its features'
/// warnings (KCXS that is not a number) are recorded whether held or not.
///
/// Returns the layer (metadata and rejections), the number of its features used (held or not),
/// and its cells in the working frame.
#[allow(clippy::too_many_arguments)]
fn load_landuse<R>(
    path: &Path,
    read: &R,
    overlays: &[Option<ApprovalOverlay>],
    frame: &frame::Frame,
    approvals: (&Layer, &Crs),
    assume: Option<&Crs>,
    config: &Config,
    rejections: &mut Vec<Rejection>,
) -> Result<(Layer, usize, Vec<Cell>)>
where
    R: Fn(&Path, LayerKind, Option<Prefilter>) -> Result<Layer>,
{
    let boxes = ParcelIndex::from_rects(
        overlays
            .iter()
            .flatten()
            .flat_map(|o| &o.remnants)
            .filter_map(|part| part.bounding_rect()),
    );
    let near = |crs: &Crs, b: &geo::Rect<f64>| !frame.is_working(crs) || boxes.meets(*b);
    let src = config.fields.landuse.source_for("kcxs");
    let warn = |p: &Parcel| {
        kcxs(p, &src)
            .1
            .map(|reason| (RejectStatus::Warning, reason))
            .into_iter()
            .collect()
    };
    let mut l = read(
        path,
        LayerKind::Landuse,
        Some(Prefilter::new(&near).with_notes(&warn)),
    )?;
    let crs = frame::declared(&l, assume)?;
    frame.admit(approvals, &l, &crs)?;
    frame.to_working(&mut l, &crs)?;
    if l.outside > 0 {
        l.notes.push(format!(
            "{} of {} features lie outside every unsupplied remnant's bounding box: checked, then \
             not held",
            thousands(l.outside as f64, 0),
            thousands(l.read as f64, 0)
        ));
    }
    let used = l.parcels.len() + l.outside;
    rejections.extend(l.rejections.iter().cloned());
    let cells = std::mem::take(&mut l.parcels)
        .into_iter()
        .map(|p| {
            let (kcxs, warning) = kcxs(&p, &src);
            if let Some(reason) = warning {
                rejections.push(Rejection {
                    layer: LayerKind::Landuse,
                    file: l.path.clone(),
                    index: p.index,
                    id: Some(p.id.clone()),
                    status: RejectStatus::Warning,
                    reason,
                });
            }
            Cell {
                dlbm: p.attrs.text("dlbm").unwrap_or_default(),
                kcxs,
                geometry: p.geometry,
            }
        })
        .collect();
    Ok((l, used, cells))
}

/// A land-use parcel's KCXS (0 when absent), and the warning when it is not a number (read from
/// source field `src`).
fn kcxs(p: &Parcel, src: &str) -> (f64, Option<String>) {
    match p.attrs.number("kcxs") {
        Ok(v) => (v.unwrap_or(0.0), None),
        Err(bad) => (
            0.0,
            Some(format!("field {src}: not a number {bad:?}; taken as 0")),
        ),
    }
}

/// The evidence the idle-land rules judge a supply on: its attributes and its footprint cover.
fn idle_evidence(s: &Supply, o: &SupplyOverlap, b: Option<&Built>) -> IdleEvidence {
    let frac = |m2: f64| if o.area_m2 > 0.0 { m2 / o.area_m2 } else { 0.0 };
    IdleEvidence {
        ydkgrq: s.ydkgrq,
        sjkgrq: s.sjkgrq,
        ydjgrq: s.ydjgrq,
        sjjgrq: s.sjjgrq,
        zzrq: s.zzrq,
        area_m2: o.area_m2,
        ykfmj: s.ykfmj,
        ztz: s.ztz,
        ytz: s.ytz,
        jk: s.jk,
        zfyy: s.zfyy.clone(),
        built_frac: b.map(|b| frac(b.built_m2)),
        built_by_date: b
            .map(|b| b.by_date.iter().map(|(d, m2)| (*d, frac(*m2))).collect())
            .unwrap_or_default(),
    }
}
