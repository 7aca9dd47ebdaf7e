//! Reading speed of the GDAL reader against the GeoJSON reader (feature `gdal`): the same
//! 50,000 polygons (16-vertex stars, one in ten with a hole, DZJGH and five attributes) as a
//! GeoJSON FeatureCollection and as a GeoPackage written from it by `ogr2ogr` (gdal-bin).
//!
//! `cargo bench --features gdal --bench gdal_read` (set `LANDAUDIT_BENCH_POLYGONS` for another
//! count). Criterion reports features/s (throughput in elements).

use std::path::Path;
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo::{LineString, MultiPolygon, Polygon};
use landaudit::io::{ReadOptions, read_layer};
use landaudit::{Config, Crs, LayerKind};

/// A deterministic star: `k` picks radius, phase and place on a 2,000 × 2,000 m grid of cells.
fn star(k: usize) -> MultiPolygon<f64> {
    let (cx, cy) = (
        500_000.0 + 60.0 * (k % 250) as f64,
        3_300_000.0 + 60.0 * (k / 250) as f64,
    );
    let ring = |r: f64| {
        let pts: Vec<(f64, f64)> = (0..=16)
            .map(|i| {
                let a = std::f64::consts::TAU * (i % 16) as f64 / 16.0;
                let rr = if i % 2 == 0 { r } else { r * 0.7 };
                (
                    (cx + rr * a.cos() * 1000.0).round() / 1000.0,
                    (cy + rr * a.sin() * 1000.0).round() / 1000.0,
                )
            })
            .collect();
        LineString::from(pts)
    };
    let r = 20.0 + (k % 7) as f64;
    let holes = if k.is_multiple_of(10) {
        vec![ring(5.0)]
    } else {
        vec![]
    };
    MultiPolygon::new(vec![Polygon::new(ring(r), holes)])
}

fn setup(dir: &Path, n: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let json = dir.join("supplies.geojson");
    let gpkg = dir.join("supplies.gpkg");
    let shapes: Vec<_> = (0..n).map(star).collect();
    let features = shapes.iter().enumerate().map(|(k, g)| {
        let mut p = serde_json::Map::new();
        p.insert("DZJGH".into(), format!("3301002019B{k:06}").into());
        p.insert("PZWH".into(), format!("浙政土〔2019〕{}号", k % 300).into());
        p.insert("GYFS".into(), "出让".into());
        p.insert("HTQDRQ".into(), "2019-05-01".into());
        p.insert("YKFMJ".into(), (k as f64 * 0.5).into());
        p.insert("ZTZ".into(), (k as i64 * 10).into());
        (p, g)
    });
    landaudit::io::geojson_write::write_features(&json, &Crs::Epsg(4549), features).unwrap();
    let o = Command::new("ogr2ogr")
        .args(["-f", "GPKG"])
        .arg(&gpkg)
        .arg(&json)
        .output()
        .expect("ogr2ogr (gdal-bin)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (json, gpkg)
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("LANDAUDIT_BENCH_POLYGONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().unwrap();
    let (json, gpkg) = setup(dir.path(), n);
    let cfg = Config::default();
    let opts = ReadOptions::new(LayerKind::Supplies, &cfg.fields.supplies);
    for p in [&json, &gpkg] {
        let l = read_layer(p, &opts).unwrap();
        assert_eq!((l.read, l.parcels.len()), (n, n), "{}", p.display());
    }
    let mut g = c.benchmark_group(format!("read_{n}_polygons"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("geojson", |b| b.iter(|| read_layer(&json, &opts).unwrap()));
    g.bench_function("gpkg_gdal", |b| {
        b.iter(|| read_layer(&gpkg, &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
