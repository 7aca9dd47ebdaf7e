//! Attribute tables: approval numbers, dates, batch names, areas; supply ids, links, supply
//! methods, contract and construction dates, prices and investment.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::Rng;
use serde_json::{Map, Value};

use crate::layout::PlacedApproval;

/// XZQDM of the west, middle and east thirds of the county.
pub(crate) const CODES: [&str; 3] = ["330106", "330108", "330110"];
/// District names matching [`CODES`].
const DISTRICTS: [&str; 3] = ["西湖区", "滨江区", "余杭区"];
/// 单独选址 project names (the district name is put in front).
const PROJECTS: [&str; 12] = [
    "杭州绕城高速公路西复线工程",
    "500千伏输变电工程",
    "220千伏变电站工程",
    "城市快速路工程",
    "污水处理厂扩建工程",
    "水库除险加固工程",
    "天然气高压管网工程",
    "城际铁路工程",
    "地铁线路工程",
    "垃圾焚烧发电工程",
    "国道改建工程",
    "抽水蓄能电站工程",
];
/// 供应方式: Chinese name and code (DOMAIN 1.2).
const GYFS: [(&str, &str, f64); 6] = [
    ("划拨", "1", 0.20),
    ("协议出让", "3", 0.05),
    ("招标出让", "21", 0.05),
    ("拍卖出让", "22", 0.10),
    ("挂牌出让", "23", 0.55),
    ("租赁", "4", 0.05),
];

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// Approvals are dated 2008-01-01 ..= 2025-12-31.
fn first_approval_date() -> NaiveDate {
    ymd(2008, 1, 1)
}
fn last_approval_date() -> NaiveDate {
    ymd(2025, 12, 31)
}
/// The survey's "today": no actual date (contract, start, completion, halt) lies after it.
pub(crate) fn survey_date() -> NaiveDate {
    ymd(2026, 6, 30)
}

fn random_date<R: Rng>(rng: &mut R, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    let span = (hi - lo).num_days().max(0) as u64;
    lo + Days::new(rng.random_range(0..=span))
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d + Days::new(n as u64)
    } else {
        d - Days::new(n.unsigned_abs())
    }
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m))
        .expect("date in chrono's range")
}

/// "YYYY-MM-DD" for ~90 %, "YYYY/MM/DD" for ~5 %, "YYYYMMDD" for ~5 %.
pub(crate) fn fmt_date<R: Rng>(rng: &mut R, d: NaiveDate) -> String {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    let r: f64 = rng.random();
    if r < 0.90 {
        format!("{y:04}-{m:02}-{dd:02}")
    } else if r < 0.95 {
        format!("{y:04}/{m:02}/{dd:02}")
    } else {
        format!("{y:04}{m:02}{dd:02}")
    }
}

/// What the supply pass needs to know about an approval.
pub(crate) struct ApprovalInfo {
    pub pzwh: String,
    pub date: NaiveDate,
}

/// Counters of the approval attribute pass.
#[derive(Default)]
pub(crate) struct ApprovalAttrStats {
    pub pzmj_deviating: usize,
    pub separate_site: usize,
}

