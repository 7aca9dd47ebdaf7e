//! Real bureau formats through GDAL (feature `gdal`): the same survey written by GDAL's own
//! `ogr2ogr` (gdal-bin) as Shapefile with CP936 text and no `.cpg`, as one GeoPackage and as one
//! FileGDB (GDAL 3.6's OpenFileGDB driver writes it) gives the same audit as the GeoJSON, to
//! 1e-6 m²; attributes keep their types and Chinese text; broken files are one-line errors.
#![cfg(feature = "gdal")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use geo::Area;
use landaudit::config::InputSettings;
use landaudit::io::{ReadOptions, SourceOptions, read_layer_from};
use landaudit::layer::AttrValue;
use landaudit::{Audit, AuditInputs, Config, LayerKind};

const KINDS: [LayerKind; 7] = LayerKind::ALL;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// Runs `ogr2ogr` (gdal-bin), the independent writer of every test file here.
fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (Debian package gdal-bin) must be installed for the gdal tests");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A small generated county as GeoJSON (every layer kind), in `dir`.
fn survey(dir: &Path, seed: u64) -> Vec<(LayerKind, PathBuf)> {
    let survey = landaudit_synth::generate(&landaudit_synth::SynthParams { scale: 0.04, seed });
    landaudit_synth::write_survey(&survey, dir).unwrap();
    KINDS
        .iter()
        .map(|&k| (k, dir.join(format!("{}.geojson", k.name()))))
        .filter(|(_, p)| p.is_file())
        .collect()
}

fn inputs(paths: &[(LayerKind, PathBuf)]) -> AuditInputs {
    let get = |k: LayerKind| paths.iter().find(|(x, _)| *x == k).map(|(_, p)| p.clone());
    AuditInputs {
        footprints: get(LayerKind::Footprints),
        landuse: get(LayerKind::Landuse),
        farmland: get(LayerKind::Farmland),
        redline: get(LayerKind::Redline),
        regions: get(LayerKind::Regions),
        ..AuditInputs::new(
            get(LayerKind::Approvals).unwrap(),
            get(LayerKind::Supplies).unwrap(),
            as_of(),
        )
    }
}

fn audit(inputs: &AuditInputs) -> Audit {
    Audit::run(inputs, &Config::default()).unwrap()
}

/// Every approval's figures, every supply's overlap and idle status, and the accounts agree.
fn assert_same_audit(a: &Audit, b: &Audit, what: &str) {
    assert_eq!(a.approvals.len(), b.approvals.len(), "{what}");
    assert!(a.approvals.len() > 20, "{what}: too small a survey");
    assert_eq!(a.supplies.len(), b.supplies.len(), "{what}");
    let mut worst = 0.0f64;
    for (i, (x, y)) in a.overlays.iter().zip(&b.overlays).enumerate() {
        let (x, y) = (x.as_ref().unwrap(), y.as_ref().unwrap());
        assert_eq!(a.approvals[i].pzwh, b.approvals[i].pzwh, "{what}");
        assert_eq!(a.approvals[i].pcmc, b.approvals[i].pcmc, "{what}");
        assert_eq!(a.approvals[i].pzrq, b.approvals[i].pzrq, "{what}");
        for (p, q) in [
            (x.area_m2, y.area_m2),
            (x.supplied_m2, y.supplied_m2),
            (x.unsupplied_m2, y.unsupplied_m2),
            (x.remnant_m2, y.remnant_m2),
        ] {
            worst = worst.max((p - q).abs());
        }
        assert_eq!(x.status, y.status, "{what}: approval {i}");
    }
    assert!(
        worst <= 1e-6,
        "{what}: per-approval areas differ by {worst:e} m²"
    );
    for (x, y) in a.supply_overlaps.iter().zip(&b.supply_overlaps) {
        let (x, y) = (x.as_ref().unwrap(), y.as_ref().unwrap());
        assert!((x.area_m2 - y.area_m2).abs() <= 1e-6, "{what}");
    }
    for (x, y) in a.idle.iter().zip(&b.idle) {
        assert_eq!(x.as_ref().map(|v| v.status), y.as_ref().map(|v| v.status));
    }
    let counts = |au: &Audit| {
        au.accounts
            .iter()
            .map(|c| (c.kind, c.read, c.used, c.rejected))
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(a), counts(b), "{what}");
    for c in &b.accounts {
        assert_eq!(c.read, c.used + c.rejected, "{what}: {:?}", c.kind);
    }
    eprintln!("{what}: largest per-approval difference {worst:e} m²");
}

