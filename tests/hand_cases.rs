//! Whole-run tests on small layers whose answers are worked out by hand (areas of rectangles).

mod common;

use chrono::NaiveDate;
use common::*;
use landaudit::{ApprovalStatus, Audit, AuditInputs, Config};
use serde_json::json;

struct Case {
    approvals: Vec<serde_json::Value>,
    supplies: Vec<serde_json::Value>,
}

/// The hand-worked layout (all rectangles; x, y in metres before the shift):
/// - A  0..100 × 0..100: S1 0..60 and S2 40..70 (overlapping each other) ⇒ supplied 7,000, remnant 3,000.
/// - B  200..300 × 0..100 with hole 240..260 × 40..60 (area 9,600); S3 200..300 × 0..50 ⇒ supplied
///   5,000 − 200 (the hole) = 4,800, remnant 4,800.
/// - C  400..500 × 0..100; S4 500..600 touches its edge only ⇒ supplied 0, status unsupplied.
/// - D1 0..100 × 200..300 and D2 100..200 × 200..300; S5 50..150 × 200..300 covers both ⇒ 5,000 each.
/// - E  600..700 × 0..100; S6 600.3..700 (0.3 m misaligned) ⇒ 30 m² strip, a sliver; status supplied.
/// - F  800..900 × 0..100; S7 and S8 identical, covering F ⇒ supplied 10,000, not 20,000.
/// - G1 (2010) 1000..1100 × 0..100, G2 (2015) 1050..1150 × 0..100 ⇒ G2 audited on 1100..1150: 5,000.
fn case(dx: f64, dy: f64) -> Case {
    let s = |r: Vec<Vec<[f64; 2]>>| shift(&r, dx, dy);
    let a = |id: &str, date: &str, r| {
        feature(
            json!({"PZWH": id, "PZRQ": date, "PCMC": format!("批次{id}")}),
            &s(r),
        )
    };
    let mut b_rings = rect(200.0, 0.0, 300.0, 100.0);
    b_rings.push(vec![
        [240.0, 40.0],
        [240.0, 60.0],
        [260.0, 60.0],
        [260.0, 40.0],
        [240.0, 40.0],
    ]);
    let approvals = vec![
        a("A", "2020-01-01", rect(0.0, 0.0, 100.0, 100.0)),
        a("B", "2020-01-01", b_rings),
        a("C", "2018-07-01", rect(400.0, 0.0, 500.0, 100.0)),
        a("D1", "2021-01-01", rect(0.0, 200.0, 100.0, 300.0)),
        a("D2", "2021-01-01", rect(100.0, 200.0, 200.0, 300.0)),
        a("E", "2022-01-01", rect(600.0, 0.0, 700.0, 100.0)),
        a("F", "2022-01-01", rect(800.0, 0.0, 900.0, 100.0)),
        a("G1", "2010-01-01", rect(1000.0, 0.0, 1100.0, 100.0)),
        a("G2", "2015-01-01", rect(1050.0, 0.0, 1150.0, 100.0)),
    ];
    let sp = |id: &str, pzwh: &str, r| feature(json!({"DZJGH": id, "PZWH": pzwh}), &s(r));
    let supplies = vec![
        sp("S1", "A", rect(0.0, 0.0, 60.0, 100.0)),
        sp("S2", "A", rect(40.0, 0.0, 70.0, 100.0)),
        sp("S3", "B", rect(200.0, 0.0, 300.0, 50.0)),
        sp("S4", "C", rect(500.0, 0.0, 600.0, 100.0)),
        sp("S5", "D1;D2", rect(50.0, 200.0, 150.0, 300.0)),
        sp("S6", "E", rect(600.3, 0.0, 700.0, 100.0)),
        sp("S7", "F", rect(800.0, 0.0, 900.0, 100.0)),
        sp("S8", "NOPE", rect(800.0, 0.0, 900.0, 100.0)),
    ];
    Case {
        approvals,
        supplies,
    }
}

/// Hand-worked areas are planar: these runs measure in the plane.
fn planar(extra: &str) -> Config {
    Config::from_toml_str(&format!("[area]\nmode = \"planar\"\n{extra}")).unwrap()
}

