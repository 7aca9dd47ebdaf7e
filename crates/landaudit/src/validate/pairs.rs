//! Which pairs of rings (holes of one polygon) or of polygons (parts of one multipolygon) geo's
//! validation would really compare.
//!
//! geo relates every pair, but its `relate` starts with a box test
//! (`RelateOperation::compute_intersection_matrix`): unless both bounding rectangles exist and
//! `Rect::intersects` joins them, it only fills in the exterior cells of the matrix
//! (`compute_disjoint`), so interior–interior and boundary–boundary stay empty and the pair
//! yields no error. Skipping exactly those pairs gives geo's answers. The pairs that are left are
//! found through an R-tree, so thousands of small, mostly disjoint holes or parts cost
//! O(n log n), not O(n²).

use geo::{Intersects, Rect};
use rstar::{AABB, RTree, RTreeObject};

struct Boxed {
    envelope: AABB<[f64; 2]>,
    index: usize,
}

impl RTreeObject for Boxed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// Up to this many rectangles every pair is tried: cheaper than building a tree.
const SMALL: usize = 8;

fn is_finite(r: &Rect<f64>) -> bool {
    [r.min().x, r.min().y, r.max().x, r.max().y]
        .iter()
        .all(|v| v.is_finite())
}

/// For each index `i`, the indices `j > i`, ascending, whose rectangle `Rect::intersects` the
/// rectangle of `i` (`None` meets nothing). Finite rectangles are paired through an R-tree (its
/// test is the same inclusive comparison as geo's); a rectangle with a NaN or infinite side is
/// tried against every other with geo's own test.
pub(super) fn meeting_pairs(rects: &[Option<Rect<f64>>]) -> Vec<Vec<usize>> {
    let mut later = vec![Vec::new(); rects.len()];
    if rects.len() <= SMALL {
        // Most polygons have no hole and most multipolygons one part: no tree for those.
        for (i, r) in rects.iter().enumerate() {
            let Some(r) = r else { continue };
            for (j, o) in rects.iter().enumerate().skip(i + 1) {
                if let Some(o) = o
                    && r.intersects(o)
                {
                    later[i].push(j);
                }
            }
        }
        return later;
    }
    let mut finite = Vec::with_capacity(rects.len());
    for (index, r) in rects.iter().enumerate() {
        let Some(r) = r else { continue };
        if is_finite(r) {
            finite.push(Boxed {
                envelope: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                index,
            });
        } else {
            for (j, other) in rects.iter().enumerate() {
                if let Some(other) = other
                    && j != index
                    && r.intersects(other)
                {
                    let (i, j) = (index.min(j), index.max(j));
                    later[i].push(j);
                }
            }
        }
    }
    let tree = RTree::bulk_load(finite);
    for b in tree.iter() {
        let r = rects[b.index].as_ref().expect("boxed rects exist");
        for other in tree.locate_in_envelope_intersecting(b.envelope) {
            let o = rects[other.index].as_ref().expect("boxed rects exist");
            if other.index > b.index && r.intersects(o) {
                later[b.index].push(other.index);
            }
        }
    }
    for js in &mut later {
        js.sort_unstable();
        // A non-finite rectangle was paired from both of its sides' scans.
        js.dedup();
    }
    later
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Option<Rect<f64>> {
        Some(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }))
    }

    #[test]
    fn pairs_are_those_geo_relates() {
        let rects = vec![
            rect(0., 0., 1., 1.),
            rect(1., 1., 2., 2.), // touches 0 at a corner
            None,
            rect(5., 5., 6., 6.),
            rect(0.5, -3., 0.6, 9.), // meets 0 and 3? no: x 0.5..0.6 misses 5..6
            rect(f64::NAN, 0., 1., 1.),
            rect(-f64::INFINITY, 5.5, 0.0, 5.6),
        ];
        // The same rectangles alone (tried pair by pair) and among 40 more (through the tree).
        let mut many = rects.clone();
        for k in 0..40 {
            let (x, y) = ((k % 7) as f64 * 0.9, (k / 7) as f64 * 0.8);
            many.push(rect(x, y, x + 1.0, y + 0.5));
        }
        for rects in [&rects, &many] {
            let got = meeting_pairs(rects);
            let mut want = vec![Vec::new(); rects.len()];
            for i in 0..rects.len() {
                for j in i + 1..rects.len() {
                    if let (Some(a), Some(b)) = (&rects[i], &rects[j])
                        && a.intersects(b)
                    {
                        want[i].push(j);
                    }
                }
            }
            assert_eq!(got, want);
            assert!(want[0].contains(&1));
        }
    }
}
