//! Table-driven tests of the idle-land rules (《闲置土地处置办法》, 53号令 第二、八、十四条).
//! Every expected value is worked out by hand from the rule text, for evaluation date
//! T = 2026-06-30 unless a case says otherwise.

use chrono::NaiveDate;
use landaudit::Config;
use landaudit::dates::LeapDay;
use landaudit::rules::idle::{
    Disposal, IdleEvidence, IdleSettings, IdleStatus, classify, halted_by_footprints,
};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

const T: (i32, u32, u32) = (2026, 6, 30);

fn t() -> NaiveDate {
    d(T.0, T.1, T.2)
}

/// A not-started parcel of 1 ha, price 1,000,000 yuan, no footprints cover.
fn not_started(ydkgrq: NaiveDate) -> IdleEvidence {
    IdleEvidence {
        ydkgrq: Some(ydkgrq),
        area_m2: 10_000.0,
        jk: Some(1_000_000.0),
        built_frac: Some(0.0),
        ..Default::default()
    }
}

struct Case {
    name: &'static str,
    e: IdleEvidence,
    status: IdleStatus,
    days: Option<i64>,
    fee: Option<f64>,
    disposal: Disposal,
}

fn run(cases: Vec<Case>, s: &IdleSettings, at: NaiveDate) {
    for c in cases {
        let v = classify(&c.e, at, s);
        assert_eq!(v.status, c.status, "{}: {}", c.name, v.reason);
        assert_eq!(v.idle_days, c.days, "{}: days", c.name);
        assert_eq!(v.fee_yuan, c.fee, "{}: fee", c.name);
        assert_eq!(v.disposal, c.disposal, "{}: disposal", c.name);
        assert!(!v.reason.is_empty() && !v.reason_en.is_empty());
    }
}

#[test]
fn one_and_two_year_boundaries() {
    use IdleStatus::*;
    let cases = vec![
        Case {
            name: "agreed start tomorrow",
            e: not_started(d(2026, 7, 1)),
            status: NotDue,
            days: None,
            fee: None,
            disposal: Disposal::None,
        },
        Case {
            name: "agreed start today",
            e: not_started(d(2026, 6, 30)),
            status: Overdue,
            days: Some(0),
            fee: None,
            disposal: Disposal::Urge,
        },
        // 2025-07-01 + 1 year = 2026-07-01 > T: one day short of a full year.
        Case {
            name: "day before one year",
            e: not_started(d(2025, 7, 1)),
            status: Overdue,
            days: Some(364),
            fee: None,
            disposal: Disposal::Urge,
        },
        // 2025-06-30 + 1 year = T: the year is full today. Fee = 20% of 1,000,000.
        Case {
            name: "on one year",
            e: not_started(d(2025, 6, 30)),
            status: Idle1y,
            days: Some(365),
            fee: Some(200_000.0),
            disposal: Disposal::Fee,
        },
        Case {
            name: "day after one year",
            e: not_started(d(2025, 6, 29)),
            status: Idle1y,
            days: Some(366),
            fee: Some(200_000.0),
            disposal: Disposal::Fee,
        },
        // 2024-07-01 + 2 years = 2026-07-01 > T. Days: 2024-07-01..2026-06-30 = 365 + 364 = 729.
        Case {
            name: "day before two years",
            e: not_started(d(2024, 7, 1)),
            status: Idle1y,
            days: Some(729),
            fee: Some(200_000.0),
            disposal: Disposal::Fee,
        },
        // 2024-06-30 + 2 years = T. 365 (2024-06-30..2025-06-30) + 365 = 730 days.
        Case {
            name: "on two years",
            e: not_started(d(2024, 6, 30)),
            status: Idle2y,
            days: Some(730),
            fee: None,
            disposal: Disposal::Recover,
        },
        Case {
            name: "day after two years",
            e: not_started(d(2024, 6, 29)),
            status: Idle2y,
            days: Some(731),
            fee: None,
            disposal: Disposal::Recover,
        },
    ];
    run(cases, &IdleSettings::default(), t());
}

