//! Run settings, read from a TOML file (`--config`). Every threshold that DOMAIN.md marks
//! unconfirmed lives here with a documented default; unknown keys are errors, so a typo in a key
//! never silently falls back to a default.
//!
//! ```
//! let cfg = landaudit::Config::from_toml_str(r#"
//!     [fields.supplies]
//!     dzjgh = "gdbh"
//!     [slivers]
//!     min_width_m = 0.5
//!     min_area_m2 = 1.0
//! "#).unwrap();
//! assert_eq!(cfg.fields.supplies.source_for("dzjgh"), "gdbh");
//! assert_eq!(cfg.fields.supplies.source_for("pzwh"), "PZWH");
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::layer::LayerKind;
use crate::units::AreaUnit;

/// All settings of a run. `Config::default()` is what runs without `--config`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Source field names per layer (canonical name = source field).
    pub fields: Fields,
    /// When a remnant part counts as a digitising sliver.
    pub slivers: Slivers,
    /// The attribute cross-check between supplies' PZWH and the approvals they lie in.
    pub links: Links,
    /// How approvals are read and aggregated.
    pub approvals: ApprovalSettings,
    /// Idle-land rules (《闲置土地处置办法》 thresholds and conventions).
    pub idle: crate::rules::idle::IdleSettings,
    /// Which area (ellipsoidal or planar) drives the audit.
    pub area: crate::measure::AreaSettings,
    /// Regions, roll-up and 供地率 windows.
    pub regions: crate::rules::regions::RegionSettings,
    /// Land-use tabulation of the remnants.
    pub landuse: crate::rules::landuse::LanduseSettings,
    /// Conflicts with farmland and the red line.
    pub conflicts: crate::rules::conflicts::ConflictSettings,
    /// Limits on what one input file may hold.
    pub input: InputSettings,
}

/// Field mapping of every layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Fields {
    /// Approvals (批次 / 单独选址).
    pub approvals: FieldMap,
    /// Supplies (供地).
    pub supplies: FieldMap,
    /// Footprints (建设范围).
    pub footprints: FieldMap,
    /// 三调 land use (DLTB).
    pub landuse: FieldMap,
    /// Permanent basic farmland (YJJBNTTB).
    pub farmland: FieldMap,
    /// Ecological red line (STBHHX).
    pub redline: FieldMap,
    /// Administrative regions (XZQ).
    pub regions: FieldMap,
}

impl Fields {
    /// The field map of a layer kind ([`LayerKind::Other`] has no canonical fields, so an empty
    /// map).
    pub fn for_kind(&self, kind: LayerKind) -> &FieldMap {
        static NONE: FieldMap = FieldMap(BTreeMap::new());
        match kind {
            LayerKind::Approvals => &self.approvals,
            LayerKind::Supplies => &self.supplies,
            LayerKind::Footprints => &self.footprints,
            LayerKind::Landuse => &self.landuse,
            LayerKind::Farmland => &self.farmland,
            LayerKind::Redline => &self.redline,
            LayerKind::Regions => &self.regions,
            LayerKind::Other => &NONE,
        }
    }
}

/// Canonical field name (lower case, as in DOMAIN.md section 0) → source field name. Fields not
/// listed are looked up under their canonical name; all matching is case-insensitive.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct FieldMap(BTreeMap<String, String>);

impl FieldMap {
    /// The source field that holds canonical field `canonical` (e.g. `"pzwh"` → `"PZWH"`).
    pub fn source_for(&self, canonical: &str) -> String {
        self.0
            .get(canonical)
            .cloned()
            .unwrap_or_else(|| canonical.to_uppercase())
    }

    /// Builds a map from a list of `(canonical, source)` pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        FieldMap(
            pairs
                .into_iter()
                .map(|(c, s)| (c.to_string(), s.to_string()))
                .collect(),
        )
    }

    fn check(&self, kind: LayerKind) -> std::result::Result<(), String> {
        for key in self.0.keys() {
            if !kind.canonical_fields().contains(&key.as_str()) {
                return Err(format!(
                    "[fields.{}] has unknown field `{key}`; known fields: {}",
                    kind.name(),
                    kind.canonical_fields().join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Sliver thresholds. A remnant part is a sliver when its area is below `min_area_m2`, or when it
/// is narrower than `min_width_m` everywhere (it vanishes under an inward buffer of half that
/// width). Both 0 disables sliver handling.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Slivers {
    /// Width below which a part that is narrow everywhere is a sliver (metres). Default 0.5 m,
    /// the largest digitising misalignment seen between 批次 and 供地 boundaries.
    pub min_width_m: f64,
    /// Area below which a part is a sliver (m²). Default 1 m².
    pub min_area_m2: f64,
}

impl Default for Slivers {
    fn default() -> Self {
        Slivers {
            min_width_m: 0.5,
            min_area_m2: 1.0,
        }
    }
}

/// Attribute cross-check settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Links {
    /// A supply that names an approval must overlap it by at least this share of the supply's
    /// area, else it is reported as naming an approval it does not lie in. Default 0.01.
    pub min_share: f64,
    /// A supply overlapping an approval by at least this share of the supply's area without naming
    /// it is reported. Default 0.10.
    pub substantial_share: f64,
}

impl Default for Links {
    fn default() -> Self {
        Links {
            min_share: 0.01,
            substantial_share: 0.10,
        }
    }
}

/// How overlapping approvals (the same land approved twice) are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalOverlap {
    /// Land covered by two approvals belongs to the earlier one (by PZRQ, then input order); the
    /// later approval is audited on the rest, so no land is counted twice in totals (default).
    #[default]
    EarliestWins,
    /// Every approval is audited on its whole geometry; totals may count re-approved land twice.
    Independent,
}

/// Settings of the approvals layer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApprovalSettings {
    /// Unit of the 批准面积 attribute PZMJ. Default 公顷.
    pub pzmj_unit: AreaUnit,
    /// How overlapping approvals are counted.
    pub overlap: ApprovalOverlap,
    /// Age boundaries in years for the summary's unsupplied-by-age table. Default `[2, 5]`
    /// (<2, 2–5, ≥5 years: the two-year rule of DOMAIN 1.4 and the five-year cohort of 1.3).
    pub age_buckets: Vec<u32>,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            pzmj_unit: AreaUnit::Ha,
            overlap: ApprovalOverlap::EarliestWins,
            age_buckets: vec![2, 5],
        }
    }
}

