//! The 批而未供 audit end to end: load the layers, index them, run the overlay passes, and hold
//! the results for the report writers.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::Config;
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::layer::{LayerKind, Rejection};
use crate::measure::Measure;
use crate::model::{Approval, Supply};
use crate::rules::built::Built;
use crate::rules::conflicts::{Conflict, ConflictLayer};
use crate::rules::idle::IdleVerdict;
use crate::rules::landuse::LanduseRow;
use crate::rules::links::{LinkIssue, SupplyOverlap};
use crate::rules::regions::{Region, RegionRow, WindowRow};
use crate::rules::unsupplied::ApprovalOverlay;

/// What to audit.
#[derive(Debug, Clone)]
pub struct AuditInputs {
    /// The approvals layer (批次 / 单独选址).
    pub approvals: PathBuf,
    /// The supplies layer (供地).
    pub supplies: PathBuf,
    /// The footprints layer (construction detected on the ground), optional.
    pub footprints: Option<PathBuf>,
    /// 三调 land use (DLTB), optional.
    pub landuse: Option<PathBuf>,
    /// Permanent basic farmland (YJJBNTTB), optional.
    pub farmland: Option<PathBuf>,
    /// Ecological red line (STBHHX), optional.
    pub redline: Option<PathBuf>,
    /// Administrative regions (XZQ), optional.
    pub regions: Option<PathBuf>,
    /// Evaluation date (ages are counted to it).
    pub as_of: NaiveDate,
    /// Repair invalid polygons instead of rejecting them.
    pub repair: bool,
    /// CRS to assume for layers that declare none.
    pub assume_crs: Option<Crs>,
    /// Working 3-degree Gauss-Krüger zone for CGCS2000 data (default: the approvals' zone, or
    /// the zone of their centre for geographic input).
    pub zone: Option<u32>,
    /// Text encoding of Shapefile attributes, overriding `.cpg` and detection (feature `gdal`).
    pub encoding: Option<String>,
    /// Layer to read per kind from multi-layer sources (GeoPackage, FileGDB) whose path names
    /// none (feature `gdal`).
    pub layers: std::collections::BTreeMap<LayerKind, String>,
}

impl AuditInputs {
    /// The two required layers, evaluated at `as_of`; every optional layer and setting off.
    ///
    /// ```
    /// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let inputs = landaudit::AuditInputs {
    ///     footprints: Some("footprints.geojson".into()),
    ///     ..landaudit::AuditInputs::new("approvals.geojson", "supplies.geojson", as_of)
    /// };
    /// assert!(inputs.landuse.is_none());
    /// ```
    pub fn new(
        approvals: impl Into<PathBuf>,
        supplies: impl Into<PathBuf>,
        as_of: NaiveDate,
    ) -> Self {
        AuditInputs {
            approvals: approvals.into(),
            supplies: supplies.into(),
            footprints: None,
            landuse: None,
            farmland: None,
            redline: None,
            regions: None,
            as_of,
            repair: false,
            assume_crs: None,
            zone: None,
            encoding: None,
            layers: Default::default(),
        }
    }

    /// Inputs found by file name in `dir`: `approvals.*` and `supplies.*` (required), and each
    /// optional layer (`footprints`, `landuse` or `DLTB`, `farmland` or `YJJBNTTB`, `redline` or
    /// `STBHHX`, `regions` or `XZQ`) when present. A layer is the file named after it (GeoJSON
    /// first, then GeoPackage, Shapefile, FlatGeobuf, FileGDB folder), else the layer named after
    /// it in a GeoPackage or FileGDB of the folder, so a `survey.gpkg` holding every layer works.
    pub fn from_dir(dir: &Path, as_of: NaiveDate) -> Result<AuditInputs> {
        if !dir.is_dir() {
            return Err(Error::io(
                dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "input directory not found"),
            ));
        }
        let c = containers_in(dir)?;
        Ok(AuditInputs {
            approvals: find_layer(dir, LayerKind::Approvals, &c)?,
            supplies: find_layer(dir, LayerKind::Supplies, &c)?,
            footprints: find_layer(dir, LayerKind::Footprints, &c).ok(),
            landuse: find_layer(dir, LayerKind::Landuse, &c).ok(),
            farmland: find_layer(dir, LayerKind::Farmland, &c).ok(),
            redline: find_layer(dir, LayerKind::Redline, &c).ok(),
            regions: find_layer(dir, LayerKind::Regions, &c).ok(),
            as_of,
            repair: false,
            assume_crs: None,
            zone: None,
            encoding: None,
            layers: Default::default(),
        })
    }
}

