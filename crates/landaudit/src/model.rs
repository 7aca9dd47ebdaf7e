//! The domain records built from loaded parcels: approvals and supplies with their typed fields.

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::config::Config;
use crate::layer::{Layer, Parcel, RejectStatus, Rejection};

/// A 批次 / 单独选址 approval of new construction land.
#[derive(Debug, Clone)]
pub struct Approval {
    /// 批准文号 PZWH (the id).
    pub pzwh: String,
    /// 批次名称 PCMC.
    pub pcmc: Option<String>,
    /// 行政区代码 XZQDM.
    pub xzqdm: Option<String>,
    /// 批准日期 PZRQ.
    pub pzrq: Option<NaiveDate>,
    /// 批准面积 PZMJ converted to m².
    pub pzmj_m2: Option<f64>,
    /// 类型 LX (批次 / 单独选址).
    pub lx: Option<String>,
    /// The parcel (index in file, geometry, all canonical attributes).
    pub parcel: Parcel,
}

/// A 供地 parcel.
#[derive(Debug, Clone)]
pub struct Supply {
    /// 电子监管号 DZJGH (the id).
    pub dzjgh: String,
    /// 来源批准文号 PZWH: the approvals the supply names, as written (split on ; , ； ， 、).
    pub pzwh: Vec<String>,
    /// 供应方式 GYFS.
    pub gyfs: Option<String>,
    /// 合同签订日期 HTQDRQ.
    pub htqdrq: Option<NaiveDate>,
    /// 约定动工日期 YDKGRQ.
    pub ydkgrq: Option<NaiveDate>,
    /// 约定竣工日期 YDJGRQ.
    pub ydjgrq: Option<NaiveDate>,
    /// 实际动工日期 SJKGRQ.
    pub sjkgrq: Option<NaiveDate>,
    /// 实际竣工日期 SJJGRQ.
    pub sjjgrq: Option<NaiveDate>,
    /// 中止开发日期 ZZRQ.
    pub zzrq: Option<NaiveDate>,
    /// 已开发面积 YKFMJ (m²).
    pub ykfmj: Option<f64>,
    /// 总投资 ZTZ (yuan, excluding the land price).
    pub ztz: Option<f64>,
    /// 已投资 YTZ (yuan, excluding the land price).
    pub ytz: Option<f64>,
    /// 出让/划拨价款 JK (yuan).
    pub jk: Option<f64>,
    /// 政府原因 ZFYY as written.
    pub zfyy: Option<String>,
    /// The parcel.
    pub parcel: Parcel,
}

/// A footprint: construction detected on the ground.
#[derive(Debug, Clone)]
pub struct Footprint {
    /// 观测日期 RQ, when the layer is dated.
    pub rq: Option<NaiveDate>,
    /// The parcel.
    pub parcel: Parcel,
}

impl Footprint {
    /// The geometry.
    pub fn geometry(&self) -> &MultiPolygon<f64> {
        &self.parcel.geometry
    }
}

impl Approval {
    /// The geometry.
    pub fn geometry(&self) -> &MultiPolygon<f64> {
        &self.parcel.geometry
    }
}

impl Supply {
    /// The geometry.
    pub fn geometry(&self) -> &MultiPolygon<f64> {
        &self.parcel.geometry
    }
}

/// Normalises an approval number for matching: full-width and ASCII brackets written for 〔〕
/// (`[2019]`, `【2019】`, `（2019）`) and white space differ between systems but name the same batch.
///
/// ```
/// use landaudit::model::normalize_pzwh;
/// assert_eq!(normalize_pzwh(" 浙政土[2019]123号"), normalize_pzwh("浙政土〔2019〕123号"));
/// assert_eq!(normalize_pzwh("浙政土【2019】 123号"), "浙政土〔2019〕123号");
/// ```
pub fn normalize_pzwh(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '【' | '［' | '(' | '（' | '{' => '〔',
            ']' | '】' | '］' | ')' | '）' | '}' => '〕',
            c => c,
        })
        .collect()
}

