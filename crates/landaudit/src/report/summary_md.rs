//! `summary.md`: what a bureau chief reads first — counts, areas in m², 公顷 and 亩, 供地率,
//! unsupplied land by approval age, the link check, and the input accounting.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::io::atomic::write_atomic;
use crate::report::RoundedAreas;
use crate::rules::unsupplied::ApprovalStatus;
use crate::units::{ha, mu};

fn area_row(out: &mut String, name: &str, m2: f64) {
    let _ = writeln!(out, "| {name} | {m2:.2} | {:.4} | {:.2} |", ha(m2), mu(m2));
}

/// Age bucket labels for boundaries `[b0, b1, …]`: `<b0`, `b0–b1`, …, `≥bn`.
pub fn bucket_labels(bounds: &[u32]) -> Vec<String> {
    let mut labels = Vec::new();
    if let Some(first) = bounds.first() {
        labels.push(format!("<{first} 年"));
    }
    for w in bounds.windows(2) {
        labels.push(format!("{}–{} 年", w[0], w[1]));
    }
    match bounds.last() {
        Some(last) => labels.push(format!("≥{last} 年")),
        None => labels.push("全部".into()),
    }
    labels
}

/// The bucket of an age for boundaries `bounds` (ages on a boundary go to the older bucket).
pub fn bucket_of(age: f64, bounds: &[u32]) -> usize {
    bounds.iter().take_while(|&&b| age >= b as f64).count()
}

