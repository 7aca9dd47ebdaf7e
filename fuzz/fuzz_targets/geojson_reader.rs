//! Any bytes as a layer file: the reader must never panic, and whatever it reads must account
//! for every feature (read = used + rejected) with only valid, finite, non-empty parcels.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use geo::{Area, Validation};
use landaudit::LayerKind;
use landaudit::config::{FieldMap, InputSettings};
use landaudit::io::{ReadOptions, read_layer_limited};
use libfuzzer_sys::fuzz_target;

/// One file per fuzzing process, written for every input and removed after it (in memory where
/// /dev/shm exists).
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("landaudit-fuzz-{}.geojson", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("scratch file");
    let fields = FieldMap::default();
    // Small limits, so that the limit paths are reached by small inputs too.
    let input = InputSettings {
        max_feature_bytes: 4096,
        max_file_bytes: Some(1 << 20),
    };
    // Approvals need unique ids; footprints do not. Repair on one of the two.
    for (kind, repair) in [(LayerKind::Approvals, false), (LayerKind::Footprints, true)] {
        let opts = ReadOptions {
            kind,
            fields: &fields,
            repair,
            all_fields: false,
            keep: None,
        };
        let Ok(layer) = read_layer_limited(path, &opts, &input) else {
            continue;
        };
        assert_eq!(layer.parcels.len() + layer.rejected_count(), layer.read);
        for r in &layer.rejections {
            assert!(r.index < layer.read);
            assert!(!r.reason.is_empty());
        }
        for p in &layer.parcels {
            assert!(p.index < layer.read);
            let a = p.geometry.unsigned_area();
            assert!(a.is_finite() && a > 0.0, "parcel {} has area {a}", p.id);
            assert!(p.geometry.is_valid(), "parcel {} is invalid", p.id);
        }
    }
    let _ = std::fs::remove_file(path);
});