#[test]
fn shapefile_geopackage_and_filegdb_give_the_geojson_audit() {
    let src = tempfile::tempdir().unwrap();
    let layers = survey(src.path(), 11);
    let reference = audit(&inputs(&layers));

    // Shapefiles with CP936 text, the .cpg deleted: what bureaus hand over.
    let shp = tempfile::tempdir().unwrap();
    let shp_layers: Vec<(LayerKind, PathBuf)> = layers
        .iter()
        .map(|(k, p)| {
            let out = shp.path().join(format!("{}.shp", k.name()));
            ogr2ogr(&[
                "-f",
                "ESRI Shapefile",
                s(&out),
                s(p),
                "-lco",
                "ENCODING=CP936",
            ]);
            std::fs::remove_file(out.with_extension("cpg")).unwrap();
            (*k, out)
        })
        .collect();
    let from_shp = audit(&inputs(&shp_layers));
    assert_same_audit(&reference, &from_shp, "Shapefile (CP936, no .cpg)");
    let approvals_notes = from_shp.accounts[0].notes.join("; ");
    assert!(
        approvals_notes.contains("text encoding gb18030"),
        "{approvals_notes}"
    );
    assert!(
        approvals_notes.contains("ESRI Shapefile"),
        "{approvals_notes}"
    );
    // The summary says which encoding was used.
    let out = tempfile::tempdir().unwrap();
    landaudit::report::write_all(&from_shp, out.path()).unwrap();
    let summary = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(
        summary.contains("- approvals: read with GDAL (ESRI Shapefile driver)")
            && summary.contains("text encoding gb18030 (no .cpg file or code page"),
        "{summary}"
    );

    // One GeoPackage holding every layer, each found by its kind's name.
    let gpkg_dir = tempfile::tempdir().unwrap();
    let gpkg = gpkg_dir.path().join("county.gpkg");
    let gdb = gpkg_dir.path().join("county.gdb");
    for (i, (k, p)) in layers.iter().enumerate() {
        let mut args = vec!["-f", "GPKG", s(&gpkg), s(p), "-nln", k.name()];
        if i > 0 {
            args.push("-update");
        }
        ogr2ogr(&args);
        // FileGDB: GDAL 3.6 writes it (OpenFileGDB driver); XYSCALE keeps the millimetre
        // coordinates exact on its integer grid.
        let mut args = vec![
            "-f",
            "OpenFileGDB",
            s(&gdb),
            s(p),
            "-nln",
            k.name(),
            "-lco",
            "XORIGIN=400000",
            "-lco",
            "YORIGIN=3200000",
            "-lco",
            "XYSCALE=1000000000",
            "-nlt",
            "MULTIPOLYGON",
        ];
        if i > 0 {
            args.push("-update");
        }
        ogr2ogr(&args);
    }
    assert!(gdb.is_dir());
    let in_container = |c: &Path| -> Vec<(LayerKind, PathBuf)> {
        layers.iter().map(|(k, _)| (*k, c.to_path_buf())).collect()
    };
    let from_gpkg = audit(&inputs(&in_container(&gpkg)));
    assert_same_audit(&reference, &from_gpkg, "GeoPackage");
    assert!(
        from_gpkg.accounts[1]
            .notes
            .iter()
            .any(|n| n.contains("GPKG driver") && n.contains("\"supplies\"")),
        "{:?}",
        from_gpkg.accounts[1].notes
    );
    let from_gdb = audit(&inputs(&in_container(&gdb)));
    assert_same_audit(&reference, &from_gdb, "FileGDB");

    // `file:layer` and the per-kind layer choice name layers explicitly.
    let named: Vec<(LayerKind, PathBuf)> = layers
        .iter()
        .map(|(k, _)| (*k, PathBuf::from(format!("{}:{}", s(&gpkg), k.name()))))
        .collect();
    assert_same_audit(&reference, &audit(&inputs(&named)), "GeoPackage file:layer");
    // Layers of other names, chosen per kind.
    let named_gpkg = gpkg_dir.path().join("named.gpkg");
    ogr2ogr(&["-f", "GPKG", s(&named_gpkg), s(&layers[0].1), "-nln", "PC"]);
    ogr2ogr(&[
        "-f",
        "GPKG",
        s(&named_gpkg),
        s(&layers[1].1),
        "-nln",
        "GD",
        "-update",
    ]);
    let mut chosen = AuditInputs::new(&named_gpkg, &named_gpkg, as_of());
    chosen.layers.insert(LayerKind::Approvals, "PC".into());
    chosen.layers.insert(LayerKind::Supplies, "GD".into());
    let two = audit(&chosen);
    let supplied = |a: &Audit| {
        a.overlays
            .iter()
            .flatten()
            .map(|o| o.supplied_m2)
            .collect::<Vec<_>>()
    };
    for (x, y) in supplied(&reference).iter().zip(supplied(&two)) {
        assert!((x - y).abs() <= 1e-6);
    }
}

