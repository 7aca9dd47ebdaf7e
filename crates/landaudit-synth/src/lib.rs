//! Deterministic synthetic county surveys for landaudit: an approvals layer (批次 / 单独选址
//! approvals of new construction land), a supplies layer (供地 parcels) and a footprints layer
//! (construction seen on the ground, 动工/建设范围, on two dates), with the flaws real bureau
//! data has, so that the 批而未供 overlay and the 闲置土地 rules can be tested and benchmarked
//! without real data; and the reference layers such an audit is overlaid with: land use (三调
//! 地类图斑 DLTB), permanent basic farmland (永久基本农田), the ecological red line (生态保护红线)
//! and the regions (行政区).
//!
//! ```
//! use landaudit_synth::{SynthParams, generate};
//!
//! let survey = generate(&SynthParams { scale: 0.01, seed: 7 });
//! assert!(!survey.approvals.is_empty());
//! assert!(!survey.supplies.is_empty());
//! assert!(!survey.footprints.is_empty());
//! assert!(!survey.landuse.is_empty());
//! assert_eq!(survey.epsg, 4549);
//! // the same seed gives the same survey
//! assert_eq!(survey.supplies, generate(&SynthParams { scale: 0.01, seed: 7 }).supplies);
//! ```
//!
//! # What is generated
//!
//! Scale 1 is a county of about 2,000 approvals, 15,000 supplies, 60,000 footprints and 47,000
//! land-use polygons in a
//! 40 km × 40 km square of EPSG:4549 (CGCS2000 3-degree Gauss-Krüger, CM 120°E) centred on
//! easting 500,000, northing 3,340,000; counts and area grow linearly with the scale (the side
//! with its square root). Scale 0.05 is the demo county. Coordinates are rounded to millimetres as they are
//! generated, so what is written is exactly what every derived figure was computed from.
//!
//! Approvals (all OGC-valid, counter-clockwise exteriors, 1–20 ha each):
//! - jittered, randomly rotated quadrilaterals with 8–20 vertices; ~8 % MultiPolygons of two
//!   separate parts, ~8 % with one hole of 2–15 % of the exterior, ~3 % placed partly on top
//!   of an earlier approval (re-approval, dated later; listed in [`SurveyStats::overlap_pairs`]);
//!   all others at least 40 m apart;
//! - `PZWH` (unique, e.g. `浙政土〔2019〕123号`, `浙土字〔2020〕A45号` for 单独选址), `PZRQ`
//!   (2008-01-01 ..= 2025-12-31), `PCMC`, `PZMJ` (公顷, 4 decimals, from the geometry; ~5 %
//!   off by 1–10 %), `XZQDM` (`330106` / `330108` / `330110` for the west / middle / east
//!   third), `LX` (`批次` ~80 % or `单独选址`).
//!
//! Supplies (all OGC-valid and non-empty):
//! - per approval ~25 % nothing supplied, ~35 % fully, ~40 % partly (30–90 % of its lots):
//!   the approval is cut by a rotated grid of up to 12 lots, lots under 200 m² merged into a
//!   neighbour or dropped;
//! - ~60 % shifted by 0.01–0.5 m (digitising misalignment), a sixth of those with one vertex
//!   also moved by up to 0.3 m; ~5 % reaching 2–30 m beyond the approval edge;
//! - about a tenth of all supplies lie outside every approval (存量, 0.2–5 ha); ~1 % repeat an
//!   earlier parcel exactly or within 0.2 m (re-supply) under a new `DZJGH`;
//! - `DZJGH` (unique: `XZQDM` + contract year + `B` + 5-digit serial, 16 characters while a
//!   district has fewer than 100,000 serials a year), `PZWH` (the approval it lies in ~87 %,
//!   joined by `;` or `,` when it lies in two overlapping approvals; empty or null ~5 %;
//!   another approval ~5 %; a nonexistent number ~3 %; mostly absent or empty outside
//!   approvals), `GYFS` (Chinese name, or its code for ~20 %), `HTQDRQ`, `YDKGRQ`, `YDJGRQ`,
//!   `SJKGRQ` (~60 %), `SJJGRQ` (~30 % of those started), `ZZRQ` (halted, some of the
//!   others), `JK`, `ZTZ`, `YTZ` (integer yuan), `YKFMJ` (m², ~40 %), `ZFYY` (`"1"` ~5 %).
//!   Missing dates are null or absent. No actual date lies after 2026-06-30.
//! - dates are `YYYY-MM-DD`, with ~5 % `YYYY/MM/DD` and ~5 % `YYYYMMDD`.
//!
//! Footprints (about 60,000 at scale 1, both dates together; all OGC-valid, counter-clockwise):
//! - two snapshots, `RQ` = `2025-06-01` and `2026-06-15` (a full year apart, both before
//!   2026-06-30; ~10 % written `YYYY/MM/DD` or `YYYYMMDD`): each date holds everything seen built
//!   on that date, so a building standing on both dates is two features with the same geometry;
//!   `BSM` numbers the features 1, 2, … in file order;
//! - per supply, agreeing with its attributes ([`SurveyStats::footprint_groups`],
//!   [`FootprintGroup`]): completed or started with `SJKGRQ` — hard-standing (a few larger
//!   rectangles, sometimes a paved yard around the buildings) and rows of 10–40 m buildings,
//!   turned with the parcel, covering 30–100 % on the later date and the first rows of them (or
//!   nothing when started after the earlier date, or all when completed before it) on the
//!   earlier one, at least 3 % of the parcel less when it was started before the earlier date;
//!   ~15 % of those not started on record are built on anyway (15–80 %, grown, so footprint
//!   evidence says 动工); halted ones (`ZZRQ`, plus ~5 % of all started ones: some of those
//!   started before the earlier date with `YKFMJ` under a third of the parcel or `YTZ`/`ZTZ`
//!   under 25 %) carry 3–25 % of foundations, the same on both dates; of the other
//!   not-started ones ~5 % have a shed of under 5 % and the rest nothing at all;
//! - construction stays 1.5 m inside its parcel (beyond any digitising overlap of neighbouring
//!   lots) and off land the parcel shares with another supply
//!   ([`SurveyStats::supplies_sharing_land`]), so a supply's cover comes from its own
//!   footprints only, except: ~3 % of footprints are buildings moved 1–5 m across the parcel's
//!   edge, partly outside every supply; ~2 % are the same building twice on one date (exactly,
//!   or 0.05–0.3 m apart), listed in [`SurveyStats::footprint_duplicate_pairs`];
//! - ~10 % are village houses (8–15 m) in clusters at least 45 m from every approval and lot,
//!   most standing on both dates, a few new or gone.
//!
//! Land use (三调 地类图斑 DLTB; about 47,000 polygons at scale 1, 5,000 at scale 0.1):
//! - a tessellation of the county square: a grid of quadrilateral cells 60–250 m across whose
//!   corner points are shared by the neighbouring cells, jittered and gently warped (lines bend
//!   by up to 120 m over kilometres), the cells merged into parcels — most single cells, some
//!   blocks of up to 3 × 3 cells, some L-shaped. Neighbouring polygons share their edges vertex
//!   for vertex: no gaps, no overlaps, no T-junctions; the areas add up to the county's exactly.
//!   Points on the county's edge keep the extent's exact coordinate there (not rounded);
//! - narrow columns and rows of cells (8–40 m) every 1.3–3.3 km carry roads (1003 公路用地
//!   through the county, 1004 城镇村道路用地 and 1006 农村道路 on stretches), rivers (1101
//!   河流水面, through) and ditches (1107 沟渠): runs of up to 30 cells are long thin polygons;
//!   where a line has no strip its narrow cells are joined to a neighbouring parcel;
//! - `DLBM` / `DLMC` in shares near a Zhejiang county around a city (by area at scale 1: 01 耕地
//!   ~28 % — 0101 水田 ~20 % —, 02 ~6.5 %, 03 林地 ~21 %, 0404 ~2 %, 05 ~4 %, 0601 ~8 %, 07
//!   ~12.5 %, 08 ~3 %, 10 ~3 %, 11 ~8 % — 1104 坑塘 ~5 % —, 12 ~3 %), clumped: forest in the
//!   western and patchy hills, construction land around a city and four towns, farmland in the
//!   plains; rare codes (0303, 0810A, 1104A, 1109) and ~0.2 % of parcels with a code that is
//!   no 三调 class (`0199`, 二调 `011` / `013` / `203`). A parcel whose centroid lies in a
//!   supply that was built on is mostly 05H1 / 0508 / 0601 / 0701, one in an approval not
//!   built on mostly farmland, forest, 1201 空闲地 or 0601;
//! - `BSM` (integer: region code × 10⁸ + serial), `TBBH` (serial within the village, string),
//!   `KCXS` 扣除地类系数 on 0101–0103 (0–0.15, mostly 0.03–0.15, with `KCDLBM` `1203`), `0.0`
//!   or absent elsewhere, `ZLDWDM` (19 characters: region code, town, village, `0000000`).
//!   No parcel crosses a region boundary.
//!
//! Permanent basic farmland (永久基本农田 YJJBNTTB): ~80 % of the 0101–0103 area, whole land-use
//! parcels merged per class and region into blocks within 6 × 6-cell tiles (so its edges are
//! land-use edges); `JBNTTBBH` (region code + serial), `DLBM`. Parcels lying in approvals are
//! rarely chosen, so ~2 % of the farmland area lies in approvals and some in supplies
//! ([`SurveyStats::farmland_on_approvals`]) — conflicts to find.
//!
//! Ecological red line (生态保护红线 STBHHX): 3–5 blobs (MultiPolygons where roads cut them),
//! grown parcel by parcel mostly over forest and water, together 6–9 % of the county; the
//! first seeded in forest inside an approval, so approvals and supplies overlap it; `HXBH`,
//! `HXMC` (e.g. `西湖区水源涵养生态保护红线`).
//!
//! Regions (行政区 XZQ) partition the county exactly along land-use edges: the west, middle and
//! east thirds are 西湖区 330106, 滨江区 330108 and 余杭区 330110 (the codes the approvals'
//! `XZQDM` and the supplies' `DZJGH` carry), and a margin of about 1–3 % of the county's width
//! along the east edge, where no approval lies, belongs to 慈溪市 330282 (north) and 余姚市
//! 330281 (south), so that a roll-up by city (first four digits + `00`) gives 330100 and
//! 330200. The boundaries are moved by a few cells per row where needed, so that every
//! approval's centroid (and, where that does not conflict, every supply's) lies in the region
//! its code names ([`SurveyStats::approvals_off_region`], [`SurveyStats::supplies_off_region`]).
//!
//! Supplies and footprints are written in shuffled order. The approvals and supplies draw
//! their randomness from one `rand_chacha::ChaCha8Rng` seeded with [`SynthParams::seed`], the
//! footprints from a second one seeded with `seed ^ 0xF00D`, land use from `seed ^ 0x1A4D`, the
//! regions from `seed ^ 0x4E61`, farmland from `seed ^ 0xFA44` and the red line from
//! `seed ^ 0x4ED1` (so adding layers left the earlier ones unchanged), and no
//! platform-dependent floating-point function (`sin`, `cos`, `exp`, …) touches a coordinate.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod attributes;
mod footprints;
mod grid;
mod landuse;
mod layers;
mod layout;
mod protect;
mod regions;
mod shapes;
mod subdivide;
mod write;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_layers;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use geo::{Area, Coord, MultiPolygon, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

pub use write::{
    APPROVALS_FILE, FARMLAND_FILE, FOOTPRINTS_FILE, LANDUSE_FILE, REDLINE_FILE, REGIONS_FILE,
    SUPPLIES_FILE, write_survey,
};

use attributes::{LinkStats, Origin, SupplyInput};
use subdivide::Coverage;

/// The CRS of every generated survey: CGCS2000 / 3-degree Gauss-Krüger CM 120E.
pub const EPSG: u32 = 4549;
/// Approvals at scale 1.
const APPROVALS_PER_SCALE: f64 = 2000.0;

/// How big a survey to generate, and from which seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynthParams {
    /// 1.0 ≈ a county with ~2,000 approvals, ~15,000 supplies, ~60,000 footprints and ~47,000
    /// land-use polygons; counts and area are proportional to it. A scale that is not a
    /// positive finite number gives an empty survey.
    pub scale: f64,
    /// Seed of the random generator: the same seed and scale give the same survey.
    pub seed: u64,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            scale: 1.0,
            seed: 1,
        }
    }
}

