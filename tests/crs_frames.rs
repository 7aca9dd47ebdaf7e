//! One county, several coordinate systems: the audit must not depend on the frame the bureau
//! delivered the data in (DOMAIN 3.4).

use std::path::Path;

use geo::MultiPolygon;
use landaudit::cgcs2000::{Cgcs2000Crs, GkZone, reproject, to_lonlat};
use landaudit::{Audit, AuditInputs, Config};

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// Writes the survey with every geometry passed through `f`, declaring `epsg`.
fn write_converted(
    survey: &landaudit_synth::Survey,
    dir: &Path,
    epsg: u32,
    f: impl Fn(&MultiPolygon<f64>) -> MultiPolygon<f64>,
) {
    let mut s = survey.clone();
    for p in s
        .approvals
        .iter_mut()
        .chain(s.supplies.iter_mut())
        .chain(s.footprints.iter_mut())
        .chain(s.landuse.iter_mut())
        .chain(s.farmland.iter_mut())
        .chain(s.redline.iter_mut())
        .chain(s.regions.iter_mut())
    {
        p.geometry = f(&p.geometry);
    }
    let written = landaudit_synth::write_survey(&s, dir).unwrap();
    for p in written {
        let t = std::fs::read_to_string(&p)
            .unwrap()
            .replace("EPSG::4549", &format!("EPSG::{epsg}"));
        std::fs::write(&p, t).unwrap();
    }
}

/// Full-precision GeoJSON is needed for a lon/lat round trip at the millimetre; the generator
/// rounds to 3 decimals, which in degrees is ~100 m. So the lon/lat copy is written here.
fn write_lonlat(survey: &landaudit_synth::Survey, dir: &Path) {
    use serde_json::json;
    let gk = Cgcs2000Crs::GaussKruger(GkZone::from_epsg(4549).unwrap());
    for (name, layer) in [
        ("approvals", &survey.approvals),
        ("supplies", &survey.supplies),
        ("footprints", &survey.footprints),
        ("landuse", &survey.landuse),
        ("farmland", &survey.farmland),
        ("redline", &survey.redline),
        ("regions", &survey.regions),
    ] {
        let features: Vec<_> = layer
            .iter()
            .map(|p| {
                let ll = to_lonlat(&p.geometry, &gk).unwrap();
                json!({"type": "Feature", "properties": p.properties, "geometry": geojson::Geometry::from(&ll)})
            })
            .collect();
        let fc = json!({
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
            "features": features,
        });
        std::fs::write(dir.join(format!("{name}.geojson")), fc.to_string()).unwrap();
    }
}

fn run(dir: &Path, cfg: &Config) -> Audit {
    Audit::run(&AuditInputs::from_dir(dir, as_of()).unwrap(), cfg).unwrap()
}

/// Same statuses, and areas within `tol_m2` plus `rel` of the approval's area.
fn compare(a: &Audit, b: &Audit, tol_m2: f64) {
    compare_rel(a, b, tol_m2, 0.0)
}

fn compare_rel(a: &Audit, b: &Audit, tol_m2: f64, rel: f64) {
    assert_eq!(a.approvals.len(), b.approvals.len());
    let (mut worst, mut worst_rel) = (0.0f64, 0.0f64);
    for (x, y) in a.overlays.iter().flatten().zip(b.overlays.iter().flatten()) {
        let id = &a.approvals[x.approval].pzwh;
        assert_eq!(id, &b.approvals[y.approval].pzwh);
        assert_eq!(x.status, y.status, "{id}");
        for (p, q) in [
            (x.area_m2, y.area_m2),
            (x.supplied_m2, y.supplied_m2),
            (x.remnant_m2, y.remnant_m2),
        ] {
            worst = worst.max((p - q).abs());
            worst_rel = worst_rel.max((p - q).abs() / x.area_m2.max(1.0));
            assert!(
                (p - q).abs() <= tol_m2 + rel * x.area_m2,
                "{id}: {p} vs {q}"
            );
        }
    }
    for (x, y) in a.idle.iter().zip(&b.idle) {
        assert_eq!(x.as_ref().map(|v| v.status), y.as_ref().map(|v| v.status));
    }
    eprintln!("largest per-approval difference {worst:.3e} m² ({worst_rel:.1e} of the approval)");
}

