//! `map.svg` and `map.png`: the whole audited area on one map — approvals coloured by status,
//! their real unsupplied remnants (批而未供) hatched, idle and overdue supplies outlined in red,
//! region boundaries dashed, with a scale bar in metres, a north arrow and a bilingual legend.
//! `report.html` embeds the same drawing.
//!
//! Size is kept in hand for a county of ~2,000 approvals and ~15,000 supplies: only approvals,
//! remnants and flagged supplies are drawn (not every supply), coordinates are rounded to 0.1 px
//! and written as relative steps, and points that round together are dropped.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use geo::BoundingRect;

use crate::audit::Audit;
use crate::error::{Error, Result};
use crate::io::atomic::write_atomic;
use crate::report::html::draw::{
    self, FONT_STACK, IDLE, REGION, REMNANT, STATUSES, Swatch, View, num, status_colours, status_en,
};
use crate::report::html::{escape, thousands};
use crate::rules::idle::IdleStatus;
use crate::units::mu;

/// Largest map box, in nominal pixels (the page is ~1,000 px wide).
const MAP_MAX_W: f64 = 1000.0;
const MAP_MAX_H: f64 = 900.0;
const MARGIN: f64 = 14.0;
/// Width of one legend column and the room kept right of the legend for the scale bar and the
/// north arrow (outside the map, so that they hide no parcel).
const LEGEND_COL_W: f64 = 262.0;
const SCALE_BAR_ROOM: f64 = 250.0;

/// `map.png` is rendered at this many pixels per nominal SVG pixel (sharp on screen and in print).
pub const PNG_SCALE: u32 = 2;

/// The whole-area map as a standalone SVG document (what `map.svg` holds).
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let p = |n: &str| dir.path().join(n);
/// # let fc = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4549"}},"features":[{"type":"Feature","properties":{"PZWH":"A1","DZJGH":"S1"},"geometry":{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300100],[500000,3300000]]]}}]}"#;
/// # std::fs::write(p("a.geojson"), fc).unwrap();
/// # std::fs::write(p("s.geojson"), fc.replace("500100", "500050")).unwrap();
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
/// let inputs = landaudit::AuditInputs::new(p("a.geojson"), p("s.geojson"), as_of);
/// let audit = landaudit::Audit::run(&inputs, &landaudit::Config::default()).unwrap();
/// let svg = landaudit::report::map_svg::render_map_svg(&audit);
/// assert!(svg.starts_with("<svg") && svg.contains("scale-bar"));
/// ```
pub fn render_map_svg(audit: &Audit) -> String {
    let inline = render_inline(audit);
    let mut svg = String::with_capacity(inline.len() + XMLNS.len());
    svg.push_str(XMLNS);
    svg.push_str(standalone_rest(&inline));
    svg
}

/// Writes `map.svg`.
pub fn write_map_svg(audit: &Audit, path: &Path) -> Result<()> {
    write_map_svg_of(&render_inline(audit), path)
}

/// Writes `map.svg` from the map drawn for a page ([`render_inline`]): the document is the same
/// SVG with the XML namespace, so the map is drawn once for `map.svg` and `report.html`.
pub(crate) fn write_map_svg_of(inline: &str, path: &Path) -> Result<()> {
    write_atomic(path, |w| {
        w.write_all(XMLNS.as_bytes())?;
        w.write_all(standalone_rest(inline).as_bytes())
    })
}

/// The whole-area map as it goes into a page: an `svg` element without the XML namespace
/// (implied in HTML), its element ids prefixed `map-`.
pub(crate) fn render_inline(audit: &Audit) -> String {
    render(audit, false, "map")
}

/// How a standalone map starts: the root element with its namespace.
const XMLNS: &str = r#"<svg xmlns="http://www.w3.org/2000/svg""#;

/// The inline map after its `<svg`, which [`XMLNS`] replaces in a standalone document.
fn standalone_rest(inline: &str) -> &str {
    inline.strip_prefix("<svg").unwrap_or(inline)
}

/// System fonts, loaded once per process (scanning them takes a while with the CJK fonts).
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

