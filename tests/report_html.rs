//! `report.html`, `map.svg` and `map.png` on a hand-made layout (with hostile attribute text and
//! every optional layer) and on the demo county: escaped text, no external reference of any kind,
//! well-formed drawings whose extent and scale bar agree with the data, a PNG of the drawing's size.

mod common;

use chrono::NaiveDate;
use common::*;
use geo::BoundingRect;
use landaudit::report::{html, map_svg};
use landaudit::{ApprovalStatus, Audit, AuditInputs, Config};
use serde_json::json;

const HOSTILE: &str = r#"<script>alert(1)</script> & "引号""#;
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;";

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn r(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Vec<[f64; 2]>> {
    rect(
        500_000.0 + x0,
        3_300_000.0 + y0,
        500_000.0 + x1,
        3_300_000.0 + y1,
    )
}

/// Metres from (500 000, 3 300 000) in EPSG:4549, planar areas:
/// - X (2020, hostile PCMC) 0..200 × 0..100, half supplied by `S&1` ⇒ partial, remnant 10,000 m².
/// - Y (2015) 300..400 × 0..100, nothing supplied ⇒ unsupplied, remnant 10,000 m².
/// - Z (2023) 500..600 × 0..100, wholly supplied by S2 ⇒ supplied.
/// - W (2010) 0..50 × 200..250, nothing supplied ⇒ unsupplied, remnant 2,500 m².
/// - `S&1` agreed to start 2020-03-01, never started ⇒ idle two years; S2 starts 2030 (not due);
///   `S3<b>` (outside every approval) agreed to start 2025-12-01 ⇒ overdue.
/// - Land use under X's remnant, farmland over Y, regions 330106 (x < 250) and 330108.
fn hand_audit() -> Audit {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    write_layers(
        p,
        vec![
            feature(
                json!({"PZWH": "X〔2020〕1号", "PZRQ": "2020-01-01", "PCMC": HOSTILE}),
                &r(0.0, 0.0, 200.0, 100.0),
            ),
            feature(
                json!({"PZWH": "Y-2", "PZRQ": "2015-01-01", "PCMC": "批次Y"}),
                &r(300.0, 0.0, 400.0, 100.0),
            ),
            feature(
                json!({"PZWH": "Z-3", "PZRQ": "2023-01-01", "PCMC": "批次Z"}),
                &r(500.0, 0.0, 600.0, 100.0),
            ),
            feature(
                json!({"PZWH": "W-4", "PZRQ": "2010-01-01", "PCMC": "批次W"}),
                &r(0.0, 200.0, 50.0, 250.0),
            ),
        ],
        vec![
            feature(
                json!({"DZJGH": "S&1", "PZWH": "X〔2020〕1号", "YDKGRQ": "2020-03-01", "JK": 1_000_000}),
                &r(0.0, 0.0, 100.0, 100.0),
            ),
            feature(
                json!({"DZJGH": "S2", "PZWH": "Z-3", "YDKGRQ": "2030-01-01"}),
                &r(500.0, 0.0, 600.0, 100.0),
            ),
            feature(
                json!({"DZJGH": "S3<b>", "YDKGRQ": "2025-12-01"}),
                &r(700.0, 0.0, 760.0, 60.0),
            ),
        ],
    );
    write_fc(
        &p.join("landuse.geojson"),
        vec![feature(
            json!({"BSM": 1, "DLBM": "0101"}),
            &r(100.0, 0.0, 200.0, 100.0),
        )],
    );
    write_fc(
        &p.join("farmland.geojson"),
        vec![feature(
            json!({"JBNTTBBH": "F1"}),
            &r(300.0, 0.0, 350.0, 100.0),
        )],
    );
    write_fc(
        &p.join("regions.geojson"),
        vec![
            feature(
                json!({"XZQDM": "330106", "XZQMC": "西湖区"}),
                &r(-100.0, -100.0, 250.0, 400.0),
            ),
            feature(
                json!({"XZQDM": "330108", "XZQMC": "滨江<区>"}),
                &r(250.0, -100.0, 900.0, 400.0),
            ),
        ],
    );
    let cfg = Config::from_toml_str("[area]\nmode = \"planar\"").unwrap();
    let inputs = AuditInputs::from_dir(p, as_of()).unwrap();
    Audit::run(&inputs, &cfg).unwrap()
}

fn demo_audit() -> Audit {
    let inputs = AuditInputs::from_dir(&demo_dir(), as_of()).unwrap();
    Audit::run(&inputs, &Config::default()).unwrap()
}

/// No reference that would make a reader's browser go to the network (or anywhere else).
fn assert_offline(text: &str) {
    let lower = text.to_lowercase();
    for bad in [
        "http://",
        "https://",
        "src=",
        "@import",
        "url(http",
        "href=",
        "<link",
        "<script",
        "<iframe",
        "@font-face",
        "//cdn",
    ] {
        assert!(!lower.contains(bad), "the report holds {bad:?}");
    }
}

/// The top-level `<svg>…</svg>` spans of an HTML page (nested ones stay inside their parent).
fn inline_svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with("<svg") {
            if depth == 0 {
                start = i;
            }
            depth += 1;
            i += 4;
        } else if rest.starts_with("</svg>") {
            depth -= 1;
            i += 6;
            if depth == 0 {
                out.push(&html[start..i]);
            }
        } else {
            i += rest.chars().next().unwrap().len_utf8();
        }
    }
    assert_eq!(depth, 0, "unbalanced <svg>");
    out
}

