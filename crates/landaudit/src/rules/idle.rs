//! 闲置土地: classification of each supplied parcel under 《闲置土地处置办法》(国土资源部令第53号)
//! as of an evaluation date, with the reason in plain Chinese and English.
//!
//! The rules (DOMAIN 2.1–2.4):
//! - 第二条: idle = not started (动工开发) one year after the agreed start date (约定动工日期) of the
//!   contract or 划拨决定书; also idle = started, but developed area < 1/3 of the total or investment
//!   < 25 % of the total, and construction halted (中止) for one year or more.
//! - 第十四条: idle ≥ 1 year ⇒ 土地闲置费 = 20 % of the price (出让/划拨价款); ≥ 2 years ⇒ 无偿收回.
//! - 第八条: government-caused delay (政府原因) ⇒ no fee, no recovery; disposal under 第十二条.
//! - "满一年" is counted on the calendar (same day next year); the 29 February convention, every
//!   threshold and the fee rate are settings ([`IdleSettings`]).

use chrono::NaiveDate;
use serde::Deserialize;

use crate::dates::{LeapDay, add_years_with, years_months};

/// Idle-land settings (`[idle]` in the config). Defaults follow 53号令.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdleSettings {
    /// Without an actual start date, a parcel counts as started when footprints cover at least
    /// this share of it. Default 0.10 (an assumption: 第三十条 defines 动工 by foundation work,
    /// which imagery sees only as partial cover).
    pub started_min_built_frac: f64,
    /// Developed-area share below which a started parcel can be idle (第二条: 1/3).
    pub developed_min_ratio: f64,
    /// Investment share below which a started parcel can be idle (第二条: 25 %).
    pub investment_min_ratio: f64,
    /// Years after the agreed start before a fee is due (第十四条: 1).
    pub fee_years: u32,
    /// Years after the agreed start before recovery without compensation (第十四条: 2).
    pub recover_years: u32,
    /// Years of halted construction that make a started parcel idle (第二条: 1).
    pub halted_years: u32,
    /// Idle fee as a share of the land price JK (第十四条: 20 %).
    pub fee_rate: f64,
    /// Where the anniversary of 29 February falls in a common year.
    pub leap_day: LeapDay,
    /// ZFYY values that mean "not government-caused" (compared trimmed, case-insensitively); any
    /// other non-empty value is a government cause and is quoted in the reason.
    pub not_gov_cause: Vec<String>,
    /// Footprint cover growth below this share of the parcel counts as "no growth" when judging
    /// halted construction from dated footprints. Default 0.01.
    pub growth_tolerance: f64,
}

impl Default for IdleSettings {
    fn default() -> Self {
        IdleSettings {
            started_min_built_frac: 0.10,
            developed_min_ratio: 1.0 / 3.0,
            investment_min_ratio: 0.25,
            fee_years: 1,
            recover_years: 2,
            halted_years: 1,
            fee_rate: 0.20,
            leap_day: LeapDay::Feb28,
            not_gov_cause: ["", "0", "否", "无", "n", "no", "false", "f"]
                .map(String::from)
                .to_vec(),
            growth_tolerance: 0.01,
        }
    }
}

impl IdleSettings {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("started_min_built_frac", self.started_min_built_frac),
            ("developed_min_ratio", self.developed_min_ratio),
            ("investment_min_ratio", self.investment_min_ratio),
            ("fee_rate", self.fee_rate),
            ("growth_tolerance", self.growth_tolerance),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("[idle] {name} must be between 0 and 1, got {v}"));
            }
        }
        if self.fee_years == 0 || self.recover_years < self.fee_years {
            return Err("[idle] need 0 < fee_years ≤ recover_years".into());
        }
        Ok(())
    }
}

/// The idle-land status of a supplied parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdleStatus {
    /// 未到约定动工日.
    NotDue,
    /// 逾期未动工: past the agreed start, under one year.
    Overdue,
    /// 闲置满一年: idle fee due.
    Idle1y,
    /// 闲置满两年: recovery without compensation.
    Idle2y,
    /// 中止开发满一年: started, under 1/3 developed or 25 % invested, halted ≥ 1 year.
    Halted,
    /// 政府原因: would be idle, but the delay is government-caused.
    GovCause,
    /// 已动工.
    Started,
    /// 已竣工.
    Completed,
    /// 逾期未竣工: started, past the agreed completion date, not completed (not idle by itself).
    LateCompletion,
    /// Dates missing: the reason says which.
    Unknown,
}