#[test]
fn same_county_in_4549_and_in_4490_gives_the_same_audit() {
    let survey = landaudit_synth::generate(&landaudit_synth::SynthParams {
        scale: 0.05,
        seed: 4,
    });
    let (gk, ll) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    landaudit_synth::write_survey(&survey, gk.path()).unwrap();
    write_lonlat(&survey, ll.path());
    let cfg = Config::default();
    let (a, b) = (run(gk.path(), &cfg), run(ll.path(), &cfg));
    // Lon/lat input is audited in the 3-degree zone of its centre: EPSG:4549 (CM 120°E).
    assert_eq!(b.frame.working, landaudit::Crs::Epsg(4549));
    assert_eq!(b.crs, landaudit::Crs::Epsg(4490));
    assert!(a.measure.ellipsoidal && b.measure.ellipsoidal);
    compare(&a, &b, 1e-3);
}

#[test]
fn prefixed_zone_and_neighbouring_zone_give_the_same_ellipsoidal_audit() {
    let survey = landaudit_synth::generate(&landaudit_synth::SynthParams {
        scale: 0.05,
        seed: 8,
    });
    let (base, pre, z41) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    landaudit_synth::write_survey(&survey, base.path()).unwrap();
    // EPSG:4528: the same zone with the zone number prefixed to the easting.
    write_converted(&survey, pre.path(), 4528, |g| {
        use geo::Translate;
        g.translate(40_000_000.0, 0.0)
    });
    // EPSG:4550: the neighbouring zone (CM 123°E); the data lie 2–3° west of its meridian.
    let from = Cgcs2000Crs::GaussKruger(GkZone::from_epsg(4549).unwrap());
    let to = GkZone::from_epsg(4550).unwrap();
    write_converted(&survey, z41.path(), 4550, |g| {
        let mut r = reproject(g, &from, &to).unwrap();
        // Keep what the generator's millimetre rounding keeps.
        use geo::MapCoordsInPlace;
        r.map_coords_in_place(|c| geo::Coord {
            x: (c.x * 1000.0).round() / 1000.0,
            y: (c.y * 1000.0).round() / 1000.0,
        });
        r
    });
    let cfg = Config::default();
    let a = run(base.path(), &cfg);
    compare(&a, &run(pre.path(), &cfg), 1e-3);
    // In zone 41, 2–3° from its meridian, the same vertices are joined by edges that are straight
    // in another plane: a 400 m edge there bows ≈ ℓ³·x/(12R²) ≈ 0.03 m² away from the zone-40
    // edge, and the overlay cuts edges at correspondingly different points. The parcels are
    // therefore not quite the same land; areas agree to 2e-5 of the approval's area (measured:
    // up to 6e-6) and statuses exactly.
    let c = run(z41.path(), &cfg);
    assert_eq!(c.frame.working, landaudit::Crs::Epsg(4550));
    compare_rel(&a, &c, 0.01, 2e-5);
}

#[test]
fn mixed_zones_are_reprojected_never_silently_overlaid() {
    // Approvals in zone 40 (4549), supplies delivered in zone 41 (4550): the supplies are
    // reprojected into the approvals' zone, so the audit equals the all-4549 one.
    let survey = landaudit_synth::generate(&landaudit_synth::SynthParams {
        scale: 0.05,
        seed: 9,
    });
    let (base, mixed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    landaudit_synth::write_survey(&survey, base.path()).unwrap();
    landaudit_synth::write_survey(&survey, mixed.path()).unwrap();
    let from = Cgcs2000Crs::GaussKruger(GkZone::from_epsg(4549).unwrap());
    let to = GkZone::from_epsg(4550).unwrap();
    let supplies: Vec<_> = survey
        .supplies
        .iter()
        .map(|p| {
            let g = reproject(&p.geometry, &from, &to).unwrap();
            serde_json::json!({"type": "Feature", "properties": p.properties, "geometry": geojson::Geometry::from(&g)})
        })
        .collect();
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4550"}},
        "features": supplies,
    });
    std::fs::write(mixed.path().join("supplies.geojson"), fc.to_string()).unwrap();
    let cfg = Config::default();
    let (a, b) = (run(base.path(), &cfg), run(mixed.path(), &cfg));
    assert_eq!(b.frame.working, landaudit::Crs::Epsg(4549));
    compare(&a, &b, 1e-3);
}