/// Renders the summary as Markdown.
pub fn render(audit: &Audit) -> String {
    let mut s = String::new();
    let t = audit.totals();
    let cfg = &audit.config;
    let _ = writeln!(s, "# 批而未供 audit summary\n");
    let _ = writeln!(
        s,
        "- Evaluation date (评估日): {}\n- Outputs in {}; overlays in {}\n- Areas: {}\n- Slivers: parts narrower than {} m everywhere or smaller than {} m²\n- Overlapping approvals: {}\n",
        audit.as_of,
        audit.crs,
        audit.frame.working,
        audit.measure.describe(),
        cfg.slivers.min_width_m,
        cfg.slivers.min_area_m2,
        match cfg.approvals.overlap {
            crate::config::ApprovalOverlap::EarliestWins =>
                "land approved twice counts once, under the earlier approval",
            crate::config::ApprovalOverlap::Independent =>
                "each approval audited whole (re-approved land may count twice)",
        }
    );

    let _ = writeln!(s, "## Inputs\n");
    let _ = writeln!(
        s,
        "| layer | file | read | used | rejected | repaired | read = used + rejected |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---|");
    for a in &audit.accounts {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            a.kind.name(),
            a.path.display(),
            a.read,
            a.used,
            a.rejected,
            a.repaired,
            if a.read == a.used + a.rejected {
                "yes"
            } else {
                "**NO**"
            }
        );
    }
    let read_notes: Vec<_> = audit
        .accounts
        .iter()
        .filter(|a| !a.notes.is_empty())
        .collect();
    if !read_notes.is_empty() {
        let _ = writeln!(s);
    }
    for a in read_notes {
        let _ = writeln!(s, "- {}: {}", a.kind.name(), a.notes.join("; "));
    }

    let mut by_status: BTreeMap<ApprovalStatus, (usize, f64)> = BTreeMap::new();
    let mut rounded = (0.0, 0.0, 0.0, 0.0, 0.0);
    for o in audit.overlays.iter().flatten() {
        let e = by_status.entry(o.status).or_default();
        e.0 += 1;
        e.1 += o.remnant_m2;
        let r = RoundedAreas::of(o);
        rounded.0 += r.area;
        rounded.1 += r.supplied;
        rounded.2 += r.unsupplied;
        rounded.3 += r.sliver;
        rounded.4 += r.remnant;
    }
    let _ = writeln!(s, "\n## Areas\n");
    let _ = writeln!(s, "| | m² | 公顷 | 亩 |\n|---|---:|---:|---:|");
    area_row(&mut s, "已批 approved", rounded.0);
    area_row(&mut s, "已供 supplied", rounded.1);
    area_row(&mut s, "未供 unsupplied", rounded.2);
    area_row(&mut s, "  of which slivers 碎片", rounded.3);
    area_row(&mut s, "  of which real remnants 批而未供", rounded.4);
    if t.overlap_m2 > 0.0 {
        area_row(
            &mut s,
            "re-approved land counted under an earlier approval",
            t.overlap_m2,
        );
    }
    let _ = writeln!(
        s,
        "\n**供地率 (supply rate)**: {}  \nApprovals: {} audited, {} real remnant parts.\n",
        t.supply_rate()
            .map(|r| format!("{:.2}%", r * 100.0))
            .unwrap_or_else(|| "n/a".into()),
        t.approvals,
        t.remnant_parts
    );
    let _ = writeln!(
        s,
        "| status | approvals | real remnant m² |\n|---|---:|---:|"
    );
    for (st, (n, m2)) in &by_status {
        let _ = writeln!(s, "| {} {} | {n} | {m2:.2} |", st.name(), st.label());
    }

    let bounds = &cfg.approvals.age_buckets;
    let labels = bucket_labels(bounds);
    let mut buckets = vec![(0usize, 0.0f64, 0.0f64); labels.len() + 1];
    for o in audit.overlays.iter().flatten() {
        let b = match audit.age_years(o.approval) {
            Some(age) => bucket_of(age, bounds),
            None => labels.len(),
        };
        let r = RoundedAreas::of(o);
        buckets[b].0 += 1;
        buckets[b].1 += r.unsupplied;
        buckets[b].2 += r.remnant;
    }
    let _ = writeln!(
        s,
        "\n## Unsupplied land by approval age (at {})\n",
        audit.as_of
    );
    let _ = writeln!(
        s,
        "| age | approvals | unsupplied m² | real remnant m² | real remnant 公顷 | real remnant 亩 |\n|---|---:|---:|---:|---:|---:|"
    );
    for (i, (n, un, rem)) in buckets.iter().enumerate() {
        let label = labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| "date unknown".into());
        if i == labels.len() && *n == 0 {
            continue;
        }
        let _ = writeln!(
            s,
            "| {label} | {n} | {un:.2} | {rem:.2} | {:.4} | {:.2} |",
            ha(*rem),
            mu(*rem)
        );
    }

    let _ = writeln!(
        s,
        "\n## Attribute link check (PZWH of supplies vs overlay)\n"
    );
    if audit.links_checked {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &audit.link_issues {
            *kinds.entry(l.kind.name()).or_default() += 1;
        }
        if kinds.is_empty() {
            let _ = writeln!(s, "No disagreements.");
        } else {
            let _ = writeln!(s, "| kind | supplies | meaning |\n|---|---:|---|");
            for l in [
                crate::rules::links::LinkIssueKind::UnknownApproval,
                crate::rules::links::LinkIssueKind::NamedNotOverlapping,
                crate::rules::links::LinkIssueKind::OverlapsUnnamed,
            ] {
                if let Some(n) = kinds.get(l.name()) {
                    let _ = writeln!(s, "| {} | {n} | {} |", l.name(), l.label());
                }
            }
            let _ = writeln!(s, "\nDetails in `links.csv`.");
        }
    } else {
        let _ = writeln!(
            s,
            "Skipped: no supply carries a PZWH (field `{}`).",
            cfg.fields.supplies.source_for("pzwh")
        );
    }

    render_idle(audit, &mut s);
    render_context(audit, &mut s);

    let mut top: Vec<_> = audit
        .overlays
        .iter()
        .flatten()
        .filter(|o| o.remnant_m2 > 0.0)
        .collect();
    top.sort_by(|a, b| b.remnant_m2.total_cmp(&a.remnant_m2));
    if !top.is_empty() {
        let _ = writeln!(s, "\n## Largest unsupplied approvals\n");
        let _ = writeln!(
            s,
            "| PZWH | 批次名称 | 批准日期 | remnant m² | 亩 | status |\n|---|---|---|---:|---:|---|"
        );
        for o in top.iter().take(10) {
            let a = &audit.approvals[o.approval];
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} | {:.2} | {} |",
                a.pzwh,
                a.pcmc.as_deref().unwrap_or(""),
                a.pzrq.map(|d| d.to_string()).unwrap_or_default(),
                o.remnant_m2,
                mu(o.remnant_m2),
                o.status.label()
            );
        }
    }
    let rejected = audit.rejections.len();
    let _ = writeln!(
        s,
        "\n## Files\n\n- `approvals.csv`: per approval\n- `unsupplied.geojson`: the real remnant polygons\n- `supplies.csv`: per supply, with its idle-land status and reason\n- `idle.geojson`: idle and overdue supplies\n- `links.csv`: PZWH disagreements\n- `regions.csv`, `windows.csv`: totals and 供地率 by region and approval-date window\n- `rejected.csv`: {rejected} features rejected, repaired or warned about, with reasons"
    );
    s
}

