//! The domain records built from loaded parcels: approvals and supplies with their typed fields.

use std::sync::Mutex;

use chrono::NaiveDate;
use geo::MultiPolygon;
use rayon::prelude::*;

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

/// Builds one record per parcel with `make`, in parallel, keeping the parcels' order; the
/// warnings come out as a sequential pass would give them (by parcel, then by field).
fn records<T: Send>(
    layer: &Layer,
    parcels: Vec<Parcel>,
    fields: &crate::config::FieldMap,
    make: impl Fn(&mut FieldReader, Parcel) -> T + Sync,
) -> (Vec<T>, Vec<Rejection>) {
    // Warnings are rare: each parcel's few go into one list under a lock, sorted afterwards.
    let found: Mutex<Vec<(usize, Vec<Rejection>)>> = Mutex::default();
    let records = parcels
        .into_par_iter()
        .enumerate()
        .map(|(k, p)| {
            let mut warnings = Vec::new();
            let record = make(
                &mut FieldReader {
                    layer,
                    fields,
                    warnings: &mut warnings,
                },
                p,
            );
            if !warnings.is_empty() {
                found
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((k, warnings));
            }
            record
        })
        .collect();
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_unstable_by_key(|(k, _)| *k);
    (records, found.into_iter().flat_map(|(_, w)| w).collect())
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::io::{ReadOptions, read_layer};
    use crate::layer::LayerKind;

    #[test]
    fn records_built_in_parallel_keep_the_parcels_and_warnings_in_order() {
        // 5,000 supplies; every seventh has an unreadable YDKGRQ and a negative JK, every
        // eleventh an unreadable JK only.
        let n = 5000;
        let features: Vec<String> = (0..n)
            .map(|k| {
                let (ydkgrq, jk) = match (k % 7 == 0, k % 11 == 0) {
                    (true, _) => ("\"soon\"".to_string(), "-1".to_string()),
                    (false, true) => ("\"2020-01-01\"".to_string(), "\"lots\"".to_string()),
                    _ => ("\"2020-01-01\"".to_string(), "1".to_string()),
                };
                let x = k as f64 * 20.0;
                format!(
                    r#"{{"type":"Feature","properties":{{"DZJGH":"S{k:05}","YDKGRQ":{ydkgrq},"JK":{jk}}},"geometry":{{"type":"Polygon","coordinates":[[[{x},0],[{x1},0],[{x1},10],[{x},10],[{x},0]]]}}}}"#,
                    x1 = x + 10.0
                )
            })
            .collect();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(
            f,
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",\n")
        )
        .unwrap();
        let cfg = Config::default();
        let mut layer = read_layer(
            f.path(),
            &ReadOptions::new(LayerKind::Supplies, &cfg.fields.supplies),
        )
        .unwrap();
        let parcels = std::mem::take(&mut layer.parcels);
        let (supplies, warnings) = supplies_from(&layer, parcels, &cfg);
        let ids: Vec<String> = (0..n).map(|k| format!("S{k:05}")).collect();
        assert_eq!(
            supplies.iter().map(|s| s.dzjgh.clone()).collect::<Vec<_>>(),
            ids
        );
        let mut want = Vec::new();
        for k in 0..n {
            if k % 7 == 0 {
                want.push((k, "field YDKGRQ: unreadable date"));
                want.push((k, "field JK: negative value -1"));
            } else if k % 11 == 0 {
                want.push((k, "field JK: not a number"));
            }
        }
        assert_eq!(warnings.len(), want.len());
        for (w, (k, text)) in warnings.iter().zip(&want) {
            assert_eq!(w.index, *k);
            assert!(w.reason.starts_with(text), "{} vs {text}", w.reason);
        }
        assert_eq!(supplies[7].ydkgrq, None);
        assert_eq!(supplies[1].jk, Some(1.0));
    }
}