fn read(
    path: &Path,
    kind: LayerKind,
    source: &SourceOptions,
) -> landaudit::Result<landaudit::Layer> {
    let cfg = Config::default();
    read_layer_from(
        path,
        &ReadOptions::new(kind, cfg.fields.for_kind(kind)),
        &InputSettings::default(),
        source,
    )
}

#[test]
fn cp936_shapefile_without_cpg_reads_back_its_chinese_text() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.geojson");
    common::write_fc(
        &src,
        vec![
            common::feature(
                serde_json::json!({"PZWH": "浙政土〔2019〕1号", "PCMC": "批次名称", "DLMC": "地类名称",
                    "PZRQ": "2019-03-07", "PZMJ": 1.25, "N": 7}),
                &common::rect(500000.0, 3300000.0, 500100.0, 3300100.0),
            ),
            common::feature(
                serde_json::json!({"PZWH": "B", "PCMC": "ascii", "DLMC": "水田", "PZRQ": null}),
                &common::rect(500200.0, 3300000.0, 500300.0, 3300100.0),
            ),
        ],
    );
    let shp = dir.path().join("a.shp");
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        s(&shp),
        s(&src),
        "-lco",
        "ENCODING=CP936",
    ]);
    // The DBF really holds CP936 bytes: 批 is C5 FA.
    let dbf = std::fs::read(dir.path().join("a.dbf")).unwrap();
    assert!(dbf.windows(2).any(|w| w == [0xC5, 0xFA]));
    assert!(std::str::from_utf8(&dbf).is_err());

    let check = |l: &landaudit::Layer| {
        assert_eq!(l.read, 2);
        assert_eq!(l.parcels.len(), 2, "{:?}", l.rejections);
        let p = &l.parcels[0];
        assert_eq!(p.id, "浙政土〔2019〕1号");
        assert_eq!(p.attrs.text("pcmc").as_deref(), Some("批次名称"));
        // Types kept: a DBF date field is a date, numbers are numbers.
        assert_eq!(
            p.attrs.get("pzrq"),
            Some(&AttrValue::Date(
                NaiveDate::from_ymd_opt(2019, 3, 7).unwrap()
            ))
        );
        assert_eq!(p.attrs.get("pzmj"), Some(&AttrValue::Real(1.25)));
        assert_eq!(l.parcels[1].attrs.get("pzrq"), None);
        assert!((p.geometry.unsigned_area() - 10_000.0).abs() < 1e-9);
        assert_eq!(l.crs, landaudit::Crs::Epsg(4549));
        let landuse = read(&shp, LayerKind::Landuse, &SourceOptions::default()).unwrap();
        assert_eq!(
            landuse.parcels[0].attrs.text("dlmc").as_deref(),
            Some("地类名称")
        );
        assert_eq!(
            landuse.parcels[1].attrs.text("dlmc").as_deref(),
            Some("水田")
        );
    };
    // With the .cpg: GDAL decodes.
    let l = read(&shp, LayerKind::Approvals, &SourceOptions::default()).unwrap();
    check(&l);
    assert!(
        l.notes.iter().any(|n| n.contains("CP936 (declared")),
        "{:?}",
        l.notes
    );
    // Without: detected as not UTF-8, decoded as GB18030.
    std::fs::remove_file(dir.path().join("a.cpg")).unwrap();
    let l = read(&shp, LayerKind::Approvals, &SourceOptions::default()).unwrap();
    check(&l);
    assert!(
        l.notes.iter().any(|n| n.contains("gb18030")),
        "{:?}",
        l.notes
    );
    assert!(l.rejections.is_empty(), "{:?}", l.rejections);
    // --encoding GBK decodes the same; --encoding UTF-8 is wrong for this file and says so.
    let gbk = SourceOptions {
        encoding: Some("GBK".into()),
        layer: None,
    };
    let l = read(&shp, LayerKind::Approvals, &gbk).unwrap();
    assert_eq!(l.parcels[0].attrs.text("pcmc").as_deref(), Some("批次名称"));
    assert!(
        l.notes.iter().any(|n| n.contains("GBK (--encoding)")),
        "{:?}",
        l.notes
    );
    let utf8 = SourceOptions {
        encoding: Some("utf-8".into()),
        layer: None,
    };
    let l = read(&shp, LayerKind::Approvals, &utf8).unwrap();
    assert_eq!(l.read, 2);
    assert_eq!(l.parcels.len(), 1, "the id of feature 0 does not decode");
    assert!(
        l.rejections[0].reason.contains("in the id field PZWH"),
        "{:?}",
        l.rejections
    );
    let bad = SourceOptions {
        encoding: Some("klingon".into()),
        layer: None,
    };
    let e = read(&shp, LayerKind::Approvals, &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown encoding \"klingon\""), "{e}");

    // A UTF-8 Shapefile without .cpg is detected as UTF-8.
    let shp8 = dir.path().join("u.shp");
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        s(&shp8),
        s(&src),
        "-lco",
        "ENCODING=UTF-8",
    ]);
    std::fs::remove_file(dir.path().join("u.cpg")).unwrap();
    let l = read(&shp8, LayerKind::Approvals, &SourceOptions::default()).unwrap();
    check(&l);
    assert!(
        l.notes.iter().any(|n| n.contains("text encoding UTF-8")),
        "{:?}",
        l.notes
    );
}

