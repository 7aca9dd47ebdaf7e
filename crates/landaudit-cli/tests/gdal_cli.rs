//! The binary on real bureau formats (feature `gdal`): bad files exit non-zero with one line
//! naming the file; `synth --format gpkg|shp` and `audit --dir` on what it writes give the
//! GeoJSON survey's tables; without the feature, a Shapefile gets an error naming the feature.

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
    // A folder whose approvals are a Shapefile: --dir finds it, and reading it names the feature.
    let shp = dir.path().join("approvals.shp");
    std::fs::write(&shp, b"").unwrap();
    std::fs::copy(demo("supplies"), dir.path().join("supplies.geojson")).unwrap();
    let o = landaudit(&[
        "--dir",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = assert_one_line_error(&o, shp.to_str().unwrap());
    assert!(e.contains("--features gdal"), "{e}");
    for format in ["gpkg", "shp"] {
        let o = synth(&[
            "--scale",
            "0.01",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        let e = assert_one_line_error(&o, &format!("--format {format}"));
        assert!(e.contains("`gdal` feature"), "{e}");
    }
}

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_landaudit"))
        .args(["synth", "-q"])
        .args(args)
        .output()
        .unwrap()
}

/// `synth --format gpkg` and `--format shp` write the survey `synth` writes as GeoJSON, and
/// `audit --dir` finds every layer in them (one GeoPackage of layers named after the kinds; one
/// CP936 Shapefile per kind): each table of the audit is byte for byte the GeoJSON run's.
#[cfg(feature = "gdal")]
#[test]
fn synth_writes_geopackage_and_shapefiles_that_audit_reads_from_a_folder() {
    let root = tempfile::tempdir().unwrap();
    let dir = |name: &str| root.path().join(name).to_string_lossy().into_owned();
    for (name, format) in [("json", "geojson"), ("gpkg", "gpkg"), ("shp", "shp")] {
        let o = synth(&[
            "--scale",
            "0.03",
            "--seed",
            "5",
            "--format",
            format,
            "--out",
            &dir(name),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = landaudit(&["--dir", &dir(name), "--out", &dir(&format!("out-{name}"))]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let listing = |name: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir(name))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    // Nothing else is left in the folders: no temporary folder, no GeoJSON.
    assert_eq!(listing("gpkg"), ["survey.gpkg"]);
    let kinds = [
        "approvals",
        "farmland",
        "footprints",
        "landuse",
        "redline",
        "regions",
        "supplies",
    ];
    let shp: Vec<String> = kinds
        .iter()
        .flat_map(|k| ["cpg", "dbf", "prj", "shp", "shx"].map(|e| format!("{k}.{e}")))
        .collect();
    assert_eq!(listing("shp"), shp);
    assert_eq!(
        std::fs::read_to_string(root.path().join("shp/supplies.cpg"))
            .unwrap()
            .trim(),
        "CP936"
    );
    // The DBF holds GBK bytes: 划拨 is BB AE B2 A6 in CP936, E5 88 92 E6 8B A8 in UTF-8.
    let dbf = std::fs::read(root.path().join("shp/supplies.dbf")).unwrap();
    assert!(dbf.windows(4).any(|w| w == [0xBB, 0xAE, 0xB2, 0xA6]));
    assert!(!dbf.windows(3).any(|w| w == [0xE5, 0x88, 0x92]));
    for table in [
        "approvals",
        "supplies",
        "links",
        "landuse",
        "conflicts",
        "regions",
        "rejected",
    ] {
        let read = |name: &str| {
            std::fs::read_to_string(root.path().join(format!("out-{name}/{table}.csv"))).unwrap()
        };
        let reference = read("json");
        if ["approvals", "supplies", "landuse"].contains(&table) {
            assert!(
                reference.lines().count() > 10,
                "{table}.csv is nearly empty"
            );
        }
        assert!(
            read("gpkg") == reference,
            "{table}.csv from the GeoPackage differs"
        );
        assert!(
            read("shp") == reference,
            "{table}.csv from the Shapefiles differs"
        );
    }
    let summary = std::fs::read_to_string(root.path().join("out-shp/summary.md")).unwrap();
    assert!(
        summary.contains("- supplies: read with GDAL (ESRI Shapefile driver), layer \"supplies\"; text encoding CP936"),
        "{summary}"
    );
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
