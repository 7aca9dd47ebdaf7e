//! Bad input, case by case: a problem with one feature costs that feature (a row of
//! `rejected.csv` naming layer, file, feature index, id and reason) or a warning, never the run;
//! a problem with the whole file stops the run with one line naming the file. In every run that
//! completes, each layer's features are accounted for: read = used + rejected.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::*;
use landaudit::config::InputSettings;
use landaudit::io::read_layer_limited;
use landaudit::{Audit, AuditInputs, Config, LayerKind};
use serde_json::json;

/// The layouts sit near the central meridian of EPSG:4549.
const X0: f64 = 500_000.0;
const Y0: f64 = 3_300_000.0;

/// Square number `i` (100 m × 100 m, 200 m apart along x).
fn sq(i: usize) -> Vec<Vec<[f64; 2]>> {
    let x = X0 + 200.0 * i as f64;
    rect(x, Y0, x + 100.0, Y0 + 100.0)
}

fn approval(id: &str, i: usize) -> String {
    feature(json!({"PZWH": id, "PZRQ": "2020-01-01"}), &sq(i)).to_string()
}

fn supply(id: &str, pzwh: &str, i: usize) -> String {
    feature(json!({"DZJGH": id, "PZWH": pzwh}), &sq(i)).to_string()
}

/// A feature with the given properties (JSON text) and geometry (JSON text).
fn raw_feature(props: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{props},"geometry":{geometry}}}"#)
}

/// A FeatureCollection in EPSG:4549 from feature texts.
fn fc(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:4549"}}}},"features":[
{}
]}}"#,
        features.join(",\n")
    )
}

/// One row of `rejected.csv`.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    layer: String,
    file: String,
    index: usize,
    id: String,
    status: String,
    reason: String,
}

struct Run {
    dir: tempfile::TempDir,
    audit: Audit,
    rows: Vec<Row>,
}

impl Run {
    fn path(&self, layer: &str) -> PathBuf {
        self.dir.path().join(format!("{layer}.geojson"))
    }

    /// Checks that a row of feature `index` of `layer` with `status` and a reason containing
    /// `reason` names the file, the id, and is one line.
    fn assert_row(&self, layer: &str, index: usize, id: &str, status: &str, reason: &str) {
        let r = self
            .rows
            .iter()
            .find(|r| {
                r.layer == layer
                    && r.index == index
                    && r.status == status
                    && r.reason.contains(reason)
            })
            .unwrap_or_else(|| {
                panic!(
                    "no {status} row for {layer} feature {index} with {reason:?} in {:#?}",
                    self.rows
                )
            });
        assert_eq!(r.file, self.path(layer).display().to_string());
        assert_eq!(r.id, id, "{r:?}");
        assert!(!r.reason.contains('\n'), "{r:?}");
    }

    fn used_ids(&self, layer: &str) -> Vec<&str> {
        match layer {
            "approvals" => self
                .audit
                .approvals
                .iter()
                .map(|a| a.pzwh.as_str())
                .collect(),
            _ => self
                .audit
                .supplies
                .iter()
                .map(|s| s.dzjgh.as_str())
                .collect(),
        }
    }
}

