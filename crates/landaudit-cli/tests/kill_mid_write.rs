//! All-or-nothing outputs: a run killed at any moment (SIGKILL, no chance to clean up) leaves
//! every output file either as the previous complete run wrote it or as the new run would have
//! written it, never truncated or half-written.
//!
//! Two complete outputs are taken first, at two evaluation dates (so that most files differ
//! between them). Then runs alternating between the two dates are started into one output
//! directory and killed: a few at staggered moments of the computation, most at staggered
//! moments after their first temporary file appears (the write phase, ~10 % of a run). After
//! each kill every file must equal its version in one of the two complete outputs, and parse.
//!
//! What a kill may leave besides the outputs: stale `.landaudit-*.tmp` files. `write_atomic`
//! writes each output into such a temporary file and renames it over the output; the temporary
//! file is deleted on drop, which SIGKILL skips. They are never mistaken for outputs.
//!
//! Note the guarantee is per file: after a kill, `summary.md` may come from the new run while
//! `approvals.csv` is still the previous run's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set once `report::write_all` removes stale `.landaudit-*.tmp` files left by killed runs.
const CLEANS_STALE_TEMPS: bool = true;

const DATE_A: &str = "2026-06-30";
const DATE_B: &str = "2028-12-31";

fn landaudit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_landaudit"))
}

fn audit_cmd(input: &Path, out: &Path, as_of: &str) -> Command {
    let mut c = landaudit();
    c.args(["audit", "-q", "--as-of", as_of, "--approvals"])
        .arg(input.join("approvals.geojson"))
        .arg("--supplies")
        .arg(input.join("supplies.geojson"))
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn is_stale_temp(name: &str) -> bool {
    name.starts_with(".landaudit-") && name.ends_with(".tmp")
}

/// File name → content of every file in `dir`.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Checks that a file is complete by its format: CSV rows all as long as the header, GeoJSON a
/// whole FeatureCollection, anything else not empty.
fn check_complete(name: &str, bytes: &[u8]) -> Result<(), String> {
    if name.ends_with(".csv") {
        let mut r = csv::Reader::from_reader(bytes);
        let width = r.headers().map_err(|e| format!("{name}: {e}"))?.len();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| format!("{name}: row {i}: {e}"))?;
            if rec.len() != width {
                return Err(format!("{name}: row {i} has {} fields", rec.len()));
            }
        }
        if !bytes.ends_with(b"\n") {
            return Err(format!("{name}: no final newline"));
        }
    } else if name.ends_with(".geojson") {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
        if v["type"] != "FeatureCollection" || !v["features"].is_array() {
            return Err(format!("{name}: not a FeatureCollection"));
        }
    } else if bytes.is_empty() {
        return Err(format!("{name}: empty"));
    }
    Ok(())
}

fn run_to_completion(input: &Path, out: &Path, as_of: &str) {
    let s = audit_cmd(input, out, as_of).status().unwrap();
    assert!(s.success(), "audit --as-of {as_of} failed");
}

