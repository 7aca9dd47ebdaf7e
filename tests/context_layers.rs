//! Land use, conflicts and regions on a layout worked out by hand (planar areas, rectangles; x, y
//! are metres from (500 000, 3 300 000) in EPSG:4549).

mod common;

use chrono::NaiveDate;
use common::*;
use landaudit::rules::regions::RegionLevel;
use landaudit::{Audit, AuditInputs, Config};
use serde_json::json;

fn r(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Vec<[f64; 2]>> {
    rect(
        500_000.0 + x0,
        3_300_000.0 + y0,
        500_000.0 + x1,
        3_300_000.0 + y1,
    )
}

/// - Approval A (2023, no XZQDM) 0..100 × 0..100, nothing supplied: remnant 10,000 m².
///   Land use: 0..50 × 0..100 is 0101 with KCXS 0.1 (5,000: 4,500 to 0101, 500 to 1203),
///   50..100 × 0..60 is 0301 (3,000), 50..100 × 60..100 is not covered (2,000).
/// - Approval B (2010, XZQDM 330108001, a town code) 120..170 × 0..100, nothing supplied.
/// - Supply S 300..400 × 0..100 (outside approvals).
/// - Farmland F1 0..20 × 0..100 (A: 2,000) and F2 350..360 × 0..100 (S: 1,000).
/// - Red line H1 90..100 × 90..100 (A: 100) and H2 99.5..100.5 × 0..1 (A: 0.5, below 1 m²).
/// - Regions 330106 (x < 200) and 330108 (x ≥ 200); A goes to 330106 by overlap, B to 330108 by
///   its attribute, S to 330108 by overlap.
fn audit(method: &str) -> Audit {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    write_layers(
        p,
        vec![
            feature(
                json!({"PZWH": "A", "PZRQ": "2023-03-01"}),
                &r(0.0, 0.0, 100.0, 100.0),
            ),
            feature(
                json!({"PZWH": "B", "PZRQ": "2010-03-01", "XZQDM": "330108001"}),
                &r(120.0, 0.0, 170.0, 100.0),
            ),
        ],
        vec![feature(
            json!({"DZJGH": "S", "YDKGRQ": "2030-01-01"}),
            &r(300.0, 0.0, 400.0, 100.0),
        )],
    );
    write_fc(
        &p.join("landuse.geojson"),
        vec![
            feature(
                json!({"BSM": 1, "DLBM": "0101", "KCXS": 0.1}),
                &r(0.0, 0.0, 50.0, 100.0),
            ),
            feature(
                json!({"BSM": 2, "DLBM": "0301"}),
                &r(50.0, 0.0, 100.0, 60.0),
            ),
        ],
    );
    write_fc(
        &p.join("farmland.geojson"),
        vec![
            feature(json!({"JBNTTBBH": "F1"}), &r(0.0, 0.0, 20.0, 100.0)),
            feature(json!({"JBNTTBBH": "F2"}), &r(350.0, 0.0, 360.0, 100.0)),
        ],
    );
    write_fc(
        &p.join("redline.geojson"),
        vec![
            feature(json!({"HXBH": "H1"}), &r(90.0, 90.0, 100.0, 100.0)),
            feature(json!({"HXBH": "H2"}), &r(99.5, 0.0, 100.5, 1.0)),
        ],
    );
    write_fc(
        &p.join("regions.geojson"),
        vec![
            feature(
                json!({"XZQDM": "330106", "XZQMC": "西湖区"}),
                &r(-1000.0, -1000.0, 200.0, 1000.0),
            ),
            feature(
                json!({"XZQDM": "330108", "XZQMC": "滨江区"}),
                &r(200.0, -1000.0, 1000.0, 1000.0),
            ),
        ],
    );
    let cfg = Config::from_toml_str(&format!(
        "[area]\nmode = \"planar\"\n[regions]\nmethod = \"{method}\"\nwindows = [\"last5y\", \"2009-01-01..2011-12-31\"]"
    ))
    .unwrap();
    let inputs = AuditInputs::from_dir(p, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap();
    assert!(inputs.landuse.is_some() && inputs.regions.is_some());
    let a = Audit::run(&inputs, &cfg).unwrap();
    // Everything written, including the optional files.
    let out = tempfile::tempdir().unwrap();
    let written = landaudit::report::write_all(&a, out.path()).unwrap();
    for f in ["landuse.csv", "conflicts.csv", "regions.csv", "windows.csv"] {
        assert!(written.iter().any(|w| w.ends_with(f)), "{f}");
    }
    a
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn land_use_of_the_remnant_by_hand() {
    let a = audit("largest_overlap");
    let rows: Vec<(String, f64, f64)> = a
        .landuse
        .iter()
        .filter(|r| a.approvals[r.approval].pzwh == "A")
        .map(|r| (r.dlbm.clone(), r.area_m2, r.kc_m2))
        .collect();
    let get = |c: &str| rows.iter().find(|r| r.0 == c).cloned().unwrap();
    assert!(
        close(get("0101").1, 4_500.0) && close(get("0101").2, 500.0),
        "{rows:?}"
    );
    assert!(close(get("1203").1, 500.0), "{rows:?}");
    assert!(close(get("0301").1, 3_000.0), "{rows:?}");
    assert!(close(get("").1, 2_000.0), "uncovered: {rows:?}");
    let sum: f64 = rows.iter().map(|r| r.1).sum();
    assert!(close(sum, 10_000.0));
}

#[test]
fn conflicts_by_hand() {
    let a = audit("largest_overlap");
    let mut c: Vec<(String, String, String, String, f64)> = a
        .conflicts
        .iter()
        .map(|c| {
            (
                c.layer.name().into(),
                c.kind.name().into(),
                c.id.clone(),
                c.other_id.clone(),
                c.area_m2,
            )
        })
        .collect();
    c.sort_by(|x, y| (&x.0, &x.1, &x.2, &x.3).cmp(&(&y.0, &y.1, &y.2, &y.3)));
    let expect = [
        ("farmland", "approval", "A", "F1", 2_000.0),
        ("farmland", "remnant", "A", "F1", 2_000.0),
        ("farmland", "supply", "S", "F2", 1_000.0),
        ("redline", "approval", "A", "H1", 100.0),
        ("redline", "remnant", "A", "H1", 100.0),
    ];
    assert_eq!(c.len(), expect.len(), "{c:?}");
    for (got, want) in c.iter().zip(expect) {
        assert_eq!(
            (
                got.0.as_str(),
                got.1.as_str(),
                got.2.as_str(),
                got.3.as_str()
            ),
            (want.0, want.1, want.2, want.3)
        );
        assert!(close(got.4, want.4), "{got:?}");
    }
}

#[test]
fn regions_roll_up_and_windows_by_hand() {
    for method in ["largest_overlap", "centroid"] {
        let a = audit(method);
        let idx = |id: &str| a.approvals.iter().position(|x| x.pzwh == id).unwrap();
        assert_eq!(a.approval_regions[idx("A")].as_deref(), Some("330106"));
        assert_eq!(a.approval_regions[idx("B")].as_deref(), Some("330108"));
        assert_eq!(a.supply_regions[0].as_deref(), Some("330108"));
        let row = |level, code: &str| {
            a.regions
                .iter()
                .find(|r| r.level == Some(level) && r.code == code)
                .unwrap()
        };
        assert_eq!(
            row(RegionLevel::County, "330106").name.as_deref(),
            Some("西湖区")
        );
        assert!(close(
            row(RegionLevel::County, "330108").approved_m2,
            5_000.0
        ));
        assert!(close(
            row(RegionLevel::City, "330100").approved_m2,
            15_000.0
        ));
        assert_eq!(row(RegionLevel::Province, "330000").approvals, 2);
        assert_eq!(row(RegionLevel::County, "330108").supplies, 1);
        // last5y holds A only (0 % supplied, below the 60 % floor); the 2009–2011 window holds B.
        let w: Vec<_> = a
            .windows
            .iter()
            .filter(|w| w.level == RegionLevel::County)
            .collect();
        let l5 = w.iter().find(|w| w.window == "last5y").unwrap();
        assert_eq!(
            (l5.code.as_str(), l5.approvals, l5.below_floor),
            ("330106", 1, true)
        );
        let old = w.iter().find(|w| w.window.starts_with("2009")).unwrap();
        assert_eq!(old.code, "330108");
    }
}