/// One feature: a (multi)polygon in EPSG:4549 and its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthParcel {
    /// Coordinates are (easting, northing) in metres, rounded to millimetres.
    pub geometry: MultiPolygon<f64>,
    /// Attribute table row (field names as in the crate documentation).
    pub properties: Map<String, Value>,
}

/// A generated county: its seven layers and what the generator did.
#[derive(Clone, Debug)]
pub struct Survey {
    /// EPSG code of the coordinates (always [`EPSG`]).
    pub epsg: u32,
    /// Approvals layer (批次 / 单独选址).
    pub approvals: Vec<SynthParcel>,
    /// Supplies layer (供地).
    pub supplies: Vec<SynthParcel>,
    /// Footprints layer (动工/建设范围): construction seen on the ground on two dates, `BSM`
    /// and `RQ` attributes.
    pub footprints: Vec<SynthParcel>,
    /// Land use (三调 地类图斑 DLTB): a tessellation of the county extent whose neighbouring
    /// polygons share their edges vertex for vertex; `BSM`, `TBBH`, `DLBM`, `DLMC`, `KCXS`
    /// (`KCDLBM`), `ZLDWDM`.
    pub landuse: Vec<SynthParcel>,
    /// Permanent basic farmland (永久基本农田 YJJBNTTB): blocks of cultivated land-use
    /// polygons; `JBNTTBBH`, `DLBM`.
    pub farmland: Vec<SynthParcel>,
    /// Ecological red line (生态保护红线 STBHHX): a few large blobs; `HXBH`, `HXMC`.
    pub redline: Vec<SynthParcel>,
    /// Regions (行政区 XZQ) partitioning the county extent; `XZQDM`, `XZQMC`.
    pub regions: Vec<SynthParcel>,
    /// Counters kept by the generator (the ground truth behind the data's quirks).
    pub stats: SurveyStats,
}