/// Writes the two layers, runs the audit, writes the outputs and reads `rejected.csv` back;
/// checks the accounting of every layer.
fn run_with(
    approvals: impl AsRef<[u8]>,
    supplies: impl AsRef<[u8]>,
    cfg: &Config,
    repair: bool,
) -> landaudit::Result<Run> {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("approvals.geojson");
    let s = dir.path().join("supplies.geojson");
    std::fs::write(&a, approvals).unwrap();
    std::fs::write(&s, supplies).unwrap();
    let mut inputs = AuditInputs::new(&a, &s, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    inputs.repair = repair;
    let audit = Audit::run(&inputs, cfg)?;
    let out = dir.path().join("out");
    landaudit::report::write_all(&audit, &out)?;
    let mut rdr = csv::Reader::from_path(out.join("rejected.csv")).unwrap();
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["layer", "file", "index", "id", "status", "reason"]
    );
    let rows: Vec<Row> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                layer: r[0].to_string(),
                file: r[1].to_string(),
                index: r[2].parse().unwrap(),
                id: r[3].to_string(),
                status: r[4].to_string(),
                reason: r[5].to_string(),
            }
        })
        .collect();
    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        for r in &rows {
            eprintln!(
                "  row: {} {} {} {:?} {} {}",
                r.layer, r.file, r.index, r.id, r.status, r.reason
            );
        }
    }
    for acc in &audit.accounts {
        assert_eq!(
            acc.read,
            acc.used + acc.rejected,
            "{:?}: read = used + rejected",
            acc.kind
        );
        let rejected_rows = rows
            .iter()
            .filter(|r| r.layer == acc.kind.name() && r.status == "rejected")
            .count();
        assert_eq!(acc.rejected, rejected_rows, "{:?}", acc.kind);
    }
    Ok(Run { dir, audit, rows })
}

fn run(approvals: &[String], supplies: &[String]) -> Run {
    run_with(fc(approvals), fc(supplies), &Config::default(), false).unwrap()
}

fn account(run: &Run, kind: LayerKind) -> (usize, usize, usize) {
    let a = run.audit.accounts.iter().find(|a| a.kind == kind).unwrap();
    (a.read, a.used, a.rejected)
}

/// The error of a run that must stop: one line, naming the file.
fn file_error(approvals: impl AsRef<[u8]>, file_must_name: &str) -> String {
    let e = match run_with(
        approvals,
        fc(&[supply("S", "A", 0)]),
        &Config::default(),
        false,
    ) {
        Ok(_) => panic!("the run should stop"),
        Err(e) => e.to_string(),
    };
    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        eprintln!("  error: {e}");
    }
    assert!(!e.contains('\n'), "not one line: {e}");
    assert!(
        e.contains(file_must_name),
        "{e} does not name {file_must_name}"
    );
    e
}

const SQUARE_AT_0: &str =
    "[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300100],[500000,3300000]]]";

