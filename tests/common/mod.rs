//! Helpers shared by the whole-run tests: write small GeoJSON layers into a temp dir.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// A rectangle as GeoJSON polygon rings, optionally translated.
pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Vec<[f64; 2]>> {
    vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]
}

pub fn shift(rings: &[Vec<[f64; 2]>], dx: f64, dy: f64) -> Vec<Vec<[f64; 2]>> {
    rings
        .iter()
        .map(|r| r.iter().map(|p| [p[0] + dx, p[1] + dy]).collect())
        .collect()
}

pub fn feature(props: Value, rings: &[Vec<[f64; 2]>]) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": rings}})
}

pub fn write_fc(path: &Path, features: Vec<Value>) {
    write_fc_in(path, 4549, features)
}

pub fn write_fc_in(path: &Path, epsg: u32, features: Vec<Value>) {
    let fc = json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{epsg}")}},
        "features": features,
    });
    std::fs::write(path, serde_json::to_string_pretty(&fc).unwrap()).unwrap();
}

pub fn write_layers(dir: &Path, approvals: Vec<Value>, supplies: Vec<Value>) -> (PathBuf, PathBuf) {
    let a = dir.join("approvals.geojson");
    let s = dir.join("supplies.geojson");
    write_fc(&a, approvals);
    write_fc(&s, supplies);
    (a, s)
}

pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")
}