/// Which footprints a supply was given, decided from its attributes (see the crate
/// documentation for the cover of each group).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FootprintGroup {
    /// Completed (`SJJGRQ`) or started with `SJKGRQ`: buildings and hard-standing covering
    /// 30–100 % on the later date, no more on the earlier one (growth).
    Built,
    /// Not started on record (no `SJKGRQ`) but built on: 15–80 % cover, grown.
    StartedUndated,
    /// Halted on record (`ZZRQ`): 3–25 % cover, the same on both dates.
    Halted,
    /// Started (`SJKGRQ`, before the earlier date) with low `YKFMJ` or `YTZ`/`ZTZ`, no `ZZRQ`:
    /// 3–25 % cover, the same on both dates (the halt shows only on the ground).
    HaltedUnrecorded,
    /// Not started: one shed under 5 % of the parcel on both dates.
    Shed,
    /// Not started: no footprints.
    NotStarted,
}

/// What the generator did, for tests and for judging an audit's output. Indices refer to
/// [`Survey::approvals`], [`Survey::supplies`] and [`Survey::footprints`]; areas are planar
/// (EPSG:4549) m².
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SurveyStats {
    /// The county square: everything generated lies inside it.
    pub extent: Rect<f64>,
    /// Approvals made of two separate polygons.
    pub approvals_multipolygon: usize,
    /// Approvals with an interior hole.
    pub approvals_with_hole: usize,
    /// (earlier, later): the later approval was placed partly on top of the earlier one.
    pub overlap_pairs: Vec<(usize, usize)>,
    /// Approvals with `LX` = 单独选址.
    pub approvals_separate_site: usize,
    /// Approvals whose `PZMJ` deviates 1–10 % from the geometry's area.
    pub approvals_pzmj_deviating: usize,
    /// Approvals from which no supply was cut.
    pub approvals_unsupplied: usize,
    /// Approvals all of whose lots were supplied.
    pub approvals_fully_supplied: usize,
    /// Approvals some of whose lots were supplied.
    pub approvals_partly_supplied: usize,
    /// Total planar area of the approvals (m²; overlapping approvals counted twice).
    pub approved_area_m2: f64,
    /// Total planar area of the supplied lots as cut, before misalignment and overhangs
    /// (m²; overlapping approvals counted twice). Approved minus this is the designed
    /// 批而未供 area, up to those effects.
    pub designed_supplied_area_m2: f64,
    /// Supplies cut from approvals (duplicates not included).
    pub supplies_cut: usize,
    /// Supplies placed outside every approval (存量).
    pub supplies_outside: usize,
    /// (original, duplicate): the duplicate repeats the original's land under a new DZJGH.
    pub duplicate_pairs: Vec<(usize, usize)>,
    /// Cut supplies shifted by 0.01–0.5 m.
    pub supplies_translated: usize,
    /// Cut supplies with one vertex moved by up to 0.3 m (all of them also shifted).
    pub supplies_vertex_nudged: usize,
    /// Cut supplies reaching 2–30 m beyond their approval.
    pub supplies_overhanging: usize,
    /// Cut supplies whose `PZWH` is their own approval's number.
    pub links_own: usize,
    /// Cut supplies whose `PZWH` lists two or more approvals (lot in overlapping approvals).
    pub links_several: usize,
    /// Cut supplies whose `PZWH` is empty or null.
    pub links_missing: usize,
    /// Cut supplies whose `PZWH` is another existing approval's number.
    pub links_wrong: usize,
    /// Cut supplies whose `PZWH` matches no approval.
    pub links_nonexistent: usize,
    /// Lots dropped because they were under 200 m² with no neighbour to merge into.
    pub lots_dropped_tiny: usize,
    /// Lots dropped because rounding left them invalid.
    pub lots_dropped_invalid: usize,
    /// Per supply: which footprints it was given.
    pub footprint_groups: Vec<FootprintGroup>,
    /// Supplies overlapping another supply (other than a neighbouring lot of the same approval)
    /// by more than 1 m²: re-supplies and lots of overlapping approvals. Construction is kept
    /// off the shared land, so their cover can fall short of their group's range.
    pub supplies_sharing_land: Vec<usize>,
    /// Footprints dated the earlier survey date (`RQ` 2025-06-01).
    pub footprints_earlier: usize,
    /// Footprints dated the later survey date (`RQ` 2026-06-15).
    pub footprints_later: usize,
    /// Footprints of village houses outside every supply (both dates).
    pub footprints_village: usize,
    /// Footprints of buildings moved 1–5 m across their parcel's edge (both dates).
    pub footprints_edge_crossing: usize,
    /// (original, copy): the same building digitised twice on one date (exactly, or shifted by
    /// 0.05–0.3 m).
    pub footprint_duplicate_pairs: Vec<(usize, usize)>,
    /// Quadrilateral grid cells the land-use layer was built from.
    pub landuse_cells: usize,
    /// Land-use polygons made of several cells (blocks, L-shapes, with narrow cells joined).
    pub landuse_merged: usize,
    /// Land-use polygons that are road (1003 / 1004 / 1006), river (1101) or ditch (1107)
    /// strips, 8–40 m wide.
    pub landuse_strips: usize,
    /// Land-use polygons with a DLBM that is no 三调 code (`0199`, 二调 `011` / `013` / `203`).
    pub landuse_unknown_codes: usize,
    /// Land-use polygons whose centroid lies in a supply that was built on
    /// ([`FootprintGroup::Built`] or [`FootprintGroup::StartedUndated`]).
    pub landuse_in_built_supplies: usize,
    /// Permanent basic farmland area (m²).
    pub farmland_area_m2: f64,
    /// Farmland polygons sharing area with an approval (conflicts to find).
    pub farmland_on_approvals: usize,
    /// Farmland area lying in approvals (m²; land in two overlapping approvals counted twice).
    pub farmland_in_approvals_m2: f64,
    /// Ecological red line area (m²).
    pub redline_area_m2: f64,
    /// Approvals whose `XZQDM` is not the code of the region containing their centroid.
    pub approvals_off_region: usize,
    /// Supplies whose `DZJGH` district prefix is not the code of the region containing their
    /// centroid.
    pub supplies_off_region: usize,
}

