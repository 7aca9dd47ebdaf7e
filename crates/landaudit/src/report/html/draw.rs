//! The drawing kit of the report's maps — the whole-area map (`map.svg`, `map.png` and the map in
//! `report.html`) and the zoomed maps of the largest unsupplied approvals: a view that fits a
//! working-frame extent into a box of nominal pixels, compact path data, the colours, the remnant
//! hatching, the scale bar and the north arrow.
//!
//! Map content is written in local metres (x east, y down = the frame's northing negated) from a
//! round origin, inside a nested `<svg>` whose `viewBox` is the visible extent. Absolute
//! coordinates would not do: browsers and tiny-skia draw in f32, which keeps only ~4 m of a
//! zone-prefixed Gauss-Krüger easting (≈ 4×10⁷ m). The origin is stated on the element
//! (`data-origin="x y"`), so a reader can take any point back to the frame: x = ox + u, y = oy − v.

use std::fmt::Write as _;

use geo::{LineString, MultiPolygon, Polygon, Rect};

use crate::report::html::escape;
use crate::rules::unsupplied::ApprovalStatus;

/// Fonts for every text of the report: CJK-capable first (Noto/Source Han on Linux, YaHei on
/// Windows, PingFang on macOS), DejaVu so a rasteriser without them still draws the Latin text.
pub(crate) const FONT_STACK: &str = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','DejaVu Sans',sans-serif";

/// Hatching of real unsupplied remnants (批而未供).
pub(crate) const REMNANT: &str = "#a50f15";
/// Outline of idle supplies.
pub(crate) const IDLE: &str = "#e31a1c";
/// Fill and outline of supplies (zoomed maps).
pub(crate) const SUPPLY_FILL: &str = "#9ecae1";
/// Outline of supplies.
pub(crate) const SUPPLY_STROKE: &str = "#2171b5";
/// Region boundaries.
pub(crate) const REGION: &str = "#54278f";

/// Fill and outline colour of an approval by status. Green–yellow–orange reads as "done → not
/// done" in colour and in greyscale print; superseded land is grey (audited under another one).
pub(crate) fn status_colours(s: ApprovalStatus) -> (&'static str, &'static str) {
    match s {
        ApprovalStatus::Supplied => ("#a6dba0", "#1b7837"),
        ApprovalStatus::Partial => ("#fee08b", "#9a7400"),
        ApprovalStatus::Unsupplied => ("#fdae61", "#b35806"),
        ApprovalStatus::Superseded => ("#d9d9d9", "#737373"),
    }
}

/// English name of a status for the (bilingual) legends.
pub(crate) fn status_en(s: ApprovalStatus) -> &'static str {
    match s {
        ApprovalStatus::Supplied => "Supplied",
        ApprovalStatus::Partial => "Partly supplied",
        ApprovalStatus::Unsupplied => "Unsupplied",
        ApprovalStatus::Superseded => "Superseded",
    }
}

/// Statuses in legend order.
pub(crate) const STATUSES: [ApprovalStatus; 4] = [
    ApprovalStatus::Supplied,
    ApprovalStatus::Partial,
    ApprovalStatus::Unsupplied,
    ApprovalStatus::Superseded,
];

