//! The text sections of `report.html`: header, headline numbers, regions and windows, land use,
//! conflicts, the largest unsupplied approvals and the data checks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::draw::status_colours;
use super::idle::IdleTotals;
use super::{escape, pct, rate_bar, thousands};
use crate::audit::Audit;
use crate::rules::regions::RegionLevel;
use crate::rules::unsupplied::ApprovalOverlay;
use crate::units::{ha, mu};

/// `x 公顷 / y 亩`.
fn ha_mu(m2: f64) -> String {
    format!(
        "{} 公顷 · {} 亩",
        thousands(ha(m2), 2),
        thousands(mu(m2), 2)
    )
}

fn region_code(code: &str) -> &str {
    if code.is_empty() {
        "未知 unknown"
    } else {
        code
    }
}

fn status_chip(s: crate::ApprovalStatus) -> String {
    format!(
        r#"<span class="chip" style="background:{}"></span>{}"#,
        status_colours(s).0,
        s.label()
    )
}

pub(super) fn header(audit: &Audit, s: &mut String) {
    let _ = write!(
        s,
        "<header>\n<h1>批而未供与闲置土地审计报告 <small>Land audit report</small></h1>\n\
         <p class=\"meta\">评估日 Evaluation date: <b>{}</b> · 面积口径 Area measure: {} · 坐标系 CRS: 输出 {}，叠加 {}</p>\n\
         <p class=\"meta\">碎片 Slivers: 处处窄于 {} m 或小于 {} m² 的未供部分不计入批而未供</p>\n</header>\n",
        audit.as_of,
        escape(&audit.measure.describe()),
        escape(&audit.crs.to_string()),
        escape(&audit.frame.working.to_string()),
        audit.config.slivers.min_width_m,
        audit.config.slivers.min_area_m2,
    );
}

fn card(s: &mut String, alert: bool, key: &str, value: &str, sub: &str) {
    let _ = writeln!(
        s,
        "<div class=\"card{}\"><div class=\"k\">{key}</div><div class=\"v\">{value}</div><div class=\"s\">{sub}</div></div>",
        if alert { " alert" } else { "" }
    );
}