/// Properties of every approval, in the order given.
pub(crate) fn approval_properties<R: Rng>(
    rng: &mut R,
    approvals: &[PlacedApproval],
) -> (
    Vec<Map<String, Value>>,
    Vec<ApprovalInfo>,
    ApprovalAttrStats,
) {
    let n = approvals.len();
    let mut stats = ApprovalAttrStats::default();
    // dates: an approval placed on top of another is approved later than it
    let mut is_target = vec![false; n];
    for a in approvals {
        if let Some(t) = a.overlaps {
            is_target[t] = true;
        }
    }
    let mut dates = Vec::with_capacity(n);
    for (i, a) in approvals.iter().enumerate() {
        let d = match a.overlaps {
            Some(t) => {
                let earlier: NaiveDate = dates[t];
                random_date(rng, add_days(earlier, 30), last_approval_date())
            }
            None if is_target[i] => random_date(rng, first_approval_date(), ymd(2024, 12, 31)),
            None => random_date(rng, first_approval_date(), last_approval_date()),
        };
        dates.push(d);
    }
    let separate: Vec<bool> = (0..n).map(|_| rng.random_bool(0.2)).collect();

    // numbers run in date order: province-wide per year (with gaps, as other counties take
    // numbers too), batch numbers per district and year
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (dates[i], i));
    let mut pzwh_no: BTreeMap<(i32, bool), u32> = BTreeMap::new();
    let mut batch_no: BTreeMap<(usize, i32), u32> = BTreeMap::new();
    let mut pzwh = vec![String::new(); n];
    let mut pcmc = vec![String::new(); n];
    for &i in &order {
        let y = dates[i].year();
        let no = pzwh_no.entry((y, separate[i])).or_insert(0);
        *no += rng.random_range(1..=4);
        let band = approvals[i].band;
        if separate[i] {
            pzwh[i] = format!("浙土字〔{y}〕A{no}号");
            let p = PROJECTS[rng.random_range(0..PROJECTS.len())];
            pcmc[i] = format!("杭州市{}{p}", DISTRICTS[band]);
        } else {
            pzwh[i] = format!("浙政土〔{y}〕{no}号");
            let b = batch_no.entry((band, y)).or_insert(0);
            *b += 1;
            let kind = if rng.random_bool(0.1) {
                "村镇"
            } else {
                "城镇"
            };
            pcmc[i] = format!("杭州市{}{y}年度第{b}批次{kind}建设用地", DISTRICTS[band]);
        }
    }

    let mut props = Vec::with_capacity(n);
    for (i, a) in approvals.iter().enumerate() {
        let mut ha = a.area / 10_000.0;
        if rng.random_bool(0.05) {
            let dev: f64 = rng.random_range(0.01..=0.10);
            ha *= if rng.random_bool(0.5) {
                1.0 + dev
            } else {
                1.0 - dev
            };
            stats.pzmj_deviating += 1;
        }
        if separate[i] {
            stats.separate_site += 1;
        }
        let mut m = Map::new();
        m.insert("PZWH".into(), Value::from(pzwh[i].clone()));
        m.insert("PZRQ".into(), Value::from(fmt_date(rng, dates[i])));
        m.insert("PCMC".into(), Value::from(std::mem::take(&mut pcmc[i])));
        m.insert(
            "PZMJ".into(),
            Value::from((ha * 10_000.0).round() / 10_000.0),
        );
        m.insert("XZQDM".into(), Value::from(CODES[a.band]));
        m.insert(
            "LX".into(),
            Value::from(if separate[i] {
                "单独选址"
            } else {
                "批次"
            }),
        );
        props.push(m);
    }
    let infos = pzwh
        .into_iter()
        .zip(dates)
        .map(|(pzwh, date)| ApprovalInfo { pzwh, date })
        .collect();
    (props, infos, stats)
}

/// Where a supply parcel came from.
pub(crate) enum Origin {
    /// Cut from approval `approval`; also overlaps the approvals in `straddles`.
    Cut {
        approval: usize,
        straddles: Vec<usize>,
    },
    /// A lot outside every approval (存量).
    Outside,
    /// The same land supplied again; `of` indexes an earlier supply.
    Duplicate { of: usize },
}

/// A supply parcel as the attribute pass sees it.
pub(crate) struct SupplyInput {
    pub area: f64,
    pub band: usize,
    pub origin: Origin,
}

/// Counters of the supply attribute pass (approval-linked parcels only, duplicates excluded).
#[derive(Default)]
pub(crate) struct LinkStats {
    pub own: usize,
    pub several: usize,
    pub missing: usize,
    pub wrong: usize,
    pub nonexistent: usize,
}

/// What the footprint pass needs to know about a supply's attributes (as written).
#[derive(Clone, Debug)]
pub(crate) struct SupplyFacts {
    /// SJKGRQ.
    pub started: Option<NaiveDate>,
    /// SJJGRQ.
    pub completed: Option<NaiveDate>,
    /// ZZRQ.
    pub halted: Option<NaiveDate>,
    /// YKFMJ / parcel area, when YKFMJ is given.
    pub developed_share: Option<f64>,
    /// YTZ / ZTZ.
    pub invested_share: f64,
}

/// Remembered per supply so that a duplicate can copy it.
#[derive(Clone)]
struct Remembered {
    contract: NaiveDate,
    link: Option<Value>,
}