#[test]
fn null_and_empty_geometries_are_rejected() {
    let r = run(
        &[
            approval("A", 0),
            raw_feature(r#"{"PZWH":"NULL"}"#, "null"),
            r#"{"type":"Feature","properties":{"PZWH":"NOGEOM"}}"#.to_string(),
            raw_feature(
                r#"{"PZWH":"EMPTY_MULTI"}"#,
                r#"{"type":"MultiPolygon","coordinates":[]}"#,
            ),
            raw_feature(
                r#"{"PZWH":"EMPTY_POLY"}"#,
                r#"{"type":"Polygon","coordinates":[]}"#,
            ),
            raw_feature(
                r#"{"PZWH":"EMPTY_RING"}"#,
                r#"{"type":"Polygon","coordinates":[[]]}"#,
            ),
        ],
        &[supply("S", "A", 0)],
    );
    r.assert_row("approvals", 1, "NULL", "rejected", "null geometry");
    r.assert_row("approvals", 2, "NOGEOM", "rejected", "null geometry");
    r.assert_row("approvals", 3, "EMPTY_MULTI", "rejected", "empty geometry");
    r.assert_row("approvals", 4, "EMPTY_POLY", "rejected", "empty geometry");
    r.assert_row(
        "approvals",
        5,
        "EMPTY_RING",
        "rejected",
        "exterior ring has 0 positions",
    );
    assert_eq!(account(&r, LayerKind::Approvals), (6, 1, 5));
    assert_eq!(r.used_ids("approvals"), ["A"]);
}

#[test]
fn a_linestring_in_a_polygon_layer_is_rejected() {
    let r = run(
        &[approval("A", 0)],
        &[
            supply("S1", "A", 0),
            raw_feature(
                r#"{"DZJGH":"LINE","PZWH":"A"}"#,
                r#"{"type":"LineString","coordinates":[[500000,3300000],[500100,3300000]]}"#,
            ),
            raw_feature(
                r#"{"DZJGH":"POINT"}"#,
                r#"{"type":"Point","coordinates":[500000,3300000]}"#,
            ),
        ],
    );
    r.assert_row(
        "supplies",
        1,
        "LINE",
        "rejected",
        "geometry type LineString, expected Polygon or MultiPolygon",
    );
    r.assert_row("supplies", 2, "POINT", "rejected", "geometry type Point");
    assert_eq!(account(&r, LayerKind::Supplies), (3, 1, 2));
}

/// JSON has no NaN or Infinity; a number beyond f64 (`1e999`) is the nearest thing. serde_json
/// refuses it, but only when the feature is converted: the raw capture checks syntax only, so it
/// costs the one feature. In an attribute it costs only the attribute (a warning).
#[test]
fn out_of_range_numbers_cost_one_feature_not_the_file() {
    let big = |x: &str| {
        format!(
            "[[[500000,3300000],[{x},3300000],[500100,3300100],[500000,3300100],[500000,3300000]]]"
        )
    };
    let poly = |c: String| format!(r#"{{"type":"Polygon","coordinates":{c}}}"#);
    let r = run(
        &[
            approval("A", 0),
            raw_feature(r#"{"PZWH":"INF"}"#, &poly(big("1e999"))),
            raw_feature(r#"{"PZWH":"NEGINF"}"#, &poly(big("-1e999"))),
            raw_feature(r#"{"PZWH":"FAR"}"#, &poly(big("1e300"))),
            raw_feature(r#"{"PZWH":"NAN"}"#, &poly(big("NaN"))).replace("NaN", "\"NaN\""),
            approval("B", 1).replace("\"PZWH\"", "\"PZMJ\":1e999,\"PZWH\""),
            approval("C", 2),
        ],
        &[
            supply("S", "A", 0).replace("\"PZWH\"", "\"JK\":-1e999,\"PZWH\""),
            supply("T", "B", 1),
        ],
    );
    r.assert_row("approvals", 1, "INF", "rejected", "number out of range");
    r.assert_row("approvals", 2, "NEGINF", "rejected", "number out of range");
    r.assert_row("approvals", 3, "FAR", "rejected", "is beyond ±1e9");
    r.assert_row("approvals", 4, "NAN", "rejected", "unreadable geometry");
    r.assert_row(
        "approvals",
        5,
        "B",
        "warning",
        "field PZMJ: not a number \"1e999\"; treated as missing",
    );
    r.assert_row(
        "supplies",
        0,
        "S",
        "warning",
        "field JK: not a number \"-1e999\"; treated as missing",
    );
    assert_eq!(r.used_ids("approvals"), ["A", "B", "C"]);
    assert_eq!(account(&r, LayerKind::Approvals), (7, 3, 4));
    assert_eq!(account(&r, LayerKind::Supplies), (2, 2, 0));
}

#[test]
fn an_unclosed_ring_is_rejected() {
    let open = r#"{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300100]]]}"#;
    let hole_open = r#"{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300100],[500000,3300000]],[[500040,3300040],[500060,3300040],[500060,3300060],[500040,3300060]]]}"#;
    let r = run(
        &[
            approval("A", 0),
            raw_feature(r#"{"PZWH":"OPEN"}"#, open),
            raw_feature(r#"{"PZWH":"HOLE"}"#, hole_open),
        ],
        &[],
    );
    r.assert_row(
        "approvals",
        1,
        "OPEN",
        "rejected",
        "polygon 0 exterior ring is not closed (first and last positions differ)",
    );
    r.assert_row(
        "approvals",
        2,
        "HOLE",
        "rejected",
        "polygon 0 interior ring 0 is not closed",
    );
    assert_eq!(account(&r, LayerKind::Approvals), (3, 1, 2));
}

/// A bow-tie (self-intersecting ring) is rejected, and with `--repair` becomes its two triangles.
#[test]
fn a_bowtie_is_rejected_or_repaired() {
    let bowtie = r#"{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300100],[500100,3300000],[500000,3300100],[500000,3300000]]]}"#;
    let approvals = fc(&[
        approval("A", 1),
        raw_feature(r#"{"PZWH":"BOWTIE"}"#, bowtie),
    ]);
    let supplies = fc(&[supply("S", "A", 1)]);
    let planar = Config::from_toml_str("[area]\nmode = \"planar\"").unwrap();

    let r = run_with(&approvals, &supplies, &planar, false).unwrap();
    r.assert_row("approvals", 1, "BOWTIE", "rejected", "self-intersection");
    assert_eq!(account(&r, LayerKind::Approvals), (2, 1, 1));

    let r = run_with(&approvals, &supplies, &planar, true).unwrap();
    r.assert_row("approvals", 1, "BOWTIE", "repaired", "repaired: ");
    assert_eq!(account(&r, LayerKind::Approvals), (2, 2, 0));
    let bowtie = r
        .audit
        .overlays
        .iter()
        .flatten()
        .find(|o| r.audit.approvals[o.approval].pzwh == "BOWTIE")
        .unwrap();
    // Two triangles of 50 m × 100 m / 2 = 2,500 m² each.
    assert!(
        (bowtie.area_m2 - 5_000.0).abs() < 1e-6,
        "{}",
        bowtie.area_m2
    );
}

#[test]
fn duplicate_and_missing_ids_are_rejected() {
    let r = run(
        &[
            approval("A", 0),
            approval("A", 1),
            raw_feature(
                r#"{"PZRQ":"2020-01-01"}"#,
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE_AT_0}}}"#),
            ),
            raw_feature(
                r#"{"PZWH":"  "}"#,
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE_AT_0}}}"#),
            ),
            raw_feature(
                r#"{"PZWH":null}"#,
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE_AT_0}}}"#),
            ),
            raw_feature(
                "null",
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE_AT_0}}}"#),
            ),
        ],
        &[supply("S", "A", 0), supply("S", "A", 1), supply("", "A", 2)],
    );
    r.assert_row(
        "approvals",
        1,
        "A",
        "rejected",
        "duplicate id PZWH = \"A\" (first used by feature 0)",
    );
    for i in 2..6 {
        r.assert_row(
            "approvals",
            i,
            "",
            "rejected",
            "missing id: field PZWH is absent or empty",
        );
    }
    r.assert_row(
        "supplies",
        1,
        "S",
        "rejected",
        "duplicate id DZJGH = \"S\" (first used by feature 0)",
    );
    r.assert_row("supplies", 2, "", "rejected", "missing id: field DZJGH");
    assert_eq!(account(&r, LayerKind::Approvals), (6, 1, 5));
    assert_eq!(account(&r, LayerKind::Supplies), (3, 1, 2));
}