fn count(h: &str, s: &str) -> usize {
    h.matches(s).count()
}

/// Checks the page's structure: balanced sections and tables, parseable inline drawings with a
/// legend and a scale bar.
fn assert_well_formed(h: &str) {
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(h.contains("<meta charset=\"utf-8\">"));
    assert!(h.contains("Noto Sans CJK SC") && h.contains("Microsoft YaHei"));
    for tag in ["section", "table", "tr", "figure", "div", "td", "th"] {
        assert_eq!(
            count(h, &format!("<{tag}>")) + count(h, &format!("<{tag} ")),
            count(h, &format!("</{tag}>")),
            "<{tag}> not balanced"
        );
    }
    let svgs = inline_svgs(h);
    assert!(!svgs.is_empty());
    for svg in &svgs {
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("inline svg: {e}\n{svg:.300}"));
    }
    assert!(h.contains("class=\"legend\"") && h.contains("class=\"legend-inline\""));
    assert!(h.contains("class=\"scale-bar\""));
    assert!(h.contains(" m</text>") || h.contains(" km</text>"));
    assert!(h.contains("class=\"north-arrow\""));
}

fn top10(audit: &Audit) -> Vec<String> {
    let mut o: Vec<_> = audit
        .overlays
        .iter()
        .flatten()
        .filter(|o| o.remnant_m2 > 0.0)
        .collect();
    o.sort_by(|a, b| b.remnant_m2.total_cmp(&a.remnant_m2));
    o.iter()
        .take(10)
        .map(|o| audit.approvals[o.approval].pzwh.clone())
        .collect()
}

fn attr_f64(n: roxmltree::Node, name: &str) -> f64 {
    n.attribute(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap()
}

fn nums(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|v| v.parse().unwrap()).collect()
}