/// The idle-land section: counts and areas by status, 闲置率, fees due, area to recover.
fn render_idle(audit: &Audit, s: &mut String) {
    use crate::rules::idle::{Disposal, IdleStatus};
    let _ = writeln!(
        s,
        "\n## 闲置土地 idle land (《闲置土地处置办法》, at {})\n",
        audit.as_of
    );
    let evidence = if audit.has_footprints {
        match audit.footprint_dates.as_slice() {
            [] | [_] => "attributes and a footprints layer (built fraction)".to_string(),
            d => format!(
                "attributes and footprints observed on {} dates ({} to {}): halted construction judged from no growth",
                d.len(),
                d[0],
                d[d.len() - 1]
            ),
        }
    } else {
        "attributes only (no footprints layer): 动工 judged from SJKGRQ alone".to_string()
    };
    let _ = writeln!(s, "Evidence: {evidence}.\n");
    let mut rows: BTreeMap<IdleStatus, (usize, f64, f64)> = BTreeMap::new();
    let (
        mut supplied,
        mut idle_area,
        mut idle_n,
        mut fees,
        mut fee_missing,
        mut recover,
        mut stock,
    ) = (0.0, 0.0, 0, 0.0, 0, 0.0, 0);
    for (i, v) in audit.idle.iter().enumerate() {
        let (Some(v), Some(o)) = (v, &audit.supply_overlaps[i]) else {
            continue;
        };
        supplied += o.area_m2;
        let e = rows.entry(v.status).or_default();
        e.0 += 1;
        e.1 += o.area_m2;
        e.2 += v.fee_yuan.unwrap_or(0.0);
        if v.status.is_idle() {
            idle_n += 1;
            idle_area += o.area_m2;
        }
        if v.disposal == Disposal::Fee {
            match v.fee_yuan {
                Some(f) => fees += f,
                None => fee_missing += 1,
            }
        }
        if v.disposal == Disposal::Recover {
            recover += o.area_m2;
        }
        if o.area_m2 - o.outside_approvals_m2 <= audit.config.slivers.min_area_m2.max(1e-6) {
            stock += 1;
        }
    }
    let _ = writeln!(
        s,
        "| status | supplies | area m² | 亩 | idle fees 元 |\n|---|---:|---:|---:|---:|"
    );
    for st in IdleStatus::ALL {
        if let Some((n, m2, fee)) = rows.get(&st) {
            let _ = writeln!(
                s,
                "| {} {} | {n} | {m2:.2} | {:.2} | {} |",
                st.name(),
                st.label(),
                mu(*m2),
                if *fee > 0.0 {
                    format!("{fee:.2}")
                } else {
                    String::new()
                }
            );
        }
    }
    let rate = if supplied > 0.0 {
        format!("{:.2}%", 100.0 * idle_area / supplied)
    } else {
        "n/a".into()
    };
    let _ = writeln!(
        s,
        "\n- 闲置土地 (idle_1y, idle_2y, halted, gov_cause): {idle_n} parcels, {idle_area:.2} m² ({:.4} 公顷, {:.2} 亩)\n\
         - **闲置率** = idle area / supplied area = {idle_area:.2} / {supplied:.2} = **{rate}**\n\
         - Idle fees due (20% of the land price): {fees:.2} 元{}\n\
         - Area to recover without compensation (无偿收回): {recover:.2} m² ({:.2} 亩)\n\
         - Supplies wholly outside every approval (存量 existing construction land): {stock}",
        ha(idle_area),
        mu(idle_area),
        if fee_missing > 0 {
            format!(" ({fee_missing} parcels without a price JK: fee to be assessed)")
        } else {
            String::new()
        },
        mu(recover),
    );
}