#[test]
fn unparseable_dates_are_warnings_and_the_feature_is_kept() {
    let r = run(
        &[approval("A", 0).replace("2020-01-01", "2020-13-45")],
        &[feature(
            json!({"DZJGH": "S", "PZWH": "A", "YDKGRQ": "next spring", "SJKGRQ": 20210230}),
            &sq(0),
        )
        .to_string()],
    );
    r.assert_row(
        "approvals",
        0,
        "A",
        "warning",
        "field PZRQ: unreadable date \"2020-13-45\"; treated as missing",
    );
    r.assert_row(
        "supplies",
        0,
        "S",
        "warning",
        "field YDKGRQ: unreadable date \"next spring\"",
    );
    let sj = r
        .rows
        .iter()
        .find(|row| row.reason.contains("SJKGRQ"))
        .expect("a warning for SJKGRQ 20210230");
    assert_eq!((sj.index, sj.status.as_str()), (0, "warning"));
    assert_eq!(r.used_ids("approvals"), ["A"]);
    assert_eq!(r.used_ids("supplies"), ["S"]);
    assert_eq!(r.audit.approvals[0].pzrq, None);
}

#[test]
fn negative_money_is_a_warning() {
    let r = run(
        &[approval("A", 0)],
        &[feature(
            json!({"DZJGH": "S", "PZWH": "A", "JK": -5.0, "ZTZ": "-1,000", "YTZ": "lots"}),
            &sq(0),
        )
        .to_string()],
    );
    r.assert_row(
        "supplies",
        0,
        "S",
        "warning",
        "field JK: negative value -5; treated as missing",
    );
    assert!(
        r.rows
            .iter()
            .any(|x| x.reason.contains("field ZTZ: negative")),
        "{:#?}",
        r.rows
    );
    assert!(
        r.rows
            .iter()
            .any(|x| x.reason.contains("field YTZ: not a number \"lots\"")),
        "{:#?}",
        r.rows
    );
    let s = &r.audit.supplies[0];
    assert_eq!((s.jk, s.ztz, s.ytz), (None, None, None));
}