impl IdleStatus {
    /// All statuses, in report order.
    pub const ALL: [IdleStatus; 10] = [
        IdleStatus::Idle2y,
        IdleStatus::Idle1y,
        IdleStatus::Halted,
        IdleStatus::GovCause,
        IdleStatus::Overdue,
        IdleStatus::LateCompletion,
        IdleStatus::NotDue,
        IdleStatus::Started,
        IdleStatus::Completed,
        IdleStatus::Unknown,
    ];

    /// Machine name.
    pub fn name(self) -> &'static str {
        match self {
            IdleStatus::NotDue => "not_due",
            IdleStatus::Overdue => "overdue",
            IdleStatus::Idle1y => "idle_1y",
            IdleStatus::Idle2y => "idle_2y",
            IdleStatus::Halted => "halted",
            IdleStatus::GovCause => "gov_cause",
            IdleStatus::Started => "started",
            IdleStatus::Completed => "completed",
            IdleStatus::LateCompletion => "late_completion",
            IdleStatus::Unknown => "unknown",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            IdleStatus::NotDue => "未到约定动工日",
            IdleStatus::Overdue => "逾期未动工",
            IdleStatus::Idle1y => "闲置满一年",
            IdleStatus::Idle2y => "闲置满两年",
            IdleStatus::Halted => "中止开发满一年",
            IdleStatus::GovCause => "政府原因",
            IdleStatus::Started => "已动工",
            IdleStatus::Completed => "已竣工",
            IdleStatus::LateCompletion => "逾期未竣工",
            IdleStatus::Unknown => "无法判定",
        }
    }

    /// Idle land under 第二条 (government-caused idle land is idle land too, 第八条).
    pub fn is_idle(self) -> bool {
        matches!(
            self,
            IdleStatus::Idle1y | IdleStatus::Idle2y | IdleStatus::Halted | IdleStatus::GovCause
        )
    }

    /// Statuses written to `idle.geojson`: idle, or on the way (overdue).
    pub fn is_flagged(self) -> bool {
        self.is_idle() || self == IdleStatus::Overdue
    }
}

/// What the status leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposal {
    /// Nothing.
    None,
    /// 征缴土地闲置费 (第十四条).
    Fee,
    /// 无偿收回 (第十四条).
    Recover,
    /// Government cause: 第十二条 options.
    GovOptions,
    /// Watch: 督促动工 before the year is full.
    Urge,
}

impl Disposal {
    /// Chinese text for reports.
    pub fn label(self) -> &'static str {
        match self {
            Disposal::None => "",
            Disposal::Fee => "征缴土地闲置费",
            Disposal::Recover => "无偿收回国有建设用地使用权",
            Disposal::GovOptions => {
                "按第十二条处置：延长动工开发期限、调整用途或规划条件、临时使用、协议有偿收回、置换土地等"
            }
            Disposal::Urge => "督促按期动工",
        }
    }
}

/// The evidence for one supply (from its attributes and the footprint overlay).
#[derive(Debug, Clone, Default)]
pub struct IdleEvidence {
    /// 约定动工日期 YDKGRQ.
    pub ydkgrq: Option<NaiveDate>,
    /// 实际动工日期 SJKGRQ.
    pub sjkgrq: Option<NaiveDate>,
    /// 约定竣工日期 YDJGRQ.
    pub ydjgrq: Option<NaiveDate>,
    /// 实际竣工日期 SJJGRQ.
    pub sjjgrq: Option<NaiveDate>,
    /// 中止开发日期 ZZRQ.
    pub zzrq: Option<NaiveDate>,
    /// Parcel area (m²), the denominator of the developed-area share.
    pub area_m2: f64,
    /// 已开发面积 YKFMJ (m²).
    pub ykfmj: Option<f64>,
    /// 总投资 ZTZ (yuan).
    pub ztz: Option<f64>,
    /// 已投资 YTZ (yuan).
    pub ytz: Option<f64>,
    /// 出让/划拨价款 JK (yuan).
    pub jk: Option<f64>,
    /// 政府原因 ZFYY as written.
    pub zfyy: Option<String>,
    /// Share of the parcel covered by footprints (None without a footprints layer).
    pub built_frac: Option<f64>,
    /// Footprint cover share per observation date, ascending by date.
    pub built_by_date: Vec<(NaiveDate, f64)>,
}

