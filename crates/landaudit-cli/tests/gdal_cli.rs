//! The binary on real bureau formats (feature `gdal`): bad files exit non-zero with one line
//! naming the file; without the feature, a Shapefile gets an error naming the feature.

use std::path::Path;
use std::process::{Command, Output};

fn landaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_landaudit"))
        .args(["audit", "--as-of", "2026-06-30", "-q"])
        .args(args)
        .output()
        .unwrap()
}

fn demo(layer: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../data/demo/{layer}.geojson"))
        .to_string_lossy()
        .into_owned()
}

/// Exit 1, no panic, and the error is one line that names `file`.
fn assert_one_line_error(o: &Output, file: &str) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(file), "{stderr}");
    stderr
}

#[cfg(not(feature = "gdal"))]
#[test]
fn without_the_feature_a_shapefile_names_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("a.shp");
    std::fs::write(&shp, b"").unwrap();
    let out = dir.path().join("out");
    let o = landaudit(&[
        "--approvals",
        shp.to_str().unwrap(),
        "--supplies",
        &demo("supplies"),
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = assert_one_line_error(&o, shp.to_str().unwrap());
    assert!(e.contains("--features gdal"), "{e}");
    let o = landaudit(&[
        "--dir",
        &demo("x").replace("/x.geojson", ""),
        "--format",
        "gpkg",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("`gdal` feature"));
    assert_eq!(o.status.code(), Some(1));
}

#[cfg(feature = "gdal")]
#[test]
fn bad_bureau_files_exit_nonzero_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let ogr2ogr = |args: &[&str]| {
        let o = Command::new("ogr2ogr")
            .args(args)
            .output()
            .expect("ogr2ogr (gdal-bin)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ogr2ogr(&["-f", "ESRI Shapefile", &d("a.shp"), &demo("approvals")]);
    ogr2ogr(&[
        "-f",
        "GPKG",
        &d("s.gpkg"),
        &demo("supplies"),
        "-nln",
        "supplies",
    ]);
    let out = d("out");
    let run = |a: &str, s: &str| landaudit(&["--approvals", a, "--supplies", s, "--out", &out]);

    // The good files audit, with the layer named explicitly or found by kind.
    let o = run(&d("a.shp"), &format!("{}:supplies", d("s.gpkg")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = landaudit(&[
        "--approvals",
        &d("a.shp"),
        "--supplies",
        &d("s.gpkg"),
        "--layer",
        "supplies=supplies",
        "--encoding",
        "utf-8",
        "--format",
        "gpkg",
        "--out",
        &out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(Path::new(&out).join("audit.gpkg").is_file());

    // A layer that does not exist.
    let e = assert_one_line_error(
        &run(&d("a.shp"), &format!("{}:nope", d("s.gpkg"))),
        &d("s.gpkg"),
    );
    assert!(e.contains("no layer named \"nope\""), "{e}");
    // A .gpkg that is not SQLite.
    std::fs::write(d("fake.gpkg"), "not a database\n".repeat(50)).unwrap();
    assert_one_line_error(&run(&d("a.shp"), &d("fake.gpkg")), &d("fake.gpkg"));
    // A truncated .shp.
    let shp = std::fs::read(d("a.shp")).unwrap();
    std::fs::write(d("a.shp"), &shp[..shp.len() * 2 / 3]).unwrap();
    assert_one_line_error(&run(&d("a.shp"), &d("s.gpkg")), &d("a.shp"));
    // A missing .dbf.
    std::fs::write(d("a.shp"), &shp).unwrap();
    std::fs::remove_file(d("a.dbf")).unwrap();
    assert_one_line_error(&run(&d("a.shp"), &d("s.gpkg")), &d("a.shp"));
    // A bad --layer or --encoding.
    let o = landaudit(&[
        "--approvals",
        &d("a.shp"),
        "--supplies",
        &d("s.gpkg"),
        "--layer",
        "nokind=x",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown layer kind"));
}
