//! `report.html`: the audit on one self-contained page for a bureau chief — headline numbers, the
//! whole-area map, 供地率 per region against the floor, what the unsupplied land is today,
//! conflicts with protected land, the largest unsupplied approvals with a zoomed map each, the
//! longest-idle parcels, and the data checks.
//!
//! Self-contained means no network at all: CSS and SVG are inline, fonts are the reader's own
//! (a CJK-capable stack), and the page names no URL, so it opens the same from a USB stick on an
//! offline machine. Every attribute value from the input layers passes through [`escape`].

pub(crate) mod draw;
mod idle;
mod sections;
mod zoom;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::io::atomic::write_atomic;

/// Escapes text for HTML and XML (element content and quoted attribute values): `&`, `<`, `>`,
/// `"` and `'`. Borrows when there is nothing to escape.
///
/// ```
/// use landaudit::report::html::escape;
/// assert_eq!(escape("<script>alert(1)</script> & \"引号\""),
///            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;");
/// assert!(matches!(escape("浙政土〔2023〕13号"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `v` with `decimals` fixed decimals and thousands separators: `1234567.891, 2` → `1,234,567.89`.
pub(crate) fn thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{:.decimals$}", v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    let negative = v < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b));
    if negative {
        out.push('-');
    }
    for (n, ch) in int.chars().enumerate() {
        if n > 0 && (int.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A rate as a percentage with one decimal, empty when undefined.
pub(crate) fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", 100.0 * r)).unwrap_or_default()
}

/// An inline bar for a rate in [0, 1] with an optional floor marker, red when `low`, followed
/// by the rate in per cent.
pub(crate) fn rate_bar(rate: Option<f64>, floor: Option<f64>, low: bool) -> String {
    match rate {
        Some(r) => format!("{}{}", bar(rate, floor, low), pct(Some(r))),
        None => String::new(),
    }
}

/// The bar of [`rate_bar`] alone.
pub(crate) fn bar(rate: Option<f64>, floor: Option<f64>, low: bool) -> String {
    let Some(r) = rate else {
        return String::new();
    };
    let mut s = format!(
        r#"<span class="bar{}"><span style="width:{:.1}%"></span>"#,
        if low { " low" } else { "" },
        100.0 * r.clamp(0.0, 1.0)
    );
    if let Some(f) = floor {
        let _ = write!(
            s,
            r#"<i style="left:{:.1}%"></i>"#,
            100.0 * f.clamp(0.0, 1.0)
        );
    }
    s.push_str("</span>");
    s
}

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0 auto;max-width:1040px;padding:20px 24px 32px;font-family:FONTS;color:#1a1a1a;font-size:14px;line-height:1.45;background:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:24px;margin:0 0 4px}
h1 small,h2 small{font-size:14px;color:#666;font-weight:normal}
h2{font-size:18px;border-bottom:2px solid #333;padding-bottom:3px;margin:30px 0 10px}
h3{font-size:15px;margin:18px 0 6px}
p{margin:6px 0}
.meta{color:#555;font-size:12.5px;margin:2px 0}
.note{color:#555;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}
.card{border:1px solid #d4d4d4;border-radius:4px;padding:7px 10px;background:#fafafa;min-width:0}
.card .k{font-size:12px;color:#555}
.card .v{font-size:20px;font-weight:bold;white-space:nowrap}
.card .s{font-size:12px;color:#333}
.card.alert{border-color:#e3a3a3;background:#fdf0f0}
.card.alert .v{color:#a50f15}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:6px 0}
th,td{border-bottom:1px solid #e2e2e2;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600;border-bottom:1px solid #bbb;vertical-align:bottom}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{white-space:nowrap}
tr.below td{background:#fde8e8}
tr.total td{font-weight:600;border-top:1px solid #999}
.tag{display:inline-block;padding:0 5px;margin-left:4px;border-radius:3px;background:#b2182b;color:#fff;font-size:11px;white-space:nowrap}
.chip{display:inline-block;width:10px;height:10px;border:1px solid #777;margin-right:4px;vertical-align:-1px}
.bar{position:relative;display:inline-block;width:110px;height:11px;background:#eee;border:1px solid #bbb;vertical-align:middle;margin-right:6px}
.bar>span{position:absolute;left:0;top:0;bottom:0;background:#4a7fb5}
.bar.low>span{background:#d6604d}
.bar>i{position:absolute;top:-3px;bottom:-3px;width:0;border-left:2px solid #222}
.card .bar{width:100%;display:block;margin:4px 0 0}
.maps{display:grid;grid-template-columns:1fr 1fr;gap:16px 18px}
figure{margin:0;break-inside:avoid;min-width:0}
figcaption{font-size:12.5px;color:#222;margin:0 0 3px}
figcaption b{font-weight:600}
svg.landaudit-map{width:100%;height:auto;display:block;border:1px solid #ccc}
svg.zoom{width:100%;height:auto;display:block;border:1px solid #ccc}
.legend-inline{font-size:12px;margin:4px 0 10px}
.legend-inline span{display:inline-block;margin:0 14px 3px 0;white-space:nowrap}
.legend-inline svg{vertical-align:-3px;margin-right:4px}
td.reason{font-size:11.5px;color:#333}
footer{margin-top:30px;font-size:11.5px;color:#666;border-top:1px solid #ccc;padding-top:6px}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:12px}h2,h3{break-after:avoid}tr,figure,.card{break-inside:avoid}}
"#;

/// Renders the report page.
pub fn render_html(audit: &Audit) -> String {
    render_html_with_map(audit, &crate::report::map_svg::render_inline(audit))
}

/// [`render_html`] around a whole-area map already drawn
/// ([`render_inline`](crate::report::map_svg::render_inline)).
pub(crate) fn render_html_with_map(audit: &Audit, map: &str) -> String {
    let mut s = String::with_capacity(1 << 20);
    let _ = writeln!(
        s,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>批而未供与闲置土地审计报告 {}</title>\n<style>{}</style>\n</head>\n<body>",
        audit.as_of,
        CSS.replace("FONTS", draw::FONT_STACK)
    );
    sections::header(audit, &mut s);
    sections::headline(audit, &mut s);
    let _ = writeln!(
        s,
        "<section id=\"map\">\n<h2>全域图 <small>Map of the audited area</small></h2>\n{}</section>",
        map
    );
    sections::regions(audit, &mut s);
    sections::landuse(audit, &mut s);
    sections::conflicts(audit, &mut s);
    let top = sections::top_unsupplied(audit);
    sections::top_table(audit, &top, &mut s);
    zoom::zoom_maps(audit, &top, &mut s);
    idle::idle(audit, &mut s);
    sections::checks(audit, &mut s);
    let _ = writeln!(
        s,
        "<footer>landaudit {} · 评估日 {} · 明细见 approvals.csv、supplies.csv、unsupplied.geojson、idle.geojson、regions.csv、links.csv、rejected.csv</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        audit.as_of
    );
    s
}

/// Writes `report.html`.
pub fn write_html(audit: &Audit, path: &Path) -> Result<()> {
    write_html_with_map(audit, &crate::report::map_svg::render_inline(audit), path)
}

/// [`write_html`] around a whole-area map already drawn.
pub(crate) fn write_html_with_map(audit: &Audit, map: &str, path: &Path) -> Result<()> {
    let html = render_html_with_map(audit, map);
    write_atomic(path, |w| w.write_all(html.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(thousands(999.5, 0), "1,000");
        assert_eq!(thousands(12.0, 1), "12.0");
        assert_eq!(thousands(-1234.0, 0), "-1,234");
        assert_eq!(thousands(-0.001, 2), "0.00");
        assert_eq!(thousands(0.0, 0), "0");
    }

    #[test]
    fn escape_everything_markup_needs() {
        assert_eq!(escape("a'b"), "a&#39;b");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn bars() {
        let b = rate_bar(Some(0.5), Some(0.6), true);
        assert!(b.contains("width:50.0%") && b.contains("left:60.0%") && b.contains("low"));
        assert_eq!(rate_bar(None, None, false), "");
    }
}