impl SurveyStats {
    fn empty(extent: Rect<f64>) -> Self {
        SurveyStats {
            extent,
            approvals_multipolygon: 0,
            approvals_with_hole: 0,
            overlap_pairs: Vec::new(),
            approvals_separate_site: 0,
            approvals_pzmj_deviating: 0,
            approvals_unsupplied: 0,
            approvals_fully_supplied: 0,
            approvals_partly_supplied: 0,
            approved_area_m2: 0.0,
            designed_supplied_area_m2: 0.0,
            supplies_cut: 0,
            supplies_outside: 0,
            duplicate_pairs: Vec::new(),
            supplies_translated: 0,
            supplies_vertex_nudged: 0,
            supplies_overhanging: 0,
            links_own: 0,
            links_several: 0,
            links_missing: 0,
            links_wrong: 0,
            links_nonexistent: 0,
            lots_dropped_tiny: 0,
            lots_dropped_invalid: 0,
            footprint_groups: Vec::new(),
            supplies_sharing_land: Vec::new(),
            footprints_earlier: 0,
            footprints_later: 0,
            footprints_village: 0,
            footprints_edge_crossing: 0,
            footprint_duplicate_pairs: Vec::new(),
            landuse_cells: 0,
            landuse_merged: 0,
            landuse_strips: 0,
            landuse_unknown_codes: 0,
            landuse_in_built_supplies: 0,
            farmland_area_m2: 0.0,
            farmland_on_approvals: 0,
            farmland_in_approvals_m2: 0.0,
            redline_area_m2: 0.0,
            approvals_off_region: 0,
            supplies_off_region: 0,
        }
    }
}