/// The verdict for one supply.
#[derive(Debug, Clone, PartialEq)]
pub struct IdleVerdict {
    /// Status.
    pub status: IdleStatus,
    /// Days idle: from the agreed start (not started) or from the halt (halted).
    pub idle_days: Option<i64>,
    /// Idle fee in yuan where one applies and JK is known.
    pub fee_yuan: Option<f64>,
    /// What the status leads to.
    pub disposal: Disposal,
    /// The reason in Chinese, with the dates and figures that decided it.
    pub reason: String,
    /// The same in English.
    pub reason_en: String,
}

/// The reason being written: its parts, joined with `；` (Chinese) and `; ` (English).
struct Why {
    zh: String,
    en: String,
    parts: usize,
}

impl Why {
    fn new() -> Self {
        Why {
            zh: String::new(),
            en: String::new(),
            parts: 0,
        }
    }
    /// Adds one part, written in place (no String per part).
    fn add(&mut self, zh: impl std::fmt::Display, en: impl std::fmt::Display) {
        use std::fmt::Write;
        if self.parts > 0 {
            self.zh.push('；');
            self.en.push_str("; ");
        }
        self.parts += 1;
        let _ = write!(self.zh, "{zh}");
        let _ = write!(self.en, "{en}");
    }
    fn finish(self, status: IdleStatus, disposal: Disposal) -> (String, String) {
        let (mut zh, mut en) = (self.zh, self.en);
        zh.push_str(" → ");
        zh.push_str(status.label());
        if !matches!(disposal, Disposal::None | Disposal::Urge) {
            zh.push('，');
            zh.push_str(disposal.label());
        }
        en.push_str(" → ");
        en.push_str(status.name());
        en.push_str(match disposal {
            Disposal::Fee => " (idle fee due)",
            Disposal::Recover => " (recovery without compensation)",
            Disposal::GovOptions => " (no fee or recovery; disposal under art. 12)",
            _ => "",
        });
        (zh, en)
    }
}

fn span_zh(from: NaiveDate, to: NaiveDate) -> String {
    let (y, m) = years_months(from, to);
    match (y, m) {
        (0, m) => format!("{m} 个月"),
        (y, 0) => format!("{y} 年"),
        (y, m) => format!("{y} 年 {m} 个月"),
    }
}

fn span_en(from: NaiveDate, to: NaiveDate) -> String {
    let (y, m) = years_months(from, to);
    format!("{y} y {m} m")
}

