//! Criterion benchmarks of the 批而未供 audit on generated counties (data made in setup, not timed).
//!
//! `cargo bench --bench audit` (set `LANDAUDIT_BENCH_SCALE` to change the county size, default 1:
//! ~2,000 approvals, ~15,000 supplies and ~60,000 footprints).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use landaudit::{Audit, AuditInputs, Config, LayerKind, ParcelIndex};

fn setup(dir: &Path, scale: f64) -> AuditInputs {
    let survey = landaudit_synth::generate(&landaudit_synth::SynthParams { scale, seed: 1 });
    landaudit_synth::write_survey(&survey, dir).expect("write survey");
    AuditInputs::from_dir(dir, chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let scale: f64 = std::env::var("LANDAUDIT_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let inputs = setup(dir.path(), scale);
    let cfg = Config::default();
    let mut g = c.benchmark_group(format!("scale{scale}"));
    g.sample_size(10);

    g.bench_function("read_supplies", |b| {
        b.iter(|| {
            landaudit::io::read_layer(
                &inputs.supplies,
                &landaudit::io::ReadOptions {
                    kind: LayerKind::Supplies,
                    fields: &cfg.fields.supplies,
                    repair: false,
                    all_fields: false,
                },
            )
            .unwrap()
        })
    });

    let audit = Audit::run(&inputs, &cfg).unwrap();
    g.bench_function("index_supplies", |b| {
        b.iter(|| ParcelIndex::new(audit.supplies.iter().map(|s| s.geometry())))
    });
    let index = ParcelIndex::new(audit.supplies.iter().map(|s| s.geometry()));
    let effective = landaudit::rules::unsupplied::effective_geometries(&audit.approvals, &cfg);
    g.bench_function("unsupplied_overlay", |b| {
        b.iter(|| {
            landaudit::rules::unsupplied::unsupplied(
                &audit.approvals,
                &effective,
                &audit.supplies,
                &index,
                &cfg,
                &audit.measure,
            )
        })
    });
    if let Some(fp) = &inputs.footprints {
        let mut layer = landaudit::io::read_layer(
            fp,
            &landaudit::io::ReadOptions {
                kind: LayerKind::Footprints,
                fields: &cfg.fields.footprints,
                repair: false,
                all_fields: false,
            },
        )
        .unwrap();
        let parcels = std::mem::take(&mut layer.parcels);
        let (footprints, _) = landaudit::model::footprints_from(&layer, parcels, &cfg);
        let f_index = ParcelIndex::new(footprints.iter().map(|f| f.geometry()));
        g.bench_function(
            format!(
                "built_fraction_{}x{}",
                audit.supplies.len(),
                footprints.len()
            ),
            |b| {
                b.iter(|| {
                    landaudit::rules::built::built(
                        &audit.supplies,
                        &footprints,
                        &f_index,
                        &audit.measure,
                    )
                })
            },
        );
    }
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

criterion_group!(benches, bench);
criterion_main!(benches);
