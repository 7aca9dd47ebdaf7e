//! The per-ring checks of geo 0.33's polygon validation (`algorithm/validation/utils.rs`, MIT OR
//! Apache-2.0), with the same predicates, but the self-intersection test looks only at pairs of
//! segments whose bounding boxes meet instead of at every pair.

use geo::{Coord, Intersects, Line, LineString};

/// geo's `check_too_few_points(ring, true)`: fewer than 4 coordinates once consecutive repeats are
/// dropped (`Vec::dedup`, which compares each coordinate with the last one kept). Counts instead
/// of copying the ring, and stops at 4.
pub(super) fn too_few_points(ring: &LineString<f64>) -> bool {
    let mut kept = 0;
    let mut last: Option<&Coord<f64>> = None;
    for c in &ring.0 {
        if last != Some(c) {
            last = Some(c);
            kept += 1;
            if kept >= 4 {
                return false;
            }
        }
    }
    true
}

/// geo's `check_coord_is_not_finite`.
pub(super) fn is_not_finite(c: &Coord<f64>) -> bool {
    !(c.x.is_finite() && c.y.is_finite())
}

/// geo's test for one ordered pair of a ring's segments (`linestring_has_self_intersection`):
/// they meet, and the first does not start where the second ends nor end where it starts. So a
/// segment and the next one never count (they share a vertex that way round), while two segments
/// that meet anywhere else do, including end-to-end or start-to-start at a repeated vertex, and the
/// two sides of a spike where they overlap.
fn crosses(a: &Line<f64>, b: &Line<f64>) -> bool {
    a.intersects(b) && a.start != b.end && a.end != b.start
}

/// geo's test for the unordered pair: geo tries both orders.
fn pair_crosses(a: &Line<f64>, b: &Line<f64>) -> bool {
    crosses(a, b) || crosses(b, a)
}

/// Coordinates whose magnitude is 0 or within `[SAFE_MIN, SAFE_MAX]`: robust's `orient2d` (the
/// kernel under geo's `Line::intersects`) is exact for them, since no product or error term of
/// Shewchuk's expansions over- or underflows. With exact orientations, two segments that
/// `intersects` joins share a point, so their boxes meet. Outside that range (and for NaN or ∞)
/// that is not guaranteed, and a segment with such a coordinate is tried against every other.
const SAFE_MAX: f64 = 1e90;
/// See [`SAFE_MAX`].
const SAFE_MIN: f64 = 1e-90;

fn is_safe(v: f64) -> bool {
    let a = v.abs();
    a == 0.0 || (SAFE_MIN..=SAFE_MAX).contains(&a)
}

fn line_is_safe(l: &Line<f64>) -> bool {
    is_safe(l.start.x) && is_safe(l.start.y) && is_safe(l.end.x) && is_safe(l.end.y)
}

/// geo's `linestring_has_self_intersection`: does any ordered pair of distinct segments
/// `(i, j)` satisfy [`crosses`]? Same answer, without trying every pair (see [`indexed`]).
///
/// There is no pair-by-pair path for small rings: [`indexed`] is already faster than
/// [`every_pair`] at 8 segments (one leaf: every pair, but boxes first), 2.3× in release and 5×
/// in the test profile, and 8.6× / 12× at 48 (the ignored test `probe_crossover`).
pub(super) fn has_self_intersection(ring: &LineString<f64>) -> bool {
    let c = &ring.0;
    if (2..=LEAF + 1).contains(&c.len()) && c.iter().all(|p| is_safe(p.x) && is_safe(p.y)) {
        return one_leaf(c);
    }
    let lines: Vec<Line<f64>> = ring.lines().collect();
    indexed(&lines)
}

/// [`indexed`] for a ring of at most [`LEAF`] safe segments, without building anything: its
/// hierarchy is one leaf, whose box meets itself, so it tries every pair of non-neighbours whose
/// boxes meet ([`leaves_cross`] on leaf 0), as this does. Most parcels' rings are this small.
fn one_leaf(c: &[Coord<f64>]) -> bool {
    let line = |k: usize| Line::new(c[k], c[k + 1]);
    let bx = |l: &Line<f64>| {
        let (s, e) = (l.start, l.end);
        [s.x.min(e.x), s.y.min(e.y), s.x.max(e.x), s.y.max(e.y)]
    };
    let n = c.len() - 1;
    (0..n).any(|a| {
        let la = line(a);
        let ba = bx(&la);
        (a + 2..n).any(|b| {
            let lb = line(b);
            meet(&ba, &bx(&lb)) && pair_crosses(&la, &lb)
        })
    })
}

