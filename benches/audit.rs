//! Criterion benchmarks of the 批而未供 audit, one per stage, on generated counties at scale 0.1
//! and scale 1 (scale 1: ~2,000 approvals, ~15,000 supplies, ~64,000 footprints, ~47,000 land-use
//! polygons). The surveys are generated into a temporary directory in setup, not timed.
//!
//! `cargo bench --bench audit` (all), `cargo bench --bench audit -- scale1/` (one scale),
//! `cargo bench --bench audit -- --test` (each routine once, as a check). Set
//! `LANDAUDIT_BENCH_SCALES=0.1,1,10` to choose the scales.
//!
//! Stages, each timed alone on the output of the stages before it (default config: ellipsoidal
//! area, earliest-wins approvals, sliver separation; rayon's global pool, i.e. all cores):
//! - `read_geojson`: the four layers the overlay needs (approvals, supplies, footprints, land
//!   use), one after the other (the audit reads all layers in parallel);
//! - `build_indexes`: R-trees of approvals, supplies, footprints and land use;
//! - `unsupplied_overlay`: approval − earlier approvals − ∪ supplies, slivers separated, areas;
//! - `built_fraction`: supply ∩ ∪ footprints, per date too (the footprints carry two dates);
//! - `landuse_tabulation`: the real remnants × land-use polygons, uncovered part included;
//! - `write_outputs`: every output file of a full audit (CSV, GeoJSON, report.html, map.svg);
//! - `audit_end_to_end`: `Audit::run` on all seven layers plus the write, files to files.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use landaudit::io::{ReadOptions, read_layer};
use landaudit::rules::{built, landuse, unsupplied};
use landaudit::{Audit, AuditInputs, Config, Layer, LayerKind, ParcelIndex};

fn scales() -> Vec<f64> {
    let s = std::env::var("LANDAUDIT_BENCH_SCALES")
        .or_else(|_| std::env::var("LANDAUDIT_BENCH_SCALE"))
        .unwrap_or_else(|_| "0.1,1".into());
    s.split(',')
        .map(|x| x.trim().parse().expect("LANDAUDIT_BENCH_SCALES: numbers"))
        .collect()
}

fn setup(dir: &Path, scale: f64) -> AuditInputs {
    let survey = landaudit_synth::generate(&landaudit_synth::SynthParams { scale, seed: 1 });
    landaudit_synth::write_survey(&survey, dir).expect("write survey");
    AuditInputs::from_dir(dir, chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap()
}

fn read(path: &Path, kind: LayerKind, cfg: &Config) -> Layer {
    read_layer(
        path,
        &ReadOptions {
            kind,
            fields: cfg.fields.for_kind(kind),
            repair: false,
            all_fields: false,
            keep: None,
        },
    )
    .unwrap()
}

/// A layer brought into the audit's working frame, as `Audit::run` does.
fn working(path: &Path, kind: LayerKind, cfg: &Config, audit: &Audit) -> Layer {
    let mut layer = read(path, kind, cfg);
    let crs = landaudit::frame::declared(&layer, None).unwrap();
    audit.frame.to_working(&mut layer, &crs).unwrap();
    layer
}

/// Land-use cells as `Audit::run` makes them (DLBM, KCXS, geometry).
fn cells(layer: Layer) -> Vec<landuse::Cell> {
    layer
        .parcels
        .into_iter()
        .map(|p| landuse::Cell {
            dlbm: p.attrs.text("dlbm").unwrap_or_default(),
            kcxs: p.attrs.number("kcxs").ok().flatten().unwrap_or(0.0),
            geometry: p.geometry,
        })
        .collect()
}

fn bench_scale(c: &mut Criterion, scale: f64) {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let inputs = setup(dir.path(), scale);
    let fp_path = inputs.footprints.clone().expect("footprints");
    let lu_path = inputs.landuse.clone().expect("land use");
    let cfg = Config::default();
    let audit = Audit::run(&inputs, &cfg).unwrap();

    let mut g = c.benchmark_group(format!("scale{scale}"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(if scale >= 1.0 { 20 } else { 5 }));

    g.bench_function("read_geojson", |b| {
        b.iter(|| {
            [
                (&inputs.approvals, LayerKind::Approvals),
                (&inputs.supplies, LayerKind::Supplies),
                (&fp_path, LayerKind::Footprints),
                (&lu_path, LayerKind::Landuse),
            ]
            .map(|(p, k)| read(p, k, &cfg).parcels.len())
        })
    });

    let mut f_layer = working(&fp_path, LayerKind::Footprints, &cfg, &audit);
    let parcels = std::mem::take(&mut f_layer.parcels);
    let (footprints, _) = landaudit::model::footprints_from(&f_layer, parcels, &cfg);
    let cells = cells(working(&lu_path, LayerKind::Landuse, &cfg, &audit));
    g.bench_function("build_indexes", |b| {
        b.iter(|| {
            (
                ParcelIndex::new(audit.approvals.iter().map(|a| a.geometry())),
                ParcelIndex::new(audit.supplies.iter().map(|s| s.geometry())),
                ParcelIndex::new(footprints.iter().map(|f| f.geometry())),
                ParcelIndex::new(cells.iter().map(|c| &c.geometry)),
            )
        })
    });

    let s_index = ParcelIndex::new(audit.supplies.iter().map(|s| s.geometry()));
    g.bench_function("unsupplied_overlay", |b| {
        b.iter(|| {
            let effective = unsupplied::effective_geometries(&audit.approvals, &cfg);
            unsupplied::unsupplied(
                &audit.approvals,
                &effective,
                &audit.supplies,
                &s_index,
                &cfg,
                &audit.measure,
            )
        })
    });

    let f_index = ParcelIndex::new(footprints.iter().map(|f| f.geometry()));
    g.bench_function("built_fraction", |b| {
        b.iter(|| built::built(&audit.supplies, &footprints, &f_index, &audit.measure))
    });

    let l_index = ParcelIndex::new(cells.iter().map(|c| &c.geometry));
    g.bench_function("landuse_tabulation", |b| {
        b.iter(|| {
            landuse::tabulate(
                &audit.overlays,
                &cells,
                &l_index,
                &cfg.landuse,
                &audit.measure,
            )
        })
    });

    g.bench_function("write_outputs", |b| {
        b.iter(|| landaudit::report::write_all(&audit, out.path()).unwrap())
    });
    g.bench_function("audit_end_to_end", |b| {
        b.iter(|| {
            let a = Audit::run(&inputs, &cfg).unwrap();
            landaudit::report::write_all(&a, out.path()).unwrap()
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    for scale in scales() {
        bench_scale(c, scale);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
