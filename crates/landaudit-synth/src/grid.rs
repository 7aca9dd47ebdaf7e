//! The land-use tessellation's skeleton: a jittered, gently warped grid of quadrilateral cells
//! whose corner points are shared by their neighbours, with narrow columns and rows (8–40 m)
//! for roads, rivers and ditches; boundary tracing of any edge-connected set of cells into a
//! polygon made of exactly the shared corner points; smooth value noise; point location.
//!
//! Every polygon of the land-use, farmland, red line and region layers is a union of cells,
//! traced here, so neighbouring polygons share their edges vertex for vertex.
//!
//! Cells stay convex: every corner moves by less than a fifth of the adjacent column width /
//! row height (the two lines of a narrow column or row move together, with a differential of
//! at most a twentieth of its width), and the warp that bends the lines is smooth and nearly
//! affine at the scale of a cell. Only `+ - * /` touch coordinates.

use geo::{Coord, LineString, Polygon, Rect};
use rand::Rng;

use crate::shapes::round_mm;

/// What a narrow column or row of cells carries where it is active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// 1101 河流水面, 20–40 m, across the whole county.
    River,
    /// 1003 公路用地, 20–35 m, across the whole county.
    Highway,
    /// 1004 城镇村道路用地, 10–24 m, on one or two stretches.
    Street,
    /// 1006 农村道路, 8–12 m, on a few stretches.
    Rural,
    /// 1107 沟渠, 8–12 m, on a few stretches.
    Ditch,
}

impl LineKind {
    /// 三调 DLBM of the strips.
    pub(crate) fn code(self) -> &'static str {
        match self {
            LineKind::River => "1101",
            LineKind::Highway => "1003",
            LineKind::Street => "1004",
            LineKind::Rural => "1006",
            LineKind::Ditch => "1107",
        }
    }

    /// Which line keeps a crossing cell (higher wins).
    pub(crate) fn priority(self) -> u8 {
        match self {
            LineKind::River => 5,
            LineKind::Highway => 4,
            LineKind::Street => 3,
            LineKind::Rural => 2,
            LineKind::Ditch => 1,
        }
    }

    fn width<R: Rng>(self, rng: &mut R) -> f64 {
        match self {
            LineKind::River => rng.random_range(20.0..40.0),
            LineKind::Highway => rng.random_range(20.0..35.0),
            LineKind::Street => rng.random_range(10.0..24.0),
            LineKind::Rural | LineKind::Ditch => rng.random_range(8.0..12.0),
        }
    }

    fn random<R: Rng>(rng: &mut R) -> Self {
        let r: f64 = rng.random();
        if r < 0.10 {
            LineKind::River
        } else if r < 0.30 {
            LineKind::Highway
        } else if r < 0.55 {
            LineKind::Street
        } else if r < 0.85 {
            LineKind::Rural
        } else {
            LineKind::Ditch
        }
    }
}

/// A narrow column (`vertical`) or row of cells.
pub(crate) struct Line {
    pub kind: LineKind,
    pub vertical: bool,
    /// The column (vertical) or row index of the narrow cells.
    pub index: usize,
    /// Half-open ranges of cell indices along the line where it is a strip.
    pub spans: Vec<(usize, usize)>,
}

impl Line {
    pub(crate) fn active(&self, k: usize) -> bool {
        self.spans.iter().any(|&(a, b)| a <= k && k < b)
    }
}

/// Smooth value noise in [-1, 1]: random values on a square lattice, blended with the cubic
/// smoothstep.
pub(crate) struct Noise {
    x0: f64,
    y0: f64,
    step: f64,
    nx: usize,
    ny: usize,
    vals: Vec<f64>,
}

impl Noise {
    pub(crate) fn new<R: Rng>(rng: &mut R, extent: Rect<f64>, step: f64) -> Self {
        let nx = (extent.width() / step).ceil() as usize + 2;
        let ny = (extent.height() / step).ceil() as usize + 2;
        let vals = (0..nx * ny).map(|_| rng.random_range(-1.0..=1.0)).collect();
        Noise {
            x0: extent.min().x,
            y0: extent.min().y,
            step,
            nx,
            ny,
            vals,
        }
    }

    pub(crate) fn at(&self, x: f64, y: f64) -> f64 {
        let fx = ((x - self.x0) / self.step).clamp(0.0, (self.nx - 2) as f64);
        let fy = ((y - self.y0) / self.step).clamp(0.0, (self.ny - 2) as f64);
        let (i, j) = (
            (fx.floor() as usize).min(self.nx - 2),
            (fy.floor() as usize).min(self.ny - 2),
        );
        let (tx, ty) = (fx - i as f64, fy - j as f64);
        let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
        let v = |a: usize, b: usize| self.vals[b * self.nx + a];
        let bottom = v(i, j) + (v(i + 1, j) - v(i, j)) * sx;
        let top = v(i, j + 1) + (v(i + 1, j + 1) - v(i, j + 1)) * sx;
        bottom + (top - bottom) * sy
    }
}