pub(super) fn headline(audit: &Audit, s: &mut String) {
    let t = audit.totals();
    let it = IdleTotals::of(audit);
    let floor = audit.config.regions.floor;
    let rate = t.supply_rate();
    let low = rate.is_some_and(|r| r < floor);
    s.push_str("<section id=\"headline\">\n<h2>主要数字 <small>Headline numbers</small></h2>\n<div class=\"cards\">\n");
    card(
        s,
        false,
        "已批 Approved",
        &format!("{} 公顷", thousands(ha(t.area_m2), 2)),
        &format!(
            "{} 亩 · {} 个批次",
            thousands(mu(t.area_m2), 2),
            t.approvals
        ),
    );
    card(
        s,
        false,
        "已供 Supplied",
        &format!("{} 公顷", thousands(ha(t.supplied_m2), 2)),
        &format!("{} 亩", thousands(mu(t.supplied_m2), 2)),
    );
    card(
        s,
        false,
        "未供 Unsupplied",
        &format!("{} 公顷", thousands(ha(t.unsupplied_m2), 2)),
        &format!(
            "{} 亩 · 含碎片 {} 公顷",
            thousands(mu(t.unsupplied_m2), 2),
            thousands(ha(t.sliver_m2), 2)
        ),
    );
    card(
        s,
        t.remnant_m2 > 0.0,
        "批而未供 Real remnants",
        &format!("{} 公顷", thousands(ha(t.remnant_m2), 2)),
        &format!(
            "{} 亩 · {} 块",
            thousands(mu(t.remnant_m2), 2),
            t.remnant_parts
        ),
    );
    card(
        s,
        low,
        "供地率 Supply rate",
        &pct(rate),
        &format!(
            "{}底线 {:.0}%（近五年）",
            super::bar(rate, Some(floor), low),
            100.0 * floor
        ),
    );
    card(
        s,
        it.idle_n > 0,
        "闲置土地 Idle land",
        &format!("{} 宗", thousands(it.idle_n as f64, 0)),
        &ha_mu(it.idle_m2),
    );
    card(
        s,
        false,
        "闲置率 Idle rate",
        &pct(it.rate()),
        &format!(
            "闲置面积 / 已供面积；逾期未动工 {} 宗",
            thousands(it.overdue_n as f64, 0)
        ),
    );
    card(
        s,
        false,
        "闲置费 Idle fees",
        &format!("{} 元", thousands(it.fees, 0)),
        &if it.fee_missing > 0 {
            format!("另 {} 宗无价款 JK，待核定", it.fee_missing)
        } else {
            format!(
                "土地出让或划拨价款的 {:.0}%",
                100.0 * audit.config.idle.fee_rate
            )
        },
    );
    card(
        s,
        it.recover_m2 > 0.0,
        "无偿收回 To recover",
        &format!("{} 公顷", thousands(ha(it.recover_m2), 2)),
        &format!("{} 亩 · 闲置满两年", thousands(mu(it.recover_m2), 2)),
    );
    let (links, links_sub) = if audit.links_checked {
        (
            thousands(audit.link_issues.len() as f64, 0),
            "供地所填批准文号与叠加结果不符".to_string(),
        )
    } else {
        ("—".to_string(), "未检查：供地图层无批准文号".to_string())
    };
    card(s, false, "关联问题 Link issues", &links, &links_sub);
    let (mut rejected, mut repaired, mut warned) = (0, 0, 0);
    for r in &audit.rejections {
        match r.status {
            crate::RejectStatus::Rejected => rejected += 1,
            crate::RejectStatus::Repaired => repaired += 1,
            crate::RejectStatus::Warning => warned += 1,
        }
    }
    card(
        s,
        rejected > 0,
        "剔除要素 Rejected features",
        &thousands(rejected as f64, 0),
        &format!("修复 {repaired} · 属性警告 {warned}"),
    );
    let read: usize = audit.accounts.iter().map(|a| a.read).sum();
    card(
        s,
        false,
        "读入要素 Features read",
        &thousands(read as f64, 0),
        &audit
            .accounts
            .iter()
            .map(|a| format!("{} {}", a.kind.name(), a.read))
            .collect::<Vec<_>>()
            .join(" · "),
    );
    s.push_str("</div>\n</section>\n");
}