/// Runs the layout shifted to (x0 + x, y0 + y) in EPSG `epsg`.
fn run_in(epsg: u32, dx: f64, dy: f64, cfg: &Config) -> Audit {
    let dir = tempfile::tempdir().unwrap();
    let c = case(dx, dy);
    let (a, s) = (
        dir.path().join("approvals.geojson"),
        dir.path().join("supplies.geojson"),
    );
    write_fc_in(&a, epsg, c.approvals);
    write_fc_in(&s, epsg, c.supplies);
    let inputs = AuditInputs::new(a, s, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    Audit::run(&inputs, cfg).unwrap()
}

/// The layout near the central meridian of EPSG:4549 (easting 500 000, northing 3 300 000).
fn run(cfg: &Config) -> Audit {
    run_in(4549, 500_000.0, 3_300_000.0, cfg)
}

fn get<'a>(audit: &'a Audit, id: &str) -> &'a landaudit::ApprovalOverlay {
    audit
        .overlays
        .iter()
        .flatten()
        .find(|o| audit.approvals[o.approval].pzwh == id)
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

fn check_all(audit: &Audit) {
    let expect = [
        // id, area, supplied, sliver, remnant, status
        (
            "A",
            10_000.0,
            7_000.0,
            0.0,
            3_000.0,
            ApprovalStatus::Partial,
        ),
        ("B", 9_600.0, 4_800.0, 0.0, 4_800.0, ApprovalStatus::Partial),
        (
            "C",
            10_000.0,
            0.0,
            0.0,
            10_000.0,
            ApprovalStatus::Unsupplied,
        ),
        (
            "D1",
            10_000.0,
            5_000.0,
            0.0,
            5_000.0,
            ApprovalStatus::Partial,
        ),
        (
            "D2",
            10_000.0,
            5_000.0,
            0.0,
            5_000.0,
            ApprovalStatus::Partial,
        ),
        ("E", 10_000.0, 9_970.0, 30.0, 0.0, ApprovalStatus::Supplied),
        ("F", 10_000.0, 10_000.0, 0.0, 0.0, ApprovalStatus::Supplied),
        (
            "G1",
            10_000.0,
            0.0,
            0.0,
            10_000.0,
            ApprovalStatus::Unsupplied,
        ),
        ("G2", 5_000.0, 0.0, 0.0, 5_000.0, ApprovalStatus::Unsupplied),
    ];
    for (id, area, supplied, sliver, remnant, status) in expect {
        let o = get(audit, id);
        assert!(close(o.area_m2, area), "{id} area {}", o.area_m2);
        assert!(
            close(o.supplied_m2, supplied),
            "{id} supplied {}",
            o.supplied_m2
        );
        assert!(close(o.sliver_m2, sliver), "{id} sliver {}", o.sliver_m2);
        assert!(
            close(o.remnant_m2, remnant),
            "{id} remnant {}",
            o.remnant_m2
        );
        assert_eq!(o.status, status, "{id}");
        assert!(close(o.unsupplied_m2, o.sliver_m2 + o.remnant_m2), "{id}");
    }
    assert_eq!(get(audit, "A").remnants.len(), 1);
    assert!(close(get(audit, "G2").overlap_m2, 5_000.0));
}

#[test]
fn hand_worked_areas() {
    check_all(&run(&planar("")));
}

#[test]
fn same_areas_at_zone_prefixed_gauss_krueger_coordinates() {
    // EPSG:4528 is the same zone (CM 120°E) with the zone number prefixed to the easting.
    check_all(&run_in(4528, 40_500_000.0, 3_300_000.0, &planar("")));
}

#[test]
fn independent_overlap_audits_re_approved_land_twice() {
    let audit = run(&planar("[approvals]\noverlap = \"independent\""));
    assert!(close(get(&audit, "G2").area_m2, 10_000.0));
    assert_eq!(get(&audit, "G2").overlap_m2, 0.0);
}

#[test]
fn sliver_handling_can_be_disabled() {
    let audit = run(&planar("[slivers]\nmin_width_m = 0\nmin_area_m2 = 0"));
    let e = get(&audit, "E");
    assert!(close(e.remnant_m2, 30.0), "{}", e.remnant_m2);
    assert_eq!(e.status, ApprovalStatus::Partial);
}