/// Money beyond any land price or project (above 1e13 yuan, 十万亿) is a data-entry error: a
/// warning, treated as missing, so it cannot drive a 20 % idle fee of trillions.
#[test]
fn absurd_money_is_a_warning() {
    let r = run(
        &[approval("A", 0)],
        &[feature(
            json!({"DZJGH": "S", "PZWH": "A", "JK": 5e15, "ZTZ": 1e14, "YTZ": 2e13}),
            &sq(0),
        )
        .to_string()],
    );
    for f in ["JK", "ZTZ", "YTZ"] {
        assert!(
            r.rows.iter().any(|x| x.status == "warning"
                && x.reason.starts_with(&format!("field {f}:"))
                && x.reason.contains("treated as missing")),
            "{f}: {:#?}",
            r.rows
        );
    }
    let s = &r.audit.supplies[0];
    assert_eq!((s.jk, s.ztz, s.ytz), (None, None, None));
}

#[test]
fn a_truncated_file_stops_the_run_naming_file_line_and_column() {
    let text = fc(&[approval("A", 0), approval("B", 1)]);
    let cut = &text[..text.len() * 2 / 3];
    let e = file_error(cut, "approvals.geojson");
    assert!(
        e.contains("not a readable GeoJSON FeatureCollection"),
        "{e}"
    );
    assert!(
        e.contains("EOF while parsing") && e.contains("line 3 column"),
        "{e}"
    );
}

/// Invalid UTF-8 (here 0xFF, and GBK-encoded "中" = D6 D0) inside a feature is read as U+FFFD
/// and costs a warning; in the id it costs the feature; outside the features it stops the run.
#[test]
fn invalid_utf8_costs_one_feature_at_most() {
    let approvals = fc(&[
        approval("A", 0).replace("\"PZWH\"", "\"PCMC\":\"batch \u{1}\",\"PZWH\""),
        approval("BX", 1).replace("BX", "B\u{2}"),
        approval("C", 2),
    ]);
    let bytes: Vec<u8> = approvals
        .bytes()
        .flat_map(|b| match b {
            1 => vec![0xFF],
            2 => vec![0xD6, 0xD0],
            b => vec![b],
        })
        .collect();
    let offset_ff = bytes.iter().position(|&b| b == 0xFF).unwrap();
    let offset_d6 = bytes.iter().position(|&b| b == 0xD6).unwrap();
    // Through a whole run (the text is not valid UTF-8, so it goes through a file).
    let supplies = fc(&[supply("S", "A", 0)]);
    let r = run_with(&bytes, &supplies, &Config::default(), false).unwrap();
    r.assert_row(
        "approvals",
        0,
        "A",
        "warning",
        &format!("invalid UTF-8 (byte 0xFF at byte {offset_ff} of the file) read as U+FFFD in field PCMC; the file must be UTF-8"),
    );
    r.assert_row(
        "approvals",
        1,
        "B\u{FFFD}\u{FFFD}",
        "rejected",
        &format!("invalid UTF-8 (byte 0xD6 at byte {offset_d6} of the file) read as U+FFFD in the id field PZWH"),
    );
    assert_eq!(r.used_ids("approvals"), ["A", "C"]);
    assert_eq!(r.audit.approvals[0].pcmc.as_deref(), Some("batch \u{FFFD}"));
    assert_eq!(account(&r, LayerKind::Approvals), (3, 2, 1));

    // Outside the features: the run stops, naming the file and the byte.
    let mut bytes = fc(&[approval("A", 0)]).into_bytes();
    let at = bytes.windows(4).position(|w| w == b"4549").unwrap();
    bytes[at] = 0xFF;
    let e = file_error(&bytes, "approvals.geojson");
    assert!(
        e.contains(&format!(
            "invalid UTF-8 (byte 0xFF at byte {at}) outside the features; the file must be UTF-8"
        )),
        "{e}"
    );
}