#[test]
fn geometry_types_flattened_or_rejected() {
    let dir = tempfile::tempdir().unwrap();
    // WKT in a CSV: GDAL's CSV driver reads it, ogr2ogr keeps curves and Z in the GeoPackage.
    let csv = dir.path().join("g.csv");
    std::fs::write(
        &csv,
        "WKT,PZWH\n\
         \"POLYGON ((0 0,100 0,100 100,0 100,0 0))\",square\n\
         \"POLYGON Z ((0 200 5,100 200 6,100 300 7,0 300 8,0 200 5))\",z\n\
         \"CURVEPOLYGON (CIRCULARSTRING (1000 0,1010 10,1020 0,1010 -10,1000 0))\",circle\n\
         \"CURVEPOLYGON (COMPOUNDCURVE (CIRCULARSTRING (2000 0,2010 10,2020 0),(2020 0,2000 0)))\",halfdisc\n\
         \"MULTISURFACE (((3000 0,3010 0,3010 10,3000 10,3000 0)),CURVEPOLYGON (CIRCULARSTRING (3100 0,3300 0,3100 0),(3180 -10,3220 -10,3220 10,3180 10,3180 -10)))\",surface\n\
         \"LINESTRING (0 0,1 1)\",line\n\
         \"POINT (5 5)\",point\n\
         \"POLYGON ((0 0,10 10,10 0,0 10,0 0))\",bowtie\n\
         ,nogeom\n",
    )
    .unwrap();
    let gpkg = dir.path().join("g.gpkg");
    ogr2ogr(&[
        "-f",
        "GPKG",
        s(&gpkg),
        s(&csv),
        "-nln",
        "approvals",
        "-a_srs",
        "EPSG:4549",
        "-nlt",
        "GEOMETRY",
        "-dim",
        "XYZ",
    ]);
    let l = read(&gpkg, LayerKind::Approvals, &SourceOptions::default()).unwrap();
    assert_eq!(l.read, 9);
    assert_eq!(l.parcels.len() + l.rejected_count(), l.read);
    let ids: Vec<&str> = l.parcels.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["square", "z", "circle", "halfdisc", "surface"],
        "{:?}",
        l.rejections
    );
    let area = |id: &str| {
        l.parcels
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .geometry
            .unsigned_area()
    };
    assert!((area("square") - 10_000.0).abs() < 1e-9);
    assert!((area("z") - 10_000.0).abs() < 1e-9);
    let reason = |id: &str| {
        l.rejections
            .iter()
            .filter(|r| r.id.as_deref() == Some(id))
            .map(|r| format!("{}: {}", r.status.name(), r.reason))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(reason("z").contains("flattened to 2D"), "{}", reason("z"));
    // Arcs are cut in equal steps of at most 4°: a half circle in 45 chords, so the circle of
    // radius 10 is the regular 90-gon, the half disc half of it, and the 100 m circle (one arc
    // from a point back to itself) a 90-gon less the 40 × 20 m hole, plus the 10 m square.
    let ngon = |n: f64, r: f64| n / 2.0 * r * r * (std::f64::consts::TAU / n).sin();
    assert!((area("circle") - ngon(90.0, 10.0)).abs() < 1e-9);
    assert!((area("halfdisc") - ngon(90.0, 10.0) / 2.0).abs() < 1e-9);
    assert!((area("surface") - (100.0 + ngon(90.0, 100.0) - 800.0)).abs() < 1e-7);
    assert!(
        reason("circle").contains("curvepolygon linearised (2 circular arcs"),
        "{}",
        reason("circle")
    );
    assert!(
        reason("surface").contains("multisurface linearised (1 circular arc,"),
        "{}",
        reason("surface")
    );
    assert!(
        reason("line").contains("expected Polygon or MultiPolygon"),
        "{}",
        reason("line")
    );
    assert!(
        reason("point").starts_with("rejected"),
        "{}",
        reason("point")
    );
    assert!(
        reason("bowtie").contains("self-intersection"),
        "{}",
        reason("bowtie")
    );
    assert!(
        reason("nogeom").contains("null geometry"),
        "{}",
        reason("nogeom")
    );
}