/// map.svg: the map content's viewBox, taken back to the frame by its stated origin, covers every
/// approval; the scale bar's length agrees with the map's metres per pixel; one path per approval.
fn check_map_svg<'s>(audit: &Audit, svg: &'s str) -> roxmltree::Document<'s> {
    let doc = roxmltree::Document::parse(svg).expect("map.svg is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let content = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("map-content"))
        .expect("map content");
    let vb = nums(content.attribute("viewBox").unwrap());
    let origin = nums(content.attribute("data-origin").unwrap());
    let (left, right) = (origin[0] + vb[0], origin[0] + vb[0] + vb[2]);
    let (top, bottom) = (origin[1] - vb[1], origin[1] - vb[1] - vb[3]);
    for a in &audit.approvals {
        let b = a.geometry().bounding_rect().unwrap();
        assert!(
            left <= b.min().x && b.max().x <= right && bottom <= b.min().y && b.max().y <= top,
            "{} at {b:?} outside the map [{left}, {right}] × [{bottom}, {top}]",
            a.pzwh
        );
    }
    // Metres per pixel: the map's and the scale bar's.
    let map_px_per_m = attr_f64(content, "width") / vb[2];
    assert!((attr_f64(content, "height") / vb[3] - map_px_per_m).abs() < 1e-3 * map_px_per_m);
    let bar = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("scale-bar"))
        .unwrap();
    let full = bar
        .children()
        .filter(|n| n.has_tag_name("rect"))
        .find(|n| n.attribute("fill") == Some("none"))
        .unwrap();
    let label = bar
        .children()
        .rfind(|n| n.has_tag_name("text"))
        .unwrap()
        .text()
        .unwrap();
    let metres = match label.split_once(' ') {
        Some((v, "km")) => v.parse::<f64>().unwrap() * 1000.0,
        Some((v, "m")) => v.parse::<f64>().unwrap(),
        _ => panic!("scale bar label {label:?}"),
    };
    let bar_px = attr_f64(full, "width");
    assert!(
        (bar_px / metres - map_px_per_m).abs() * metres < 0.2,
        "scale bar {bar_px} px for {metres} m, map {map_px_per_m} px/m"
    );
    let approval_paths = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter(|n| {
            n.parent()
                .and_then(|p| p.attribute("class"))
                .is_some_and(|c| c.starts_with("approvals"))
        })
        .count();
    assert_eq!(approval_paths, audit.approvals.len());
    doc
}

#[test]
fn hand_report_escapes_text_and_stays_offline() {
    let audit = hand_audit();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    html::write_html(&audit, &path).unwrap();
    let h = std::fs::read_to_string(&path).unwrap();
    assert!(h.contains(HOSTILE_ESCAPED), "escaped PCMC missing");
    assert!(!h.contains("<script>alert(1)"));
    assert!(!h.contains(HOSTILE));
    assert!(h.contains("S&amp;1") && h.contains("S3&lt;b&gt;") && h.contains("滨江&lt;区&gt;"));
    assert_offline(&h);
    assert_well_formed(&h);
    // Top approvals by remnant, by hand: X and Y (10,000 m² each), W (2,500 m²); Z is supplied.
    for (n, id) in ["X〔2020〕1号", "Y-2", "W-4"].iter().enumerate() {
        assert!(h.contains(&format!("<td class=\"id\">{id}</td>")), "{id}");
        assert!(
            h.contains(&format!("<b>{}. {id}</b>", n + 1)),
            "zoomed map of {id}"
        );
    }
    assert!(!h.contains("<td class=\"id\">Z-3</td>"));
    // Remnant 22,500 m² = 2.25 公顷 = 33.75 亩; the optional sections are there.
    assert!(
        h.contains("2.25 公顷") && h.contains("33.75 亩"),
        "headline"
    );
    for id in [
        "id=\"landuse\"",
        "id=\"conflicts\"",
        "id=\"regions\"",
        "永久基本农田",
    ] {
        assert!(h.contains(id), "{id}");
    }
    // The idle and the overdue parcel are listed, the not-due one is not.
    assert!(
        h.contains("<td class=\"id\">S&amp;1</td>")
            && h.contains("<td class=\"id\">S3&lt;b&gt;</td>")
    );
    assert!(!h.contains("<td class=\"id\">S2</td>"));
}