/// Failure to write a survey; every variant names the path concerned.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum SynthError {
    /// The output directory could not be created.
    #[error("cannot create directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing a layer (or its temporary file) failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The layer file being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The finished temporary file could not be renamed to its final name.
    #[error("cannot move the finished layer into place at {}: {source}", path.display())]
    Persist {
        /// The layer file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The county square for a scale (see [`SurveyStats::extent`]): side 40 km × sqrt(scale),
/// centred on easting 500,000, northing 3,340,000 of EPSG:4549.
pub fn county_extent(scale: f64) -> Rect<f64> {
    layout::extent(scale)
}

/// Generates a survey in memory. Deterministic: the same parameters give the same survey on
/// every platform. For large scales use [`generate_to_dir`], which writes the layers as they are
/// generated instead of holding them.
pub fn generate(params: &SynthParams) -> Survey {
    let mut c = Collect::default();
    let stats = run(params, &mut c);
    let [
        approvals,
        supplies,
        footprints,
        landuse,
        farmland,
        redline,
        regions,
    ] = c.layers;
    Survey {
        epsg: EPSG,
        approvals,
        supplies,
        footprints,
        landuse,
        farmland,
        redline,
        regions,
        stats,
    }
}

/// What [`generate_to_dir`] wrote.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Generated {
    /// The layer files, in the order of [`write_survey`], with their feature counts.
    pub files: Vec<(PathBuf, usize)>,
    /// What the generator did (indices as in [`Survey`]).
    pub stats: SurveyStats,
}