/// Smooth displacement of the grid: zero across the county edge, at most `amp` metres.
struct Warp {
    nx: Noise,
    ny: Noise,
    amp: f64,
    extent: Rect<f64>,
}

impl Warp {
    fn at(&self, x: f64, y: f64) -> (f64, f64) {
        let sx = (x - self.extent.min().x) / self.extent.width();
        let sy = (y - self.extent.min().y) / self.extent.height();
        let tx = (4.0 * sx * (1.0 - sx)).max(0.0);
        let ty = (4.0 * sy * (1.0 - sy)).max(0.0);
        (
            self.amp * tx * self.nx.at(x, y),
            self.amp * ty * self.ny.at(x, y),
        )
    }
}

/// Cell widths along one axis: (width, narrow line kind).
fn axis_widths<R: Rng>(rng: &mut R, len: f64) -> Vec<(f64, Option<LineKind>)> {
    let gap = |rng: &mut R| rng.random_range(1_300.0..3_300.0);
    let mut out: Vec<(f64, Option<LineKind>)> = Vec::new();
    let mut acc = 0.0;
    let mut next_line = rng.random_range(500.0..2_500.0);
    while acc < len {
        let last_narrow = out.last().is_some_and(|w| w.1.is_some());
        if acc >= next_line && !last_narrow && acc + 400.0 < len {
            let kind = LineKind::random(rng);
            let w = kind.width(rng);
            out.push((w, Some(kind)));
            acc += w;
            next_line = acc + gap(rng);
        } else {
            let u: f64 = rng.random();
            let w = 60.0 + 190.0 * u;
            out.push((w, None));
            acc += w;
        }
    }
    out
}

/// Spans of a line of `n` cells: rivers and highways run through, other lines on stretches.
fn spans<R: Rng>(rng: &mut R, kind: LineKind, n: usize) -> Vec<(usize, usize)> {
    let stretch = |rng: &mut R, lo: f64, hi: f64| {
        let len = ((n as f64) * rng.random_range(lo..hi)).round().max(1.0) as usize;
        let len = len.min(n);
        let start = rng.random_range(0..=n - len);
        (start, start + len)
    };
    match kind {
        LineKind::River | LineKind::Highway => vec![(0, n)],
        LineKind::Street => {
            let k = rng.random_range(1..=2);
            (0..k).map(|_| stretch(rng, 0.25, 0.6)).collect()
        }
        LineKind::Rural | LineKind::Ditch => {
            let k = rng.random_range(1..=3);
            (0..k).map(|_| stretch(rng, 0.08, 0.3)).collect()
        }
    }
}

/// Vertex lines moved together: a single line, or the two lines of a narrow column / row.
struct Group {
    first: usize,
    count: usize,
    /// Bound of the common offset (0 on the county edge).
    common: f64,
    /// Bound of each line's own offset within a pair.
    own: f64,
}

fn groups(widths: &[f64], narrow: &[bool]) -> Vec<Group> {
    let n = widths.len();
    let mut out = Vec::new();
    let mut k = 0;
    while k <= n {
        if k == 0 || k == n {
            out.push(Group {
                first: k,
                count: 1,
                common: 0.0,
                own: 0.0,
            });
            k += 1;
        } else if k < n && narrow[k] {
            // lines k and k + 1 bound the narrow cell k; its neighbours are wide
            let around = widths[k - 1].min(widths[k + 1]);
            out.push(Group {
                first: k,
                count: 2,
                common: 0.15 * around,
                own: 0.05 * widths[k],
            });
            k += 2;
        } else {
            out.push(Group {
                first: k,
                count: 1,
                common: 0.19 * widths[k - 1].min(widths[k]),
                own: 0.0,
            });
            k += 1;
        }
    }
    out
}

/// The warped grid: `nx` × `ny` cells, `(nx + 1)` × `(ny + 1)` shared corner points.
pub(crate) struct Grid {
    pub nx: usize,
    pub ny: usize,
    /// Corner coordinates, index `j * (nx + 1) + i`; millimetre-rounded, except that points
    /// on the county edge keep the extent's exact coordinate there.
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// Per column / row: the narrow line it carries.
    pub col_line: Vec<Option<usize>>,
    pub row_line: Vec<Option<usize>>,
    pub lines: Vec<Line>,
    /// Line positions before jitter and warp.
    px: Vec<f64>,
    py: Vec<f64>,
    warp: Warp,
}

