//! The ten approvals with the most unsupplied land in the demo county.
//!
//! `cargo run --release --example top_unsupplied [DIR] [YYYY-MM-DD]`

use landaudit::{Audit, AuditInputs, Config, units};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "data/demo".into());
    let as_of = match args.next() {
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")?,
        None => chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    let audit = Audit::run(
        &AuditInputs::from_dir(dir.as_ref(), as_of)?,
        &Config::default(),
    )?;

    let mut rows: Vec<_> = audit.overlays.iter().flatten().collect();
    rows.sort_by(|a, b| b.remnant_m2.total_cmp(&a.remnant_m2));
    println!(
        "{:<28} {:>10} {:>10} {:>8}  status",
        "批准文号", "未供 亩", "供地率", "age"
    );
    for o in rows.iter().take(10) {
        let a = &audit.approvals[o.approval];
        println!(
            "{:<28} {:>10.2} {:>9.1}% {:>8}  {}",
            a.pzwh,
            units::mu(o.remnant_m2),
            100.0 * o.supplied_m2 / o.area_m2,
            audit
                .age_years(o.approval)
                .map(|y| format!("{y:.1}"))
                .unwrap_or_default(),
            o.status.label()
        );
    }
    let t = audit.totals();
    println!(
        "\n{} approvals, {:.2} 公顷 approved, {:.2} 公顷 real remnants, 供地率 {:.1}%",
        t.approvals,
        units::ha(t.area_m2),
        units::ha(t.remnant_m2),
        100.0 * t.supply_rate().unwrap_or(0.0)
    );
    Ok(())
}
