//! Large polygons split into grid-aligned pieces, so that intersecting a small parcel with a red
//! line blob, a farmland block or a region costs the vertices near the parcel, not the whole
//! polygon (issue #6: at scale 10 a red-line blob has 11,000 vertices and every approval, remnant
//! and supply was intersected with all of it).
//!
//! The grid is absolute (tile lines at multiples of [`TILE_M`] in the working frame), so the
//! pieces of one polygon are disjoint and their areas, and their overlaps with any parcel, add up
//! to the whole polygon's (up to the engine's snapping). A polygon is cut by halving its box of
//! tiles along tile lines until a piece has at most [`MAX_PIECE_VERTICES`] vertices or covers one
//! tile: clipping costs O(n log t), not O(n · t) as clipping every tile from the whole would.

use geo::{BoundingRect, CoordsIter, MultiPolygon, Rect};
use rayon::prelude::*;

use crate::index::ParcelIndex;
use crate::overlay::{clip_to_rect, guarded};

/// Edge of a grid tile (m): a few parcels across, so a parcel meets one to four pieces. Not tuned
/// further: with it conflicts cost 2.5 CPU s at scale 10, down from 102 (README, performance), and
/// the piece vertex limit matters more than the tile size.
pub const TILE_M: f64 = 1000.0;

/// A polygon with at most this many vertices is not cut further.
pub const MAX_PIECE_VERTICES: usize = 256;

/// The pieces of a set of polygons, each tagged with the position of the polygon it came from,
/// and an R-tree over the pieces' envelopes.
#[derive(Debug, Clone)]
pub struct Tiled {
    pieces: Vec<(usize, MultiPolygon<f64>)>,
    index: ParcelIndex,
}

impl Tiled {
    /// Cuts every polygon with more than [`MAX_PIECE_VERTICES`] vertices into pieces (in parallel)
    /// and indexes the pieces. Small polygons stay whole.
    ///
    /// ```
    /// use geo::{Area, wkt};
    /// use landaudit::tiles::Tiled;
    /// let big = wkt!(MULTIPOLYGON(((0. 0.,3000. 0.,3000. 3000.,0. 3000.,0. 0.))));
    /// let t = Tiled::new(&[&big]);
    /// assert_eq!(t.len(), 1, "four vertices: not cut");
    /// ```
    pub fn new(polygons: &[&MultiPolygon<f64>]) -> Tiled {
        let pieces: Vec<(usize, MultiPolygon<f64>)> = polygons
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, g)| pieces_of(g).into_iter().map(move |p| (i, p)))
            .collect();
        let index = ParcelIndex::new(pieces.iter().map(|(_, g)| g));
        Tiled { pieces, index }
    }

    /// The pieces whose envelope meets `rect`: (position of the source polygon, piece), by
    /// ascending piece position (so grouped by source polygon in input order).
    pub fn candidates(&self, rect: Rect<f64>) -> impl Iterator<Item = (usize, &MultiPolygon<f64>)> {
        self.index
            .candidates(rect)
            .into_iter()
            .map(|k| (self.pieces[k].0, &self.pieces[k].1))
    }

    /// Number of pieces.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// Whether there are no pieces.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// The pieces of one polygon: itself when small, else its parts in grid-aligned boxes. When the
/// engine fails on a cut the polygon is kept whole (slower, never wrong).
pub fn pieces_of(g: &MultiPolygon<f64>) -> Vec<MultiPolygon<f64>> {
    if g.coords_count() <= MAX_PIECE_VERTICES {
        return vec![g.clone()];
    }
    guarded(|| {
        let mut out = Vec::new();
        split(g.clone(), &mut out);
        out
    })
    .unwrap_or_else(|_| vec![g.clone()])
}

/// The tile span [lo, hi) covering `min..max`, at least one tile wide. The small slack keeps a
/// coordinate snapped a hair past a tile line from opening a tile of nothing.
fn span(min: f64, max: f64) -> (i64, i64) {
    let lo = (min / TILE_M + 1e-9).floor() as i64;
    let hi = ((max / TILE_M - 1e-9).ceil() as i64).max(lo + 1);
    (lo, hi)
}