#[test]
fn hand_map_svg_parses_covers_the_approvals_and_rasterises() {
    let audit = hand_audit();
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("map.svg");
    map_svg::write_map_svg(&audit, &svg_path).unwrap();
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert_eq!(svg, map_svg::render_map_svg(&audit));
    assert!(!svg.contains("<script>alert(1)"));
    let doc = check_map_svg(&audit, &svg);
    // The hostile name is the text of a tooltip, not markup.
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("title"))
            .any(|n| n.text().is_some_and(|t| t.contains(HOSTILE)))
    );
    for class in ["remnants", "idle", "overdue", "regions", "legend"] {
        assert!(
            doc.descendants()
                .any(|n| n.attribute("class") == Some(class)),
            "{class}"
        );
    }
    // One remnant path per approval with a remnant (X, Y, W); the idle and the overdue supply.
    let in_group = |class: &str| {
        doc.descendants()
            .find(|n| n.attribute("class") == Some(class))
            .unwrap()
            .children()
            .filter(|n| n.has_tag_name("path"))
            .count()
    };
    assert_eq!(in_group("remnants"), 3);
    assert_eq!((in_group("idle"), in_group("overdue")), (1, 1));
    let statuses: Vec<_> = audit.overlays.iter().flatten().map(|o| o.status).collect();
    assert!(
        statuses.contains(&ApprovalStatus::Partial) && statuses.contains(&ApprovalStatus::Supplied)
    );

    let png_path = dir.path().join("map.png");
    map_svg::write_map_png(&audit, &png_path).unwrap();
    let png = std::fs::read(&png_path).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    let root = doc.root_element();
    let scale = map_svg::PNG_SCALE as f64;
    assert_eq!(w as f64, (attr_f64(root, "width") * scale).round());
    assert_eq!(h as f64, (attr_f64(root, "height") * scale).round());
}

#[test]
fn demo_report_lists_the_top_approvals_and_the_longest_idle() {
    let audit = demo_audit();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    html::write_html(&audit, &path).unwrap();
    let h = std::fs::read_to_string(&path).unwrap();
    assert!(h.len() < 5_000_000, "report.html is {} bytes", h.len());
    assert_offline(&h);
    assert_well_formed(&h);
    let top = top10(&audit);
    assert_eq!(top.len(), 10);
    for id in &top {
        let id = html::escape(id);
        assert!(h.contains(&format!("<td class=\"id\">{id}</td>")), "{id}");
        assert!(h.contains(&format!(". {id}</b>")), "zoomed map of {id}");
    }
    // One zoomed map per top approval, plus the whole-area map.
    assert_eq!(count(&h, "<svg class=\"zoom\""), 10);
    assert_eq!(count(&h, "<svg class=\"landaudit-map\""), 1);
    // The longest-idle parcel (most idle days among idle and overdue supplies) heads its table.
    let longest = audit
        .idle
        .iter()
        .enumerate()
        .filter_map(|(j, v)| v.as_ref().map(|v| (j, v)))
        .filter(|(_, v)| v.status.is_idle() || v.status.name() == "overdue")
        .max_by_key(|(j, v)| {
            (
                v.idle_days,
                std::cmp::Reverse(audit.supplies[*j].dzjgh.clone()),
            )
        })
        .map(|(j, _)| audit.supplies[j].dzjgh.clone())
        .unwrap();
    assert!(h.contains(&format!(
        "<td class=\"n\">1</td><td class=\"id\">{}</td>",
        html::escape(&longest)
    )));
    assert!(h.contains(&audit.measure.describe()));
    assert!(h.contains("2026-06-30"));

    let svg = map_svg::render_map_svg(&audit);
    check_map_svg(&audit, &svg);
}

/// The whole-area map is drawn once for both files: `map.svg` as written is the standalone
/// document `render_map_svg` draws, and `report.html` holds the same drawing inline (without the
/// namespace, implied in HTML), once.
#[test]
fn written_map_svg_and_report_share_one_drawing() {
    let audit = hand_audit();
    let d = tempfile::tempdir().unwrap();
    let written = landaudit::report::write_all(&audit, d.path()).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let (at_html, at_svg) = (
        names.iter().position(|n| n == "report.html").unwrap(),
        names.iter().position(|n| n == "map.svg").unwrap(),
    );
    // Listed in their usual order, whatever order they were written in.
    assert_eq!(at_svg, at_html + 1, "{names:?}");
    let svg = std::fs::read_to_string(d.path().join("map.svg")).unwrap();
    assert_eq!(svg, map_svg::render_map_svg(&audit));
    let xmlns = r#"<svg xmlns="http://www.w3.org/2000/svg""#;
    let inline = format!("<svg{}", svg.strip_prefix(xmlns).unwrap());
    let page = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert_eq!(page.matches(inline.as_str()).count(), 1);
    assert_eq!(page, html::render_html(&audit));
}