/// A read error as the CLI prints it: one line, naming the file.
fn one_line_error(path: &Path, kind: LayerKind) -> String {
    let e = match read(path, kind, &SourceOptions::default()) {
        Ok(l) => panic!("expected an error, read {} features", l.read),
        Err(e) => e.to_string(),
    };
    assert!(!e.contains('\n'), "{e}");
    let file = path.to_str().unwrap().split(".gpkg:").next().unwrap();
    assert!(e.contains(file), "{e}");
    e
}

#[test]
fn broken_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.geojson");
    let feats = (0..20)
        .map(|i| {
            let x = 500000.0 + 200.0 * i as f64;
            common::feature(
                serde_json::json!({"PZWH": format!("P{i}")}),
                &common::rect(x, 3300000.0, x + 100.0, 3300100.0),
            )
        })
        .collect();
    common::write_fc(&src, feats);
    let shp = dir.path().join("a.shp");
    ogr2ogr(&["-f", "ESRI Shapefile", s(&shp), s(&src)]);
    assert_eq!(
        read(&shp, LayerKind::Approvals, &SourceOptions::default())
            .unwrap()
            .parcels
            .len(),
        20
    );

    // A truncated .shp: GDAL fails on the missing records.
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() / 2]).unwrap();
    let e = one_line_error(&shp, LayerKind::Approvals);
    assert!(e.contains("truncated"), "{e}");

    // A missing .dbf.
    std::fs::write(&shp, &bytes).unwrap();
    std::fs::remove_file(dir.path().join("a.dbf")).unwrap();
    let e = one_line_error(&shp, LayerKind::Approvals);
    assert!(e.contains("no .dbf"), "{e}");

    // A .gpkg that is not SQLite.
    let fake = dir.path().join("fake.gpkg");
    std::fs::write(&fake, "this is not a database\n".repeat(100)).unwrap();
    let e = one_line_error(&fake, LayerKind::Approvals);
    assert!(e.contains("cannot open it"), "{e}");

    // A layer that does not exist.
    let gpkg = dir.path().join("ok.gpkg");
    ogr2ogr(&["-f", "GPKG", s(&gpkg), s(&src), "-nln", "pici"]);
    let e = one_line_error(
        &PathBuf::from(format!("{}:nope", s(&gpkg))),
        LayerKind::Approvals,
    );
    assert!(
        e.contains("no layer named \"nope\"; its layers: pici"),
        "{e}"
    );
    // One layer of another name is read whatever its name; two are not guessed.
    assert_eq!(
        read(&gpkg, LayerKind::Supplies, &SourceOptions::default())
            .unwrap()
            .read,
        20
    );
    ogr2ogr(&["-f", "GPKG", s(&gpkg), s(&src), "-nln", "gongdi", "-update"]);
    let e = one_line_error(&gpkg, LayerKind::Supplies);
    assert!(e.contains("none named supplies"), "{e}");

    // A missing file.
    let e = one_line_error(&dir.path().join("none.gpkg"), LayerKind::Approvals);
    assert!(e.contains("no such file"), "{e}");
}