#[test]
fn leap_day_convention_is_a_setting() {
    // Agreed start 2024-02-29: the first anniversary is 2025-02-28 (feb28) or 2025-03-01 (mar1).
    let e = not_started(d(2024, 2, 29));
    let feb28 = IdleSettings::default();
    let mar1 = IdleSettings {
        leap_day: LeapDay::Mar1,
        ..Default::default()
    };
    assert_eq!(
        classify(&e, d(2025, 2, 27), &feb28).status,
        IdleStatus::Overdue
    );
    assert_eq!(
        classify(&e, d(2025, 2, 28), &feb28).status,
        IdleStatus::Idle1y
    );
    assert_eq!(
        classify(&e, d(2025, 2, 28), &mar1).status,
        IdleStatus::Overdue
    );
    assert_eq!(
        classify(&e, d(2025, 3, 1), &mar1).status,
        IdleStatus::Idle1y
    );
    // The same through the TOML config.
    let cfg = Config::from_toml_str("[idle]\nleap_day = \"mar1\"").unwrap();
    assert_eq!(
        classify(&e, d(2025, 2, 28), &cfg.idle).status,
        IdleStatus::Overdue
    );
    // Two years on: 2026-02-28 (feb28) vs 2026-03-01 (mar1).
    assert_eq!(
        classify(&e, d(2026, 2, 28), &feb28).status,
        IdleStatus::Idle2y
    );
    assert_eq!(
        classify(&e, d(2026, 2, 28), &mar1).status,
        IdleStatus::Idle1y
    );
}

#[test]
fn missing_dates_say_which() {
    let e = IdleEvidence {
        area_m2: 100.0,
        built_frac: Some(0.0),
        ..Default::default()
    };
    let v = classify(&e, t(), &IdleSettings::default());
    assert_eq!(v.status, IdleStatus::Unknown);
    assert!(v.reason.contains("YDKGRQ"), "{}", v.reason);
    assert!(v.reason_en.contains("YDKGRQ"), "{}", v.reason_en);
}

#[test]
fn started_by_date_or_by_footprint() {
    let s = IdleSettings::default();
    // Actual start recorded: started, whatever the footprints say.
    let by_date = IdleEvidence {
        sjkgrq: Some(d(2024, 1, 1)),
        ydjgrq: Some(d(2027, 1, 1)),
        ..not_started(d(2023, 1, 1))
    };
    assert_eq!(classify(&by_date, t(), &s).status, IdleStatus::Started);
    // A recorded start after T does not count as started at T.
    let future = IdleEvidence {
        sjkgrq: Some(d(2026, 7, 1)),
        ..not_started(d(2023, 1, 1))
    };
    assert_eq!(classify(&future, t(), &s).status, IdleStatus::Idle2y);
    // No date: footprint cover at the threshold (0.10) counts as started, just below does not.
    let at = IdleEvidence {
        built_frac: Some(0.10),
        ydjgrq: Some(d(2027, 1, 1)),
        ..not_started(d(2023, 1, 1))
    };
    assert_eq!(classify(&at, t(), &s).status, IdleStatus::Started);
    let below = IdleEvidence {
        built_frac: Some(0.0999),
        ..not_started(d(2023, 1, 1))
    };
    assert_eq!(classify(&below, t(), &s).status, IdleStatus::Idle2y);
    // The threshold is a setting.
    let strict = IdleSettings {
        started_min_built_frac: 0.2,
        ..Default::default()
    };
    assert_eq!(classify(&at, t(), &strict).status, IdleStatus::Idle2y);
}

/// A started parcel (by date) of 10,000 m² and price 1,000,000, agreed completion in the future.
fn started(
    ykfmj: Option<f64>,
    ytz: Option<f64>,
    ztz: Option<f64>,
    zzrq: Option<NaiveDate>,
) -> IdleEvidence {
    IdleEvidence {
        ydkgrq: Some(d(2022, 1, 1)),
        sjkgrq: Some(d(2022, 6, 1)),
        ydjgrq: Some(d(2027, 1, 1)),
        area_m2: 10_000.0,
        ykfmj,
        ytz,
        ztz,
        zzrq,
        jk: Some(1_000_000.0),
        ..Default::default()
    }
}

