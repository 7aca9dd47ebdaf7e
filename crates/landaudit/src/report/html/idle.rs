//! The idle-land section of `report.html`: parcels and area by status under 《闲置土地处置办法》,
//! and the longest-idle parcels with the reason for each verdict.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{escape, thousands};
use crate::audit::Audit;
use crate::rules::idle::{Disposal, IdleStatus};
use crate::units::{ha, mu};

/// How many idle parcels are listed.
const TOP_IDLE: usize = 20;

/// Idle-land totals, counted as `summary.md` counts them (supplies whose overlay succeeded).
#[derive(Default)]
pub(super) struct IdleTotals {
    /// Area of the supplies judged.
    pub supplied_m2: f64,
    /// 闲置土地 (idle_1y, idle_2y, halted, gov_cause): parcels and area.
    pub idle_n: usize,
    pub idle_m2: f64,
    /// 逾期未动工 parcels.
    pub overdue_n: usize,
    /// Idle fees due, and parcels whose fee is due but JK is missing.
    pub fees: f64,
    pub fee_missing: usize,
    /// Area to recover without compensation.
    pub recover_m2: f64,
    /// Parcels, area and fees per status.
    by_status: BTreeMap<IdleStatus, (usize, f64, f64)>,
}

impl IdleTotals {
    pub(super) fn of(audit: &Audit) -> IdleTotals {
        let mut t = IdleTotals::default();
        for (v, o) in audit.idle.iter().zip(&audit.supply_overlaps) {
            let (Some(v), Some(o)) = (v, o) else { continue };
            t.supplied_m2 += o.area_m2;
            let e = t.by_status.entry(v.status).or_default();
            e.0 += 1;
            e.1 += o.area_m2;
            e.2 += v.fee_yuan.unwrap_or(0.0);
            if v.status.is_idle() {
                t.idle_n += 1;
                t.idle_m2 += o.area_m2;
            }
            if v.status == IdleStatus::Overdue {
                t.overdue_n += 1;
            }
            if v.disposal == Disposal::Fee {
                match v.fee_yuan {
                    Some(f) => t.fees += f,
                    None => t.fee_missing += 1,
                }
            }
            if v.disposal == Disposal::Recover {
                t.recover_m2 += o.area_m2;
            }
        }
        t
    }

    /// 闲置率 = idle area / supplied area.
    pub(super) fn rate(&self) -> Option<f64> {
        (self.supplied_m2 > 0.0).then(|| self.idle_m2 / self.supplied_m2)
    }
}

pub(super) fn idle(audit: &Audit, s: &mut String) {
    let it = IdleTotals::of(audit);
    let _ = writeln!(
        s,
        "<section id=\"idle\">\n<h2>闲置土地 <small>Idle land (《闲置土地处置办法》, at {})</small></h2>",
        audit.as_of
    );
    s.push_str("<table>\n<thead><tr><th>状态 Status</th><th class=\"n\">宗数</th><th class=\"n\">公顷</th><th class=\"n\">亩</th><th class=\"n\">闲置费 元</th></tr></thead>\n<tbody>\n");
    for st in IdleStatus::ALL {
        let Some((n, m2, fee)) = it.by_status.get(&st) else {
            continue;
        };
        let _ = writeln!(
            s,
            "<tr{}><td>{} <span class=\"note\">{}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if st.is_idle() { " class=\"below\"" } else { "" },
            st.label(),
            st.name(),
            thousands(*n as f64, 0),
            thousands(ha(*m2), 2),
            thousands(mu(*m2), 2),
            if *fee > 0.0 {
                thousands(*fee, 0)
            } else {
                String::new()
            }
        );
    }
    s.push_str("</tbody>\n</table>\n");

    let mut parcels: Vec<(usize, &crate::rules::idle::IdleVerdict)> = audit
        .idle
        .iter()
        .enumerate()
        .filter_map(|(j, v)| v.as_ref().map(|v| (j, v)))
        .filter(|(_, v)| v.status.is_idle() || v.status == IdleStatus::Overdue)
        .collect();
    parcels.sort_by(|a, b| {
        // Longest idle first; parcels without a day count last.
        (b.1.idle_days.is_some(), b.1.idle_days)
            .cmp(&(a.1.idle_days.is_some(), a.1.idle_days))
            .then_with(|| audit.supplies[a.0].dzjgh.cmp(&audit.supplies[b.0].dzjgh))
    });
    if parcels.is_empty() {
        s.push_str("<p>没有闲置或逾期未动工的供地。No idle or overdue supply.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        s,
        "<h3>闲置时间最长的供地 <small>Longest-idle parcels (top {TOP_IDLE} of {})</small></h3>\n<table>\n<thead><tr><th class=\"n\">#</th><th>电子监管号 DZJGH</th><th>状态</th><th class=\"n\">闲置天数</th><th class=\"n\">亩</th><th class=\"n\">闲置费 元</th><th>原因 Reason</th></tr></thead>\n<tbody>",
        parcels.len()
    );
    for (n, (j, v)) in parcels.iter().take(TOP_IDLE).enumerate() {
        let area = audit.supply_overlaps[*j]
            .as_ref()
            .map(|o| thousands(mu(o.area_m2), 2))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<tr><td class=\"n\">{}</td><td class=\"id\">{}</td><td class=\"id\">{}</td><td class=\"n\">{}</td><td class=\"n\">{area}</td><td class=\"n\">{}</td><td class=\"reason\">{}</td></tr>",
            n + 1,
            escape(&audit.supplies[*j].dzjgh),
            v.status.label(),
            v.idle_days
                .map(|d| thousands(d as f64, 0))
                .unwrap_or_default(),
            v.fee_yuan.map(|f| thousands(f, 0)).unwrap_or_default(),
            escape(&v.reason),
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}
