//! Zoomed maps of the largest unsupplied approvals: the approval coloured by status, its real
//! remnants hatched, the supplies around it (idle ones outlined in red), neighbouring approvals
//! dashed, with a scale bar and a north arrow. The supplies and approvals around are found with
//! the R-tree ([`ParcelIndex`]) on the map's extent.

use std::fmt::Write as _;

use geo::{BoundingRect, MultiPolygon};

use super::draw::{
    self, IDLE, REMNANT, STATUSES, SUPPLY_FILL, SUPPLY_STROKE, Swatch, View, num, status_colours,
};
use super::escape;
use crate::audit::Audit;
use crate::index::ParcelIndex;
use crate::rules::idle::IdleStatus;
use crate::rules::unsupplied::ApprovalOverlay;

/// Size of a zoomed map: two side by side fill the page width.
const ZOOM_W: f64 = 480.0;
const ZOOM_H: f64 = 330.0;
/// Band under the map for the scale bar.
const BAND: f64 = 30.0;

/// The legend shared by the zoomed maps, as inline swatches.
fn legend(s: &mut String) {
    let item = |s: &mut String, sw: Swatch<'_>, label: &str, defs: &str| {
        let _ = write!(
            s,
            r#"<span><svg width="24" height="15" viewBox="0 0 24 15">{defs}"#
        );
        draw::swatch(s, sw, 1.0, 1.0);
        let _ = write!(s, "</svg>{label}</span>");
    };
    s.push_str(r#"<div class="legend-inline">"#);
    for st in STATUSES {
        let (fill, stroke) = status_colours(st);
        item(
            s,
            Swatch::Fill { fill, stroke },
            &format!("批次 {}", st.label()),
            "",
        );
    }
    let mut defs = String::from("<defs>");
    draw::hatch_pattern(&mut defs, "zl-hatch", "4.5", "1.3");
    defs.push_str("</defs>");
    item(
        s,
        Swatch::Hatch("zl-hatch"),
        "批而未供 unsupplied land",
        &defs,
    );
    item(
        s,
        Swatch::Fill {
            fill: SUPPLY_FILL,
            stroke: SUPPLY_STROKE,
        },
        "供地 supply",
        "",
    );
    item(
        s,
        Swatch::Outline {
            stroke: IDLE,
            width: 2.0,
            dash: false,
        },
        "闲置供地 idle",
        "",
    );
    item(
        s,
        Swatch::Outline {
            stroke: IDLE,
            width: 2.0,
            dash: true,
        },
        "逾期未动工 overdue",
        "",
    );
    item(
        s,
        Swatch::Outline {
            stroke: "#777",
            width: 1.0,
            dash: true,
        },
        "相邻批次 other approvals",
        "",
    );
    s.push_str("</div>\n");
}