/// Classifies one supply as of `as_of`.
///
/// ```
/// use chrono::NaiveDate;
/// use landaudit::rules::idle::{classify, IdleEvidence, IdleSettings, IdleStatus};
/// let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
/// let e = IdleEvidence { ydkgrq: d(2021, 3, 1), area_m2: 10_000.0, jk: Some(5.0e6),
///                        built_frac: Some(0.0), ..Default::default() };
/// let v = classify(&e, d(2026, 6, 30).unwrap(), &IdleSettings::default());
/// assert_eq!(v.status, IdleStatus::Idle2y);
/// assert!(v.reason.contains("已超过 5 年 3 个月"), "{}", v.reason);
/// ```
pub fn classify(e: &IdleEvidence, as_of: NaiveDate, s: &IdleSettings) -> IdleVerdict {
    let mut why = Why::new();
    let leap = s.leap_day;
    let gov = e
        .zfyy
        .as_deref()
        .map(str::trim)
        .filter(|z| !s.not_gov_cause.iter().any(|n| n.eq_ignore_ascii_case(z)));
    let done = |status: IdleStatus, disposal: Disposal, idle_days, fee_yuan, why: Why| {
        let (reason, reason_en) = why.finish(status, disposal);
        IdleVerdict {
            status,
            idle_days,
            fee_yuan,
            disposal,
            reason,
            reason_en,
        }
    };

    if let Some(ae) = e.sjjgrq.filter(|d| *d <= as_of) {
        why.add(
            format_args!("实际竣工日期 {ae}"),
            format_args!("completed on {ae}"),
        );
        return done(IdleStatus::Completed, Disposal::None, None, None, why);
    }

    // Evidence of 动工: the actual start date when recorded, otherwise the footprint cover.
    let started = match (e.sjkgrq, e.built_frac) {
        (Some(a), _) if a <= as_of => {
            why.add(
                format_args!("实际动工日期 {a}"),
                format_args!("started on {a}"),
            );
            true
        }
        (Some(a), _) => {
            why.add(
                format_args!("实际动工日期 {a} 晚于评估日 {as_of}"),
                format_args!("recorded start {a} is after the evaluation date {as_of}"),
            );
            false
        }
        (None, Some(bf)) if bf >= s.started_min_built_frac => {
            why.add(
                format_args!(
                    "无实际动工日期；建成比例 {bf:.2} 达到动工阈值 {:.2}",
                    s.started_min_built_frac
                ),
                format_args!(
                    "no start date; built fraction {bf:.2} ≥ start threshold {:.2}",
                    s.started_min_built_frac
                ),
            );
            true
        }
        (None, Some(bf)) => {
            why.add(
                format_args!(
                    "无实际动工日期；建成比例 {bf:.2} 低于动工阈值 {:.2}",
                    s.started_min_built_frac
                ),
                format_args!(
                    "no start date; built fraction {bf:.2} < start threshold {:.2}",
                    s.started_min_built_frac
                ),
            );
            false
        }
        (None, None) => {
            why.add(
                "无实际动工日期，无建设范围图层",
                "no start date and no footprints",
            );
            false
        }
    };

    if !started {
        let Some(ds) = e.ydkgrq else {
            why.add(
                "约定动工日期 YDKGRQ 缺失，无法判定",
                "agreed start date YDKGRQ missing: cannot judge",
            );
            return done(IdleStatus::Unknown, Disposal::None, None, None, why);
        };
        if as_of < ds {
            why.add(
                format_args!("约定动工日期 {ds}，评估日 {as_of} 尚未到期"),
                format_args!("agreed start {ds} is after the evaluation date {as_of}"),
            );
            return done(IdleStatus::NotDue, Disposal::None, None, None, why);
        }
        let days = (as_of - ds).num_days();
        why.add(
            format_args!(
                "约定动工日期 {ds}，评估日 {as_of} 已超过 {}",
                span_zh(ds, as_of)
            ),
            format_args!(
                "agreed start {ds}, {} before the evaluation date {as_of}",
                span_en(ds, as_of)
            ),
        );
        let status = if as_of >= add_years_with(ds, s.recover_years as i32, leap) {
            IdleStatus::Idle2y
        } else if as_of >= add_years_with(ds, s.fee_years as i32, leap) {
            IdleStatus::Idle1y
        } else {
            why.add(
                format_args!(
                    "满一年之日为 {}",
                    add_years_with(ds, s.fee_years as i32, leap)
                ),
                format_args!(
                    "one full year on {}",
                    add_years_with(ds, s.fee_years as i32, leap)
                ),
            );
            return done(IdleStatus::Overdue, Disposal::Urge, Some(days), None, why);
        };
        if government_cause(gov, &mut why) {
            return done(
                IdleStatus::GovCause,
                Disposal::GovOptions,
                Some(days),
                None,
                why,
            );
        }
        return match status {
            IdleStatus::Idle2y => done(status, Disposal::Recover, Some(days), None, why),
            _ => {
                let fee = fee(e, s, &mut why);
                done(status, Disposal::Fee, Some(days), fee, why)
            }
        };
    }

    // Started: idle only if under-developed or under-invested and halted for a full year.
    let dev = match e.ykfmj {
        Some(m2) if e.area_m2 > 0.0 => Some((m2 / e.area_m2, "已开发面积比例", "developed share")),
        _ => e.built_frac.map(|b| (b, "建成比例", "built fraction")),
    };
    let inv = match (e.ytz, e.ztz) {
        (Some(y), Some(z)) if z > 0.0 => Some(y / z),
        _ => None,
    };
    let mut low = false;
    if let Some((r, zh, en)) = dev
        && r < s.developed_min_ratio
    {
        low = true;
        why.add(
            format_args!("{zh} {r:.2} 低于 {:.2}", s.developed_min_ratio),
            format_args!("{en} {r:.2} < {:.2}", s.developed_min_ratio),
        );
    }
    if let Some(r) = inv
        && r < s.investment_min_ratio
    {
        low = true;
        why.add(
            format_args!("已投资比例 {r:.2} 低于 {:.2}", s.investment_min_ratio),
            format_args!("investment share {r:.2} < {:.2}", s.investment_min_ratio),
        );
    }
    let halted_since = e
        .zzrq
        .filter(|z| *z <= as_of)
        .map(|z| (z, true))
        .or_else(|| halted_by_footprints(&e.built_by_date, s).map(|d| (d, false)));
    if low
        && let Some((h, by_date)) = halted_since
        && as_of >= add_years_with(h, s.halted_years as i32, leap)
    {
        let days = (as_of - h).num_days();
        if by_date {
            why.add(
                format_args!("中止开发日期 {h}，至评估日已 {}", span_zh(h, as_of)),
                format_args!(
                    "halted on {h}, {} before the evaluation date",
                    span_en(h, as_of)
                ),
            );
        } else {
            why.add(
                format_args!(
                    "建设范围自 {h} 起未再增长，至评估日已 {}",
                    span_zh(h, as_of)
                ),
                format_args!(
                    "no footprint growth since {h}, {} before the evaluation date",
                    span_en(h, as_of)
                ),
            );
        }
        if government_cause(gov, &mut why) {
            return done(
                IdleStatus::GovCause,
                Disposal::GovOptions,
                Some(days),
                None,
                why,
            );
        }
        if as_of >= add_years_with(h, s.recover_years as i32, leap) {
            return done(IdleStatus::Halted, Disposal::Recover, Some(days), None, why);
        }
        let fee = fee(e, s, &mut why);
        return done(IdleStatus::Halted, Disposal::Fee, Some(days), fee, why);
    }
    if low {
        // Under-developed alone is not idle (第二条 needs a halt of a full year too): say why not.
        match halted_since {
            Some((h, _)) => why.add(
                format_args!("中止开发自 {h} 起未满一年"),
                format_args!("halted since {h}, less than a year"),
            ),
            None => why.add(
                "未见中止开发满一年的证据（无中止日期，建设范围未见一年无增长）",
                "no evidence of a halt of a year (no halt date, no year without footprint growth)",
            ),
        }
    }
    if let Some(de) = e.ydjgrq.filter(|d| as_of > *d) {
        why.add(
            format_args!("约定竣工日期 {de} 已过，未竣工"),
            format_args!("agreed completion {de} passed, not completed"),
        );
        return done(IdleStatus::LateCompletion, Disposal::None, None, None, why);
    }
    done(IdleStatus::Started, Disposal::None, None, None, why)
}

