//! Prints counts and timing of a generated survey: `cargo run --release -p landaudit-synth --example synth_stats -- SCALE SEED [DIR]`.
use landaudit_synth::{FootprintGroup, SynthParams, generate, write_survey};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let t = Instant::now();
    let s = generate(&SynthParams { scale, seed });
    let dt = t.elapsed();
    println!(
        "scale {scale} seed {seed}: generated in {:.3} s",
        dt.as_secs_f64()
    );
    println!(
        "approvals {} supplies {} footprints {}",
        s.approvals.len(),
        s.supplies.len(),
        s.footprints.len()
    );
    let st = &s.stats;
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let na = s.approvals.len();
    let ns = s.supplies.len();
    println!(
        "approvals: multipolygon {} ({:.1}%), hole {} ({:.1}%), overlap pairs {}, 单独选址 {:.1}%, PZMJ off {:.1}%",
        st.approvals_multipolygon,
        pct(st.approvals_multipolygon, na),
        st.approvals_with_hole,
        pct(st.approvals_with_hole, na),
        st.overlap_pairs.len(),
        pct(st.approvals_separate_site, na),
        pct(st.approvals_pzmj_deviating, na)
    );
    println!(
        "coverage: nothing {:.1}%, full {:.1}%, partial {:.1}%; approved {:.0} m², supplied as cut {:.0} m²",
        pct(st.approvals_unsupplied, na),
        pct(st.approvals_fully_supplied, na),
        pct(st.approvals_partly_supplied, na),
        st.approved_area_m2,
        st.designed_supplied_area_m2
    );
    println!(
        "supplies: cut {} outside {} ({:.1}%) duplicates {} ({:.1}%); translated {:.1}% nudged {:.1}% overhang {:.1}% (of cut)",
        st.supplies_cut,
        st.supplies_outside,
        pct(st.supplies_outside, ns),
        st.duplicate_pairs.len(),
        pct(st.duplicate_pairs.len(), ns),
        pct(st.supplies_translated, st.supplies_cut),
        pct(st.supplies_vertex_nudged, st.supplies_cut),
        pct(st.supplies_overhanging, st.supplies_cut)
    );
    println!(
        "links (of cut): own {:.1}% several {:.1}% missing {:.1}% wrong {:.1}% nonexistent {:.1}%; lots dropped tiny {} invalid {}",
        pct(st.links_own, st.supplies_cut),
        pct(st.links_several, st.supplies_cut),
        pct(st.links_missing, st.supplies_cut),
        pct(st.links_wrong, st.supplies_cut),
        pct(st.links_nonexistent, st.supplies_cut),
        st.lots_dropped_tiny,
        st.lots_dropped_invalid
    );
    let nf = s.footprints.len();
    println!(
        "footprints: earlier {} later {}; village {} ({:.1}%) edge-crossing {} ({:.1}%) duplicated {} ({:.1}%)",
        st.footprints_earlier,
        st.footprints_later,
        st.footprints_village,
        pct(st.footprints_village, nf),
        st.footprints_edge_crossing,
        pct(st.footprints_edge_crossing, nf),
        st.footprint_duplicate_pairs.len(),
        pct(st.footprint_duplicate_pairs.len(), nf)
    );
    let groups = [
        (FootprintGroup::Built, "built"),
        (FootprintGroup::StartedUndated, "started-undated"),
        (FootprintGroup::Halted, "halted (ZZRQ)"),
        (FootprintGroup::HaltedUnrecorded, "halted (unrecorded)"),
        (FootprintGroup::Shed, "shed"),
        (FootprintGroup::NotStarted, "not started"),
    ];
    let line: Vec<String> = groups
        .iter()
        .map(|(g, name)| {
            let k = st.footprint_groups.iter().filter(|x| *x == g).count();
            format!("{name} {k} ({:.1}%)", pct(k, ns))
        })
        .collect();
    println!(
        "supplies by footprint group: {}; sharing land {}",
        line.join(", "),
        st.supplies_sharing_land.len()
    );
    let area = |v: &[landaudit_synth::SynthParcel]| -> f64 {
        use geo::Area;
        v.iter().map(|p| p.geometry.unsigned_area()).sum()
    };
    let county = st.extent.width() * st.extent.height();
    println!(
        "landuse {} polygons from {} cells: merged {} strips {} unknown codes {} in built supplies {}",
        s.landuse.len(),
        st.landuse_cells,
        st.landuse_merged,
        st.landuse_strips,
        st.landuse_unknown_codes,
        st.landuse_in_built_supplies
    );
    let mut by: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for p in &s.landuse {
        use geo::Area;
        let code = p.properties["DLBM"].as_str().unwrap_or("").to_string();
        let e = by.entry(code).or_default();
        e.0 += 1;
        e.1 += p.geometry.unsigned_area();
    }
    let mut groups: std::collections::BTreeMap<String, f64> = Default::default();
    let line: Vec<String> = by
        .iter()
        .map(|(k, (n, a))| {
            *groups.entry(k.chars().take(2).collect()).or_default() += a;
            format!("{k} {n} {:.2}%", 100.0 * a / county)
        })
        .collect();
    println!("classes: {}", line.join(", "));
    let line: Vec<String> = groups
        .iter()
        .map(|(k, a)| format!("{k}xx {:.1}%", 100.0 * a / county))
        .collect();
    println!("class groups: {}", line.join(", "));
    println!(
        "farmland {} polygons {:.1}% of county ({:.0} m² by stats), on approvals {} ({:.2}% of farmland area); redline {} features {:.2}% of county; regions {}: {}; approvals off region {}, supplies off region {}",
        s.farmland.len(),
        100.0 * area(&s.farmland) / county,
        st.farmland_area_m2,
        st.farmland_on_approvals,
        100.0 * st.farmland_in_approvals_m2 / st.farmland_area_m2,
        s.redline.len(),
        100.0 * area(&s.redline) / county,
        s.regions.len(),
        s.regions
            .iter()
            .map(|r| format!(
                "{} {} {:.2}%",
                r.properties["XZQDM"].as_str().unwrap(),
                r.properties["XZQMC"].as_str().unwrap(),
                100.0 * area(std::slice::from_ref(r)) / county
            ))
            .collect::<Vec<_>>()
            .join(", "),
        st.approvals_off_region,
        st.supplies_off_region
    );
    if let Some(dir) = args.get(3) {
        let t = Instant::now();
        let paths = write_survey(&s, std::path::Path::new(dir)).expect("write");
        println!("written in {:.3} s", t.elapsed().as_secs_f64());
        for p in paths {
            println!(
                "{} {} bytes",
                p.display(),
                std::fs::metadata(&p).unwrap().len()
            );
        }
    }
}