/// Limits on input files, so that a malformed or hostile file stops with a clear message instead
/// of exhausting memory. The reader never holds more than `max_feature_bytes` of one feature's
/// text: the read fails as soon as a feature passes the limit, before it is buffered whole.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputSettings {
    /// Largest JSON text of one feature (and of the `crs` member), in bytes. Default 64 MiB:
    /// a parcel of a million vertices takes about 40 MB of GeoJSON.
    pub max_feature_bytes: u64,
    /// Largest input file in bytes; no limit by default.
    pub max_file_bytes: Option<u64>,
}

impl Default for InputSettings {
    fn default() -> Self {
        InputSettings {
            max_feature_bytes: 64 << 20,
            max_file_bytes: None,
        }
    }
}

impl InputSettings {
    fn validate(&self) -> std::result::Result<(), String> {
        if self.max_feature_bytes == 0 {
            return Err("[input] max_feature_bytes must be > 0".into());
        }
        if self.max_file_bytes == Some(0) {
            return Err("[input] max_file_bytes must be > 0".into());
        }
        Ok(())
    }
}

impl Config {
    /// Parses settings from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Config> {
        Self::parse(text, Path::new("<config>"))
    }

    /// Reads settings from a TOML file.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    fn parse(text: &str, path: &Path) -> Result<Config> {
        let cfg: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        cfg.validate().map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(cfg)
    }

    /// Checks ranges and field names.
    pub fn validate(&self) -> std::result::Result<(), String> {
        self.fields.approvals.check(LayerKind::Approvals)?;
        self.fields.supplies.check(LayerKind::Supplies)?;
        for kind in LayerKind::ALL {
            self.fields.for_kind(kind).check(kind)?;
        }
        self.regions.validate()?;
        self.idle.validate()?;
        self.input.validate()?;
        let finite_nonneg = |v: f64| v.is_finite() && v >= 0.0;
        if !finite_nonneg(self.slivers.min_width_m) || !finite_nonneg(self.slivers.min_area_m2) {
            return Err("[slivers] thresholds must be finite and ≥ 0".into());
        }
        for (name, v) in [
            ("min_share", self.links.min_share),
            ("substantial_share", self.links.substantial_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("[links] {name} must be between 0 and 1, got {v}"));
            }
        }
        if self.approvals.age_buckets.windows(2).any(|w| w[0] >= w[1]) {
            return Err("[approvals] age_buckets must be strictly increasing".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_file() {
        let c = Config::from_toml_str("").unwrap();
        assert_eq!(c.slivers.min_width_m, 0.5);
        assert_eq!(c.slivers.min_area_m2, 1.0);
        assert_eq!(c.approvals.age_buckets, vec![2, 5]);
        assert_eq!(c.fields.approvals.source_for("pzwh"), "PZWH");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let e = Config::from_toml_str("[slivers]\nmin_widht_m = 1").unwrap_err();
        assert!(e.to_string().contains("min_widht_m"), "{e}");
    }

    #[test]
    fn unknown_field_name_is_an_error() {
        let e = Config::from_toml_str("[fields.supplies]\nfoo = \"bar\"").unwrap_err();
        assert!(e.to_string().contains("unknown field `foo`"), "{e}");
    }

    #[test]
    fn input_limits() {
        let c = Config::from_toml_str("").unwrap();
        assert_eq!(c.input.max_feature_bytes, 64 << 20);
        assert_eq!(c.input.max_file_bytes, None);
        let c =
            Config::from_toml_str("[input]\nmax_feature_bytes = 1048576\nmax_file_bytes = 2000000")
                .unwrap();
        assert_eq!(c.input.max_feature_bytes, 1 << 20);
        assert_eq!(c.input.max_file_bytes, Some(2_000_000));
        assert!(Config::from_toml_str("[input]\nmax_feature_bytes = 0").is_err());
        assert!(Config::from_toml_str("[input]\nmax_feature_bytes = -1").is_err());
        assert!(Config::from_toml_str("[input]\nmax_file_bytes = 0").is_err());
        assert!(Config::from_toml_str("[input]\nmax_bytes = 1").is_err());
    }

    #[test]
    fn negative_threshold_is_an_error() {
        assert!(Config::from_toml_str("[slivers]\nmin_area_m2 = -1").is_err());
        assert!(Config::from_toml_str("[links]\nmin_share = 2.0").is_err());
    }
}
