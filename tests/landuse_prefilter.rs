//! The land use is read after the overlay, holding only the polygons whose bounding box meets the
//! box of a real remnant part (what `landuse::tabulate` looks up): the tabulation, the rejections
//! and the accounts must be what they are when every polygon is held. Planar areas, rectangles;
//! x, y are metres from (500 000, 3 300 000) in EPSG:4549 unless said otherwise.
//!
//! - Approval A 0..100 × 0..100, nothing supplied: its remnant is the whole of it.
//! - Approval B 200..300 × 0..100, wholly supplied (S1): no remnant.
//! - Approval C 400..500 × 0..100, supplied on 400..450 (S2): remnant 450..500 × 0..100.
//! - Land use near the remnants (held): 0..50 × 0..100 0101 with KCXS 0.1 (A: 4,500 to 0101, 500
//!   to 1203), 50..100 × 0..60 0301 (A: 3,000), 100..150 × 0..100 0201 (its box touches A's:
//!   held, 0 m²), 450..500 × 0..100 0103 (C: 5,000); A's 50..100 × 60..100 is not covered (2,000).
//! - Land use far from them (not held): 400..440 × 0..100 inside C but outside its remnant's box,
//!   200..300 × 0..100 under the supplied B, and 1,200 squares of 10 m far away.

mod common;

use std::path::Path;

use chrono::NaiveDate;
use common::*;
use landaudit::rules::landuse::LanduseRow;
use landaudit::{Audit, AuditInputs, Config, LayerAccount, LayerKind, RejectStatus};
use serde_json::{Value, json};

const X0: f64 = 500_000.0;
const Y0: f64 = 3_300_000.0;