/// Generates a survey straight into `DIR/approvals.geojson` … `DIR/regions.geojson` (the
/// files of [`write_survey`]), creating `DIR`: byte for byte what
/// `write_survey(&generate(params), dir)` writes, but each feature is written when it is made
/// and not kept, so memory stays well below that of the survey (land use, the largest layer,
/// is never held as features). Each layer goes to a temporary file in `DIR` renamed into place
/// at the end.
pub fn generate_to_dir(params: &SynthParams, dir: &Path) -> Result<Generated, SynthError> {
    fs::create_dir_all(dir).map_err(|source| SynthError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut writers = Vec::with_capacity(LAYER_FILES.len());
    for name in LAYER_FILES {
        writers.push(write::LayerWriter::create(&dir.join(name), dir, EPSG)?);
    }
    let mut sink = Files {
        writers,
        error: None,
    };
    let stats = run(params, &mut sink);
    if let Some(e) = sink.error {
        return Err(e);
    }
    let mut files = Vec::with_capacity(LAYER_FILES.len());
    for w in sink.writers {
        let n = w.count();
        files.push((w.finish()?, n));
    }
    Ok(Generated { files, stats })
}

/// The layers in file order.
const LAYER_FILES: [&str; 7] = [
    APPROVALS_FILE,
    SUPPLIES_FILE,
    FOOTPRINTS_FILE,
    LANDUSE_FILE,
    FARMLAND_FILE,
    REDLINE_FILE,
    REGIONS_FILE,
];

/// A layer of the survey (index into [`LAYER_FILES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which {
    Approvals = 0,
    Supplies,
    Footprints,
    Landuse,
    Farmland,
    Redline,
    Regions,
}

/// Where the generator puts the features it makes, in each layer's output order.
pub(crate) trait Sink {
    fn put(&mut self, layer: Which, p: SynthParcel);
    /// Whether the features put are kept (the generator then need not keep copies of the
    /// approvals' and supplies' attributes it no longer reads).
    fn keeps(&self) -> bool;
}

/// Keeps every feature: [`generate`].
#[derive(Default)]
struct Collect {
    layers: [Vec<SynthParcel>; 7],
}

impl Sink for Collect {
    fn put(&mut self, layer: Which, p: SynthParcel) {
        self.layers[layer as usize].push(p);
    }
    fn keeps(&self) -> bool {
        true
    }
}

/// Writes every feature at once: [`generate_to_dir`]. The first error stops the writing and is
/// reported at the end.
struct Files {
    writers: Vec<write::LayerWriter>,
    error: Option<SynthError>,
}