#[test]
fn link_check_finds_the_planted_disagreements() {
    let audit = run(&planar(""));
    let mut found: Vec<(String, &str, String)> = audit
        .link_issues
        .iter()
        .map(|l| {
            (
                audit.supplies[l.supply].dzjgh.clone(),
                l.kind.name(),
                l.pzwh.clone(),
            )
        })
        .collect();
    found.sort();
    // S4 names C but only touches it; S8 names a number that does not exist and covers F unnamed.
    assert_eq!(
        found,
        vec![
            ("S4".to_string(), "named_not_overlapping", "C".to_string()),
            ("S8".to_string(), "overlaps_unnamed", "F".to_string()),
            ("S8".to_string(), "unknown_approval", "NOPE".to_string()),
        ]
    );
    // D1 and D2 each get half of S5 by the attribute method, A gets S1 + S2 = 9,000 (they overlap).
    let attr = audit.attribute_supplied();
    let idx = |id: &str| audit.approvals.iter().position(|a| a.pzwh == id).unwrap();
    assert!(close(attr[idx("D1")], 5_000.0));
    assert!(close(attr[idx("A")], 9_000.0));
}

#[test]
fn link_issues_come_in_the_order_of_the_overlaps_however_many() {
    // The check runs in parallel: thousands of overlaps (the hand case's, repeated) must give
    // exactly the issues of each overlap checked alone, one after the other.
    let cfg = planar("");
    let audit = run(&cfg);
    let ok: Vec<_> = audit.supply_overlaps.iter().flatten().cloned().collect();
    // Each copy's supply area a little larger, so that its issues' shares tell it apart.
    let many: Vec<_> = (0..500)
        .flat_map(|k| {
            ok.iter().map(move |o| {
                let mut o = o.clone();
                o.area_m2 *= 1.0 + k as f64 * 1e-6;
                o
            })
        })
        .collect();
    let check = |o: &[landaudit::rules::links::SupplyOverlap]| {
        landaudit::rules::links::link_issues(&audit.approvals, &audit.supplies, o, &cfg)
    };
    let one_by_one: Vec<_> = many
        .iter()
        .flat_map(|o| check(std::slice::from_ref(o)))
        .map(|l| (l.supply, l.kind, l.pzwh, l.share.to_bits()))
        .collect();
    let together: Vec<_> = check(&many)
        .into_iter()
        .map(|l| (l.supply, l.kind, l.pzwh, l.share.to_bits()))
        .collect();
    assert_eq!(one_by_one.len(), 3 * 500);
    assert_eq!(together, one_by_one);
}

#[test]
fn outputs_are_written_and_add_up() {
    let audit = run(&planar(""));
    let out = tempfile::tempdir().unwrap();
    landaudit::report::write_all(&audit, out.path()).unwrap();
    let mut rdr = csv::Reader::from_path(out.path().join("approvals.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let want = "pzwh,pcmc,xzqdm,pzrq,age_years,area_m2,supplied_m2,unsupplied_m2,sliver_m2,remnant_m2,remnant_parts,supply_rate,n_supplies,status";
    assert!(
        headers
            .iter()
            .collect::<Vec<_>>()
            .join(",")
            .starts_with(want)
    );
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let f = |name: &str| rec[col(name)].parse::<f64>().unwrap();
        assert!((f("unsupplied_m2") - (f("area_m2") - f("supplied_m2"))).abs() < 5e-4);
        assert!((f("unsupplied_m2") - (f("sliver_m2") + f("remnant_m2"))).abs() < 5e-4);
        if &rec[0] == "D1" {
            assert_eq!(&rec[col("n_supplies")], "1");
            assert_eq!(&rec[col("supply_rate")], "0.5000");
            assert_eq!(&rec[col("pzrq")], "2021-01-01");
            // 2021-01-01 to 2026-06-30: 5 years and 180 of 365 days.
            assert_eq!(
                &rec[col("age_years")],
                format!("{:.2}", 5.0 + 180.0 / 365.0)
            );
        }
        n += 1;
    }
    assert_eq!(n, 9);
    let gj: geojson::GeoJson = std::fs::read_to_string(out.path().join("unsupplied.geojson"))
        .unwrap()
        .parse()
        .unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!()
    };
    // Real remnant parts: A, B, C, D1, D2, G1, G2 one each.
    assert_eq!(fc.features.len(), 7);
    let rejected = std::fs::read_to_string(out.path().join("rejected.csv")).unwrap();
    assert_eq!(rejected.trim(), "layer,file,index,id,status,reason");
    let summary = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(summary.contains("供地率"));
    // Approved 9,600 + 8 × 10,000 − 5,000 (G2's re-approved half) = 84,600 m².
    assert!(summary.contains("84600.00"), "{summary}");
}