fn read_approvals(path: &Path, input: &InputSettings) -> landaudit::Result<landaudit::Layer> {
    let cfg = Config::default();
    read_layer_limited(
        path,
        &landaudit::io::ReadOptions {
            kind: LayerKind::Approvals,
            fields: &cfg.fields.approvals,
            repair: false,
            all_fields: false,
            keep: None,
        },
        input,
    )
}

/// Peak resident memory of this process (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A feature of ~100 MB against a limit of 1 MB: the read stops once the feature passes the
/// limit, without buffering it, and names the file, the feature and the limit.
#[test]
fn a_huge_feature_is_refused_without_buffering_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("approvals.geojson");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        write!(
            w,
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:4549"}}}},"features":[{},"#,
            approval("A", 0)
        )
        .unwrap();
        write!(
            w,
            r#"{{"type":"Feature","properties":{{"PZWH":"HUGE"}},"geometry":{{"type":"Polygon","coordinates":[[[500000,3300000]"#
        )
        .unwrap();
        // 4 million vertices of 25 bytes: 100 MB, written in 1 MB pieces.
        let piece = ",[500000.125,3300000.125]".repeat(40_000);
        for _ in 0..100 {
            w.write_all(piece.as_bytes()).unwrap();
        }
        write!(w, ",[500000,3300000]]]}}}}]}}").unwrap();
    }
    assert!(std::fs::metadata(&path).unwrap().len() > 100_000_000);
    let limit = InputSettings {
        max_feature_bytes: 1 << 20,
        max_file_bytes: None,
    };
    let before = peak_rss();
    let t = std::time::Instant::now();
    let e = read_approvals(&path, &limit).unwrap_err().to_string();
    let took = t.elapsed();
    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        eprintln!(
            "  error: {e} ({took:?}, peak RSS {before:?} -> {:?})",
            peak_rss()
        );
    }
    assert!(!e.contains('\n'));
    assert!(e.contains(&path.display().to_string()), "{e}");
    assert!(
        e.contains("feature 1 is larger than [input] max_feature_bytes = 1048576"),
        "{e}"
    );
    // Stopping after ~1 MB takes milliseconds; reading 100 MB would take a second or more.
    assert!(took.as_millis() < 2_000, "{took:?}");
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        // Other tests run in this process too; 100 MB buffered would show regardless.
        assert!(
            after < before.max(60 << 20) + (40 << 20),
            "peak RSS grew from {before} to {after}"
        );
    }
    // The same file under the default limit (64 MiB) also stops, at the same feature.
    let e = read_approvals(&path, &InputSettings::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("feature 1 is larger than [input] max_feature_bytes = 67108864"),
        "{e}"
    );
    // A file limit is checked before reading.
    let e = read_approvals(
        &path,
        &InputSettings {
            max_feature_bytes: 1 << 20,
            max_file_bytes: Some(50_000_000),
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("more than [input] max_file_bytes = 50000000"),
        "{e}"
    );
}

