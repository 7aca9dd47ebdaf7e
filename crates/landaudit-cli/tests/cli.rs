//! The binary as a user runs it: exit codes, messages, and the files it leaves.

use std::path::Path;
use std::process::Command;

fn landaudit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_landaudit"))
}

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

#[test]
fn audit_on_the_demo_writes_every_output() {
    let out = tempfile::tempdir().unwrap();
    let o = landaudit()
        .args(["audit", "--as-of", "2026-06-30", "--dir"])
        .arg(demo())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("供地率"), "{stderr}");
    let mut expected = vec![
        "approvals.csv",
        "unsupplied.geojson",
        "supplies.csv",
        "idle.geojson",
        "links.csv",
        "regions.csv",
        "windows.csv",
        "rejected.csv",
        "summary.md",
        "report.html",
        "map.svg",
    ];
    if demo().join("landuse.geojson").is_file() {
        expected.push("landuse.csv");
    }
    if demo().join("farmland.geojson").is_file() || demo().join("redline.geojson").is_file() {
        expected.push("conflicts.csv");
    }
    for f in &expected {
        assert!(out.path().join(f).is_file(), "{f} missing");
    }
    // Nothing left behind but the outputs (no temp files).
    let mut found: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    // Every approval of the input is in approvals.csv or rejected.csv.
    let text = std::fs::read_to_string(demo().join("approvals.geojson")).unwrap();
    let gj: serde_json::Value = serde_json::from_str(&text).unwrap();
    let read = gj["features"].as_array().unwrap().len();
    let rows = csv::Reader::from_path(out.path().join("approvals.csv"))
        .unwrap()
        .records()
        .count();
    let rejected = csv::Reader::from_path(out.path().join("rejected.csv"))
        .unwrap()
        .records()
        .filter(|r| {
            let r = r.as_ref().unwrap();
            &r[0] == "approvals" && &r[4] == "rejected"
        })
        .count();
    assert_eq!(read, rows + rejected);
}

#[test]
fn same_input_gives_byte_identical_outputs() {
    let (o1, o2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for out in [&o1, &o2] {
        let s = landaudit()
            .args(["audit", "-q", "--as-of", "2026-06-30", "--dir"])
            .arg(demo())
            .arg("--out")
            .arg(out.path())
            .status()
            .unwrap();
        assert!(s.success());
    }
    for f in [
        "approvals.csv",
        "unsupplied.geojson",
        "links.csv",
        "summary.md",
    ] {
        assert_eq!(
            std::fs::read(o1.path().join(f)).unwrap(),
            std::fs::read(o2.path().join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

#[test]
fn unreadable_input_fails_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("approvals.geojson");
    std::fs::write(
        &bad,
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":",
    )
    .unwrap();
    let o = landaudit()
        .args(["audit", "--approvals"])
        .arg(&bad)
        .arg("--supplies")
        .arg(demo().join("supplies.geojson"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("approvals.geojson"), "{stderr}");
    let missing = landaudit()
        .args(["audit", "--dir"])
        .arg(dir.path().join("nope"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
}

#[test]
fn a_typo_in_the_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[slivers]\nmin_width = 0.5\n").unwrap();
    let o = landaudit()
        .args(["audit", "--dir"])
        .arg(demo())
        .arg("--config")
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("min_width"));
}

#[test]
fn synth_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for d in [&a, &b] {
        let s = landaudit()
            .args(["synth", "-q", "--scale", "0.02", "--seed", "9", "--out"])
            .arg(d.path())
            .status()
            .unwrap();
        assert!(s.success());
    }
    for f in ["approvals.geojson", "supplies.geojson"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap()
        );
    }
}
