//! Parcel layers: what a loaded file holds after validation, and the list of what was left out.

use std::path::PathBuf;

use geo::MultiPolygon;

use crate::crs::Crs;

/// The kinds of layer landaudit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerKind {
    /// 批次 / 单独选址 approvals of new construction land.
    Approvals,
    /// 供地 parcels.
    Supplies,
    /// Construction detected on the ground (动工 / 建设范围), optionally dated.
    Footprints,
    /// 三调 地类图斑 DLTB (land use today).
    Landuse,
    /// 永久基本农田 YJJBNTTB (permanent basic farmland).
    Farmland,
    /// 生态保护红线 STBHHX (ecological red line).
    Redline,
    /// 行政区 XZQ (administrative regions).
    Regions,
    /// An operand of the `overlay` command (layer algebra): no canonical fields, no id field
    /// (features are named `#index`); every source field is carried as it is. Not an audit layer,
    /// so not in [`LayerKind::ALL`].
    Other,
}

impl LayerKind {
    /// The layer's name as used in file names, config sections and reports.
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Approvals => "approvals",
            LayerKind::Supplies => "supplies",
            LayerKind::Footprints => "footprints",
            LayerKind::Landuse => "landuse",
            LayerKind::Farmland => "farmland",
            LayerKind::Redline => "redline",
            LayerKind::Regions => "regions",
            LayerKind::Other => "other",
        }
    }

    /// Other file names a bureau delivers the layer under (the 三调 database's layer names).
    pub fn alt_names(self) -> &'static [&'static str] {
        match self {
            LayerKind::Landuse => &["DLTB", "dltb"],
            LayerKind::Farmland => &["YJJBNTTB", "yjjbnttb"],
            LayerKind::Redline => &["STBHHX", "stbhhx"],
            LayerKind::Regions => &["XZQ", "xzq"],
            _ => &[],
        }
    }

    /// The audit's layer kinds, in report order ([`LayerKind::Other`] is not one).
    pub const ALL: [LayerKind; 7] = [
        LayerKind::Approvals,
        LayerKind::Supplies,
        LayerKind::Footprints,
        LayerKind::Landuse,
        LayerKind::Farmland,
        LayerKind::Redline,
        LayerKind::Regions,
    ];

    /// The canonical field names of this layer (DOMAIN.md section 0).
    pub fn canonical_fields(self) -> &'static [&'static str] {
        match self {
            LayerKind::Approvals => &["pzwh", "pzrq", "pcmc", "pzmj", "xzqdm", "lx"],
            LayerKind::Supplies => &[
                "dzjgh", "pzwh", "gyfs", "htqdrq", "ydkgrq", "ydjgrq", "sjkgrq", "sjjgrq", "zzrq",
                "ykfmj", "ztz", "ytz", "jk", "zfyy", "xzqdm",
            ],
            LayerKind::Footprints => &["bsm", "rq"],
            LayerKind::Landuse => &["bsm", "tbbh", "dlbm", "dlmc", "kcxs", "zldwdm"],
            LayerKind::Farmland => &["jbnttbbh", "dlbm"],
            LayerKind::Redline => &["hxbh", "hxmc"],
            LayerKind::Regions => &["xzqdm", "xzqmc"],
            LayerKind::Other => &[],
        }
    }

    /// The canonical name of the identifier field (empty for [`LayerKind::Other`], which has
    /// none).
    pub fn id_field(self) -> &'static str {
        match self {
            LayerKind::Approvals => "pzwh",
            LayerKind::Supplies => "dzjgh",
            LayerKind::Footprints | LayerKind::Landuse => "bsm",
            LayerKind::Farmland => "jbnttbbh",
            LayerKind::Redline => "hxbh",
            LayerKind::Regions => "xzqdm",
            LayerKind::Other => "",
        }
    }

    /// Whether every feature must carry a unique id. Footprints are detections, not records:
    /// without a BSM they are named by feature index, and duplicates are harmless (they are
    /// unioned before measuring).
    pub fn id_required(self) -> bool {
        matches!(
            self,
            LayerKind::Approvals | LayerKind::Supplies | LayerKind::Regions
        )
    }
}

/// A typed attribute value (JSON null is stored as absence).
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A boolean.
    Bool(bool),
    /// A date (a date field of a GeoPackage, Shapefile or FileGDB read through GDAL).
    Date(chrono::NaiveDate),
}