pub(super) fn regions(audit: &Audit, s: &mut String) {
    let floor = audit.config.regions.floor;
    // (level, code) → the windows in which the region is below the floor.
    let mut below: BTreeMap<(RegionLevel, &str), Vec<&str>> = BTreeMap::new();
    for w in audit.windows.iter().filter(|w| w.below_floor) {
        below
            .entry((w.level, w.code.as_str()))
            .or_default()
            .push(w.window.as_str());
    }
    let levels = [
        (RegionLevel::County, "按县（区） By county"),
        (RegionLevel::City, "按市 By city"),
    ];
    if audit.regions.is_empty() && audit.windows.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<section id=\"regions\">\n<h2>分区统计 <small>By region · 供地率底线 {:.0}%</small></h2>\n\
         <p class=\"note\">红色底纹：该地区在某个批准日期窗口内的供地率低于底线（窗口见下表）。竖线为底线位置。</p>\n",
        100.0 * floor
    );
    for (level, title) in levels {
        let rows: Vec<_> = audit
            .regions
            .iter()
            .filter(|r| r.level == Some(level))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let rows_unknown = rows.iter().any(|r| r.code.is_empty());
        let _ = writeln!(
            s,
            "<h3>{title}</h3>\n<table>\n<thead><tr><th>代码 Code</th><th>名称 Name</th><th class=\"n\">批次</th><th class=\"n\">已批 公顷</th><th class=\"n\">批而未供 公顷</th><th>供地率 Supply rate</th><th class=\"n\">闲置 宗</th><th class=\"n\">闲置 公顷</th><th class=\"n\">闲置率</th><th class=\"n\">闲置费 元</th><th class=\"n\">收回 公顷</th></tr></thead>\n<tbody>"
        );
        for r in rows {
            let windows = below.get(&(level, r.code.as_str()));
            let tags: String = windows
                .into_iter()
                .flatten()
                .map(|w| format!("<span class=\"tag\">{} 低于底线</span>", escape(w)))
                .collect();
            let _ = writeln!(
                s,
                "<tr{}><td class=\"id\">{}</td><td>{}{tags}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                if windows.is_some() {
                    " class=\"below\""
                } else {
                    ""
                },
                escape(region_code(&r.code)),
                escape(r.name.as_deref().unwrap_or("")),
                r.approvals,
                thousands(ha(r.approved_m2), 2),
                thousands(ha(r.remnant_m2), 2),
                rate_bar(
                    r.supply_rate(),
                    Some(floor),
                    r.supply_rate().is_some_and(|x| x < floor)
                ),
                r.idle_count,
                thousands(ha(r.idle_m2), 2),
                pct(r.idle_rate()),
                thousands(r.fees_yuan, 0),
                thousands(ha(r.recover_m2), 2),
            );
        }
        s.push_str("</tbody>\n</table>\n");
        if level == RegionLevel::County && rows_unknown {
            s.push_str("<p class=\"note\">未知 unknown：要素既无行政区代码 XZQDM，又不在行政区图层（regions / XZQ）的任何区内。</p>\n");
        }
    }
    let windows = &audit.windows;
    if !windows.is_empty() {
        let _ = writeln!(
            s,
            "<h3>按批准日期窗口 By approval-date window</h3>\n<table>\n<thead><tr><th>窗口 Window</th><th>级别</th><th>地区 Region</th><th class=\"n\">批次</th><th class=\"n\">已批 公顷</th><th>供地率 Supply rate</th><th class=\"n\">批而未供 公顷</th><th>低于底线</th></tr></thead>\n<tbody>"
        );
        for w in windows {
            let _ = writeln!(
                s,
                "<tr{}><td class=\"id\">{} <span class=\"note\">{}..{}</span></td><td>{}</td><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                if w.below_floor {
                    " class=\"below\""
                } else {
                    ""
                },
                escape(&w.window),
                w.from,
                w.to,
                w.level.name(),
                escape(region_code(&w.code)),
                escape(w.name.as_deref().unwrap_or("")),
                w.approvals,
                thousands(ha(w.approved_m2), 2),
                rate_bar(w.supply_rate(), Some(floor), w.below_floor),
                thousands(ha(w.remnant_m2), 2),
                if w.below_floor {
                    "<span class=\"tag\">是 yes</span>"
                } else {
                    ""
                }
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");
}

pub(super) fn landuse(audit: &Audit, s: &mut String) {
    if !audit.has_landuse {
        return;
    }
    let settings = &audit.config.landuse;
    let not_covered = "未被地类图斑覆盖 not covered";
    let unknown = "未知地类 unknown code";
    let mut groups: BTreeMap<String, f64> = BTreeMap::new();
    let mut unknown_codes = BTreeSet::new();
    let mut total = 0.0;
    for r in &audit.landuse {
        total += r.area_m2;
        let g = if r.dlbm.is_empty() {
            not_covered.to_string()
        } else {
            match settings.group_of(&r.dlbm) {
                Some(g) => g.to_string(),
                None => {
                    unknown_codes.insert(r.dlbm.as_str());
                    unknown.to_string()
                }
            }
        };
        *groups.entry(g).or_default() += r.area_m2;
    }
    let _ = writeln!(
        s,
        "<section id=\"landuse\">\n<h2>批而未供土地现状地类 <small>Land use of the unsupplied land (三调)</small></h2>\n<table>\n<thead><tr><th>地类 Group</th><th class=\"n\">公顷</th><th class=\"n\">亩</th><th>占比 Share</th></tr></thead>\n<tbody>"
    );
    let order = settings
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .chain([unknown, not_covered]);
    for g in order {
        let Some(m2) = groups.get(g) else { continue };
        let share = (total > 0.0).then(|| m2 / total);
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\" style=\"text-align:left\">{}</td></tr>",
            escape(g),
            thousands(ha(*m2), 2),
            thousands(mu(*m2), 2),
            rate_bar(share, None, false)
        );
    }
    let _ = writeln!(
        s,
        "<tr class=\"total\"><td>合计 Total</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td></td></tr>\n</tbody>\n</table>",
        thousands(ha(total), 2),
        thousands(mu(total), 2)
    );
    if !unknown_codes.is_empty() {
        let codes: Vec<_> = unknown_codes.into_iter().map(|c| escape(c)).collect();
        let _ = writeln!(
            s,
            "<p class=\"note\">三调地类表外的地类编码：{}（见 landuse.csv）。</p>",
            codes.join("、")
        );
    }
    s.push_str("</section>\n");
}