/// A number in short form: at most `digits` decimals, trailing zeros dropped.
pub(crate) fn num(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

pub(crate) use crate::io::read::union_rect;

/// A working-frame extent fitted into a box of nominal pixels.
#[derive(Debug, Clone)]
pub(crate) struct View {
    /// Frame coordinates of the local origin.
    ox: f64,
    oy: f64,
    /// Visible extent in local metres: left, top, width, height.
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    /// Metres per nominal pixel.
    pub k: f64,
    /// Size of the map box in nominal pixels.
    pub px_w: f64,
    /// Height of the map box in nominal pixels.
    pub px_h: f64,
    /// Coordinates are rounded to 10^-decimals m, the largest power of ten within 0.1 px.
    decimals: i32,
}

impl View {
    /// Fits `extent` (frame metres), padded on each side by `pad_frac` of its larger side but at
    /// least `min_pad_m`, into a box of at most `max_w` × `max_h` nominal pixels.
    pub fn fit(extent: Rect<f64>, pad_frac: f64, min_pad_m: f64, max_w: f64, max_h: f64) -> View {
        Self::fit_inner(extent, pad_frac, min_pad_m, max_w, max_h, false)
    }

    /// Like [`View::fit`], but the extent is widened to fill the whole box (the zoomed maps,
    /// which show what lies around the parcel).
    pub fn fill(extent: Rect<f64>, pad_frac: f64, min_pad_m: f64, w: f64, h: f64) -> View {
        Self::fit_inner(extent, pad_frac, min_pad_m, w, h, true)
    }

    fn fit_inner(
        extent: Rect<f64>,
        pad_frac: f64,
        min_pad_m: f64,
        max_w: f64,
        max_h: f64,
        fill: bool,
    ) -> View {
        let pad = (extent.width().max(extent.height()) * pad_frac).max(min_pad_m);
        let w = extent.width() + 2.0 * pad;
        let h = extent.height() + 2.0 * pad;
        let k = (w / max_w).max(h / max_h);
        let (px_w, px_h) = if fill {
            (max_w, max_h)
        } else {
            ((w / k).round().max(1.0), (h / k).round().max(1.0))
        };
        // The pixel box is rounded: widen the extent to match it exactly, about the same centre,
        // so that one nominal pixel is `k` metres both ways.
        let (w, h) = (px_w * k, px_h * k);
        let c = extent.center();
        let ox = ((c.x - w / 2.0) / 100.0).floor() * 100.0;
        let oy = ((c.y + h / 2.0) / 100.0).ceil() * 100.0;
        let decimals = (-(0.1 * k).log10().floor()).clamp(-3.0, 6.0) as i32;
        View {
            ox,
            oy,
            x0: c.x - w / 2.0 - ox,
            y0: oy - (c.y + h / 2.0),
            w,
            h,
            k,
            px_w,
            px_h,
            decimals,
        }
    }

    /// The visible extent in frame coordinates.
    pub fn frame_rect(&self) -> Rect<f64> {
        Rect::new(
            (self.ox + self.x0, self.oy - self.y0 - self.h),
            (self.ox + self.x0 + self.w, self.oy - self.y0),
        )
    }

    /// A length of `px` nominal pixels in map units (metres), for stroke widths and patterns.
    pub fn len(&self, px: f64) -> String {
        let m = px * self.k;
        // Four significant digits are plenty for a stroke width.
        let digits = (3 - m.abs().max(1e-9).log10().floor() as i32).clamp(0, 8) as usize;
        num(m, digits)
    }

    /// Opens the nested `<svg>` holding map content at (`x`, `y`) px of the enclosing drawing.
    pub fn open(&self, out: &mut String, id: &str, x: f64, y: f64) {
        let d = self.decimals.max(0) as usize;
        let _ = write!(
            out,
            r#"<svg id="{id}" class="map-content" x="{}" y="{}" width="{}" height="{}" viewBox="{} {} {} {}" overflow="hidden" data-origin="{} {}">"#,
            num(x, 1),
            num(y, 1),
            num(self.px_w, 1),
            num(self.px_h, 1),
            num(self.x0, d + 1),
            num(self.y0, d + 1),
            num(self.w, d + 1),
            num(self.h, d + 1),
            num(self.ox, 3),
            num(self.oy, 3),
        );
    }

    /// The hatch pattern of remnants, in map units (lines 4.5 px apart at 45°).
    pub fn hatch_def(&self, out: &mut String, id: &str) {
        hatch_pattern(out, id, &self.len(4.5), &self.len(1.3));
    }

    fn units(&self, x: f64, y: f64) -> (i64, i64) {
        let s = 10f64.powi(self.decimals);
        (
            ((x - self.ox) * s).round() as i64,
            ((self.oy - y) * s).round() as i64,
        )
    }

    /// Appends the path data of `g` (`M` absolute, then relative `l` steps, `z` per ring): rings
    /// are rounded to 0.1 px, repeated points dropped, and rings that collapse to fewer than
    /// three points left out (with their holes when it is the exterior). Fill with `evenodd`.
    /// Returns whether anything was written.
    pub fn path_data(&self, g: &MultiPolygon<f64>, out: &mut String) -> bool {
        let mut any = false;
        for p in &g.0 {
            any |= self.polygon_data(p, out);
        }
        any
    }

    fn polygon_data(&self, p: &Polygon<f64>, out: &mut String) -> bool {
        if !self.ring_data(p.exterior(), out) {
            return false;
        }
        for r in p.interiors() {
            self.ring_data(r, out);
        }
        true
    }

    fn ring_data(&self, ring: &LineString<f64>, out: &mut String) -> bool {
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(ring.0.len());
        for c in &ring.0 {
            let p = self.units(c.x, c.y);
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < 3 {
            return false;
        }
        out.push('M');
        self.coord(pts[0].0, out);
        self.sep_coord(pts[0].1, out);
        out.push('l');
        for (i, w) in pts.windows(2).enumerate() {
            let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
            if i == 0 {
                self.coord(dx, out);
            } else {
                self.sep_coord(dx, out);
            }
            self.sep_coord(dy, out);
        }
        out.push('z');
        true
    }

    /// Writes a coordinate preceded by a separator (none before a minus sign: path data allows it).
    fn sep_coord(&self, n: i64, out: &mut String) {
        if n >= 0 {
            out.push(' ');
        }
        self.coord(n, out);
    }

    /// Writes `n` × 10^-decimals without trailing zeros.
    fn coord(&self, n: i64, out: &mut String) {
        if self.decimals <= 0 {
            // Whole numbers of tens, hundreds… (a county drawn on one page): the digits, then
            // the zeros.
            crate::report::decimal::push_scaled(out, n < 0, n.unsigned_abs(), 0);
            if n != 0 {
                out.extend(std::iter::repeat_n(
                    '0',
                    self.decimals.unsigned_abs() as usize,
                ));
            }
            return;
        }
        // Trailing zeros dropped from the number, not from a formatted copy, and the digits
        // written without the formatting machinery: this runs for every vertex drawn.
        let (mut a, mut d) = (n.unsigned_abs(), self.decimals as usize);
        while d > 0 && a % 10 == 0 {
            a /= 10;
            d -= 1;
        }
        crate::report::decimal::push_scaled(out, n < 0, a, d);
    }
}

/// A 45° hatch pattern of `REMNANT` lines, `spacing` apart and `width` wide (user units).
pub(crate) fn hatch_pattern(out: &mut String, id: &str, spacing: &str, width: &str) {
    let _ = write!(
        out,
        r#"<pattern id="{id}" patternUnits="userSpaceOnUse" width="{spacing}" height="{spacing}" patternTransform="rotate(45)"><rect width="{spacing}" height="{spacing}" fill="{REMNANT}" fill-opacity="0.18"/><line x1="0" y1="0" x2="0" y2="{spacing}" stroke="{REMNANT}" stroke-width="{width}"/></pattern>"#
    );
}

/// The largest 1, 2, 2.5 or 5 × 10ⁿ not above `x`.
fn nice_floor(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [5.0, 2.5, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v <= x)
        .unwrap_or(p)
}

fn distance_label(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", num(m / 1000.0, 3))
    } else {
        format!("{} m", num(m, 2))
    }
}

/// A scale bar of at most `max_px` pixels for `k` metres per pixel, its left end at (`x`, `y`)
/// px (the bar's baseline): two black/white halves, labels 0, half and full length with unit.
/// Returns the width drawn.
pub(crate) fn scale_bar(out: &mut String, k: f64, x: f64, y: f64, max_px: f64) -> f64 {
    let m = nice_floor(max_px * k);
    let px = m / k;
    let h = 6.0;
    let _ = write!(
        out,
        r##"<g class="scale-bar" font-size="11" fill="#222"><rect x="{x0}" y="{y0}" width="{half}" height="{h}" fill="#222"/><rect x="{x1}" y="{y0}" width="{half}" height="{h}" fill="#fff" stroke="#222" stroke-width="1"/><rect x="{x0}" y="{y0}" width="{full}" height="{h}" fill="none" stroke="#222" stroke-width="1"/>"##,
        x0 = num(x, 1),
        x1 = num(x + px / 2.0, 1),
        y0 = num(y - h, 1),
        half = num(px / 2.0, 1),
        full = num(px, 1),
    );
    let ty = num(y - h - 4.0, 1);
    let label = |v: f64| {
        if m >= 1000.0 {
            num(v / 1000.0, 3)
        } else {
            num(v, 2)
        }
    };
    let _ = write!(
        out,
        r#"<text x="{}" y="{ty}" text-anchor="middle">0</text>"#,
        num(x, 1)
    );
    // The half-way label only where it cannot run into its neighbours.
    if px >= 90.0 {
        let _ = write!(
            out,
            r#"<text x="{}" y="{ty}" text-anchor="middle">{}</text>"#,
            num(x + px / 2.0, 1),
            label(m / 2.0),
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{ty}" text-anchor="middle">{}</text></g>"#,
        num(x + px, 1),
        escape(&distance_label(m)),
    );
    px
}

/// A north arrow (grid north of the working projection) centred on (`cx`, `cy`), `size` px tall,
/// on a white disc so that it stays legible over parcels.
pub(crate) fn north_arrow(out: &mut String, cx: f64, cy: f64, size: f64) {
    let r = size * 0.62;
    let top = cy - size * 0.45;
    let bottom = cy + size * 0.3;
    let half = size * 0.2;
    let _ = write!(
        out,
        r##"<g class="north-arrow"><circle cx="{cx}" cy="{cyc}" r="{r}" fill="#fff" fill-opacity="0.85" stroke="#999" stroke-width="0.8"/><path d="M{cx} {top}L{l} {bottom}L{cx} {mid}z" fill="#222"/><path d="M{cx} {top}L{rr} {bottom}L{cx} {mid}z" fill="#fff" stroke="#222" stroke-width="0.8"/><text x="{cx}" y="{ty}" text-anchor="middle" font-size="{fs}" font-weight="bold" fill="#222">N</text></g>"##,
        cx = num(cx, 1),
        cyc = num(cy, 1),
        r = num(r, 1),
        top = num(top, 1),
        bottom = num(bottom, 1),
        mid = num(bottom - size * 0.12, 1),
        l = num(cx - half, 1),
        rr = num(cx + half, 1),
        ty = num(top - 2.0, 1),
        fs = num(size * 0.3, 1),
    );
}

/// A legend swatch kind.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch<'a> {
    /// A filled box.
    Fill { fill: &'a str, stroke: &'a str },
    /// The remnant hatching (pattern id).
    Hatch(&'a str),
    /// An outline only (dashed when `dash`).
    Outline {
        stroke: &'a str,
        width: f64,
        dash: bool,
    },
}

/// Draws a 22×13 px swatch with its top-left corner at (`x`, `y`).
pub(crate) fn swatch(out: &mut String, s: Swatch<'_>, x: f64, y: f64) {
    let (x, y) = (num(x, 1), num(y, 1));
    match s {
        Swatch::Fill { fill, stroke } => {
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="22" height="13" fill="{fill}" stroke="{stroke}" stroke-width="1"/>"#
            );
        }
        Swatch::Hatch(id) => {
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="22" height="13" fill="url(#{id})" stroke="{REMNANT}" stroke-width="1"/>"#
            );
        }
        Swatch::Outline {
            stroke,
            width,
            dash,
        } => {
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="22" height="13" fill="none" stroke="{stroke}" stroke-width="{width}"{}/>"#,
                if dash {
                    r#" stroke-dasharray="4 2""#
                } else {
                    ""
                }
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    /// A square `side` metres wide drawn on 100 × 100 px.
    fn square_view(side: f64) -> View {
        View::fit(Rect::new((0.0, 0.0), (side, side)), 0.0, 0.0, 100.0, 100.0)
    }

    #[test]
    fn path_data_is_relative_and_rounded() {
        let v = square_view(100.0);
        // One metre per pixel: coordinates to 0.1 m.
        assert_eq!(v.k, 1.0);
        let mut d = String::new();
        let g = wkt!(MULTIPOLYGON(((0. 0.,10.04 0.,10. 20.,0. 0.))));
        assert!(v.path_data(&g, &mut d));
        // y flips: (0, 0) is 100 m below the top; the closing point is dropped.
        assert_eq!(d, "M0 100l10 0 0-20z");
    }

    #[test]
    fn coordinates_are_written_without_trailing_zeros() {
        // 2 m across 100 px: 0.02 m per pixel, so coordinates to 10^-3 m (within 0.1 px).
        let v = square_view(2.0);
        assert_eq!(v.decimals, 3);
        for (n, want) in [
            (0, "0"),
            (12340, "12.34"),
            (10100, "10.1"),
            (1000, "1"),
            (-5, "-0.005"),
            (-120_050, "-120.05"),
            (7, "0.007"),
        ] {
            let mut out = String::new();
            v.coord(n, &mut out);
            assert_eq!(out, want, "{n}");
        }
    }

    #[test]
    fn coarse_coordinates_are_whole_tens_or_hundreds() {
        // 200 km across 100 px: 2 km per pixel, so coordinates to a hundred metres or coarser.
        let v = square_view(200_000.0);
        assert!(v.decimals < 0, "{}", v.decimals);
        let zeros = "0".repeat(v.decimals.unsigned_abs() as usize);
        for n in [0i64, 1, -1, 7, 12, -305, 98_765, i64::MIN + 1] {
            let mut out = String::new();
            v.coord(n, &mut out);
            let want = if n == 0 {
                "0".to_string()
            } else {
                format!("{n}{zeros}")
            };
            assert_eq!(out, want, "{n}");
        }
    }

    #[test]
    fn collapsed_rings_are_left_out() {
        let v = square_view(1000.0);
        let mut d = String::new();
        let g = wkt!(MULTIPOLYGON(((0. 0.,0.1 0.,0.1 0.1,0. 0.))));
        assert!(!v.path_data(&g, &mut d));
        assert!(d.is_empty());
    }

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_floor(230.0), 200.0);
        assert_eq!(nice_floor(495.0), 250.0);
        assert_eq!(nice_floor(999.0), 500.0);
        assert_eq!(nice_floor(1000.0), 1000.0);
        assert_eq!(distance_label(2000.0), "2 km");
        assert_eq!(distance_label(500.0), "500 m");
    }
}