/// Land use of the remnants, conflicts, regions and 供地率 windows.
fn render_context(audit: &Audit, s: &mut String) {
    if audit.has_landuse {
        let mut groups: BTreeMap<String, f64> = BTreeMap::new();
        let (mut unknown_codes, mut total) = (std::collections::BTreeSet::new(), 0.0);
        for r in &audit.landuse {
            total += r.area_m2;
            let g = if r.dlbm.is_empty() {
                "未被地类图斑覆盖 not covered".to_string()
            } else {
                match audit.config.landuse.group_of(&r.dlbm) {
                    Some(g) => g.to_string(),
                    None => {
                        unknown_codes.insert(r.dlbm.clone());
                        "未知地类 unknown code".to_string()
                    }
                }
            };
            *groups.entry(g).or_default() += r.area_m2;
        }
        let _ = writeln!(
            s,
            "\n## What the unsupplied land is today (三调 land use of real remnants)\n"
        );
        let _ = writeln!(
            s,
            "| group | m² | 公顷 | 亩 | share |\n|---|---:|---:|---:|---:|"
        );
        let order: Vec<String> = audit
            .config
            .landuse
            .groups
            .iter()
            .map(|g| g.name.clone())
            .chain(groups.keys().cloned())
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for g in order {
            if !seen.insert(g.clone()) {
                continue;
            }
            if let Some(m2) = groups.get(&g) {
                let _ = writeln!(
                    s,
                    "| {g} | {m2:.2} | {:.4} | {:.2} | {:.1}% |",
                    ha(*m2),
                    mu(*m2),
                    if total > 0.0 { 100.0 * m2 / total } else { 0.0 }
                );
            }
        }
        if !unknown_codes.is_empty() {
            let codes: Vec<_> = unknown_codes.into_iter().collect();
            let _ = writeln!(
                s,
                "\nDLBM codes outside the 三调 table: {} (see `landuse.csv`).",
                codes.join(", ")
            );
        }
    }
    if !audit.protected_layers.is_empty() {
        let _ = writeln!(s, "\n## Conflicts with protected land\n");
        let _ = writeln!(
            s,
            "| layer | kind | overlaps | m² | 亩 |\n|---|---|---:|---:|---:|"
        );
        let mut t: BTreeMap<(&str, &str), (usize, f64)> = BTreeMap::new();
        for c in &audit.conflicts {
            let e = t.entry((c.layer.name(), c.kind.name())).or_default();
            e.0 += 1;
            e.1 += c.area_m2;
        }
        for l in &audit.protected_layers {
            for k in ["approval", "remnant", "supply"] {
                let (n, m2) = t.get(&(l.name(), k)).copied().unwrap_or_default();
                let _ = writeln!(s, "| {} | {k} | {n} | {m2:.2} | {:.2} |", l.name(), mu(m2));
            }
        }
        let _ = writeln!(
            s,
            "\nDetails in `conflicts.csv` (overlaps under {} m² left out).",
            audit.config.conflicts.min_area_m2
        );
    }
    let counties: Vec<_> = audit
        .regions
        .iter()
        .filter(|r| r.level == Some(crate::rules::regions::RegionLevel::County))
        .collect();
    if !counties.is_empty() {
        let _ = writeln!(s, "\n## By county\n");
        let _ = writeln!(
            s,
            "| XZQDM | name | approvals | approved 公顷 | 批而未供 公顷 | 供地率 | idle | 闲置率 |\n|---|---|---:|---:|---:|---:|---:|---:|"
        );
        let pct = |r: Option<f64>| r.map(|r| format!("{:.1}%", 100.0 * r)).unwrap_or_default();
        for r in counties {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.4} | {:.4} | {} | {} | {} |",
                if r.code.is_empty() {
                    "unknown"
                } else {
                    &r.code
                },
                r.name.as_deref().unwrap_or(""),
                r.approvals,
                ha(r.approved_m2),
                ha(r.remnant_m2),
                pct(r.supply_rate()),
                r.idle_count,
                pct(r.idle_rate())
            );
        }
        let _ = writeln!(s, "\nCity and province roll-ups in `regions.csv`.");
    }
    if !audit.windows.is_empty() {
        let floor = audit.config.regions.floor;
        let _ = writeln!(
            s,
            "\n## 供地率 by approval-date window (floor {:.0}%)\n",
            floor * 100.0
        );
        let _ = writeln!(
            s,
            "| window | level | region | approvals | 供地率 | 批而未供 公顷 | below floor |\n|---|---|---|---:|---:|---:|---|"
        );
        for w in &audit.windows {
            let _ = writeln!(
                s,
                "| {} ({}..{}) | {} | {} {} | {} | {} | {:.4} | {} |",
                w.window,
                w.from,
                w.to,
                w.level.name(),
                w.code,
                w.name.as_deref().unwrap_or(""),
                w.approvals,
                w.supply_rate()
                    .map(|r| format!("{:.1}%", 100.0 * r))
                    .unwrap_or_default(),
                ha(w.remnant_m2),
                if w.below_floor { "**yes**" } else { "" }
            );
        }
    }
}

/// Writes `summary.md`.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let text = render(audit);
    write_atomic(path, |w| w.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        let b = [2, 5];
        assert_eq!(bucket_labels(&b).len(), 3);
        assert_eq!(bucket_of(1.99, &b), 0);
        assert_eq!(bucket_of(2.0, &b), 1);
        assert_eq!(bucket_of(4.999, &b), 1);
        assert_eq!(bucket_of(5.0, &b), 2);
        assert_eq!(bucket_of(30.0, &b), 2);
    }
}