pub(super) fn conflicts(audit: &Audit, s: &mut String) {
    use crate::rules::conflicts::{ConflictKind, ConflictLayer};
    if audit.protected_layers.is_empty() {
        return;
    }
    let mut t: BTreeMap<(ConflictLayer, ConflictKind), (usize, f64)> = BTreeMap::new();
    for c in &audit.conflicts {
        let e = t.entry((c.layer, c.kind)).or_default();
        e.0 += 1;
        e.1 += c.area_m2;
    }
    let _ = writeln!(
        s,
        "<section id=\"conflicts\">\n<h2>与保护红线冲突 <small>Conflicts with protected land (overlaps ≥ {} m²)</small></h2>\n<table>\n<thead><tr><th>保护图层 Layer</th><th>对象 Kind</th><th class=\"n\">处数</th><th class=\"n\">公顷</th><th class=\"n\">亩</th></tr></thead>\n<tbody>",
        audit.config.conflicts.min_area_m2
    );
    for l in &audit.protected_layers {
        let layer = match l {
            ConflictLayer::Farmland => "永久基本农田 farmland",
            ConflictLayer::Redline => "生态保护红线 red line",
        };
        for (k, kind) in [
            (ConflictKind::Approval, "批次 approvals"),
            (ConflictKind::Remnant, "批而未供 remnants"),
            (ConflictKind::Supply, "供地 supplies"),
        ] {
            let (n, m2) = t.get(&(*l, k)).copied().unwrap_or_default();
            let _ = writeln!(
                s,
                "<tr{}><td>{layer}</td><td>{kind}</td><td class=\"n\">{n}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                if n > 0 { " class=\"below\"" } else { "" },
                thousands(ha(m2), 4),
                thousands(mu(m2), 2)
            );
        }
    }
    s.push_str("</tbody>\n</table>\n<p class=\"note\">明细见 conflicts.csv。</p>\n</section>\n");
}

/// How many approvals get a row and a zoomed map.
pub(super) const TOP_APPROVALS: usize = 10;

/// The approvals with the most real remnant area, largest first (ties by input order).
pub(super) fn top_unsupplied(audit: &Audit) -> Vec<&ApprovalOverlay> {
    let mut top: Vec<&ApprovalOverlay> = audit
        .overlays
        .iter()
        .flatten()
        .filter(|o| o.remnant_m2 > 0.0)
        .collect();
    top.sort_by(|a, b| {
        b.remnant_m2
            .total_cmp(&a.remnant_m2)
            .then(a.approval.cmp(&b.approval))
    });
    top.truncate(TOP_APPROVALS);
    top
}