/// File endings `--dir` looks for per layer, in order of preference. All but GeoJSON need the
/// `gdal` feature; without it, such a file is found and reading it says so.
const DIR_EXTENSIONS: [&str; 6] = ["geojson", "json", "gpkg", "shp", "fgb", "gdb"];

/// The file of a layer in an input folder: `KIND.EXT` (or an alternative name such as `DLTB`)
/// with the first ending of [`DIR_EXTENSIONS`] present, else the layer named after the kind in a
/// GeoPackage or FileGDB folder of the input folder (`survey.gpkg:approvals`), the containers
/// taken in name order.
fn find_layer(dir: &Path, kind: LayerKind, containers: &[PathBuf]) -> Result<PathBuf> {
    let names: Vec<&str> = std::iter::once(kind.name())
        .chain(kind.alt_names().iter().copied())
        .collect();
    let own = names
        .iter()
        .flat_map(|name| DIR_EXTENSIONS.map(|ext| dir.join(format!("{name}.{ext}"))))
        .find(|p| {
            if p.extension().is_some_and(|e| e == "gdb") {
                p.is_dir()
            } else {
                p.is_file()
            }
        });
    if let Some(p) = own {
        return Ok(p);
    }
    let required = matches!(kind, LayerKind::Approvals | LayerKind::Supplies);
    for c in containers {
        match crate::io::read::layer_names(c) {
            Ok(layers) => {
                let found = names
                    .iter()
                    .find_map(|n| layers.iter().find(|l| l.eq_ignore_ascii_case(n)));
                if let Some(layer) = found {
                    let mut spec = c.clone().into_os_string();
                    spec.push(format!(":{layer}"));
                    return Ok(spec.into());
                }
            }
            // An unreadable container (or one without the `gdal` feature) is reported by the
            // read when a required layer can only be there.
            Err(_) if required => return Ok(c.clone()),
            Err(_) => {}
        }
    }
    Err(Error::MissingLayer {
        path: dir.to_path_buf(),
        layer: kind.name().to_string(),
    })
}

/// The GeoPackage files and FileGDB folders of an input folder, in name order.
fn containers_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("gpkg") if path.is_file() => found.push(path),
            Some("gdb") if path.is_dir() => found.push(path),
            _ => {}
        }
    }
    found.sort();
    Ok(found)
}

/// Per-layer accounting: every feature read is used or rejected.
#[derive(Debug, Clone)]
pub struct LayerAccount {
    /// Layer kind.
    pub kind: LayerKind,
    /// File read.
    pub path: PathBuf,
    /// Features in the file.
    pub read: usize,
    /// Features in the analysis.
    pub used: usize,
    /// Features left out (rejected on read or failed in the overlay).
    pub rejected: usize,
    /// Features repaired and used.
    pub repaired: usize,
    /// How the file was read, where it matters (format and layer, text encoding, CRS; for the
    /// land use, how many features lay outside every unsupplied remnant's bounding box and were
    /// therefore checked but not held). `used` counts those features.
    pub notes: Vec<String>,
}

/// Progress reporting hooks (the CLI draws bars; the library default does nothing).
pub trait Progress: Sync {
    /// A stage starts with `total` items (0 when unknown).
    fn stage(&self, _name: &str, _total: u64) {}
    /// `n` more items of the current stage are done.
    fn inc(&self, _n: u64) {}
}