/// Splits a supply's PZWH attribute into the approval numbers it names.
pub fn split_pzwh(s: &str) -> Vec<String> {
    s.split([';', ',', '；', '，', '、', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn warn(layer: &Layer, p: &Parcel, reason: String) -> Rejection {
    Rejection {
        layer: layer.kind,
        file: layer.path.clone(),
        index: p.index,
        id: Some(p.id.clone()),
        status: RejectStatus::Warning,
        reason,
    }
}

/// Builds approvals from the parcels taken out of a loaded layer (`layer` names the file in
/// warnings); unreadable optional fields become warnings.
pub fn approvals_from(
    layer: &Layer,
    parcels: Vec<Parcel>,
    cfg: &Config,
) -> (Vec<Approval>, Vec<Rejection>) {
    records(layer, parcels, &cfg.fields.approvals, |r, p| Approval {
        pzwh: p.id.clone(),
        pcmc: p.attrs.text("pcmc"),
        xzqdm: p.attrs.text("xzqdm"),
        pzrq: r.date(&p, "pzrq"),
        pzmj_m2: r
            .amount(&p, "pzmj")
            .map(|v| cfg.approvals.pzmj_unit.to_m2(v)),
        lx: p.attrs.text("lx"),
        parcel: p,
    })
}

/// Builds one record per parcel with `make`, with the warnings it raises through its
/// [`FieldReader`]. Sequential: in parallel (f528fd0) the stage was no faster at scale 200 and
/// took 30 % more CPU, moving millions of parcels being page faults and copying.
fn records<T>(
    layer: &Layer,
    parcels: Vec<Parcel>,
    fields: &crate::config::FieldMap,
    make: impl Fn(&mut FieldReader, Parcel) -> T,
) -> (Vec<T>, Vec<Rejection>) {
    let mut warnings = Vec::new();
    let mut r = FieldReader {
        layer,
        fields,
        warnings: &mut warnings,
    };
    let out = parcels.into_iter().map(|p| make(&mut r, p)).collect();
    (out, warnings)
}

/// Reads typed optional fields of one parcel, turning unreadable values into warnings that name
/// the source field.
struct FieldReader<'a> {
    layer: &'a Layer,
    fields: &'a crate::config::FieldMap,
    warnings: &'a mut Vec<Rejection>,
}

impl FieldReader<'_> {
    /// An amount of money: as [`Self::amount`], and above [`MAX_YUAN`] a warning and missing.
    fn money(&mut self, p: &Parcel, field: &str) -> Option<f64> {
        let v = self.amount(p, field)?;
        if v > MAX_YUAN {
            let src = self.fields.source_for(field);
            self.warnings.push(warn(
                self.layer,
                p,
                format!("field {src}: {v} yuan is above the sanity bound of 1e13 yuan; treated as missing"),
            ));
            return None;
        }
        Some(v)
    }

    fn date(&mut self, p: &Parcel, field: &str) -> Option<NaiveDate> {
        p.attrs.date(field).unwrap_or_else(|bad| {
            let src = self.fields.source_for(field);
            self.warnings.push(warn(
                self.layer,
                p,
                format!("field {src}: unreadable date {bad:?}; treated as missing"),
            ));
            None
        })
    }

    /// A non-negative amount (area or money); negative or unreadable values become warnings.
    fn amount(&mut self, p: &Parcel, field: &str) -> Option<f64> {
        let src = self.fields.source_for(field);
        match p.attrs.number(field) {
            Ok(Some(v)) if v >= 0.0 => Some(v),
            Ok(Some(v)) => {
                self.warnings.push(warn(
                    self.layer,
                    p,
                    format!("field {src}: negative value {v}; treated as missing"),
                ));
                None
            }
            Ok(None) => None,
            Err(bad) => {
                self.warnings.push(warn(
                    self.layer,
                    p,
                    format!("field {src}: not a number {bad:?}; treated as missing"),
                ));
                None
            }
        }
    }
}

/// Above this a money field is a data-entry error: 1e13 yuan (十万亿元) exceeds any land price
/// or project investment.
const MAX_YUAN: f64 = 1e13;

/// Builds supplies from a loaded layer; unreadable dates and amounts become warnings.
pub fn supplies_from(
    layer: &Layer,
    parcels: Vec<Parcel>,
    cfg: &Config,
) -> (Vec<Supply>, Vec<Rejection>) {
    records(layer, parcels, &cfg.fields.supplies, |r, p| Supply {
        dzjgh: p.id.clone(),
        pzwh: p
            .attrs
            .text("pzwh")
            .map(|s| split_pzwh(&s))
            .unwrap_or_default(),
        gyfs: p.attrs.text("gyfs"),
        htqdrq: r.date(&p, "htqdrq"),
        ydkgrq: r.date(&p, "ydkgrq"),
        ydjgrq: r.date(&p, "ydjgrq"),
        sjkgrq: r.date(&p, "sjkgrq"),
        sjjgrq: r.date(&p, "sjjgrq"),
        zzrq: r.date(&p, "zzrq"),
        ykfmj: r.amount(&p, "ykfmj"),
        ztz: r.money(&p, "ztz"),
        ytz: r.money(&p, "ytz"),
        jk: r.money(&p, "jk"),
        zfyy: p.attrs.text("zfyy"),
        parcel: p,
    })
}

/// Builds footprints from a loaded layer; an unreadable RQ becomes a warning.
pub fn footprints_from(
    layer: &Layer,
    parcels: Vec<Parcel>,
    cfg: &Config,
) -> (Vec<Footprint>, Vec<Rejection>) {
    records(layer, parcels, &cfg.fields.footprints, |r, p| Footprint {
        rq: r.date(&p, "rq"),
        parcel: p,
    })
}