fn paths<'a>(
    view: &View,
    s: &mut String,
    items: impl IntoIterator<Item = (&'a MultiPolygon<f64>, String)>,
) {
    for (g, title) in items {
        let mut d = String::new();
        if view.path_data(g, &mut d) {
            if title.is_empty() {
                let _ = write!(s, r#"<path d="{d}"/>"#);
            } else {
                let _ = write!(s, r#"<path d="{d}"><title>{title}</title></path>"#);
            }
        }
    }
}

/// One zoomed map (`id` prefixes its element ids).
fn zoom_svg(
    audit: &Audit,
    o: &ApprovalOverlay,
    supplies: &ParcelIndex,
    approvals: &ParcelIndex,
    id: &str,
) -> String {
    let a = &audit.approvals[o.approval];
    let extent = a
        .geometry()
        .bounding_rect()
        .unwrap_or(geo::Rect::new((0.0, 0.0), (1.0, 1.0)));
    let view = View::fill(extent, 0.12, 25.0, ZOOM_W, ZOOM_H);
    let rect = view.frame_rect();
    let map_x = 0.0;
    let height = view.px_h + BAND;
    let mut s = String::with_capacity(32 * 1024);
    let _ = write!(
        s,
        r##"<svg class="zoom" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{}" font-size="11" role="img" aria-label="{}"><rect width="100%" height="100%" fill="#f7f7f2"/>"##,
        draw::FONT_STACK,
        escape(&a.pzwh),
        w = num(ZOOM_W, 1),
        h = num(height, 1),
    );
    view.open(&mut s, &format!("{id}-content"), map_x, 0.0);
    s.push_str("<defs>");
    view.hatch_def(&mut s, &format!("{id}-hatch"));
    let _ = write!(
        s,
        r#"</defs><g fill-rule="evenodd" stroke-linejoin="round">"#
    );

    // Neighbouring approvals, dashed, for context.
    let _ = write!(
        s,
        r##"<g class="other-approvals" fill="none" stroke="#777" stroke-width="{}" stroke-dasharray="{} {}">"##,
        view.len(1.0),
        view.len(4.0),
        view.len(2.5)
    );
    paths(
        &view,
        &mut s,
        approvals
            .candidates(rect)
            .into_iter()
            .filter(|&i| i != o.approval)
            .map(|i| {
                let b = &audit.approvals[i];
                (b.geometry(), escape(&b.pzwh).into_owned())
            }),
    );
    let (fill, _) = status_colours(o.status);
    let _ = write!(s, r#"</g><g class="approval" fill="{fill}">"#);
    paths(&view, &mut s, [(a.geometry(), String::new())]);
    s.push_str("</g>");

    // Supplies, then the remnants and the approval's outline, then the red outlines of idle and
    // overdue supplies on top of everything, so that no other line hides them.
    let around = supplies.candidates(rect);
    let flag = |j: usize| {
        audit.idle[j]
            .as_ref()
            .map(|v| v.status)
            .filter(|st| st.is_idle() || *st == IdleStatus::Overdue)
    };
    let title = |j: usize| {
        let sp = &audit.supplies[j];
        let label = audit.idle[j]
            .as_ref()
            .map(|v| v.status.label())
            .unwrap_or("");
        escape(&format!("{} {label}", sp.dzjgh)).into_owned()
    };
    let _ = write!(
        s,
        r#"<g class="supplies" fill="{SUPPLY_FILL}" fill-opacity="0.8" stroke="{SUPPLY_STROKE}" stroke-width="{}">"#,
        view.len(0.8)
    );
    paths(
        &view,
        &mut s,
        around
            .iter()
            .map(|&j| (audit.supplies[j].geometry(), title(j))),
    );
    s.push_str("</g>");
    let _ = write!(
        s,
        r#"<g class="remnants" fill="url(#{id}-hatch)" stroke="{REMNANT}" stroke-width="{}">"#,
        view.len(0.9)
    );
    let remnants = MultiPolygon(o.remnants.clone());
    paths(&view, &mut s, [(&remnants, String::new())]);
    let _ = write!(
        s,
        r##"</g><g class="approval-outline" fill="none" stroke="#111" stroke-width="{}">"##,
        view.len(2.0)
    );
    paths(&view, &mut s, [(a.geometry(), String::new())]);
    s.push_str("</g>");
    for (overdue, class) in [(false, "idle"), (true, "overdue")] {
        let _ = write!(
            s,
            r#"<g class="{class}" fill="none" stroke="{IDLE}" stroke-width="{}" pointer-events="none"{}>"#,
            view.len(2.0),
            if overdue {
                format!(r#" stroke-dasharray="{} {}""#, view.len(5.0), view.len(2.5))
            } else {
                String::new()
            }
        );
        paths(
            &view,
            &mut s,
            around
                .iter()
                .filter(|&&j| flag(j).is_some_and(|st| (st == IdleStatus::Overdue) == overdue))
                .map(|&j| (audit.supplies[j].geometry(), String::new())),
        );
        s.push_str("</g>");
    }
    s.push_str("</g></svg>");

    let _ = write!(
        s,
        r##"<rect x="0" y="{y}" width="{w}" height="{BAND}" fill="#fff"/><line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="#bbb"/>"##,
        w = num(ZOOM_W, 1),
        y = num(view.px_h, 1),
    );
    draw::north_arrow(&mut s, map_x + view.px_w - 20.0, 24.0, 26.0);
    draw::scale_bar(&mut s, view.k, 12.0, view.px_h + BAND - 6.0, 200.0);
    s.push_str("</svg>");
    s
}

/// The zoomed maps of `top`, with their legend, closing the section `top_table` opened.
pub(super) fn zoom_maps(audit: &Audit, top: &[&ApprovalOverlay], s: &mut String) {
    if !top.is_empty() {
        let supplies = ParcelIndex::new(audit.supplies.iter().map(|x| x.geometry()));
        let approvals = ParcelIndex::new(audit.approvals.iter().map(|x| x.geometry()));
        s.push_str("<h3>局部图 <small>Zoomed maps</small></h3>\n");
        legend(s);
        s.push_str("<div class=\"maps\">\n");
        for (n, o) in top.iter().enumerate() {
            let a = &audit.approvals[o.approval];
            let _ = writeln!(
                s,
                "<figure><figcaption><b>{}. {}</b> {} · 批而未供 {} 亩 · {}</figcaption>{}</figure>",
                n + 1,
                escape(&a.pzwh),
                escape(a.pcmc.as_deref().unwrap_or("")),
                super::thousands(crate::units::mu(o.remnant_m2), 2),
                o.status.label(),
                zoom_svg(audit, o, &supplies, &approvals, &format!("z{}", n + 1))
            );
        }
        s.push_str("</div>\n");
    }
    s.push_str("</section>\n");
}