/// Progress that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// The result of an audit: inputs, per-approval overlay, supply overlaps and link issues.
#[derive(Debug, Clone)]
pub struct Audit {
    /// Settings used.
    pub config: Config,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// CRS the outputs are written in (the approvals layer's).
    pub crs: Crs,
    /// The working frame (where overlays happen) and how outputs are converted back.
    pub frame: Frame,
    /// The area measure driving every area column.
    pub measure: Measure,
    /// Approvals used.
    pub approvals: Vec<Approval>,
    /// Supplies used.
    pub supplies: Vec<Supply>,
    /// Overlay of each approval (same order as `approvals`); `None` where the overlay failed
    /// (the failure is in `rejections`).
    pub overlays: Vec<Option<ApprovalOverlay>>,
    /// Overlap of each supply with the approvals (same order as `supplies`).
    pub supply_overlaps: Vec<Option<SupplyOverlap>>,
    /// Disagreements between PZWH and the overlay.
    pub link_issues: Vec<LinkIssue>,
    /// Whether the link check ran (false when no supply carries a PZWH).
    pub links_checked: bool,
    /// Whether a footprints layer was given.
    pub has_footprints: bool,
    /// Observation dates of the footprints layer, ascending.
    pub footprint_dates: Vec<NaiveDate>,
    /// Footprint cover of each supply (same order as `supplies`); `None` without footprints or
    /// where the overlay failed.
    pub built: Vec<Option<Built>>,
    /// Idle-land verdict of each supply (same order as `supplies`); `None` where the supply's
    /// overlay failed.
    pub idle: Vec<Option<IdleVerdict>>,
    /// Whether a land-use layer was given.
    pub has_landuse: bool,
    /// The real remnants by land-use class, per approval (sorted by approval, then DLBM).
    pub landuse: Vec<LanduseRow>,
    /// Which protected layers were given (farmland, red line).
    pub protected_layers: Vec<ConflictLayer>,
    /// Overlaps with farmland and the red line above the minimum area.
    pub conflicts: Vec<Conflict>,
    /// County code of each approval (same order), `None` where unknown.
    pub approval_regions: Vec<Option<String>>,
    /// County code of each supply (same order), `None` where unknown.
    pub supply_regions: Vec<Option<String>>,
    /// The regions layer's polygons (working frame), for maps.
    pub region_shapes: Vec<Region>,
    /// Totals per region (province, city, county).
    pub regions: Vec<RegionRow>,
    /// 供地率 per approval-date window and region.
    pub windows: Vec<WindowRow>,
    /// Every feature left out, repaired or warned about.
    pub rejections: Vec<Rejection>,
    /// Accounting per layer.
    pub accounts: Vec<LayerAccount>,
    /// What each stage of the run cost (load, reproject, index, overlay, …).
    pub timings: Vec<crate::stages::StageTiming>,
}

impl Audit {
    /// Age of approval `i` in years at the evaluation date, when its PZRQ is known.
    pub fn age_years(&self, i: usize) -> Option<f64> {
        self.approvals[i]
            .pzrq
            .map(|d| crate::dates::age_years(d, self.as_of))
    }

    /// Number of supplies overlapping each approval with more than the sliver area.
    pub fn supplies_per_approval(&self) -> Vec<usize> {
        let min = self.config.slivers.min_area_m2.max(1e-6);
        let mut n = vec![0; self.approvals.len()];
        for o in self.supply_overlaps.iter().flatten() {
            for &(j, m2) in &o.overlaps {
                if m2 >= min {
                    n[j] += 1;
                }
            }
        }
        n
    }

    /// Attribute-method supplied area per approval (DOMAIN 1.5 method 1): the summed area of the
    /// supplies that name it, each supply's area split evenly over the approvals it names.
    pub fn attribute_supplied(&self) -> Vec<f64> {
        let by_number: std::collections::HashMap<String, usize> = self
            .approvals
            .iter()
            .enumerate()
            .map(|(i, a)| (crate::model::normalize_pzwh(&a.pzwh), i))
            .collect();
        let mut out = vec![0.0; self.approvals.len()];
        for (s, o) in self.supplies.iter().zip(&self.supply_overlaps) {
            let Some(o) = o else { continue };
            let named: Vec<usize> = s
                .pzwh
                .iter()
                .filter_map(|n| by_number.get(&crate::model::normalize_pzwh(n)).copied())
                .collect();
            for &j in &named {
                out[j] += o.area_m2 / named.len() as f64;
            }
        }
        out
    }

    /// Totals over all audited approvals.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for o in self.overlays.iter().flatten() {
            t.approvals += 1;
            t.area_m2 += o.area_m2;
            t.supplied_m2 += o.supplied_m2;
            t.unsupplied_m2 += o.unsupplied_m2;
            t.sliver_m2 += o.sliver_m2;
            t.remnant_m2 += o.remnant_m2;
            t.remnant_parts += o.remnants.len();
            t.overlap_m2 += o.overlap_m2;
        }
        t
    }
}

/// Sums over approvals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// Approvals audited.
    pub approvals: usize,
    /// Audited approval area (re-approved land counted once under `earliest_wins`).
    pub area_m2: f64,
    /// Supplied.
    pub supplied_m2: f64,
    /// Unsupplied (slivers + remnants).
    pub unsupplied_m2: f64,
    /// Unsupplied in slivers.
    pub sliver_m2: f64,
    /// Unsupplied in real remnants.
    pub remnant_m2: f64,
    /// Number of real remnant parts.
    pub remnant_parts: usize,
    /// Land of approvals already counted under earlier approvals.
    pub overlap_m2: f64,
}

impl Totals {
    /// 供地率 = supplied / approved; `None` when nothing was approved.
    pub fn supply_rate(&self) -> Option<f64> {
        (self.area_m2 > 0.0).then(|| self.supplied_m2 / self.area_m2)
    }
}

mod run;