#[test]
fn killed_runs_never_leave_a_partial_output() {
    let t0 = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let s = landaudit()
        .args(["synth", "-q", "--scale", "0.3", "--seed", "3", "--out"])
        .arg(&input)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(s.success());

    // The two complete outputs, and a third run at date A to find files that are not
    // byte-for-byte reproducible (those are only checked by format).
    let (out_a, out_b, out) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("out"),
    );
    let t = Instant::now();
    run_to_completion(&input, &out_a, DATE_A);
    let full_run = t.elapsed();
    run_to_completion(&input, &out_b, DATE_B);
    run_to_completion(&input, &out, DATE_A);
    let (snap_a, snap_b) = (snapshot(&out_a), snapshot(&out_b));
    let outputs: BTreeSet<String> = snap_a.keys().cloned().collect();
    assert_eq!(outputs, snap_b.keys().cloned().collect::<BTreeSet<_>>());
    assert!(outputs.iter().all(|n| !is_stale_temp(n)));
    for (name, bytes) in snap_a.iter().chain(&snap_b) {
        check_complete(name, bytes).unwrap();
    }
    let reproducible: BTreeSet<String> = snapshot(&out)
        .into_iter()
        .filter(|(n, b)| snap_a.get(n) == Some(b))
        .map(|(n, _)| n)
        .collect();
    let differing = outputs.iter().filter(|n| snap_a[*n] != snap_b[*n]).count();
    assert!(
        differing >= 3,
        "only {differing} files differ between the two dates"
    );

    let (mut kills, mut in_write, mut mixed) = (0, 0, 0);
    for i in 0..20u64 {
        let as_of = if i % 2 == 0 { DATE_B } else { DATE_A };
        let before = names(&out);
        let mut child = audit_cmd(&input, &out, as_of).spawn().unwrap();
        let early = i % 5 == 0;
        let started = Instant::now();
        let mut saw_temp = false;
        if early {
            // During loading and the overlay: 0, 25 %, 50 %, 75 % of a full run.
            std::thread::sleep(full_run.mul_f64((i / 5) as f64 * 0.25));
        } else {
            // Wait for the write phase (a new temporary file), then 0–90 ms more.
            while started.elapsed() < full_run * 10 {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if names(&out).difference(&before).any(|n| is_stale_temp(n)) {
                    saw_temp = true;
                    break;
                }
                std::thread::sleep(Duration::from_micros(300));
            }
            std::thread::sleep(Duration::from_millis((i * 23) % 90));
        }
        let finished_first = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();
        if !finished_first {
            kills += 1;
        }
        if saw_temp && !finished_first {
            in_write += 1;
        }

        let now = snapshot(&out);
        let mut from = BTreeSet::new();
        for (name, bytes) in &now {
            if is_stale_temp(name) {
                continue;
            }
            assert!(outputs.contains(name), "kill {i}: unexpected file {name}");
            check_complete(name, bytes).unwrap_or_else(|e| panic!("kill {i}: {e}"));
            if reproducible.contains(name) {
                let (is_a, is_b) = (&snap_a[name] == bytes, &snap_b[name] == bytes);
                assert!(
                    is_a || is_b,
                    "kill {i}: {name} ({} bytes) is neither complete version",
                    bytes.len()
                );
                if is_a != is_b {
                    from.insert(is_a);
                }
            }
        }
        for name in &outputs {
            assert!(now.contains_key(name), "kill {i}: {name} disappeared");
        }
        if from.len() == 2 {
            mixed += 1;
        }
    }

    let stale: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| is_stale_temp(n))
        .collect();
    // A complete run afterwards restores the date-A outputs exactly.
    run_to_completion(&input, &out, DATE_A);
    let after = snapshot(&out);
    for name in &reproducible {
        assert!(after[name] == snap_a[name], "{name} after a complete run");
    }
    let stale_after = after.keys().filter(|n| is_stale_temp(n)).count();
    eprintln!(
        "{kills} of 20 runs killed ({in_write} in the write phase, {mixed} leaving files of both \
         dates); {} stale temporary files after the kills, {stale_after} after a complete run; \
         full run {full_run:?}, test {:?}",
        stale.len(),
        t0.elapsed()
    );
    assert!(
        in_write >= 8,
        "only {in_write} kills landed in the write phase"
    );
    if CLEANS_STALE_TEMPS {
        assert_eq!(
            stale_after, 0,
            "stale temporary files survive a complete run"
        );
    }
}

/// The format check catches what a torn write leaves.
#[test]
fn the_completeness_check_sees_truncation() {
    assert!(check_complete("a.csv", b"a,b\n1,2\n").is_ok());
    assert!(check_complete("a.csv", b"a,b\n1,2\n3").is_err());
    assert!(check_complete("a.csv", b"a,b\n1,2\n3,4").is_err());
    let fc = br#"{"type":"FeatureCollection","features":[]}"#;
    assert!(check_complete("a.geojson", fc).is_ok());
    assert!(check_complete("a.geojson", &fc[..fc.len() - 2]).is_err());
    assert!(check_complete("summary.md", b"").is_err());
}