/// Renders SVG text to PNG bytes at `scale` pixels per SVG pixel (resvg, pure Rust, system fonts;
/// without a CJK font installed the Chinese words of the legend show as boxes, the rest stays
/// readable). `path` names the file in errors.
pub(crate) fn svg_to_png(svg: &str, scale: u32, path: &Path) -> Result<Vec<u8>> {
    let fail = |m: String| Error::io(path, std::io::Error::other(m));
    let opt = resvg::usvg::Options {
        fontdb: fonts(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &opt)
        .map_err(|e| fail(format!("cannot read the map drawing: {e}")))?;
    let size = tree.size().to_int_size();
    let (w, h) = (size.width() * scale, size.height() * scale);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| fail(format!("cannot allocate a {w}×{h} picture")))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| fail(format!("cannot encode the map as PNG: {e}")))
}

/// Writes `map.png`: the drawing of [`render_map_svg`] rasterised at [`PNG_SCALE`] times its
/// nominal size, on white.
pub fn write_map_png(audit: &Audit, path: &Path) -> Result<()> {
    let png = svg_to_png(&render_map_svg(audit), PNG_SCALE, path)?;
    write_atomic(path, |w| w.write_all(&png))
}

/// Counts for the legend.
#[derive(Default)]
struct Counts {
    status: [usize; 4],
    failed: usize,
    remnant_parts: usize,
    remnant_m2: f64,
    idle: usize,
    overdue: usize,
}

fn status_slot(s: crate::rules::unsupplied::ApprovalStatus) -> usize {
    STATUSES.iter().position(|x| *x == s).unwrap_or(0)
}