#[test]
fn halted_by_area_or_by_investment() {
    use IdleStatus::*;
    let cases = vec![
        // 3,000 of 10,000 m² developed (0.30 < 1/3), halted 2025-06-30: a full year at T (365 days).
        Case {
            name: "area 0.30, halted one year",
            e: started(Some(3_000.0), None, None, Some(d(2025, 6, 30))),
            status: Halted,
            days: Some(365),
            fee: Some(200_000.0),
            disposal: Disposal::Fee,
        },
        // Halted a day short of a year: not idle yet.
        Case {
            name: "area 0.30, halted 364 days",
            e: started(Some(3_000.0), None, None, Some(d(2025, 7, 1))),
            status: Started,
            days: None,
            fee: None,
            disposal: Disposal::None,
        },
        // 3,400 m² = 0.34 ≥ 1/3 and no investment figures: not under-developed.
        Case {
            name: "area 0.34",
            e: started(Some(3_400.0), None, None, Some(d(2024, 1, 1))),
            status: Started,
            days: None,
            fee: None,
            disposal: Disposal::None,
        },
        // Investment 2,000,000 of 10,000,000 = 0.20 < 0.25, developed 0.50.
        Case {
            name: "investment 0.20",
            e: started(Some(5_000.0), Some(2.0e6), Some(1.0e7), Some(d(2025, 1, 1))),
            status: Halted,
            days: Some(545),
            fee: Some(200_000.0),
            disposal: Disposal::Fee,
        },
        Case {
            name: "investment 0.25",
            e: started(Some(5_000.0), Some(2.5e6), Some(1.0e7), Some(d(2025, 1, 1))),
            status: Started,
            days: None,
            fee: None,
            disposal: Disposal::None,
        },
        // Halted two full years (2024-06-30 + 2 y = T): recovery.
        Case {
            name: "halted two years",
            e: started(Some(1_000.0), None, None, Some(d(2024, 6, 30))),
            status: Halted,
            days: Some(730),
            fee: None,
            disposal: Disposal::Recover,
        },
    ];
    run(cases, &IdleSettings::default(), t());
}

#[test]
fn halted_judged_from_dated_footprints() {
    let s = IdleSettings::default();
    let flat = vec![(d(2025, 6, 1), 0.12), (d(2026, 6, 15), 0.12)];
    let grew = vec![(d(2025, 6, 1), 0.05), (d(2026, 6, 15), 0.12)];
    let too_close = vec![(d(2025, 7, 1), 0.12), (d(2026, 6, 15), 0.12)];
    assert_eq!(halted_by_footprints(&flat, &s), Some(d(2025, 6, 1)));
    assert_eq!(halted_by_footprints(&grew, &s), None);
    assert_eq!(
        halted_by_footprints(&too_close, &s),
        None,
        "observations less than a year apart"
    );
    assert_eq!(halted_by_footprints(&flat[..1], &s), None);
    // Started by footprint (0.12 ≥ 0.10), developed share = built fraction 0.12 < 1/3, no growth
    // since 2025-06-01 and T is more than a year after that: halted.
    let e = IdleEvidence {
        ydkgrq: Some(d(2023, 1, 1)),
        area_m2: 10_000.0,
        jk: Some(500_000.0),
        built_frac: Some(0.12),
        built_by_date: flat.clone(),
        ..Default::default()
    };
    let v = classify(&e, t(), &s);
    assert_eq!(v.status, IdleStatus::Halted, "{}", v.reason);
    assert_eq!(v.fee_yuan, Some(100_000.0));
    assert!(
        v.reason.contains("建设范围自 2025-06-01 起未再增长"),
        "{}",
        v.reason
    );
    let growing = IdleEvidence {
        built_by_date: grew,
        ydjgrq: Some(d(2027, 1, 1)),
        ..e
    };
    assert_eq!(classify(&growing, t(), &s).status, IdleStatus::Started);
}