/// 第八条: a parcel that would be idle through a government cause is `gov_cause` (no fee, no
/// recovery). Records which way it went.
fn government_cause(gov: Option<&str>, why: &mut Why) -> bool {
    match gov {
        Some(cause) => {
            why.add(
                format_args!("政府原因（ZFYY = {cause}）"),
                format_args!("government cause (ZFYY = {cause})"),
            );
            true
        }
        None => {
            why.add("非政府原因", "not government-caused");
            false
        }
    }
}

fn fee(e: &IdleEvidence, s: &IdleSettings, why: &mut Why) -> Option<f64> {
    match e.jk {
        Some(jk) if jk >= 0.0 => {
            let f = (jk * s.fee_rate * 100.0).round() / 100.0;
            why.add(
                format_args!(
                    "闲置费 = 价款 {jk:.2} 元 × {:.0}% = {f:.2} 元",
                    s.fee_rate * 100.0
                ),
                format_args!(
                    "idle fee = price {jk:.2} × {:.0}% = {f:.2} yuan",
                    s.fee_rate * 100.0
                ),
            );
            Some(f)
        }
        _ => {
            why.add(
                "价款 JK 缺失，闲置费待核定",
                "price JK missing: fee to be assessed",
            );
            None
        }
    }
}

/// From dated footprint cover shares (ascending), the date since which construction has not grown:
/// the earliest date d with cover(latest) ≤ cover(d) + tolerance, provided the latest date is at
/// least one year after d (so "no growth" is observed over a year). `None` with fewer than two dates.
pub fn halted_by_footprints(built: &[(NaiveDate, f64)], s: &IdleSettings) -> Option<NaiveDate> {
    let &(last_date, last) = built.last()?;
    built
        .iter()
        .take(built.len() - 1)
        .find(|(d, b)| {
            last <= b + s.growth_tolerance
                && last_date >= add_years_with(*d, s.halted_years as i32, s.leap_day)
        })
        .map(|(d, _)| *d)
}