impl Sink for Files {
    fn put(&mut self, layer: Which, p: SynthParcel) {
        if self.error.is_none()
            && let Err(e) = self.writers[layer as usize].push(&p)
        {
            self.error = Some(e);
        }
    }
    fn keeps(&self) -> bool {
        false
    }
}

/// Generates the survey into `sink` and returns the generator's counters.
fn run(params: &SynthParams, sink: &mut dyn Sink) -> SurveyStats {
    let scale = if params.scale.is_finite() && params.scale > 0.0 {
        params.scale
    } else {
        0.0
    };
    let extent = layout::extent(scale);
    let mut stats = SurveyStats::empty(extent);
    if scale == 0.0 {
        return stats;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);

    // approvals
    let n = ((APPROVALS_PER_SCALE * scale).round() as usize).max(1);
    let mut index = layout::SpatialIndex::new(extent, 1000.0);
    let placed = layout::place_approvals(&mut rng, n, extent, &mut index);
    for (i, a) in placed.iter().enumerate() {
        stats.approved_area_m2 += a.area;
        match a.kind {
            shapes::ApprovalKind::TwoParts => stats.approvals_multipolygon += 1,
            shapes::ApprovalKind::Holed => stats.approvals_with_hole += 1,
            shapes::ApprovalKind::Simple => {}
        }
        if let Some(t) = a.overlaps {
            stats.overlap_pairs.push((t, i));
        }
    }

    // supplies cut from approvals
    let (cuts, cut_stats) = subdivide::cut_supplies(&mut rng, &placed);
    for c in &cut_stats.coverage {
        match c {
            Coverage::Nothing => stats.approvals_unsupplied += 1,
            Coverage::Full => stats.approvals_fully_supplied += 1,
            Coverage::Partial => stats.approvals_partly_supplied += 1,
        }
    }
    stats.designed_supplied_area_m2 = cut_stats.designed_supplied_m2;
    stats.lots_dropped_tiny = cut_stats.dropped_tiny;
    stats.lots_dropped_invalid = cut_stats.dropped_invalid;
    stats.supplies_cut = cuts.len();

    let mut geometries: Vec<MultiPolygon<f64>> = Vec::with_capacity(cuts.len() * 12 / 10);
    let mut inputs: Vec<SupplyInput> = Vec::with_capacity(cuts.len() * 12 / 10);
    for c in cuts {
        stats.supplies_translated += usize::from(c.translated);
        stats.supplies_vertex_nudged += usize::from(c.nudged);
        stats.supplies_overhanging += usize::from(c.overhang);
        inputs.push(SupplyInput {
            area: c.geometry.unsigned_area(),
            band: placed[c.approval].band,
            origin: Origin::Cut {
                approval: c.approval,
                straddles: c.straddles,
            },
        });
        geometries.push(c.geometry);
    }

    // lots outside every approval: a tenth of all supplies
    let n_outside = (geometries.len() as f64 / 9.0).round() as usize;
    for _ in 0..n_outside {
        if let Some((g, band)) = layout::place_lot(&mut rng, extent, &mut index) {
            inputs.push(SupplyInput {
                area: g.unsigned_area(),
                band,
                origin: Origin::Outside,
            });
            geometries.push(g);
            stats.supplies_outside += 1;
        }
    }

    // ~1 % re-supplies of the same land
    let base = geometries.len();
    let n_dup = (base as f64 * 0.01).round() as usize;
    let mut used = HashSet::new();
    let mut dup_pairs = Vec::with_capacity(n_dup);
    while dup_pairs.len() < n_dup.min(base) {
        let of = rng.random_range(0..base);
        if !used.insert(of) {
            continue;
        }
        let mut g = geometries[of].clone();
        if rng.random_bool(0.4) {
            let (ux, uy) = shapes::random_unit(&mut rng);
            let len: f64 = rng.random_range(0.01..=0.2);
            if let Some(moved) = shapes::map_round_clean(&g, 0.0, |c| Coord {
                x: c.x + ux * len,
                y: c.y + uy * len,
            }) {
                g = moved;
            }
        }
        dup_pairs.push((of, geometries.len()));
        inputs.push(SupplyInput {
            area: g.unsigned_area(),
            band: inputs[of].band,
            origin: Origin::Duplicate { of },
        });
        geometries.push(g);
    }

    // attributes
    let (approval_props, infos, a_stats) = attributes::approval_properties(&mut rng, &placed);
    stats.approvals_pzmj_deviating = a_stats.pzmj_deviating;
    stats.approvals_separate_site = a_stats.separate_site;
    let mut links = LinkStats::default();
    let (supply_props, facts) =
        attributes::supply_properties(&mut rng, &inputs, &infos, &mut links);
    let lot_of: Vec<Option<usize>> = inputs
        .iter()
        .map(|i| match i.origin {
            Origin::Cut { approval, .. } => Some(approval),
            _ => None,
        })
        .collect();
    stats.links_own = links.own;
    stats.links_several = links.several;
    stats.links_missing = links.missing;
    stats.links_wrong = links.wrong;
    stats.links_nonexistent = links.nonexistent;

    let mut approvals: Vec<SynthParcel> = placed
        .into_iter()
        .zip(approval_props)
        .map(|(a, properties)| SynthParcel {
            geometry: a.geometry,
            properties,
        })
        .collect();
    for a in approvals.iter_mut() {
        sink.put(Which::Approvals, a.clone());
        if !sink.keeps() {
            // the regions pass reads XZQDM only
            a.properties.retain(|k, _| k == "XZQDM");
        }
    }

    // supplies in shuffled order: position k holds generated supply perm[k]
    let (perm, new_pos) = shuffled_order(&mut rng, geometries.len());
    let mut slots: Vec<Option<SynthParcel>> = geometries
        .into_iter()
        .zip(supply_props)
        .map(|(geometry, properties)| {
            Some(SynthParcel {
                geometry,
                properties,
            })
        })
        .collect();
    let mut supplies: Vec<SynthParcel> = perm
        .iter()
        .map(|&p| slots[p].take().expect("each supply moved once"))
        .collect();
    for s in supplies.iter_mut() {
        sink.put(Which::Supplies, s.clone());
        if !sink.keeps() {
            // the regions pass reads DZJGH only
            s.properties.retain(|k, _| k == "DZJGH");
        }
    }
    stats.duplicate_pairs = dup_pairs
        .into_iter()
        .map(|(a, b)| (new_pos[a], new_pos[b]))
        .collect();

    // footprints, from a random stream of their own
    let refs: Vec<footprints::SupplyRef<'_>> = perm
        .iter()
        .zip(&supplies)
        .map(|(&p, s)| footprints::SupplyRef {
            geometry: &s.geometry,
            facts: &facts[p],
            lot_of: lot_of[p],
        })
        .collect();
    let f = footprints::generate(params.seed, &refs, extent, &mut index, &mut |p| {
        sink.put(Which::Footprints, p)
    });
    drop(refs);
    stats.footprint_groups = f.groups;
    stats.supplies_sharing_land = f.sharing_land;
    stats.footprints_earlier = f.earlier;
    stats.footprints_later = f.later;
    stats.footprints_village = f.village;
    stats.footprints_edge_crossing = f.edge_crossing;
    stats.footprint_duplicate_pairs = f.duplicate_pairs;

    // land use, farmland, red line and regions, from random streams of their own
    let l = layers::generate(
        params.seed,
        extent,
        &approvals,
        &supplies,
        &stats.footprint_groups,
        sink,
    );
    stats.landuse_cells = l.cells;
    stats.landuse_merged = l.merged;
    stats.landuse_strips = l.strips;
    stats.landuse_unknown_codes = l.unknown;
    stats.landuse_in_built_supplies = l.in_built;
    stats.farmland_area_m2 = l.farmland_area;
    stats.farmland_on_approvals = l.farmland_on_approvals;
    stats.farmland_in_approvals_m2 = l.farmland_in_approvals_m2;
    stats.redline_area_m2 = l.redline_area;
    stats.approvals_off_region = l.approvals_off;
    stats.supplies_off_region = l.supplies_off;
    stats
}

/// A Fisher–Yates shuffle of `0..n` drawn from `rng`: `perm[k]` is the item written at position
/// k, `new_pos[i]` where item i went. Output files are shuffled so that tests cannot lean on the
/// generation order.
pub(crate) fn shuffled_order(rng: &mut impl Rng, n: usize) -> (Vec<usize>, Vec<usize>) {
    let mut perm: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        perm.swap(i, j);
    }
    let mut new_pos = vec![0usize; n];
    for (k, &p) in perm.iter().enumerate() {
        new_pos[p] = k;
    }
    (perm, new_pos)
}