#[test]
fn government_cause_overrides_fee_and_recovery() {
    let s = IdleSettings::default();
    let mut e = not_started(d(2023, 1, 1));
    e.zfyy = Some("1".into());
    let v = classify(&e, t(), &s);
    assert_eq!(v.status, IdleStatus::GovCause);
    assert_eq!(v.fee_yuan, None);
    assert_eq!(v.disposal, Disposal::GovOptions);
    assert!(v.reason.contains("政府原因"), "{}", v.reason);
    // A reason code is quoted.
    e.zfyy = Some("规划调整".into());
    assert!(classify(&e, t(), &s).reason.contains("ZFYY = 规划调整"));
    // "0", "否" and blank are not government causes.
    for no in ["0", "否", " ", "N"] {
        e.zfyy = Some(no.into());
        assert_eq!(classify(&e, t(), &s).status, IdleStatus::Idle2y, "{no:?}");
    }
    // Under a year overdue stays overdue: nothing to exempt yet.
    let mut young = not_started(d(2026, 1, 1));
    young.zfyy = Some("1".into());
    assert_eq!(classify(&young, t(), &s).status, IdleStatus::Overdue);
    // Government cause also covers halted construction.
    let mut h = started(Some(1_000.0), None, None, Some(d(2025, 1, 1)));
    h.zfyy = Some("1".into());
    assert_eq!(classify(&h, t(), &s).status, IdleStatus::GovCause);
}

#[test]
fn fee_arithmetic() {
    let mut e = not_started(d(2025, 1, 1));
    e.jk = Some(1_234_567.89);
    // 20 % of 1,234,567.89 = 246,913.578 → 246,913.58 yuan.
    assert_eq!(
        classify(&e, t(), &IdleSettings::default()).fee_yuan,
        Some(246_913.58)
    );
    // The rate is a setting: 10 % → 123,456.789 → 123,456.79.
    let s = Config::from_toml_str("[idle]\nfee_rate = 0.1")
        .unwrap()
        .idle;
    assert_eq!(classify(&e, t(), &s).fee_yuan, Some(123_456.79));
    // No price: no fee figure, and the reason says the fee is to be assessed.
    e.jk = None;
    let v = classify(&e, t(), &IdleSettings::default());
    assert_eq!(v.status, IdleStatus::Idle1y);
    assert_eq!(v.fee_yuan, None);
    assert!(v.reason.contains("JK"), "{}", v.reason);
}

#[test]
fn completion() {
    let s = IdleSettings::default();
    let mut e = started(None, None, None, None);
    e.sjjgrq = Some(d(2026, 6, 30));
    assert_eq!(classify(&e, t(), &s).status, IdleStatus::Completed);
    // Completion recorded after T: not completed yet; agreed completion 2027 not passed.
    e.sjjgrq = Some(d(2026, 7, 1));
    assert_eq!(classify(&e, t(), &s).status, IdleStatus::Started);
    // Agreed completion passed without completion: late, not idle.
    e.sjjgrq = None;
    e.ydjgrq = Some(d(2026, 6, 29));
    let v = classify(&e, t(), &s);
    assert_eq!(v.status, IdleStatus::LateCompletion);
    assert!(!v.status.is_idle());
    // On the agreed completion day it is not yet late.
    e.ydjgrq = Some(d(2026, 6, 30));
    assert_eq!(classify(&e, t(), &s).status, IdleStatus::Started);
}

#[test]
fn reason_reads_like_the_bureau_wording() {
    let e = IdleEvidence {
        ydkgrq: Some(d(2021, 3, 1)),
        area_m2: 5_000.0,
        built_frac: Some(0.0),
        ..Default::default()
    };
    let v = classify(&e, t(), &IdleSettings::default());
    for part in [
        "约定动工日期 2021-03-01，评估日 2026-06-30 已超过 5 年 3 个月",
        "建成比例 0.00 低于动工阈值 0.10",
        "非政府原因 → 闲置满两年，无偿收回",
    ] {
        assert!(v.reason.contains(part), "missing {part:?} in {}", v.reason);
    }
    assert!(v.reason_en.contains("idle_2y"), "{}", v.reason_en);
}

#[test]
fn bad_settings_are_rejected() {
    assert!(Config::from_toml_str("[idle]\nfee_rate = 1.5").is_err());
    assert!(Config::from_toml_str("[idle]\nrecover_years = 0").is_err());
    assert!(Config::from_toml_str("[idle]\nfee_rat = 0.2").is_err());
}