/// geo's loop, over unordered pairs: the oracle of the tests.
#[cfg(test)]
pub(super) fn every_pair(lines: &[Line<f64>]) -> bool {
    lines
        .iter()
        .enumerate()
        .any(|(i, a)| lines[i + 1..].iter().any(|b| pair_crosses(a, b)))
}

/// A box `[min x, min y, max x, max y]`; [`EMPTY`] meets nothing.
type Bx = [f64; 4];

/// The box of nothing: every comparison with it fails.
const EMPTY: Bx = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

fn meet(a: &Bx, b: &Bx) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

fn union(a: &Bx, b: &Bx) -> Bx {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Segments per leaf of [`indexed`]'s hierarchy.
const LEAF: usize = 8;

/// The same answer as [`every_pair`], from the pairs of segments whose boxes meet (boxes that
/// touch count): for safe segments (see [`SAFE_MAX`]) no other pair can cross. A segment with an
/// unsafe coordinate is tried against every other segment instead.
///
/// The boxes are found with a bounding-volume hierarchy over the ring's own order: leaves of
/// [`LEAF`] consecutive segments, each level the union of two boxes of the level below. A ring is
/// a continuous curve, so a run of consecutive segments has a box no bigger than the run, and a
/// traversal of the hierarchy against itself only descends where the curve comes back near
/// itself: about O(n) pairs of boxes for a ring of evenly sized segments. Building it is O(n) with
/// plain arrays (no sort, no generic R-tree), which keeps it fast in unoptimised test builds too.
/// Like any filter by boxes it is quadratic at worst, for rings whose segments' boxes nearly all
/// meet (a fan of thousands of long, thin spikes).
pub(super) fn indexed(lines: &[Line<f64>]) -> bool {
    let mut boxes = Vec::with_capacity(lines.len());
    for (index, l) in lines.iter().enumerate() {
        if line_is_safe(l) {
            let (s, e) = (l.start, l.end);
            boxes.push([s.x.min(e.x), s.y.min(e.y), s.x.max(e.x), s.y.max(e.y)]);
        } else {
            boxes.push(EMPTY);
            if lines
                .iter()
                .enumerate()
                .any(|(j, other)| j != index && pair_crosses(l, other))
            {
                return true;
            }
        }
    }
    if lines.is_empty() {
        return false;
    }
    // levels[0]: leaf boxes; levels[k + 1][i]: levels[k][2i] ∪ levels[k][2i + 1].
    let mut levels: Vec<Vec<Bx>> = vec![
        boxes
            .chunks(LEAF)
            .map(|c| c.iter().fold(EMPTY, |u, b| union(&u, b)))
            .collect(),
    ];
    while levels[levels.len() - 1].len() > 1 {
        let below = &levels[levels.len() - 1];
        let up = below
            .chunks(2)
            .map(|c| c.iter().fold(EMPTY, |u, b| union(&u, b)))
            .collect();
        levels.push(up);
    }
    // Pairs of nodes (level, i, j), i <= j, whose boxes meet.
    let mut stack = vec![(levels.len() - 1, 0, 0)];
    while let Some((level, i, j)) = stack.pop() {
        let nodes = &levels[level];
        if !meet(&nodes[i], &nodes[j]) {
            continue;
        }
        if level == 0 {
            if leaves_cross(lines, &boxes, i, j) {
                return true;
            }
            continue;
        }
        let width = levels[level - 1].len();
        let kids = |n: usize| 2 * n..(2 * n + 2).min(width);
        for a in kids(i) {
            for b in kids(j) {
                if a <= b {
                    stack.push((level - 1, a, b));
                }
            }
        }
    }
    false
}

/// Whether a pair of safe segments, one in leaf `i` and one in leaf `j` (`i <= j`; the same leaf:
/// each pair once), crosses by geo's test. Neighbours along the ring are skipped: `lines()` makes
/// the end of one segment the very start of the next, so geo's test is false for them both ways
/// round (for safe, so non-NaN, coordinates).
fn leaves_cross(lines: &[Line<f64>], boxes: &[Bx], i: usize, j: usize) -> bool {
    let leaf = |k: usize| k * LEAF..((k + 1) * LEAF).min(lines.len());
    for a in leaf(i) {
        let later = if i == j {
            a + 2
        } else {
            leaf(j).start.max(a + 2)
        };
        for b in later..leaf(j).end {
            if meet(&boxes[a], &boxes[b]) && pair_crosses(&lines[a], &lines[b]) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, coord};

    fn ring(c: &[(f64, f64)]) -> LineString<f64> {
        let mut r: LineString<f64> = c.iter().map(|&(x, y)| coord! { x: x, y: y }).collect();
        r.close();
        r
    }

    #[test]
    fn too_few_points_counts_like_dedup() {
        assert!(too_few_points(&ring(&[(0., 0.), (1., 0.), (1., 0.)])));
        assert!(!too_few_points(&ring(&[(0., 0.), (1., 0.), (1., 1.)])));
        // Non-consecutive repeats are kept.
        assert!(!too_few_points(&ring(&[
            (0., 0.),
            (1., 0.),
            (0., 0.),
            (1., 0.)
        ])));
        // NaN never equals itself, so it is never dropped.
        let nan = f64::NAN;
        assert!(!too_few_points(&LineString::from(vec![
            (nan, 0.),
            (nan, 0.),
            (nan, 0.),
            (nan, 0.)
        ])));
        assert!(too_few_points(&LineString::<f64>::new(vec![])));
    }

    #[test]
    fn safe_range() {
        assert!(is_safe(0.0) && is_safe(-0.0) && is_safe(4.05e7) && is_safe(-1e-12));
        assert!(!is_safe(f64::NAN) && !is_safe(f64::INFINITY) && !is_safe(1e200));
        assert!(!is_safe(1e-200) && !is_safe(f64::MIN_POSITIVE));
    }

    /// A ring of `n` segments on a circle of radius 1 about the origin, with one vertex moved by
    /// `(dx, dy)`.
    fn circle(n: usize, moved: usize, dx: f64, dy: f64) -> Vec<Line<f64>> {
        let mut c: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = i as f64 * std::f64::consts::TAU / n as f64;
                (a.cos(), a.sin())
            })
            .collect();
        c[moved].0 += dx;
        c[moved].1 += dy;
        ring(&c).lines().collect()
    }

    #[test]
    fn indexed_agrees_with_every_pair() {
        for n in [3, 4, 10, 100, 300] {
            for (dx, dy) in [
                (0.0, 0.0),
                (-1.5, 0.0),
                (-1.0, -0.2),
                (-2.0, 0.0),
                (0.5, 0.5),
            ] {
                let lines = circle(n, 1, dx, dy);
                assert_eq!(indexed(&lines), every_pair(&lines), "n {n} ({dx}, {dy})");
            }
        }
        let mut lines = circle(200, 0, 0.0, 0.0);
        assert!(!indexed(&lines));
        // A NaN segment is tried against all others: same answer as geo's loop.
        lines[5].end.x = f64::NAN;
        lines[6].start.x = f64::NAN;
        assert_eq!(indexed(&lines), every_pair(&lines));
        let mut lines = circle(200, 0, 0.0, 0.0);
        lines[7].end = coord! { x: 1e300, y: 0.0 };
        lines[8].start = coord! { x: 1e300, y: 0.0 };
        assert_eq!(indexed(&lines), every_pair(&lines));
    }

    #[test]
    fn small_rings_agree_with_every_pair() {
        // Rings of 2 to 10 segments on a 4 × 4 grid (crossings, spikes, repeats, collinear
        // overlaps), some through the one-leaf path and some just past it.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 4) as f64
        };
        for n in 2..=10 {
            for _ in 0..400 {
                let c: Vec<(f64, f64)> = (0..n).map(|_| (next(), next())).collect();
                let r = ring(&c);
                let lines: Vec<Line<f64>> = r.lines().collect();
                assert_eq!(has_self_intersection(&r), every_pair(&lines), "{c:?}");
            }
        }
    }

    #[test]
    #[ignore = "timing probe: where every_pair and indexed cost the same"]
    fn probe_crossover() {
        for n in [8, 16, 24, 32, 48, 64, 96, 128, 256] {
            let lines = circle(n, 0, 0.0, 0.0);
            let reps = 200_000 / n;
            let t = std::time::Instant::now();
            for _ in 0..reps {
                assert!(!every_pair(std::hint::black_box(&lines)));
            }
            let naive = t.elapsed() / reps as u32;
            let t = std::time::Instant::now();
            for _ in 0..reps {
                assert!(!indexed(std::hint::black_box(&lines)));
            }
            eprintln!(
                "n {n}: every_pair {naive:?}, indexed {:?}",
                t.elapsed() / reps as u32
            );
        }
    }
}