/// 100,000 nested arrays: in a feature's geometry they cost the feature (the coordinates scanner
/// is not recursive and wants numbers at the fourth level; no stack overflow); in an attribute
/// nothing; at the top level the run stops.
#[test]
fn deep_nesting_never_overflows_the_stack() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = run(
        &[
            approval("A", 0),
            raw_feature(
                r#"{"PZWH":"DEEP"}"#,
                &format!(r#"{{"type":"Polygon","coordinates":{deep}}}"#),
            ),
            approval("B", 1).replace(
                "\"PZWH\"",
                &format!("\"PCMC\":{deep},\"X\":{deep},\"PZWH\""),
            ),
            raw_feature(r#"{"PZWH":"DEEPGEOM"}"#, &deep),
        ],
        &[supply("S", "A", 0)],
    );
    // The coordinates scanner expects numbers at the fourth level and stops there.
    r.assert_row(
        "approvals",
        1,
        "DEEP",
        "rejected",
        "unreadable geometry: expected a number, found an array",
    );
    r.assert_row(
        "approvals",
        3,
        "DEEPGEOM",
        "rejected",
        "unreadable geometry",
    );
    assert_eq!(r.used_ids("approvals"), ["A", "B"]);
    assert_eq!(account(&r, LayerKind::Approvals), (4, 2, 2));

    // As the whole file, and inside the crs member: the run stops with one line.
    let e = file_error(&deep, "approvals.geojson");
    assert!(
        e.contains("expected a GeoJSON FeatureCollection object"),
        "{e}"
    );
    let e = file_error(
        fc(&[approval("A", 0)]).replace(r#""crs":{"#, &format!(r#""crs":{deep},"x":{{"#)),
        "approvals.geojson",
    );
    assert!(e.contains("recursion limit exceeded"), "{e}");
    // Inside a foreign member it is skipped without recursion.
    let r = run_with(
        fc(&[approval("A", 0)]).replacen("{", &format!(r#"{{"bbox":{deep},"#), 1),
        fc(&[supply("S", "A", 0)]),
        &Config::default(),
        false,
    )
    .unwrap();
    assert_eq!(r.used_ids("approvals"), ["A"]);
}

#[test]
fn a_bare_feature_or_geometry_is_not_a_layer() {
    let e = file_error(approval("A", 0), "approvals.geojson");
    assert!(
        e.contains(
            r#"top-level type is "Feature" (a single feature), expected "FeatureCollection""#
        ),
        "{e}"
    );
    let e = file_error(
        format!(r#"{{"type":"Polygon","coordinates":{SQUARE_AT_0}}}"#),
        "approvals.geojson",
    );
    assert!(
        e.contains(
            r#"top-level type is "Polygon" (a bare geometry), expected "FeatureCollection""#
        ),
        "{e}"
    );
    let e = file_error("[]", "approvals.geojson");
    assert!(
        e.contains("expected a GeoJSON FeatureCollection object"),
        "{e}"
    );
    let e = file_error("", "approvals.geojson");
    assert!(e.contains("EOF while parsing a value"), "{e}");
    let e = file_error(r#"{"type":"FeatureCollection"}"#, "approvals.geojson");
    assert!(e.contains(r#"no "features" array"#), "{e}");
}

/// An empty FeatureCollection is a valid layer of 0 features.
#[test]
fn an_empty_feature_collection_has_no_features() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("approvals.geojson");
    std::fs::write(&path, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    let l = read_approvals(&path, &InputSettings::default()).unwrap();
    assert_eq!((l.read, l.parcels.len(), l.rejections.len()), (0, 0, 0));
    // An audit with no supplies: every approval unsupplied.
    let r = run(&[approval("A", 0)], &[]);
    assert_eq!(account(&r, LayerKind::Supplies), (0, 0, 0));
    assert_eq!(r.audit.totals().supplied_m2, 0.0);
}
