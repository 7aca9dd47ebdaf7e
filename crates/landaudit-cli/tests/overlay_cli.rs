//! `landaudit overlay` as a user runs it: the output GeoJSON, its a_*/b_* properties and areas,
//! the rejected file beside it, the account on stderr, and one-line errors.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

fn landaudit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_landaudit"))
}

/// A FeatureCollection in EPSG:4549 of `(properties, ring)` features, offsets in metres from a
/// point near Hangzhou.
fn write_layer(path: &Path, epsg: u32, features: &[(Value, Vec<[f64; 2]>)]) {
    let (x0, y0) = if epsg == 4549 {
        (502_000.0, 3_340_000.0)
    } else {
        (39_502_000.0, 3_340_000.0)
    };
    let features: Vec<Value> = features
        .iter()
        .map(|(props, ring)| {
            let ring: Vec<[f64; 2]> = ring.iter().map(|p| [x0 + p[0], y0 + p[1]]).collect();
            json!({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    let fc = json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{epsg}")}},
        "features": features,
    });
    std::fs::write(path, fc.to_string()).unwrap();
}

fn square(x: f64, y: f64, s: f64) -> Vec<[f64; 2]> {
    vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]
}

#[test]
fn union_writes_pieces_with_both_sides_attributes_and_the_rejected_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    let bowtie = vec![
        [0.0, 50.0],
        [10.0, 60.0],
        [10.0, 50.0],
        [0.0, 60.0],
        [0.0, 50.0],
    ];
    write_layer(
        &a,
        4549,
        &[
            (
                json!({"DKBH": "A-1", "N": 1, "MJ": 1.5, "X": null}),
                square(0.0, 0.0, 10.0),
            ),
            (json!({"DKBH": "A-2", "N": 2, "MJ": 2.5, "X": null}), bowtie),
        ],
    );
    write_layer(
        &b,
        4549,
        &[(
            json!({"YT": "住宅", "K": 9, "R": 0.25, "X": null}),
            square(5.0, 5.0, 10.0),
        )],
    );
    let out = dir.path().join("res/union.geojson");
    let o = landaudit()
        .args(["overlay", "union", "--area", "planar", "--a"])
        .arg(&a)
        .arg("--b")
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("a: ") && stderr.contains("2 read = 1 used + 1 rejected"),
        "{stderr}"
    );
    assert!(stderr.contains("1 read = 1 used + 0 rejected"), "{stderr}");
    assert!(stderr.contains("union: 3 features"), "{stderr}");

    let fc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        fc["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::4549"
    );
    let features = fc["features"].as_array().unwrap();
    // Hand-computed: a∩b = 25 m², a − b = 75 m², b − a = 75 m².
    let expected = [
        (json!(0), json!(0), 25.0),
        (json!(0), Value::Null, 75.0),
        (Value::Null, json!(0), 75.0),
    ];
    assert_eq!(features.len(), expected.len());
    for (f, (ai, bi, area)) in features.iter().zip(expected) {
        let p = &f["properties"];
        assert_eq!((&p["a_index"], &p["b_index"]), (&ai, &bi), "{p}");
        assert_eq!(p["area_m2"].as_f64().unwrap(), area, "{p}");
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        if ai.is_null() {
            assert!(p["a_DKBH"].is_null() && p["a_N"].is_null() && p["a_MJ"].is_null());
        } else {
            assert_eq!(
                (&p["a_DKBH"], &p["a_N"], &p["a_MJ"]),
                (&json!("A-1"), &json!(1), &json!(1.5))
            );
            assert!(p["a_N"].is_i64() && p["a_MJ"].is_f64());
        }
        if bi.is_null() {
            assert!(p["b_YT"].is_null() && p["b_K"].is_null() && p["b_R"].is_null());
        } else {
            assert_eq!(
                (&p["b_YT"], &p["b_K"], &p["b_R"]),
                (&json!("住宅"), &json!(9), &json!(0.25))
            );
        }
        let props = p.as_object().unwrap();
        assert!(props.contains_key("a_X") && p["a_X"].is_null());
        assert!(props.contains_key("b_X") && p["b_X"].is_null());
    }

    let rejected = dir.path().join("res/union.rejected.csv");
    let mut r = csv::Reader::from_path(&rejected).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "a");
    assert_eq!(&rows[0][2], "1");
    assert_eq!(&rows[0][4], "rejected");
    assert!(rows[0][5].contains("self-intersection"), "{:?}", rows[0]);
}

#[test]
fn different_crs_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    write_layer(&a, 4549, &[(json!({}), square(0.0, 0.0, 10.0))]);
    write_layer(&b, 4527, &[(json!({}), square(0.0, 0.0, 10.0))]);
    let out = dir.path().join("out.geojson");
    let o = landaudit()
        .args(["overlay", "intersection", "--a"])
        .arg(&a)
        .arg("--b")
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("b.geojson") && stderr.contains("EPSG:4527"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn unknown_operation_lists_the_five() {
    let o = landaudit()
        .args(["overlay", "xor", "--a", "a", "--b", "b", "--out", "o"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("sym-difference") && stderr.contains("identity"),
        "{stderr}"
    );
}
