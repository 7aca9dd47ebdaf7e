//! R-tree of parcel envelopes (`rstar`, bulk-loaded). The index stores bounding rectangles and the
//! parcel's position, not geo types: geo-types implements `RTreeObject` only for older rstar
//! versions (DEPS 0), and envelopes are all the filter step needs; the exact test is the overlay.

use geo::{BoundingRect, MultiPolygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::io::read::union_rect;

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

fn entry(r: Rect<f64>, i: usize) -> Entry {
    GeomWithData::new(
        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
        i,
    )
}

/// Spatial index over a slice of geometries, answering "which envelopes meet this rectangle".
///
/// ```
/// use geo::wkt;
/// use landaudit::ParcelIndex;
/// let parcels = vec![
///     wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)))),
///     wkt!(MULTIPOLYGON(((5. 5.,6. 5.,6. 6.,5. 6.,5. 5.)))),
/// ];
/// let index = ParcelIndex::new(parcels.iter());
/// let hits = index.candidates(geo::Rect::new((0.5, 0.5), (2., 2.)));
/// assert_eq!(hits, vec![0]);
/// ```
#[derive(Debug, Clone)]
pub struct ParcelIndex {
    tree: RTree<Entry>,
}

impl ParcelIndex {
    /// Bulk-loads the envelopes of `geometries`; positions in the iteration are the ids returned.
    /// The envelopes (a pass over every vertex) are computed in parallel; the bulk load, most of
    /// the work, is rstar's and sequential.
    pub fn new<'a>(geometries: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let geometries: Vec<&MultiPolygon<f64>> = geometries.into_iter().collect();
        let entries: Vec<Entry> = geometries
            .par_iter()
            .enumerate()
            .filter_map(|(i, g)| Some(entry(g.bounding_rect()?, i)))
            .collect();
        ParcelIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Bulk-loads rectangles (envelopes computed elsewhere); positions in the iteration are the
    /// ids returned.
    pub fn from_rects(rects: impl IntoIterator<Item = Rect<f64>>) -> Self {
        let entries: Vec<Entry> = rects
            .into_iter()
            .enumerate()
            .map(|(i, r)| entry(r, i))
            .collect();
        ParcelIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Whether some envelope meets `rect` (touching counts): whether [`ParcelIndex::candidates`]
    /// would find any.
    pub fn meets(&self, rect: Rect<f64>) -> bool {
        let aabb = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        self.tree
            .locate_in_envelope_intersecting(aabb)
            .next()
            .is_some()
    }

    /// Positions of the geometries whose envelope meets `rect`, ascending.
    pub fn candidates(&self, rect: Rect<f64>) -> Vec<usize> {
        let aabb = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut out: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(aabb)
            .map(|e| e.data)
            .collect();
        out.sort_unstable();
        out
    }

    /// Number of indexed geometries.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

/// The positions of `rects` in Z-order (Morton order) of their centres over their common
/// extent, positions without a rectangle last.
///
/// Layers come in no spatial order (the generator shuffles them, and a survey's order is its
/// digitisers'). Parallel work over a layer in this order hands each thread runs of neighbours,
/// whose candidates, and the index nodes that find them, are often still in cache from the
/// neighbour before: supplies share the footprints near their common edges.
pub(crate) fn z_order(rects: &[Option<Rect<f64>>]) -> Vec<usize> {
    let Some(extent) = union_rect(rects.iter().flatten().copied()) else {
        return (0..rects.len()).collect();
    };
    // 2^16 steps a side: about 15 m on a 1,000 km layer, finer than any run of parcels needs.
    const STEPS: f64 = 65_535.0;
    let step = |v: f64, lo: f64, span: f64| -> u64 {
        if span > 0.0 {
            // (in 0..=STEPS; `as` saturates, and a NaN centre goes to 0)
            ((v - lo) / span * STEPS).clamp(0.0, STEPS) as u64
        } else {
            0
        }
    };
    let (w, h) = (extent.width(), extent.height());
    let mut keyed: Vec<(u64, usize)> = rects
        .par_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Some(r) => {
                let c = r.center();
                let x = step(c.x, extent.min().x, w);
                let y = step(c.y, extent.min().y, h);
                (spread_bits(x) | (spread_bits(y) << 1), i)
            }
            None => (u64::MAX, i),
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The low 16 bits of `v` moved to the even bit positions (bit k to bit 2k).
fn spread_bits(v: u64) -> u64 {
    let mut v = v & 0xFFFF;
    v = (v | (v << 8)) & 0x00FF_00FF;
    v = (v | (v << 4)) & 0x0F0F_0F0F;
    v = (v | (v << 2)) & 0x3333_3333;
    (v | (v << 1)) & 0x5555_5555
}

/// `f` of every position of `rects`, computed in parallel in their [`z_order`] and returned in
/// position order.
pub(crate) fn par_map_z_order<R: Send>(
    rects: &[Option<Rect<f64>>],
    f: impl Fn(usize) -> R + Sync + Send,
) -> Vec<R> {
    let mut order = z_order(rects);
    let mut out: Vec<R> = order.par_iter().map(|&i| f(i)).collect();
    // `out[k]` belongs at `order[k]`: follow each cycle of the permutation, one swap putting
    // one result in its place, so that no second vector of results is ever held (at scale 200
    // the link check's results alone are some 300 MB).
    for k in 0..out.len() {
        while order[k] != k {
            let to = order[k];
            out.swap(k, to);
            order.swap(k, to);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn square(x: f64, y: f64) -> Option<Rect<f64>> {
        Some(Rect::new((x, y), (x + 1.0, y + 1.0)))
    }

    #[test]
    fn z_order_visits_quadrants_one_after_another() {
        // A 4 × 4 grid of unit squares, given row by row from the top: Z-order takes the
        // lower-left 2 × 2 block first, then lower-right, upper-left, upper-right.
        let mut rects = vec![];
        for row in (0..4).rev() {
            for col in 0..4 {
                rects.push(square(f64::from(col) * 10.0, f64::from(row) * 10.0));
            }
        }
        let at = |col: usize, row: usize| (3 - row) * 4 + col;
        let order = z_order(&rects);
        let blocks: Vec<Vec<usize>> = order.chunks(4).map(|c| c.to_vec()).collect();
        let block = |c0: usize, r0: usize| {
            let mut b = vec![
                at(c0, r0),
                at(c0 + 1, r0),
                at(c0, r0 + 1),
                at(c0 + 1, r0 + 1),
            ];
            b.sort_unstable();
            b
        };
        let sorted = |mut v: Vec<usize>| {
            v.sort_unstable();
            v
        };
        assert_eq!(sorted(blocks[0].clone()), block(0, 0));
        assert_eq!(sorted(blocks[1].clone()), block(2, 0));
        assert_eq!(sorted(blocks[2].clone()), block(0, 2));
        assert_eq!(sorted(blocks[3].clone()), block(2, 2));
        // within the first block: (0,0), (1,0), (0,1), (1,1)
        assert_eq!(blocks[0], vec![at(0, 0), at(1, 0), at(0, 1), at(1, 1)]);
    }

    #[test]
    fn z_order_of_degenerate_layers() {
        assert!(z_order(&[]).is_empty());
        assert_eq!(z_order(&[None, None]), vec![0, 1]);
        // all centres equal (zero extent): every position once, the empty one last
        let same = vec![square(5.0, 5.0), None, square(5.0, 5.0)];
        let order = z_order(&same);
        assert_eq!(order.len(), 3);
        assert_eq!(order[2], 1);
    }

    proptest! {
        /// Every position is visited once and each result lands at its own position.
        #[test]
        fn par_map_z_order_keeps_positions(
            rects in prop::collection::vec(
                prop::option::of((-1e6..1e6f64, -1e6..1e6f64, 0.0..1e3f64)),
                0..300,
            ),
        ) {
            let rects: Vec<Option<Rect<f64>>> = rects
                .into_iter()
                .map(|r| r.map(|(x, y, s)| Rect::new((x, y), (x + s, y + s))))
                .collect();
            let mut order = z_order(&rects);
            order.sort_unstable();
            prop_assert_eq!(order, (0..rects.len()).collect::<Vec<_>>());
            let out = par_map_z_order(&rects, |i| (i, rects[i]));
            prop_assert_eq!(out.len(), rects.len());
            for (k, (i, r)) in out.into_iter().enumerate() {
                prop_assert_eq!(k, i);
                prop_assert_eq!(r, rects[k]);
            }
        }
    }
}