impl AttrValue {
    /// The value as text, as a bureau analyst would type it (integers without decimals).
    pub fn to_text(&self) -> String {
        match self {
            AttrValue::Text(s) => s.clone(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Real(r) => r.to_string(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The attributes of one feature, keyed by canonical field name.
///
/// A vector sorted by name, not a map: a feature has a handful of canonical fields, and a
/// `BTreeMap` allocates a node for eleven (≈ 540 bytes) for each of the millions of features of a
/// province's land use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes(Vec<(&'static str, AttrValue)>);

impl Attributes {
    /// Sets a canonical field.
    pub fn insert(&mut self, field: &'static str, value: AttrValue) {
        match self.0.binary_search_by(|(k, _)| (*k).cmp(field)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (field, value)),
        }
    }

    /// The raw value of a canonical field.
    pub fn get(&self, field: &str) -> Option<&AttrValue> {
        self.0
            .binary_search_by(|(k, _)| (*k).cmp(field))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// The value as trimmed text; `None` when absent or blank.
    pub fn text(&self, field: &str) -> Option<String> {
        // One string, not a copy trimmed into another: this names every feature read.
        let t = match self.get(field)? {
            AttrValue::Text(s) => s.trim().to_string(),
            v => {
                let t = v.to_text();
                if t.trim().len() == t.len() {
                    t
                } else {
                    t.trim().to_string()
                }
            }
        };
        (!t.is_empty()).then_some(t)
    }

    /// The value as a number: numbers as they are, text parsed (thousands separators removed).
    /// `Ok(None)` when absent or blank, `Err` with the offending text when unparseable.
    pub fn number(&self, field: &str) -> Result<Option<f64>, String> {
        match self.get(field) {
            None => Ok(None),
            Some(AttrValue::Int(i)) => Ok(Some(*i as f64)),
            Some(AttrValue::Real(r)) if r.is_finite() => Ok(Some(*r)),
            Some(AttrValue::Real(r)) => Err(r.to_string()),
            Some(v @ (AttrValue::Bool(_) | AttrValue::Date(_))) => Err(v.to_text()),
            Some(AttrValue::Text(s)) => {
                let t = s.trim().replace([',', '，'], "");
                if t.is_empty() {
                    return Ok(None);
                }
                t.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Some)
                    .ok_or_else(|| s.clone())
            }
        }
    }

    /// The value as a date (see [`crate::dates::parse_date`]). `Ok(None)` when absent or blank.
    pub fn date(&self, field: &str) -> Result<Option<chrono::NaiveDate>, String> {
        match self.get(field) {
            None => Ok(None),
            Some(AttrValue::Date(d)) => Ok(Some(*d)),
            Some(v) => {
                // Text is read where it lies: no copy for each of the millions of dates read.
                let t = match v {
                    AttrValue::Text(t) => std::borrow::Cow::Borrowed(t.as_str()),
                    v => std::borrow::Cow::Owned(v.to_text()),
                };
                if t.trim().is_empty() {
                    return Ok(None);
                }
                crate::dates::parse_date(&t)
                    .map(Some)
                    .ok_or_else(|| t.into_owned())
            }
        }
    }
}

/// One valid parcel of a layer.
#[derive(Debug, Clone)]
pub struct Parcel {
    /// Zero-based index of the feature in its file.
    pub index: usize,
    /// The identifier (PZWH for approvals, DZJGH for supplies).
    pub id: String,
    /// Valid, consistently oriented (CCW exterior, CW holes) geometry.
    pub geometry: MultiPolygon<f64>,
    /// Canonical attributes.
    pub attrs: Attributes,
    /// Every source field in source order (`None` for null), when read with
    /// [`ReadOptions::all_fields`](crate::io::ReadOptions::all_fields); empty otherwise.
    pub fields: Vec<(String, Option<AttrValue>)>,
}

/// What happened to a feature that was not used as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RejectStatus {
    /// Left out of the analysis.
    Rejected,
    /// Repaired (with `--repair`) and used.
    Repaired,
    /// Used, but an attribute could not be read (the reason says which).
    Warning,
}

impl RejectStatus {
    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            RejectStatus::Rejected => "rejected",
            RejectStatus::Repaired => "repaired",
            RejectStatus::Warning => "warning",
        }
    }
}

/// A feature that was left out or changed, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// The layer.
    pub layer: LayerKind,
    /// The file the feature came from.
    pub file: PathBuf,
    /// Zero-based index of the feature in the file.
    pub index: usize,
    /// The feature's id when it had one.
    pub id: Option<String>,
    /// Rejected, repaired or warning.
    pub status: RejectStatus,
    /// Why, in one line naming the field where a field is concerned.
    pub reason: String,
}

/// A loaded layer: the valid parcels and the features that were left out.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The layer's kind.
    pub kind: LayerKind,
    /// The file read.
    pub path: PathBuf,
    /// The coordinate reference system the parcels' coordinates are in: the declared one, or
    /// its unprefixed twin when the reader removed a zone prefix (see `file_crs`).
    pub crs: Crs,
    /// The CRS the file declares, when the coordinates were read into an equivalent one: a
    /// GeoJSON layer in a zone-prefixed Gauss-Krüger CRS (EPSG:4528, eastings 40 xxx xxx.xxx) is
    /// read without the prefix, digit for digit (EPSG:4549), because an f64 holds eastings of
    /// 4×10⁷ m only to 7.5e-9 m. Outputs are written in this CRS again.
    pub file_crs: Option<Crs>,
    /// Number of features in the file.
    pub read: usize,
    /// Valid parcels, in file order.
    pub parcels: Vec<Parcel>,
    /// Valid features the read's [`Prefilter`](crate::io::Prefilter) refused: checked like the
    /// parcels (their warnings and repairs are in `rejections`), then not held. `read =
    /// parcels + outside + rejected`.
    pub outside: usize,
    /// The bounding box of the features in `outside`, so that checks of the layer's extent (the
    /// CRS against the coordinates) still see them.
    pub outside_bbox: Option<geo::Rect<f64>>,
    /// Rejected, repaired and warned features, in file order.
    pub rejections: Vec<Rejection>,
    /// How the file was read, where the summary should say it (format and layer, text
    /// encoding, CRS, features not held); empty for a GeoJSON file read whole.
    pub notes: Vec<String>,
}

impl Layer {
    /// Number of features left out of the analysis.
    pub fn rejected_count(&self) -> usize {
        self.rejections
            .iter()
            .filter(|r| r.status == RejectStatus::Rejected)
            .count()
    }
}
