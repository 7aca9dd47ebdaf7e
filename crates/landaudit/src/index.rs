//! R-tree of parcel envelopes (`rstar`, bulk-loaded). The index stores bounding rectangles and the
//! parcel's position, not geo types: geo-types implements `RTreeObject` only for older rstar
//! versions (DEPS 0), and envelopes are all the filter step needs; the exact test is the overlay.

use geo::{BoundingRect, MultiPolygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

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
