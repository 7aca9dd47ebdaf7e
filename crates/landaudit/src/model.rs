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
    /// The parcel.
    pub parcel: Parcel,
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

/// Builds approvals from a loaded layer; unreadable optional fields become warnings.
pub fn approvals_from(layer: &Layer, cfg: &Config) -> (Vec<Approval>, Vec<Rejection>) {
    let f = &cfg.fields.approvals;
    let mut warnings = Vec::new();
    let approvals = layer
        .parcels
        .iter()
        .map(|p| {
            let pzrq = p.attrs.date("pzrq").unwrap_or_else(|bad| {
                warnings.push(warn(
                    layer,
                    p,
                    format!(
                        "field {}: unreadable date {bad:?}; age unknown",
                        f.source_for("pzrq")
                    ),
                ));
                None
            });
            let pzmj_m2 = match p.attrs.number("pzmj") {
                Ok(v) => v.map(|v| cfg.approvals.pzmj_unit.to_m2(v)),
                Err(bad) => {
                    warnings.push(warn(
                        layer,
                        p,
                        format!("field {}: not a number {bad:?}", f.source_for("pzmj")),
                    ));
                    None
                }
            };
            Approval {
                pzwh: p.id.clone(),
                pcmc: p.attrs.text("pcmc"),
                xzqdm: p.attrs.text("xzqdm"),
                pzrq,
                pzmj_m2,
                lx: p.attrs.text("lx"),
                parcel: p.clone(),
            }
        })
        .collect();
    (approvals, warnings)
}

/// Builds supplies from a loaded layer.
pub fn supplies_from(layer: &Layer) -> Vec<Supply> {
    layer
        .parcels
        .iter()
        .map(|p| Supply {
            dzjgh: p.id.clone(),
            pzwh: p
                .attrs
                .text("pzwh")
                .map(|s| split_pzwh(&s))
                .unwrap_or_default(),
            gyfs: p.attrs.text("gyfs"),
            parcel: p.clone(),
        })
        .collect()
}