fn ogrinfo(args: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(args)
        .output()
        .expect("ogrinfo (gdal-bin)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn geopackage_output_holds_the_polygons_and_every_table() {
    let src = tempfile::tempdir().unwrap();
    let layers = survey(src.path(), 5);
    let a = audit(&inputs(&layers));
    let (json_out, gpkg_out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    use landaudit::report::{OutputFormat, write_all_as};
    write_all_as(&a, json_out.path(), OutputFormat::GeoJson).unwrap();
    let written = write_all_as(&a, gpkg_out.path(), OutputFormat::Gpkg).unwrap();
    let gpkg = gpkg_out.path().join("audit.gpkg");
    assert!(written.contains(&gpkg));
    assert!(!gpkg_out.path().join("unsupplied.geojson").exists());
    // No temporary file or folder left behind.
    let names: Vec<String> = std::fs::read_dir(gpkg_out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".landaudit-")),
        "{names:?}"
    );

    // The polygon layers hold the GeoJSON outputs' features, geometry for geometry.
    for layer in ["unsupplied", "idle"] {
        let read_any =
            |p: &Path| read(p, LayerKind::Footprints, &SourceOptions::default()).unwrap();
        let from_json = read_any(&json_out.path().join(format!("{layer}.geojson")));
        let from_gpkg = read_any(&PathBuf::from(format!("{}:{layer}", s(&gpkg))));
        assert!(from_json.read > 0, "{layer}");
        assert_eq!(from_json.read, from_gpkg.read, "{layer}");
        for (x, y) in from_json.parcels.iter().zip(&from_gpkg.parcels) {
            assert!((x.geometry.unsigned_area() - y.geometry.unsigned_area()).abs() < 1e-6);
        }
        // In the input SRS.
        assert_eq!(from_gpkg.crs, landaudit::Crs::Epsg(4549));
    }
    // Every CSV table is an attribute table with the same rows; numbers are typed.
    for table in [
        "approvals",
        "supplies",
        "links",
        "regions",
        "windows",
        "rejected",
        "landuse",
    ] {
        let csv_rows = csv::Reader::from_path(gpkg_out.path().join(format!("{table}.csv")))
            .unwrap()
            .records()
            .count();
        let info = ogrinfo(&["-so", s(&gpkg), table]);
        assert!(
            info.contains(&format!("Feature Count: {csv_rows}")),
            "{table}: {csv_rows} rows in the CSV; {info}"
        );
        assert!(info.contains("Geometry: None"), "{table}: {info}");
    }
    let info = ogrinfo(&["-so", s(&gpkg), "approvals"]);
    assert!(info.contains("area_m2: Real"), "{info}");
    assert!(info.contains("pzwh: String"), "{info}");
}