/// Properties of every supply, in the order given (duplicates must come after their source).
pub(crate) fn supply_properties<R: Rng>(
    rng: &mut R,
    inputs: &[SupplyInput],
    approvals: &[ApprovalInfo],
    stats: &mut LinkStats,
) -> (Vec<Map<String, Value>>, Vec<SupplyFacts>) {
    let real: HashSet<&str> = approvals.iter().map(|a| a.pzwh.as_str()).collect();
    let cap = survey_date();
    let mut remembered: Vec<Remembered> = Vec::with_capacity(inputs.len());
    let mut props: Vec<Map<String, Value>> = Vec::with_capacity(inputs.len());
    let mut keys: Vec<(usize, NaiveDate)> = Vec::with_capacity(inputs.len());
    let mut facts: Vec<SupplyFacts> = Vec::with_capacity(inputs.len());
    let wrong_approval = |rng: &mut R, own: Option<usize>| -> Option<Value> {
        if approvals.len() < 2 && own.is_some() {
            return None;
        }
        loop {
            let k = rng.random_range(0..approvals.len());
            if Some(k) != own {
                return Some(Value::from(approvals[k].pzwh.clone()));
            }
        }
    };

    for input in inputs {
        // contract date and approval link
        let (contract, link) = match &input.origin {
            Origin::Cut {
                approval,
                straddles,
            } => {
                let pzrq = approvals[*approval].date;
                let mut room = 0u32;
                while room < 24 && add_months(pzrq, room + 1) <= cap {
                    room += 1;
                }
                let contract = add_days(
                    add_months(pzrq, rng.random_range(1..=room.max(1))),
                    rng.random_range(0..28),
                )
                .min(cap);
                let r: f64 = rng.random();
                let link = if !(0.85..0.98).contains(&r) {
                    if straddles.is_empty() {
                        stats.own += 1;
                        Some(Value::from(approvals[*approval].pzwh.clone()))
                    } else {
                        stats.several += 1;
                        let sep = if rng.random_bool(0.2) { "," } else { ";" };
                        let mut all = vec![approvals[*approval].pzwh.as_str()];
                        all.extend(straddles.iter().map(|&s| approvals[s].pzwh.as_str()));
                        Some(Value::from(all.join(sep)))
                    }
                } else if r < 0.90 {
                    stats.missing += 1;
                    Some(if rng.random_bool(0.5) {
                        Value::from("")
                    } else {
                        Value::Null
                    })
                } else if r < 0.95 {
                    match wrong_approval(rng, Some(*approval)) {
                        Some(v) => {
                            stats.wrong += 1;
                            Some(v)
                        }
                        None => {
                            stats.own += 1;
                            Some(Value::from(approvals[*approval].pzwh.clone()))
                        }
                    }
                } else {
                    stats.nonexistent += 1;
                    Some(Value::from(nonexistent_pzwh(rng, &real)))
                };
                (contract, link)
            }
            Origin::Outside => {
                let contract = random_date(rng, ymd(1995, 1, 1), ymd(2024, 12, 31));
                let r: f64 = rng.random();
                let link = if r < 0.5 {
                    None
                } else if r < 0.85 {
                    Some(Value::from(""))
                } else if r < 0.95 || approvals.is_empty() {
                    Some(Value::Null)
                } else {
                    wrong_approval(rng, None)
                };
                (contract, link)
            }
            Origin::Duplicate { of } => {
                let src = &remembered[*of];
                let contract = add_months(src.contract, rng.random_range(1..=36)).min(cap);
                (contract, src.link.clone())
            }
        };
        remembered.push(Remembered {
            contract,
            link: link.clone(),
        });
        keys.push((input.band, contract));

        let mut m = Map::new();
        if let Some(v) = link {
            m.insert("PZWH".into(), v);
        }
        let r: f64 = rng.random();
        let mut acc = 0.0;
        let mut gyfs = GYFS[GYFS.len() - 1];
        for g in GYFS {
            acc += g.2;
            if r < acc {
                gyfs = g;
                break;
            }
        }
        let allocated = gyfs.0 == "划拨";
        m.insert(
            "GYFS".into(),
            Value::from(if rng.random_bool(0.2) { gyfs.1 } else { gyfs.0 }),
        );
        m.insert("HTQDRQ".into(), Value::from(fmt_date(rng, contract)));
        let agreed_start = add_months(contract, rng.random_range(3..=12));
        let agreed_end = add_months(agreed_start, rng.random_range(12..=36));
        m.insert("YDKGRQ".into(), Value::from(fmt_date(rng, agreed_start)));
        m.insert("YDJGRQ".into(), Value::from(fmt_date(rng, agreed_end)));

        // actual start for ~60 %, never after the survey date
        let mut started = None;
        if rng.random_bool(0.6) {
            let s = add_days(agreed_start, rng.random_range(-60..=900));
            let earliest = add_days(agreed_start, -60);
            started = if s <= cap {
                Some(s)
            } else if earliest <= cap {
                Some(random_date(rng, earliest, cap))
            } else {
                None
            };
        }
        // actual completion for ~30 % of those started
        let mut completed = None;
        let mut halted = None;
        if let Some(s) = started {
            if rng.random_bool(0.3) {
                let lo = add_days(s, 300);
                if lo <= cap {
                    completed = Some(add_days(s, rng.random_range(300..=1400)).min(cap));
                }
            } else if rng.random_bool(0.2) {
                let z = add_days(s, rng.random_range(30..=720));
                halted = (z <= cap).then_some(z);
            }
        }
        for (key, d) in [("SJKGRQ", started), ("SJJGRQ", completed)] {
            match d {
                Some(d) => {
                    m.insert(key.into(), Value::from(fmt_date(rng, d)));
                }
                None => {
                    if rng.random_bool(0.5) {
                        m.insert(key.into(), Value::Null);
                    }
                }
            }
        }
        if let Some(z) = halted {
            m.insert("ZZRQ".into(), Value::from(fmt_date(rng, z)));
        }

        // money (yuan) and development
        let area = input.area;
        let jk = if allocated && rng.random_bool(0.5) {
            0
        } else if allocated {
            (area * rng.random_range(50.0..400.0)).round() as i64
        } else {
            (area * rng.random_range(200.0..3000.0)).round() as i64
        };
        let ztz = if jk > 0 {
            (jk as f64 * rng.random_range(2.0..10.0)).round() as i64
        } else {
            (area * rng.random_range(1000.0..5000.0)).round() as i64
        };
        let invested_share: f64 = match (started, completed) {
            (None, _) => {
                if rng.random_bool(0.8) {
                    0.0
                } else {
                    rng.random_range(0.0..0.1)
                }
            }
            (Some(_), None) => rng.random_range(0.0..1.0),
            (Some(_), Some(_)) => rng.random_range(0.8..=1.0),
        };
        let ytz = (ztz as f64 * invested_share).round() as i64;
        m.insert("JK".into(), Value::from(jk));
        m.insert("ZTZ".into(), Value::from(ztz));
        m.insert("YTZ".into(), Value::from(ytz));
        let mut developed_share = None;
        if rng.random_bool(0.4) {
            let share: f64 = match (started, completed) {
                (None, _) => 0.0,
                (Some(_), None) => rng.random_range(0.0..1.0),
                (Some(_), Some(_)) => rng.random_range(0.9..=1.0),
            };
            let ykfmj = (area * share * 100.0).round() / 100.0;
            developed_share = Some(ykfmj / area);
            m.insert("YKFMJ".into(), Value::from(ykfmj));
        }
        facts.push(SupplyFacts {
            started,
            completed,
            halted,
            developed_share,
            invested_share: ytz as f64 / ztz as f64,
        });
        m.insert(
            "ZFYY".into(),
            Value::from(if rng.random_bool(0.05) { "1" } else { "0" }),
        );
        props.push(m);
    }

    // 电子监管号: XZQDM + contract year + 'B' + serial, serials in contract-date order per
    // district and year (with small gaps)
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| (keys[i].0, keys[i].1, i));
    let mut serial: BTreeMap<(usize, i32), u32> = BTreeMap::new();
    for &i in &order {
        let (band, date) = keys[i];
        let y = date.year();
        let s = serial.entry((band, y)).or_insert(0);
        *s += rng.random_range(1..=3);
        props[i].insert(
            "DZJGH".into(),
            Value::from(format!("{}{y:04}B{:05}", CODES[band], *s)),
        );
    }
    (props, facts)
}

/// An approval number in the usual form that no approval has.
fn nonexistent_pzwh<R: Rng>(rng: &mut R, real: &HashSet<&str>) -> String {
    loop {
        let y = rng.random_range(2008..=2025);
        let no = rng.random_range(1..=99_999);
        let s = format!("浙政土〔{y}〕{no}号");
        if !real.contains(s.as_str()) {
            return s;
        }
    }
}