pub(super) fn top_table(audit: &Audit, top: &[&ApprovalOverlay], s: &mut String) {
    let _ = writeln!(
        s,
        "<section id=\"top-unsupplied\">\n<h2>批而未供面积最大的批次 <small>Largest unsupplied approvals (top {TOP_APPROVALS})</small></h2>"
    );
    if top.is_empty() {
        s.push_str("<p>没有批而未供的批次。No approval has unsupplied land.</p>\n");
        return;
    }
    s.push_str("<table>\n<thead><tr><th class=\"n\">#</th><th>批准文号 PZWH</th><th>批次名称 Name</th><th>批准日期</th><th class=\"n\">年限 年</th><th class=\"n\">批准 亩</th><th class=\"n\">已供 亩</th><th class=\"n\">批而未供 亩</th><th>状态 Status</th></tr></thead>\n<tbody>\n");
    for (n, o) in top.iter().enumerate() {
        let a = &audit.approvals[o.approval];
        let _ = writeln!(
            s,
            "<tr><td class=\"n\">{}</td><td class=\"id\">{}</td><td>{}</td><td class=\"id\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\"><b>{}</b></td><td class=\"id\">{}</td></tr>",
            n + 1,
            escape(&a.pzwh),
            escape(a.pcmc.as_deref().unwrap_or("")),
            a.pzrq.map(|d| d.to_string()).unwrap_or_default(),
            audit
                .age_years(o.approval)
                .map(|y| format!("{y:.1}"))
                .unwrap_or_default(),
            thousands(mu(o.area_m2), 2),
            thousands(mu(o.supplied_m2), 2),
            thousands(mu(o.remnant_m2), 2),
            status_chip(o.status),
        );
    }
    s.push_str("</tbody>\n</table>\n");
}

pub(super) fn checks(audit: &Audit, s: &mut String) {
    s.push_str("<section id=\"checks\">\n<h2>数据检查 <small>Data checks</small></h2>\n");
    if audit.links_checked {
        let mut kinds: BTreeMap<crate::rules::links::LinkIssueKind, usize> = BTreeMap::new();
        for l in &audit.link_issues {
            *kinds.entry(l.kind).or_default() += 1;
        }
        if kinds.is_empty() {
            s.push_str("<p>供地批准文号与叠加结果一致。No link issues.</p>\n");
        } else {
            s.push_str("<h3>批准文号关联问题 <small>Link issues (links.csv)</small></h3>\n<table>\n<thead><tr><th>类型 Kind</th><th>含义</th><th class=\"n\">宗数</th></tr></thead>\n<tbody>\n");
            for (k, n) in kinds {
                let _ = writeln!(
                    s,
                    "<tr><td class=\"id\">{}</td><td>{}</td><td class=\"n\">{n}</td></tr>",
                    k.name(),
                    k.label()
                );
            }
            s.push_str("</tbody>\n</table>\n");
        }
    } else {
        s.push_str("<p>未做批准文号关联检查：供地图层没有批准文号。</p>\n");
    }
    s.push_str("<h3>输入要素 <small>Inputs (rejected.csv lists every feature left out)</small></h3>\n<table>\n<thead><tr><th>图层 Layer</th><th>文件 File</th><th class=\"n\">读入</th><th class=\"n\">使用</th><th class=\"n\">剔除</th><th class=\"n\">修复</th></tr></thead>\n<tbody>\n");
    for a in &audit.accounts {
        let file = a
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| a.path.display().to_string());
        let _ = writeln!(
            s,
            "<tr{}><td>{}</td><td class=\"id\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if a.rejected > 0 {
                " class=\"below\""
            } else {
                ""
            },
            a.kind.name(),
            escape(&file),
            thousands(a.read as f64, 0),
            thousands(a.used as f64, 0),
            thousands(a.rejected as f64, 0),
            thousands(a.repaired as f64, 0),
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}