#[test]
fn declared_crs_must_fit_the_coordinates() {
    // Zone-prefixed eastings (≈ 40 500 000) declared as EPSG:4549 (no prefix) must not be
    // overlaid as if they were: the error names the file and the prefix it saw.
    let dir = tempfile::tempdir().unwrap();
    let c = case(40_500_000.0, 3_300_000.0);
    let (a, s) = write_layers(dir.path(), c.approvals, c.supplies);
    let inputs = AuditInputs::new(a, s, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    let e = Audit::run(&inputs, &Config::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("approvals.geojson") && e.contains("zone prefix 40"),
        "{e}"
    );
}

#[test]
fn ellipsoidal_area_is_the_default_for_cgcs2000() {
    // Near the central meridian at 30°N the Gauss-Krüger scale is 1, so a 100 × 100 m square's
    // ellipsoidal area equals its planar area to well under 1e-5 relative; both columns exist.
    let audit = run(&Config::default());
    assert!(audit.measure.ellipsoidal);
    let c = get(&audit, "C");
    let e = c.areas.ellipsoid_m2.unwrap();
    assert!((c.areas.planar_m2 - 10_000.0).abs() < 1e-6);
    assert!((e - 10_000.0).abs() < 0.1, "{e}");
    assert_eq!(c.area_m2, e);
}

/// Built fraction where every footprint lies well inside its supply (the summed path, no overlay):
/// supply P 0..100 × 0..100. On 2025-01-01 buildings A 10..30 × 10..30 (400 m²) and
/// B 50..60 × 50..60 (100 m²); on 2026-02-01 the same A and B again (identical geometry) and a new
/// C 60..90 × 10..20 (300 m², B and C apart: B's box ends at x 60 but at y ≥ 50). All footprints
/// together: A + B + C = 800 m² (duplicates once); by date 500 and 800. A second supply R holds
/// two overlapping footprints (the overlay's path): 0..20 × 0..10 and 10..30 × 0..10, union 300.
#[test]
fn built_fraction_of_footprints_inside_their_supply_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = (500_000.0, 3_300_000.0);
    let r = |x0: f64, y0: f64, x1: f64, y1: f64| rect(x + x0, y + y0, x + x1, y + y1);
    let (a, s) = write_layers(
        dir.path(),
        vec![feature(
            json!({"PZWH": "Z", "PZRQ": "2020-01-01"}),
            &r(-10.0, -10.0, 400.0, 110.0),
        )],
        vec![
            feature(
                json!({"DZJGH": "P", "PZWH": "Z", "YDKGRQ": "2021-01-01"}),
                &r(0.0, 0.0, 100.0, 100.0),
            ),
            feature(
                json!({"DZJGH": "R", "PZWH": "Z", "YDKGRQ": "2021-01-01"}),
                &r(200.0, 0.0, 300.0, 100.0),
            ),
        ],
    );
    let f = dir.path().join("footprints.geojson");
    let (d1, d2) = ("2025-01-01", "2026-02-01");
    write_fc(
        &f,
        vec![
            feature(json!({"RQ": d1}), &r(10.0, 10.0, 30.0, 30.0)),
            feature(json!({"RQ": d1}), &r(50.0, 50.0, 60.0, 60.0)),
            feature(json!({"RQ": d2}), &r(50.0, 50.0, 60.0, 60.0)),
            feature(json!({"RQ": d2}), &r(10.0, 10.0, 30.0, 30.0)),
            feature(json!({"RQ": d2}), &r(60.0, 10.0, 90.0, 20.0)),
            feature(json!({"RQ": d2}), &r(200.0, 0.0, 220.0, 10.0)),
            feature(json!({"RQ": d2}), &r(210.0, 0.0, 230.0, 10.0)),
        ],
    );
    let inputs = AuditInputs {
        footprints: Some(f),
        ..AuditInputs::new(a, s, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
    };
    let audit = Audit::run(&inputs, &planar("")).unwrap();
    let built = |id: &str| {
        let i = audit.supplies.iter().position(|s| s.dzjgh == id).unwrap();
        audit.built[i].clone().unwrap()
    };
    let p = built("P");
    assert!(close(p.built_m2, 800.0), "{}", p.built_m2);
    let by: Vec<f64> = p.by_date.iter().map(|d| d.1).collect();
    assert!(
        by.len() == 2 && close(by[0], 500.0) && close(by[1], 800.0),
        "{by:?}"
    );
    // R touches its supply's edge (y = 0) and its footprints overlap: the overlay's answer.
    let r_ = built("R");
    assert!(close(r_.built_m2, 300.0), "{}", r_.built_m2);
    assert!(
        close(r_.by_date[0].1, 0.0) && close(r_.by_date[1].1, 300.0),
        "{:?}",
        r_.by_date
    );
}

/// Built fraction and the part inside approvals, by hand:
/// supply P 0..100 × 0..100 (10,000 m²); approval Z 0..50 × 0..100 ⇒ 5,000 inside, 5,000 outside.
/// Footprints: 0..20 × 0..20 and 10..30 × 0..20 overlap (union 30 × 20 = 600), a duplicate of the
/// first, and 90..110 × 50..60 crossing the edge (100 inside) ⇒ built 700 m², fraction 0.07.
/// A supply Q 500..600 × 0..100 outside every approval is 存量.
#[test]
fn built_fraction_and_land_source_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = (500_000.0, 3_300_000.0);
    let r = |x0: f64, y0: f64, x1: f64, y1: f64| rect(x + x0, y + y0, x + x1, y + y1);
    let (a, s) = write_layers(
        dir.path(),
        vec![feature(
            json!({"PZWH": "Z", "PZRQ": "2020-01-01"}),
            &r(0.0, 0.0, 50.0, 100.0),
        )],
        vec![
            feature(
                json!({"DZJGH": "P", "PZWH": "Z", "YDKGRQ": "2021-01-01", "JK": 1000000}),
                &r(0.0, 0.0, 100.0, 100.0),
            ),
            feature(
                json!({"DZJGH": "Q", "YDKGRQ": "2030-01-01"}),
                &r(500.0, 0.0, 600.0, 100.0),
            ),
        ],
    );
    let f = dir.path().join("footprints.geojson");
    write_fc(
        &f,
        vec![
            feature(json!({"RQ": "2025-01-01"}), &r(0.0, 0.0, 20.0, 20.0)),
            feature(json!({"RQ": "2025-01-01"}), &r(10.0, 0.0, 30.0, 20.0)),
            feature(json!({"RQ": "2025-01-01"}), &r(0.0, 0.0, 20.0, 20.0)),
            feature(json!({"RQ": "2026-02-01"}), &r(90.0, 50.0, 110.0, 60.0)),
        ],
    );
    let inputs = AuditInputs {
        footprints: Some(f),
        ..AuditInputs::new(a, s, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
    };
    let audit = Audit::run(&inputs, &planar("")).unwrap();
    let p = audit.supplies.iter().position(|s| s.dzjgh == "P").unwrap();
    let b = audit.built[p].as_ref().unwrap();
    assert!(close(b.built_m2, 700.0), "{}", b.built_m2);
    // Per observation date (snapshots): 600 m² on 2025-01-01, 100 m² on 2026-02-01.
    assert_eq!(b.by_date.len(), 2);
    assert!(
        close(b.by_date[0].1, 600.0) && close(b.by_date[1].1, 100.0),
        "{:?}",
        b.by_date
    );
    let o = audit.supply_overlaps[p].as_ref().unwrap();
    assert!(close(o.outside_approvals_m2, 5_000.0));
    // 0.07 < 0.10: not started; agreed start 2021-01-01 is over two years before T.
    let v = audit.idle[p].as_ref().unwrap();
    assert_eq!(
        v.status,
        landaudit::rules::idle::IdleStatus::Idle2y,
        "{}",
        v.reason
    );
    assert!(v.reason.contains("建成比例 0.07"), "{}", v.reason);

    let out = tempfile::tempdir().unwrap();
    landaudit::report::write_all(&audit, out.path()).unwrap();
    let mut rdr = csv::Reader::from_path(out.path().join("supplies.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let want = "dzjgh,pzwh,gyfs,area_m2,in_approvals_m2,outside_approvals_m2,built_m2,built_frac,ydkgrq,sjkgrq,idle_status,idle_label,idle_days,fee_yuan,reason,reason_en";
    assert!(h.iter().collect::<Vec<_>>().join(",").starts_with(want));
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let p_row = rows.iter().find(|r| &r[0] == "P").unwrap();
    assert_eq!(&p_row[col("in_approvals_m2")], "5000.000");
    assert_eq!(&p_row[col("built_m2")], "700.000");
    assert_eq!(&p_row[col("built_frac")], "0.0700");
    assert_eq!(&p_row[col("idle_status")], "idle_2y");
    assert_eq!(&p_row[col("land_source")], "新增");
    // 2021-01-01 to 2026-06-30: 365 × 5 + 1 (2024 is a leap year) + 180 = 2,006 days.
    assert_eq!(&p_row[col("idle_days")], "2006");
    let q_row = rows.iter().find(|r| &r[0] == "Q").unwrap();
    assert_eq!(&q_row[col("land_source")], "存量");
    assert_eq!(&q_row[col("idle_status")], "not_due");
    // idle.geojson holds P (idle) but not Q (not due).
    let idle = std::fs::read_to_string(out.path().join("idle.geojson")).unwrap();
    assert!(idle.contains("\"dzjgh\":\"P\"") && !idle.contains("\"dzjgh\":\"Q\""));
    let summary = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    // 闲置率 = 10,000 idle / 20,000 supplied.
    assert!(summary.contains("**50.00%**"), "{summary}");
}

#[test]
fn field_names_are_remapped_and_the_link_check_is_skipped_without_pzwh() {
    // The bureau's supplies call the supervision number "GDBH" and carry no PZWH at all.
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = (500_000.0, 3_300_000.0);
    let (a, s) = write_layers(
        dir.path(),
        vec![feature(
            json!({"批准文号": "A", "PZRQ": "2020-01-01"}),
            &rect(x, y, x + 100.0, y + 100.0),
        )],
        vec![feature(
            json!({"gdbh": "S1"}),
            &rect(x, y, x + 60.0, y + 100.0),
        )],
    );
    let cfg =
        planar("[fields.approvals]\npzwh = \"批准文号\"\n[fields.supplies]\ndzjgh = \"GDBH\"");
    let inputs = AuditInputs::new(a, s, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    let audit = Audit::run(&inputs, &cfg).unwrap();
    assert_eq!(audit.approvals[0].pzwh, "A");
    assert_eq!(audit.supplies[0].dzjgh, "S1");
    assert!(close(get(&audit, "A").supplied_m2, 6_000.0));
    assert!(!audit.links_checked);
    let out = tempfile::tempdir().unwrap();
    landaudit::report::write_all(&audit, out.path()).unwrap();
    let summary = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(
        summary.contains("Skipped: no supply carries a PZWH"),
        "{summary}"
    );
    let links = std::fs::read_to_string(out.path().join("links.csv")).unwrap();
    assert_eq!(links.lines().count(), 1, "header only: {links}");
}

/// The part of a non-convex supply inside and outside the approvals, by hand, in the plane and
/// on the ellipsoid:
/// - supply L, an L of 50..150 × 20..50 and 120..150 × 50..80 (3,900 m²), crosses the edge x = 100
///   of approval Z 0..100 × 0..100 ⇒ 1,500 inside, 2,400 outside;
/// - supply N, an L of 50..150 × 210..250 and 120..150 × 250..290 (5,200 m²), across approvals
///   Y1 0..100 × 200..300 and Y2 100..200 × 200..300 ⇒ 2,000 in Y1, 3,200 in Y2, none outside.
#[test]
fn non_convex_supplies_inside_and_outside_the_approvals_by_hand() {
    let (x, y) = (500_000.0, 3_300_000.0);
    let ring = |pts: &[(f64, f64)]| {
        let mut r: Vec<[f64; 2]> = pts.iter().map(|&(px, py)| [x + px, y + py]).collect();
        r.push(r[0]);
        vec![r]
    };
    let l = ring(&[
        (50.0, 20.0),
        (150.0, 20.0),
        (150.0, 80.0),
        (120.0, 80.0),
        (120.0, 50.0),
        (50.0, 50.0),
    ]);
    let n = ring(&[
        (50.0, 210.0),
        (150.0, 210.0),
        (150.0, 290.0),
        (120.0, 290.0),
        (120.0, 250.0),
        (50.0, 250.0),
    ]);
    let r = |x0: f64, y0: f64, x1: f64, y1: f64| rect(x + x0, y + y0, x + x1, y + y1);
    let dir = tempfile::tempdir().unwrap();
    let (a, s) = write_layers(
        dir.path(),
        vec![
            feature(json!({"PZWH": "Z"}), &r(0.0, 0.0, 100.0, 100.0)),
            feature(json!({"PZWH": "Y1"}), &r(0.0, 200.0, 100.0, 300.0)),
            feature(json!({"PZWH": "Y2"}), &r(100.0, 200.0, 200.0, 300.0)),
        ],
        vec![
            feature(json!({"DZJGH": "L", "PZWH": "Z"}), &l),
            feature(json!({"DZJGH": "N", "PZWH": "Y1;Y2"}), &n),
        ],
    );
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let inputs = AuditInputs::new(a, s, as_of);
    let pos = |audit: &Audit, id: &str| audit.supplies.iter().position(|s| s.dzjgh == id).unwrap();

    let audit = Audit::run(&inputs, &planar("")).unwrap();
    let o = audit.supply_overlaps[pos(&audit, "L")].as_ref().unwrap();
    assert!(close(o.area_m2, 3_900.0), "{}", o.area_m2);
    assert!(
        close(o.outside_approvals_m2, 2_400.0),
        "{}",
        o.outside_approvals_m2
    );
    assert_eq!(o.overlaps.len(), 1);
    assert!(close(o.overlaps[0].1, 1_500.0), "{:?}", o.overlaps);
    let o = audit.supply_overlaps[pos(&audit, "N")].as_ref().unwrap();
    assert!(
        o.outside_approvals_m2.abs() < 1e-6,
        "{}",
        o.outside_approvals_m2
    );
    let mut parts: Vec<f64> = o.overlaps.iter().map(|&(_, m2)| m2).collect();
    parts.sort_by(f64::total_cmp);
    assert!(
        close(parts[0], 2_000.0) && close(parts[1], 3_200.0),
        "{parts:?}"
    );

    // On the ellipsoid (the default for EPSG:4549): the part outside is the ellipsoidal area of
    // the hand-drawn outside polygon.
    let audit = Audit::run(&inputs, &Config::default()).unwrap();
    assert!(audit.measure.is_ellipsoidal());
    let outside = ring(&[
        (100.0, 20.0),
        (150.0, 20.0),
        (150.0, 80.0),
        (120.0, 80.0),
        (120.0, 50.0),
        (100.0, 50.0),
    ]);
    let outside = geo::MultiPolygon::new(vec![geo::Polygon::new(
        outside[0]
            .iter()
            .map(|&[px, py]| geo::coord! { x: px, y: py })
            .collect(),
        vec![],
    )]);
    let want = audit.measure.area(&outside);
    let o = audit.supply_overlaps[pos(&audit, "L")].as_ref().unwrap();
    assert!(
        (o.outside_approvals_m2 - want).abs() < 1e-6 * want,
        "{} vs {want}",
        o.outside_approvals_m2
    );
    assert!((want - 2_400.0).abs() < 2.0, "{want}");
    let o = audit.supply_overlaps[pos(&audit, "N")].as_ref().unwrap();
    assert!(
        o.outside_approvals_m2.abs() < 1e-6,
        "{}",
        o.outside_approvals_m2
    );
}