fn split(g: MultiPolygon<f64>, out: &mut Vec<MultiPolygon<f64>>) {
    if g.0.is_empty() {
        return;
    }
    let Some(r) = g.bounding_rect() else { return };
    let (x0, x1) = span(r.min().x, r.max().x);
    let (y0, y1) = span(r.min().y, r.max().y);
    if g.coords_count() <= MAX_PIECE_VERTICES || (x1 - x0 <= 1 && y1 - y0 <= 1) {
        out.push(g);
        return;
    }
    let t = TILE_M;
    let (a, b) = if x1 - x0 >= y1 - y0 {
        let xm = (x0 + (x1 - x0) / 2) as f64 * t;
        (
            Rect::new((x0 as f64 * t, y0 as f64 * t), (xm, y1 as f64 * t)),
            Rect::new((xm, y0 as f64 * t), (x1 as f64 * t, y1 as f64 * t)),
        )
    } else {
        let ym = (y0 + (y1 - y0) / 2) as f64 * t;
        (
            Rect::new((x0 as f64 * t, y0 as f64 * t), (x1 as f64 * t, ym)),
            Rect::new((x0 as f64 * t, ym), (x1 as f64 * t, y1 as f64 * t)),
        )
    };
    let (mut left, mut right) = (Vec::new(), Vec::new());
    rayon::join(
        || split(clip_to_rect(&g, a), &mut left),
        || split(clip_to_rect(&g, b), &mut right),
    );
    out.append(&mut left);
    out.append(&mut right);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::area;
    use geo::{LineString, Polygon};

    /// A square ring from (x0, y0) with side `s` and `n` vertices per side (n a multiple of 4),
    /// counter-clockwise unless `ccw` is false. The sides zigzag 1 m out and in (offsets 0, +1,
    /// 0, −1, …), so the engine cannot drop the vertices as collinear, and the equal triangles
    /// out and in cancel: the area is exactly s².
    fn ring(x0: f64, y0: f64, s: f64, n: usize, ccw: bool) -> LineString<f64> {
        let mut c = Vec::new();
        for side in 0..4 {
            for k in 0..n {
                let f = k as f64 / n as f64 * s;
                let o = [0.0, 1.0, 0.0, -1.0][k % 4];
                c.push(match side {
                    0 => (x0 + f, y0 + o),
                    1 => (x0 + s + o, y0 + f),
                    2 => (x0 + s - f, y0 + s + o),
                    _ => (x0 + o, y0 + s - f),
                });
            }
        }
        c.push(c[0]);
        if !ccw {
            c.reverse();
        }
        LineString::from(c)
    }

    #[test]
    fn pieces_are_small_and_add_up() {
        // 10 km square with a 2 km hole, 400 vertices per side: the pieces must cover
        // 100 km² − 4 km² and each stay within one tile or under the vertex limit.
        let g = MultiPolygon::new(vec![Polygon::new(
            ring(500_123.0, 3_300_456.0, 10_000.0, 400, true),
            vec![ring(503_000.0, 3_303_000.0, 2_000.0, 100, false)],
        )]);
        let pieces = pieces_of(&g);
        // 1,700 vertices, at most 256 a piece (interior pieces are plain rectangles).
        assert!(pieces.len() >= 7, "{} pieces", pieces.len());
        let total: f64 = pieces.iter().map(area).sum();
        assert!((total - 96e6).abs() < 1e-3, "{total}");
        for p in &pieces {
            let r = p.bounding_rect().unwrap();
            let (x0, x1) = span(r.min().x, r.max().x);
            let (y0, y1) = span(r.min().y, r.max().y);
            assert!(p.coords_count() <= MAX_PIECE_VERTICES || (x1 - x0 == 1 && y1 - y0 == 1));
        }
    }
}