impl Grid {
    pub(crate) fn new<R: Rng>(rng: &mut R, extent: Rect<f64>) -> Self {
        let (x0, y0, x1, y1) = (
            extent.min().x,
            extent.min().y,
            extent.max().x,
            extent.max().y,
        );
        let wx = axis_widths(rng, x1 - x0);
        let wy = axis_widths(rng, y1 - y0);
        let place = |w: &[(f64, Option<LineKind>)], lo: f64, hi: f64| -> Vec<f64> {
            let total: f64 = w.iter().map(|p| p.0).sum();
            let k = (hi - lo) / total;
            let mut pos = Vec::with_capacity(w.len() + 1);
            let mut acc = 0.0;
            pos.push(lo);
            for p in &w[..w.len() - 1] {
                acc += p.0;
                pos.push(lo + acc * k);
            }
            pos.push(hi);
            pos
        };
        let px = place(&wx, x0, x1);
        let py = place(&wy, y0, y1);
        let (nx, ny) = (wx.len(), wy.len());
        let widths_x: Vec<f64> = px.windows(2).map(|p| p[1] - p[0]).collect();
        let widths_y: Vec<f64> = py.windows(2).map(|p| p[1] - p[0]).collect();

        let mut lines = Vec::new();
        let mut col_line = vec![None; nx];
        let mut row_line = vec![None; ny];
        for (i, w) in wx.iter().enumerate() {
            if let Some(kind) = w.1 {
                col_line[i] = Some(lines.len());
                lines.push(Line {
                    kind,
                    vertical: true,
                    index: i,
                    spans: spans(rng, kind, ny),
                });
            }
        }
        for (j, w) in wy.iter().enumerate() {
            if let Some(kind) = w.1 {
                row_line[j] = Some(lines.len());
                lines.push(Line {
                    kind,
                    vertical: false,
                    index: j,
                    spans: spans(rng, kind, nx),
                });
            }
        }

        // jitter: per (row group, column group) a common offset and the pair members' own
        let gx = groups(
            &widths_x,
            &col_line.iter().map(Option::is_some).collect::<Vec<_>>(),
        );
        let gy = groups(
            &widths_y,
            &row_line.iter().map(Option::is_some).collect::<Vec<_>>(),
        );
        let stride = nx + 1;
        let mut xs = vec![0.0; stride * (ny + 1)];
        let mut ys = vec![0.0; stride * (ny + 1)];
        let sym = |rng: &mut R, b: f64| {
            if b > 0.0 {
                rng.random_range(-b..b)
            } else {
                0.0
            }
        };
        for g in &gy {
            for h in &gx {
                let cx = sym(rng, h.common);
                let dx = [sym(rng, h.own), sym(rng, h.own)];
                let cy = sym(rng, g.common);
                let dy = [sym(rng, g.own), sym(rng, g.own)];
                for (a, j) in (g.first..g.first + g.count).enumerate() {
                    for (b, i) in (h.first..h.first + h.count).enumerate() {
                        xs[j * stride + i] = px[i] + cx + dx[b];
                        ys[j * stride + i] = py[j] + cy + dy[a];
                    }
                }
            }
        }

        let side = (x1 - x0).min(y1 - y0);
        let warp = Warp {
            nx: Noise::new(rng, extent, 4_000.0),
            ny: Noise::new(rng, extent, 4_000.0),
            amp: (0.02 * side).min(120.0),
            extent,
        };
        for j in 0..=ny {
            for i in 0..=nx {
                let v = j * stride + i;
                let (dx, dy) = warp.at(xs[v], ys[v]);
                xs[v] = if i == 0 {
                    x0
                } else if i == nx {
                    x1
                } else {
                    round_mm(xs[v] + dx)
                };
                ys[v] = if j == 0 {
                    y0
                } else if j == ny {
                    y1
                } else {
                    round_mm(ys[v] + dy)
                };
            }
        }
        Grid {
            nx,
            ny,
            xs,
            ys,
            col_line,
            row_line,
            lines,
            px,
            py,
            warp,
        }
    }

    pub(crate) fn cells(&self) -> usize {
        self.nx * self.ny
    }

    /// Corner `(i, j)` of the grid.
    pub(crate) fn corner(&self, i: usize, j: usize) -> Coord<f64> {
        let v = j * (self.nx + 1) + i;
        Coord {
            x: self.xs[v],
            y: self.ys[v],
        }
    }