fn r(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Vec<[f64; 2]>> {
    rect(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn planar() -> Config {
    Config::from_toml_str("[area]\nmode = \"planar\"").unwrap()
}

/// Writes the approvals and supplies in `epsg`, with every x shifted by `dx`.
fn write_parcels(dir: &Path, epsg: u32, dx: f64) {
    let a = vec![
        feature(
            json!({"PZWH": "A", "PZRQ": "2023-03-01"}),
            &shift(&r(0.0, 0.0, 100.0, 100.0), dx, 0.0),
        ),
        feature(
            json!({"PZWH": "B", "PZRQ": "2023-03-01"}),
            &shift(&r(200.0, 0.0, 300.0, 100.0), dx, 0.0),
        ),
        feature(
            json!({"PZWH": "C", "PZRQ": "2023-03-01"}),
            &shift(&r(400.0, 0.0, 500.0, 100.0), dx, 0.0),
        ),
    ];
    let s = vec![
        feature(
            json!({"DZJGH": "S1", "PZWH": "B", "YDKGRQ": "2030-01-01"}),
            &shift(&r(200.0, 0.0, 300.0, 100.0), dx, 0.0),
        ),
        feature(
            json!({"DZJGH": "S2", "PZWH": "C", "YDKGRQ": "2030-01-01"}),
            &shift(&r(400.0, 0.0, 450.0, 100.0), dx, 0.0),
        ),
    ];
    write_fc_in(&dir.join("approvals.geojson"), epsg, a);
    write_fc_in(&dir.join("supplies.geojson"), epsg, s);
}

/// The land use in file order, each polygon marked far (`true`) or near, x shifted by `dx`.
fn landuse(dx: f64) -> Vec<(bool, Value)> {
    let cell = |bsm: usize, props: Value, rings: Vec<Vec<[f64; 2]>>| {
        let mut p = props;
        p["BSM"] = json!(bsm);
        feature(p, &shift(&rings, dx, 0.0))
    };
    let grid = |from: usize, to: usize| -> Vec<(bool, Value)> {
        (from..to)
            .map(|k| {
                let (x, y) = (
                    2_000.0 + (k % 40) as f64 * 20.0,
                    2_000.0 + (k / 40) as f64 * 20.0,
                );
                (
                    true,
                    cell(
                        10_000 + k,
                        json!({"DLBM": "0101"}),
                        r(x, y, x + 10.0, y + 10.0),
                    ),
                )
            })
            .collect()
    };
    let mut v = grid(0, 600);
    v.extend([
        (
            false,
            cell(
                1,
                json!({"DLBM": "0101", "KCXS": 0.1}),
                r(0.0, 0.0, 50.0, 100.0),
            ),
        ),
        (
            false,
            cell(2, json!({"DLBM": "0301"}), r(50.0, 0.0, 100.0, 60.0)),
        ),
        (
            true,
            cell(3, json!({"DLBM": "0102"}), r(400.0, 0.0, 440.0, 100.0)),
        ),
        (
            false,
            cell(4, json!({"DLBM": "0201"}), r(100.0, 0.0, 150.0, 100.0)),
        ),
        (
            true,
            cell(5, json!({"DLBM": "0601"}), r(200.0, 0.0, 300.0, 100.0)),
        ),
    ]);
    v.extend(grid(600, 1200));
    v.push((
        false,
        cell(6, json!({"DLBM": "0103"}), r(450.0, 0.0, 500.0, 100.0)),
    ));
    v
}

fn only(features: &[(bool, Value)], far: Option<bool>) -> Vec<Value> {
    features
        .iter()
        .filter(|(f, _)| far.is_none_or(|far| *f == far))
        .map(|(_, v)| v.clone())
        .collect()
}

fn audit(dir: &Path) -> landaudit::Result<Audit> {
    let inputs = AuditInputs::from_dir(dir, as_of()).unwrap();
    assert!(inputs.landuse.is_some());
    Audit::run(&inputs, &planar())
}

fn account(a: &Audit) -> &LayerAccount {
    a.accounts
        .iter()
        .find(|c| c.kind == LayerKind::Landuse)
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// The rows by approval id: (approval, DLBM, area, deduction).
fn rows(a: &Audit) -> Vec<(String, String, f64, f64)> {
    a.landuse
        .iter()
        .map(|r: &LanduseRow| {
            (
                a.approvals[r.approval].pzwh.clone(),
                r.dlbm.clone(),
                r.area_m2,
                r.kc_m2,
            )
        })
        .collect()
}

fn assert_rows_by_hand(a: &Audit) {
    let got = rows(a);
    let want = [
        ("A", "", 2_000.0, 0.0),
        ("A", "0101", 4_500.0, 500.0),
        ("A", "0301", 3_000.0, 0.0),
        ("A", "1203", 500.0, 0.0),
        ("C", "0103", 5_000.0, 0.0),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1.as_str()), (w.0, w.1), "{got:?}");
        assert!(close(g.2, w.2) && close(g.3, w.3), "{got:?}");
    }
}

const NOTE: &str = "1,202 of 1,206 features lie outside every unsupplied remnant's bounding box: \
                    checked, then not held";

#[test]
fn far_land_use_is_not_held_and_changes_nothing() {
    let features = landuse(0.0);
    assert_eq!(features.len(), 1_206);
    let (full, near) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, far) in [(&full, None), (&near, Some(false))] {
        write_parcels(dir.path(), 4549, 0.0);
        write_fc(&dir.path().join("landuse.geojson"), only(&features, far));
    }
    let (a, b) = (audit(full.path()).unwrap(), audit(near.path()).unwrap());
    assert_rows_by_hand(&a);
    // The same rows to the bit, and the same landuse.csv byte for byte.
    assert_eq!(a.landuse, b.landuse);
    let (out_a, out_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    landaudit::report::write_all(&a, out_a.path()).unwrap();
    landaudit::report::write_all(&b, out_b.path()).unwrap();
    assert_eq!(
        std::fs::read(out_a.path().join("landuse.csv")).unwrap(),
        std::fs::read(out_b.path().join("landuse.csv")).unwrap()
    );
    // Every feature read is used: the far ones were checked and simply meet nothing.
    let (ca, cb) = (account(&a), account(&b));
    assert_eq!((ca.read, ca.used, ca.rejected), (1_206, 1_206, 0));
    assert_eq!(ca.notes, [NOTE]);
    assert_eq!((cb.read, cb.used, cb.rejected), (4, 4, 0));
    assert!(cb.notes.is_empty(), "{:?}", cb.notes);
    let summary = std::fs::read_to_string(out_a.path().join("summary.md")).unwrap();
    assert!(summary.contains(&format!("- landuse: {NOTE}")), "{summary}");
}

/// A FeatureCollection in EPSG:4549 whose `crs` member comes before the features (`early`) or
/// after them, in which case a foreign member of the same length takes its place, so that every
/// feature sits at the same byte offset. `\u{1}` in the text becomes the GBK bytes of 中.
fn write_with_crs(path: &Path, features: &[Value], early: bool) {
    let crs = r#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}}"#;
    let features = serde_json::to_string(features).unwrap();
    let text = if early {
        format!(r#"{{"type":"FeatureCollection","crs":{crs},"features":{features}}}"#)
    } else {
        format!(r#"{{"type":"FeatureCollection","xyz":{crs},"features":{features},"crs":{crs}}}"#)
    };
    // serde_json writes U+0001 as an escape.
    let bytes: Vec<u8> = text
        .replace("\\u0001", "\u{1}")
        .bytes()
        .flat_map(|b| if b == 1 { vec![0xD6, 0xD0] } else { vec![b] })
        .collect();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn warnings_of_features_not_held_still_reach_the_rejections() {
    let mut features = only(&landuse(0.0), None);
    let far = |x: f64| r(5_000.0 + x, 0.0, 5_010.0 + x, 10.0);
    features.extend([
        // KCXS that is not a number: on a held polygon (its box touches C's remnant's; it adds
        // no area) and on one not held.
        feature(
            json!({"BSM": 7, "DLBM": "0103", "KCXS": "abc"}),
            &r(500.0, 0.0, 550.0, 100.0),
        ),
        feature(json!({"BSM": 8, "DLBM": "0101", "KCXS": "abc"}), &far(0.0)),
        // Invalid UTF-8 in a field, alone and with a bad KCXS.
        feature(json!({"BSM": 9, "DLMC": "水\u{1}"}), &far(20.0)),
        feature(json!({"BSM": 10, "DLMC": "\u{1}", "KCXS": "x"}), &far(40.0)),
        // A bow-tie far away: rejected, never tested.
        feature(
            json!({"BSM": 11}),
            &[vec![
                [X0 + 5_060.0, Y0],
                [X0 + 5_070.0, Y0 + 10.0],
                [X0 + 5_070.0, Y0],
                [X0 + 5_060.0, Y0 + 10.0],
                [X0 + 5_060.0, Y0],
            ]],
        ),
    ]);
    let (held, sifted) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, early) in [(&held, false), (&sifted, true)] {
        write_parcels(dir.path(), 4549, 0.0);
        write_with_crs(&dir.path().join("landuse.geojson"), &features, early);
    }
    // With the CRS after the features the reader cannot test them: everything is held, as
    // before the prefilter existed.
    let (a, b) = (audit(held.path()).unwrap(), audit(sifted.path()).unwrap());
    assert!(account(&a).notes.is_empty());
    assert_eq!(
        account(&b).notes,
        [
            "1,205 of 1,211 features lie outside every unsupplied remnant's bounding box: checked, \
          then not held"
        ]
    );
    assert_eq!(a.landuse, b.landuse);
    assert_rows_by_hand(&b);
    let rejections = |au: &Audit| {
        au.rejections
            .iter()
            .map(|r| (r.layer, r.index, r.id.clone(), r.status, r.reason.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(rejections(&a), rejections(&b));
    let counts = |au: &Audit| {
        au.accounts
            .iter()
            .map(|c| (c.kind, c.read, c.used, c.rejected, c.repaired))
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&a), counts(&b));
    for c in &b.accounts {
        assert_eq!(c.read, c.used + c.rejected, "{:?}", c.kind);
    }
    assert_eq!(
        (account(&b).read, account(&b).used, account(&b).rejected),
        (1_211, 1_210, 1)
    );
    // What they are, by hand.
    let lu: Vec<_> = b
        .rejections
        .iter()
        .filter(|r| r.layer == LayerKind::Landuse)
        .map(|r| (r.index, r.id.as_deref(), r.status, r.reason.as_str()))
        .collect();
    let kcxs = |v: &str| format!("field KCXS: not a number {v:?}; taken as 0");
    assert_eq!(lu.len(), 6, "{lu:?}");
    assert_eq!(
        lu[0],
        (
            1_206,
            Some("7"),
            RejectStatus::Warning,
            kcxs("abc").as_str()
        )
    );
    assert_eq!(
        lu[1],
        (
            1_207,
            Some("8"),
            RejectStatus::Warning,
            kcxs("abc").as_str()
        )
    );
    assert_eq!(
        (lu[2].0, lu[2].1, lu[2].2),
        (1_208, Some("9"), RejectStatus::Warning)
    );
    assert!(lu[2].3.contains("in field DLMC"), "{}", lu[2].3);
    assert_eq!((lu[3].0, lu[3].2), (1_209, RejectStatus::Warning));
    assert!(lu[3].3.contains("in field DLMC"), "{}", lu[3].3);
    assert_eq!(
        lu[4],
        (1_209, Some("10"), RejectStatus::Warning, kcxs("x").as_str())
    );
    assert_eq!((lu[5].0, lu[5].2), (1_210, RejectStatus::Rejected));
    assert!(lu[5].3.contains("self-intersection"), "{}", lu[5].3);
}

#[test]
fn a_land_use_layer_the_frame_cannot_take_is_an_error_naming_it() {
    let features = only(&landuse(0.0), None);
    // UTM 50N approvals and supplies, land use in UTM 51N: not CGCS2000, so not reprojected.
    let d = tempfile::tempdir().unwrap();
    write_parcels(d.path(), 32650, 0.0);
    let lu = d.path().join("landuse.geojson");
    write_fc_in(&lu, 32651, features.clone());
    let e = audit(d.path()).unwrap_err().to_string();
    assert!(e.starts_with(&lu.display().to_string()), "{e}");
    assert!(
        e.contains("CRS EPSG:32651 differs from the approvals layer's EPSG:32650"),
        "{e}"
    );
    // CGCS2000 approvals, land use in UTM: the same error, naming the land use.
    let d = tempfile::tempdir().unwrap();
    write_parcels(d.path(), 4549, 0.0);
    let lu = d.path().join("landuse.geojson");
    write_fc_in(&lu, 32650, features);
    let e = audit(d.path()).unwrap_err().to_string();
    assert!(e.starts_with(&lu.display().to_string()), "{e}");
    assert!(
        e.contains("CRS EPSG:32650 differs from the approvals layer's EPSG:4549"),
        "{e}"
    );
}

#[test]
fn coordinates_that_do_not_fit_the_crs_are_an_error_though_nothing_is_held() {
    // Zone-prefixed eastings declared as EPSG:4549: every polygon is far from every remnant (at
    // x ≈ 40 500 000), so none is held, and the declared-CRS check must still see them.
    let d = tempfile::tempdir().unwrap();
    write_parcels(d.path(), 4549, 0.0);
    let lu = d.path().join("landuse.geojson");
    write_fc(&lu, only(&landuse(40_000_000.0), None));
    let e = audit(d.path()).unwrap_err().to_string();
    assert!(e.starts_with(&lu.display().to_string()), "{e}");
    assert!(e.contains("does not fit eastings"), "{e}");
}

#[test]
fn the_prefilter_works_in_a_utm_frame_and_through_a_zone_prefix() {
    let features = landuse(0.0);
    let base = tempfile::tempdir().unwrap();
    write_parcels(base.path(), 4549, 0.0);
    write_fc(&base.path().join("landuse.geojson"), only(&features, None));
    let reference = audit(base.path()).unwrap();
    assert_rows_by_hand(&reference);
    // Every layer in UTM 50N: overlaid as it is, and the land use sifted in that frame.
    let utm = tempfile::tempdir().unwrap();
    write_parcels(utm.path(), 32650, 0.0);
    write_fc_in(
        &utm.path().join("landuse.geojson"),
        32650,
        only(&features, None),
    );
    // The land use in EPSG:4528 (zone 40 with its prefix): read into EPSG:4549 and sifted there.
    let prefixed = tempfile::tempdir().unwrap();
    write_parcels(prefixed.path(), 4549, 0.0);
    write_fc_in(
        &prefixed.path().join("landuse.geojson"),
        4528,
        only(&landuse(40_000_000.0), None),
    );
    for dir in [&utm, &prefixed] {
        let a = audit(dir.path()).unwrap();
        assert_eq!(a.landuse, reference.landuse);
        assert_eq!(account(&a).notes, [NOTE]);
        assert_eq!(account(&a).used, 1_206);
    }
}

#[cfg(feature = "gdal")]
#[test]
fn a_geopackage_land_use_is_sifted_the_same() {
    let features = landuse(0.0);
    let d = tempfile::tempdir().unwrap();
    write_parcels(d.path(), 4549, 0.0);
    let json = d.path().join("landuse.geojson");
    write_fc(&json, only(&features, None));
    let reference = audit(d.path()).unwrap();
    // GDAL's own ogr2ogr (gdal-bin) writes the GeoPackage; the GeoJSON then goes.
    let gpkg = d.path().join("landuse.gpkg");
    let out = std::process::Command::new("ogr2ogr")
        .args(["-f", "GPKG"])
        .arg(&gpkg)
        .arg(&json)
        .output()
        .expect("ogr2ogr (Debian package gdal-bin) must be installed for the gdal tests");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&json).unwrap();
    let a = audit(d.path()).unwrap();
    assert_eq!(a.landuse, reference.landuse);
    let c = account(&a);
    assert_eq!((c.read, c.used, c.rejected), (1_206, 1_206, 0));
    assert!(c.notes.iter().any(|n| n == NOTE), "{:?}", c.notes);
}
