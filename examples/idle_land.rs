//! Idle land (闲置土地) in the demo county: the parcels that are idle or overdue at the evaluation
//! date, with the reason a bureau analyst can paste into a report.
//!
//! `cargo run --release --example idle_land [DIR] [YYYY-MM-DD]`

use std::collections::BTreeMap;

use landaudit::rules::idle::IdleStatus;
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

    let mut by_status: BTreeMap<IdleStatus, (usize, f64)> = BTreeMap::new();
    for (v, o) in audit.idle.iter().zip(&audit.supply_overlaps) {
        if let (Some(v), Some(o)) = (v, o) {
            let e = by_status.entry(v.status).or_default();
            e.0 += 1;
            e.1 += o.area_m2;
        }
    }
    println!(
        "Idle-land status of {} supplies at {as_of}:",
        audit.supplies.len()
    );
    for st in IdleStatus::ALL {
        if let Some((n, m2)) = by_status.get(&st) {
            println!(
                "  {:<16} {:<8} {n:>6} parcels {:>10.2} 亩",
                st.name(),
                st.label(),
                units::mu(*m2)
            );
        }
    }

    println!("\nFive longest-idle parcels:");
    let mut idle: Vec<_> = audit
        .idle
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_ref().filter(|v| v.status.is_idle()).map(|v| (i, v)))
        .collect();
    idle.sort_by_key(|(_, v)| std::cmp::Reverse(v.idle_days.unwrap_or(0)));
    for (i, v) in idle.iter().take(5) {
        println!("  {}  {}", audit.supplies[*i].dzjgh, v.reason);
    }
    Ok(())
}