/// The whole-area map; `standalone` adds the XML namespace (a file of its own) and leaves it out
/// inline in HTML, where it is implied. `id` prefixes every element id (several maps share a page).
pub(crate) fn render(audit: &Audit, standalone: bool, id: &str) -> String {
    let flagged = |j: usize| {
        audit.idle[j]
            .as_ref()
            .map(|v| v.status)
            .filter(|s| s.is_idle() || *s == IdleStatus::Overdue)
    };
    let extent = draw::union_rect(
        audit
            .approvals
            .iter()
            .filter_map(|a| a.geometry().bounding_rect())
            .chain(
                (0..audit.supplies.len())
                    .filter(|&j| flagged(j).is_some())
                    .filter_map(|j| audit.supplies[j].geometry().bounding_rect()),
            )
            .chain(
                audit
                    .region_shapes
                    .iter()
                    .filter_map(|r| r.geometry.bounding_rect()),
            ),
    )
    .unwrap_or(geo::Rect::new((0.0, 0.0), (100.0, 100.0)));
    let view = View::fit(extent, 0.02, 20.0, MAP_MAX_W, MAP_MAX_H);

    // Map content first (it yields the legend counts), then the frame around it.
    let mut c = Counts::default();
    let mut content = String::new();
    let _ = write!(content, "<defs>");
    view.hatch_def(&mut content, &format!("{id}-hatch"));
    let _ = write!(content, "</defs>");
    let _ = write!(
        content,
        r#"<g fill-rule="evenodd" stroke-linejoin="round" stroke-width="{}">"#,
        view.len(0.6)
    );
    // Approvals by status, superseded (grey) first so that audited land lies on top.
    let mut by_status: Vec<Vec<usize>> = vec![Vec::new(); 5];
    for (i, o) in audit.overlays.iter().enumerate() {
        match o {
            Some(o) => {
                c.status[status_slot(o.status)] += 1;
                c.remnant_parts += o.remnants.len();
                c.remnant_m2 += o.remnant_m2;
                by_status[status_slot(o.status)].push(i);
            }
            None => {
                c.failed += 1;
                by_status[4].push(i);
            }
        }
    }
    for slot in [3, 0, 1, 2, 4] {
        if by_status[slot].is_empty() {
            continue;
        }
        let (fill, stroke, class) = match STATUSES.get(slot) {
            Some(s) => {
                let (f, st) = status_colours(*s);
                (f, st, s.name())
            }
            None => ("#ffffff", "#737373", "not-audited"),
        };
        let _ = write!(
            content,
            r#"<g class="approvals {class}" fill="{fill}" stroke="{stroke}">"#
        );
        for &i in &by_status[slot] {
            let a = &audit.approvals[i];
            let mut d = String::new();
            if !view.path_data(a.geometry(), &mut d) {
                continue;
            }
            let what = match &audit.overlays[i] {
                Some(o) => format!(
                    "{} — 批而未供 {} 亩",
                    o.status.label(),
                    num(mu(o.remnant_m2), 2)
                ),
                None => "未审计 overlay failed".into(),
            };
            let _ = write!(
                content,
                r#"<path d="{d}"><title>{} {} — {}</title></path>"#,
                escape(&a.pzwh),
                escape(a.pcmc.as_deref().unwrap_or("")),
                escape(&what)
            );
        }
        content.push_str("</g>");
    }
    let _ = write!(
        content,
        r#"<g class="remnants" fill="url(#{id}-hatch)" stroke="{REMNANT}" stroke-width="{}" pointer-events="none">"#,
        view.len(0.5)
    );
    for o in audit.overlays.iter().flatten() {
        let mut d = String::new();
        let mp = geo::MultiPolygon(o.remnants.clone());
        if view.path_data(&mp, &mut d) {
            let _ = write!(content, r#"<path d="{d}"/>"#);
        }
    }
    content.push_str("</g>");
    // Idle land solid, overdue (on the way to idle) dashed.
    for (overdue, class) in [(false, "idle"), (true, "overdue")] {
        let _ = write!(
            content,
            r#"<g class="{class}" fill="none" stroke="{IDLE}" stroke-width="{}"{}>"#,
            view.len(1.1),
            if overdue {
                format!(r#" stroke-dasharray="{} {}""#, view.len(3.0), view.len(1.5))
            } else {
                String::new()
            }
        );
        for (j, s) in audit.supplies.iter().enumerate() {
            let Some(st) = flagged(j) else { continue };
            if (st == IdleStatus::Overdue) != overdue {
                continue;
            }
            let mut d = String::new();
            if !view.path_data(s.geometry(), &mut d) {
                continue;
            }
            if overdue {
                c.overdue += 1;
            } else {
                c.idle += 1;
            }
            let _ = write!(
                content,
                r#"<path d="{d}"><title>{} {}</title></path>"#,
                escape(&s.dzjgh),
                escape(st.label())
            );
        }
        content.push_str("</g>");
    }
    if !audit.region_shapes.is_empty() {
        let _ = write!(
            content,
            r#"<g class="regions" fill="none" stroke="{REGION}" stroke-width="{}" stroke-dasharray="{} {}">"#,
            view.len(1.6),
            view.len(7.0),
            view.len(3.0)
        );
        for r in &audit.region_shapes {
            let mut d = String::new();
            if view.path_data(&r.geometry, &mut d) {
                let _ = write!(
                    content,
                    r#"<path d="{d}"><title>{} {}</title></path>"#,
                    escape(&r.code),
                    escape(r.name.as_deref().unwrap_or(""))
                );
            }
        }
        content.push_str("</g>");
    }
    content.push_str("</g>");

    let k = |n: usize| thousands(n as f64, 0);
    // Legend entries (bilingual: the PNG stays readable where no CJK font is installed).
    let mut legend: Vec<(Swatch<'static>, String)> = Vec::new();
    for (slot, s) in STATUSES.iter().enumerate() {
        if c.status[slot] == 0 && *s == crate::rules::unsupplied::ApprovalStatus::Superseded {
            continue;
        }
        let (fill, stroke) = status_colours(*s);
        legend.push((
            Swatch::Fill { fill, stroke },
            format!("{} {} ({})", status_en(*s), s.label(), k(c.status[slot])),
        ));
    }
    if c.failed > 0 {
        legend.push((
            Swatch::Fill {
                fill: "#ffffff",
                stroke: "#737373",
            },
            format!("Not audited 未审计 ({})", k(c.failed)),
        ));
    }
    legend.push((
        Swatch::Hatch("LEGEND_HATCH"),
        format!(
            "Unsupplied land 批而未供 ({} 亩)",
            thousands(mu(c.remnant_m2), 0)
        ),
    ));
    legend.push((
        Swatch::Outline {
            stroke: IDLE,
            width: 2.0,
            dash: false,
        },
        format!("Idle supply 闲置土地 ({})", k(c.idle)),
    ));
    legend.push((
        Swatch::Outline {
            stroke: IDLE,
            width: 2.0,
            dash: true,
        },
        format!("Overdue supply 逾期未动工 ({})", k(c.overdue)),
    ));
    if !audit.region_shapes.is_empty() {
        legend.push((
            Swatch::Outline {
                stroke: REGION,
                width: 2.0,
                dash: true,
            },
            "Region boundary 行政区界".into(),
        ));
    }

    // Layout, in nominal pixels.
    let width = view.px_w.max(700.0) + 2.0 * MARGIN;
    let map_x = ((width - view.px_w) / 2.0).round();
    let map_y = MARGIN + 46.0;
    let legend_y = map_y + view.px_h + 16.0;
    let cols = (((width - 2.0 * MARGIN - SCALE_BAR_ROOM) / LEGEND_COL_W).floor() as usize).max(1);
    let rows = legend.len().div_ceil(cols);
    let height = legend_y + (rows as f64 * 21.0).max(48.0) + MARGIN;

    let mut s = String::with_capacity(content.len() + 4096);
    let _ = write!(
        s,
        r##"<svg{} class="landaudit-map" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_STACK}" font-size="12" role="img" aria-label="Land audit map">"##,
        if standalone {
            r#" xmlns="http://www.w3.org/2000/svg""#
        } else {
            ""
        },
        w = num(width, 1),
        h = num(height, 1),
    );
    let _ = write!(
        s,
        r##"<defs>{}</defs><rect width="100%" height="100%" fill="#fff"/>"##,
        {
            let mut d = String::new();
            draw::hatch_pattern(&mut d, &format!("{id}-legend-hatch"), "4.5", "1.3");
            d
        }
    );
    let _ = write!(
        s,
        r##"<text x="{MARGIN}" y="{}" font-size="17" font-weight="bold" fill="#111">批而未供与闲置土地 Land audit map</text><text x="{MARGIN}" y="{}" font-size="11.5" fill="#555">{}</text>"##,
        MARGIN + 17.0,
        MARGIN + 36.0,
        escape(&format!(
            "As of 评估日 {} · {} · {} approvals 批次 · {} idle + {} overdue supplies 闲置/逾期",
            audit.as_of,
            audit.frame.working,
            k(audit.approvals.len()),
            k(c.idle),
            k(c.overdue)
        ))
    );
    let _ = write!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#f7f7f2"/>"##,
        num(map_x, 1),
        num(map_y, 1),
        num(view.px_w, 1),
        num(view.px_h, 1)
    );
    view.open(&mut s, &format!("{id}-content"), map_x, map_y);
    s.push_str(&content);
    s.push_str("</svg>");
    let _ = write!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#888" stroke-width="1"/>"##,
        num(map_x, 1),
        num(map_y, 1),
        num(view.px_w, 1),
        num(view.px_h, 1)
    );

    s.push_str(r#"<g class="legend">"#);
    let legend_hatch = format!("{id}-legend-hatch");
    for (n, (sw, label)) in legend.iter().enumerate() {
        let (col, row) = (n / rows, n % rows);
        let x = MARGIN + col as f64 * LEGEND_COL_W;
        let y = legend_y + row as f64 * 21.0;
        let sw = match sw {
            Swatch::Hatch(_) => Swatch::Hatch(&legend_hatch),
            other => *other,
        };
        draw::swatch(&mut s, sw, x, y);
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" fill="#222">{}</text>"##,
            num(x + 28.0, 1),
            num(y + 11.0, 1),
            escape(label)
        );
    }
    s.push_str("</g>");
    let bar_x = width - MARGIN - SCALE_BAR_ROOM + 16.0;
    draw::scale_bar(&mut s, view.k, bar_x, legend_y + 30.0, 160.0);
    draw::north_arrow(&mut s, width - MARGIN - 26.0, legend_y + 22.0, 36.0);
    s.push_str("</svg>\n");
    s
}
