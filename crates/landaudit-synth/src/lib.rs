//! Deterministic synthetic county surveys for landaudit: an approvals layer (批次 / 单独选址
//! approvals of new construction land), a supplies layer (供地 parcels) and a footprints layer
//! (construction seen on the ground, 动工/建设范围, on two dates), with the flaws real bureau
//! data has, so that the 批而未供 overlay and the 闲置土地 rules can be tested and benchmarked
//! without real data.
//!
//! ```
//! use landaudit_synth::{SynthParams, generate};
//!
//! let survey = generate(&SynthParams { scale: 0.01, seed: 7 });
//! assert!(!survey.approvals.is_empty());
//! assert!(!survey.supplies.is_empty());
//! assert!(!survey.footprints.is_empty());
//! assert_eq!(survey.epsg, 4549);
//! // the same seed gives the same survey
//! assert_eq!(survey.supplies, generate(&SynthParams { scale: 0.01, seed: 7 }).supplies);
//! ```
//!
//! # What is generated
//!
//! Scale 1 is a county of about 2,000 approvals, 15,000 supplies and 60,000 footprints in a
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
//! Supplies and footprints are written in shuffled order. The approvals and supplies draw
//! their randomness from one `rand_chacha::ChaCha8Rng` seeded with [`SynthParams::seed`], the
//! footprints from a second one seeded with `seed ^ 0xF00D` (so adding them left the other two
//! layers unchanged), and no platform-dependent floating-point function (`sin`, `cos`, `exp`,
//! …) touches a coordinate.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod attributes;
mod footprints;
mod layout;
mod shapes;
mod subdivide;
mod write;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::PathBuf;

use geo::{Area, Coord, MultiPolygon, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

pub use write::{APPROVALS_FILE, FOOTPRINTS_FILE, SUPPLIES_FILE, write_survey};

use attributes::{LinkStats, Origin, SupplyInput};
use subdivide::Coverage;

/// The CRS of every generated survey: CGCS2000 / 3-degree Gauss-Krüger CM 120E.
pub const EPSG: u32 = 4549;
/// Approvals at scale 1.
const APPROVALS_PER_SCALE: f64 = 2000.0;

/// How big a survey to generate, and from which seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynthParams {
    /// 1.0 ≈ a county with ~2,000 approvals, ~15,000 supplies and ~60,000 footprints; counts
    /// and area are proportional to it. A scale that is not a positive finite number gives an empty survey.
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

/// A generated county: its three layers and what the generator did.
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
/// [`Survey::approvals`], [`Survey::supplies`] and [`Survey::footprints`].
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

/// Generates a survey. Deterministic: the same parameters give the same survey on every
/// platform.
pub fn generate(params: &SynthParams) -> Survey {
    let scale = if params.scale.is_finite() && params.scale > 0.0 {
        params.scale
    } else {
        0.0
    };
    let extent = layout::extent(scale);
    let mut stats = SurveyStats::empty(extent);
    if scale == 0.0 {
        return Survey {
            epsg: EPSG,
            approvals: Vec::new(),
            supplies: Vec::new(),
            footprints: Vec::new(),
            stats,
        };
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

    let approvals = placed
        .into_iter()
        .zip(approval_props)
        .map(|(a, properties)| SynthParcel {
            geometry: a.geometry,
            properties,
        })
        .collect();

    // supplies in shuffled order: position k holds generated supply perm[k]
    let total = geometries.len();
    let mut perm: Vec<usize> = (0..total).collect();
    for i in (1..total).rev() {
        let j = rng.random_range(0..=i);
        perm.swap(i, j);
    }
    let mut new_pos = vec![0usize; total];
    for (k, &p) in perm.iter().enumerate() {
        new_pos[p] = k;
    }
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
    let supplies: Vec<SynthParcel> = perm
        .iter()
        .map(|&p| slots[p].take().expect("each supply moved once"))
        .collect();
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
    let f = footprints::generate(params.seed, &refs, extent, &mut index);
    drop(refs);
    stats.footprint_groups = f.groups;
    stats.supplies_sharing_land = f.sharing_land;
    stats.footprints_earlier = f.earlier;
    stats.footprints_later = f.later;
    stats.footprints_village = f.village;
    stats.footprints_edge_crossing = f.edge_crossing;
    stats.footprint_duplicate_pairs = f.duplicate_pairs;

    Survey {
        epsg: EPSG,
        approvals,
        supplies,
        footprints: f.footprints,
        stats,
    }
}