    /// Centre (mean of the corners) of cell `c`.
    pub(crate) fn cell_centre(&self, c: usize) -> (f64, f64) {
        let (i, j) = (c % self.nx, c / self.nx);
        let p = [
            self.corner(i, j),
            self.corner(i + 1, j),
            self.corner(i + 1, j + 1),
            self.corner(i, j + 1),
        ];
        (
            (p[0].x + p[1].x + p[2].x + p[3].x) / 4.0,
            (p[0].y + p[1].y + p[2].y + p[3].y) / 4.0,
        )
    }

    /// Whether (x, y) lies in cell (i, j) (on its boundary counts).
    fn cell_contains(&self, i: usize, j: usize, x: f64, y: f64) -> bool {
        let p = [
            self.corner(i, j),
            self.corner(i + 1, j),
            self.corner(i + 1, j + 1),
            self.corner(i, j + 1),
        ];
        (0..4).all(|k| {
            let (a, b) = (p[k], p[(k + 1) % 4]);
            (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0.0
        })
    }

    /// The cell containing (x, y), if it lies in the county.
    pub(crate) fn locate(&self, x: f64, y: f64) -> Option<usize> {
        let (dx, dy) = self.warp.at(x, y);
        let (ux, uy) = (x - dx, y - dy);
        let i0 = self.px.partition_point(|&p| p <= ux).saturating_sub(1);
        let j0 = self.py.partition_point(|&p| p <= uy).saturating_sub(1);
        for r in [3usize, 12] {
            let (ia, ib) = (i0.saturating_sub(r), (i0 + r).min(self.nx - 1));
            let (ja, jb) = (j0.saturating_sub(r), (j0 + r).min(self.ny - 1));
            for j in ja..=jb {
                for i in ia..=ib {
                    if self.cell_contains(i, j, x, y) {
                        return Some(j * self.nx + i);
                    }
                }
            }
        }
        None
    }

    /// Edge-connected components of the cells with the same `key` (cells keyed `u32::MAX`
    /// belong to none), in the order of their first cell.
    pub(crate) fn components(&self, key: &[u32]) -> Vec<Vec<u32>> {
        let mut seen = vec![false; key.len()];
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for start in 0..key.len() {
            if seen[start] || key[start] == u32::MAX {
                continue;
            }
            let k = key[start];
            let mut comp = Vec::new();
            seen[start] = true;
            stack.push(start);
            while let Some(c) = stack.pop() {
                comp.push(c as u32);
                let (i, j) = (c % self.nx, c / self.nx);
                let mut visit = |n: usize| {
                    if !seen[n] && key[n] == k {
                        seen[n] = true;
                        stack.push(n);
                    }
                };
                if i > 0 {
                    visit(c - 1);
                }
                if i + 1 < self.nx {
                    visit(c + 1);
                }
                if j > 0 {
                    visit(c - self.nx);
                }
                if j + 1 < self.ny {
                    visit(c + self.nx);
                }
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out
    }

    /// The polygon covered by an edge-connected set of cells (`member` says which cells are
    /// in it): exterior counter-clockwise, holes clockwise, every corner point on the boundary
    /// kept. At a corner where the set touches itself diagonally the boundary keeps the set's
    /// cells together, so the exterior never touches itself and a hole may touch it at a point.
    pub(crate) fn polygon(&self, cells: &[u32], member: impl Fn(usize) -> bool) -> Polygon<f64> {
        let (nx, ny) = (self.nx, self.ny);
        let stride = nx + 1;
        // directed boundary edges (from, to, direction: 0 east, 1 north, 2 west, 3 south)
        let mut edges: Vec<(usize, usize, u8)> = Vec::with_capacity(cells.len() * 2 + 4);
        for &c in cells {
            let c = c as usize;
            let (i, j) = (c % nx, c / nx);
            let v00 = j * stride + i;
            let (v10, v01) = (v00 + 1, v00 + stride);
            let v11 = v01 + 1;
            if j == 0 || !member(c - nx) {
                edges.push((v00, v10, 0));
            }
            if i + 1 == nx || !member(c + 1) {
                edges.push((v10, v11, 1));
            }
            if j + 1 == ny || !member(c + nx) {
                edges.push((v11, v01, 2));
            }
            if i == 0 || !member(c - 1) {
                edges.push((v01, v00, 3));
            }
        }
        edges.sort_unstable();
        let mut used = vec![false; edges.len()];
        let mut rings: Vec<Vec<usize>> = Vec::new();
        for e0 in 0..edges.len() {
            if used[e0] {
                continue;
            }
            let mut ring = Vec::new();
            let mut e = e0;
            loop {
                used[e] = true;
                ring.push(edges[e].0);
                let (v, d) = (edges[e].1, edges[e].2);
                let lo = edges.partition_point(|x| x.0 < v);
                let mut best: Option<(u8, usize)> = None;
                for (k, x) in edges.iter().enumerate().skip(lo) {
                    if x.0 != v {
                        break;
                    }
                    if used[k] && k != e0 {
                        continue;
                    }
                    // right turn first, then straight on, then left
                    let rank = match (x.2 + 4 - d) % 4 {
                        3 => 0,
                        0 => 1,
                        1 => 2,
                        _ => 3,
                    };
                    if best.is_none_or(|b| rank < b.0) {
                        best = Some((rank, k));
                    }
                }
                match best {
                    Some((_, k)) if k == e0 => break,
                    Some((_, k)) => e = k,
                    None => unreachable!("boundary edges of a cell set form closed rings"),
                }
            }
            rings.push(ring);
        }
        let area2 = |r: &[usize]| -> i64 {
            let n = r.len();
            (0..n)
                .map(|k| {
                    let (a, b) = (r[k], r[(k + 1) % n]);
                    let (ax, ay) = ((a % stride) as i64, (a / stride) as i64);
                    let (bx, by) = ((b % stride) as i64, (b / stride) as i64);
                    ax * by - bx * ay
                })
                .sum()
        };
        let to_line = |r: &[usize]| -> LineString<f64> {
            let mut cs: Vec<Coord<f64>> = r
                .iter()
                .map(|&v| Coord {
                    x: self.xs[v],
                    y: self.ys[v],
                })
                .collect();
            cs.push(cs[0]);
            LineString::new(cs)
        };
        let mut exterior = None;
        let mut holes = Vec::new();
        for r in &rings {
            if area2(r) > 0 {
                debug_assert!(exterior.is_none(), "an edge-connected set has one exterior");
                exterior = Some(to_line(r));
            } else {
                holes.push(to_line(r));
            }
        }
        Polygon::new(
            exterior.expect("a non-empty cell set has an exterior"),
            holes,
        )
    }
}

/// Axis-aligned boxes in a uniform bucket grid, for candidate queries.
pub(crate) struct BoxIndex {
    min: (f64, f64),
    cell: f64,
    nx: usize,
    ny: usize,
    buckets: Vec<Vec<u32>>,
    boxes: Vec<[f64; 4]>,
}

impl BoxIndex {
    pub(crate) fn new(extent: Rect<f64>, cell: f64, boxes: Vec<[f64; 4]>) -> Self {
        let nx = ((extent.width() / cell).ceil() as usize).max(1);
        let ny = ((extent.height() / cell).ceil() as usize).max(1);
        let mut idx = BoxIndex {
            min: (extent.min().x, extent.min().y),
            cell,
            nx,
            ny,
            buckets: vec![Vec::new(); nx * ny],
            boxes: Vec::new(),
        };
        for (k, b) in boxes.iter().enumerate() {
            let (x0, y0, x1, y1) = idx.span(*b);
            for j in y0..=y1 {
                for i in x0..=x1 {
                    idx.buckets[j * nx + i].push(k as u32);
                }
            }
        }
        idx.boxes = boxes;
        idx
    }

    fn span(&self, b: [f64; 4]) -> (usize, usize, usize, usize) {
        let ix =
            |x: f64| (((x - self.min.0) / self.cell).floor().max(0.0) as usize).min(self.nx - 1);
        let iy =
            |y: f64| (((y - self.min.1) / self.cell).floor().max(0.0) as usize).min(self.ny - 1);
        (ix(b[0]), iy(b[1]), ix(b[2]), iy(b[3]))
    }

    /// Ids of the boxes meeting `q`, ascending.
    pub(crate) fn query(&self, q: [f64; 4]) -> Vec<usize> {
        let (x0, y0, x1, y1) = self.span(q);
        let mut out = Vec::new();
        for j in y0..=y1 {
            for i in x0..=x1 {
                for &k in &self.buckets[j * self.nx + i] {
                    let b = self.boxes[k as usize];
                    if b[0] <= q[2] && q[0] <= b[2] && b[1] <= q[3] && q[1] <= b[3] {
                        out.push(k as usize);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Bounding box of a polygon's exterior.
pub(crate) fn bbox_of(p: &Polygon<f64>) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for c in p.exterior().0.iter() {
        b[0] = b[0].min(c.x);
        b[1] = b[1].min(c.y);
        b[2] = b[2].max(c.x);
        b[3] = b[3].max(c.y);
    }
    b
}