/// `--dir` finds each layer as a file named after it (GeoJSON first), else as a layer named
/// after it (or its 三调 name) in a GeoPackage of the folder; optional layers that are nowhere
/// stay absent.
#[test]
fn input_folder_finds_files_and_layers_of_a_geopackage() {
    let src = tempfile::tempdir().unwrap();
    let layers = survey(src.path(), 3);
    let path = |k: LayerKind| layers.iter().find(|(x, _)| *x == k).unwrap().1.clone();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(path(LayerKind::Approvals), d.join("approvals.geojson")).unwrap();
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        s(&d.join("approvals.shp")),
        s(&path(LayerKind::Approvals)),
    ]);
    let gpkg = d.join("county.gpkg");
    ogr2ogr(&[
        "-f",
        "GPKG",
        s(&gpkg),
        s(&path(LayerKind::Supplies)),
        "-nln",
        "supplies",
    ]);
    ogr2ogr(&[
        "-f",
        "GPKG",
        s(&gpkg),
        s(&path(LayerKind::Landuse)),
        "-nln",
        "DLTB",
        "-update",
    ]);
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        s(&d.join("regions.fgb")),
        s(&path(LayerKind::Regions)),
    ]);
    let inputs = AuditInputs::from_dir(d, as_of()).unwrap();
    assert_eq!(inputs.approvals, d.join("approvals.geojson"));
    assert_eq!(
        inputs.supplies,
        Path::new(&format!("{}:supplies", s(&gpkg)))
    );
    assert_eq!(inputs.landuse, Some(format!("{}:DLTB", s(&gpkg)).into()));
    assert_eq!(inputs.regions, Some(d.join("regions.fgb")));
    assert_eq!(inputs.footprints, None);
    assert_eq!(inputs.farmland, None);
    let from_dir = audit(&inputs);
    let reference = audit(&AuditInputs {
        landuse: Some(path(LayerKind::Landuse)),
        regions: Some(path(LayerKind::Regions)),
        ..AuditInputs::new(
            path(LayerKind::Approvals),
            path(LayerKind::Supplies),
            as_of(),
        )
    });
    assert_same_audit(
        &reference,
        &from_dir,
        "folder of GeoJSON, GeoPackage and FlatGeobuf",
    );
    // Without the required layers anywhere, the error names the folder and what was looked for.
    std::fs::remove_file(d.join("approvals.geojson")).unwrap();
    for e in ["shp", "shx", "dbf", "prj", "cpg"] {
        let _ = std::fs::remove_file(d.join(format!("approvals.{e}")));
    }
    let e = AuditInputs::from_dir(d, as_of()).unwrap_err().to_string();
    assert!(
        e.contains("no approvals layer found") && e.contains(s(d)),
        "{e}"
    );
}
