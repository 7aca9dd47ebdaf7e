//! The four reference layers laid over the county after the approvals, supplies and
//! footprints: land use, permanent basic farmland, the ecological red line and the regions.
//! Each draws from a random stream of its own, so adding them left the other layers unchanged.

use geo::Rect;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::grid::Grid;
use crate::{FootprintGroup, Sink, SynthParcel, Which, landuse, protect, regions};

/// XORed into the survey seed to seed the land-use stream (grid, parcels, classes).
pub(crate) const LANDUSE_XOR: u64 = 0x1A4D;
/// … the regions stream (margin and boundary between the two cities' districts).
pub(crate) const REGIONS_XOR: u64 = 0x4E61;
/// … the farmland stream.
pub(crate) const FARMLAND_XOR: u64 = 0xFA44;
/// … the red line stream.
pub(crate) const REDLINE_XOR: u64 = 0x4ED1;

/// What the pass counted (the features went to the sink).
pub(crate) struct Layers {
    pub cells: usize,
    pub merged: usize,
    pub strips: usize,
    pub unknown: usize,
    pub in_built: usize,
    pub farmland_area: f64,
    pub farmland_on_approvals: usize,
    pub farmland_in_approvals_m2: f64,
    pub redline_area: f64,
    pub approvals_off: usize,
    pub supplies_off: usize,
}

pub(crate) fn generate(
    seed: u64,
    extent: Rect<f64>,
    approvals: &[SynthParcel],
    supplies: &[SynthParcel],
    groups: &[FootprintGroup],
    sink: &mut dyn Sink,
) -> Layers {
    let mut lu = ChaCha8Rng::seed_from_u64(seed ^ LANDUSE_XOR);
    let mut rg = ChaCha8Rng::seed_from_u64(seed ^ REGIONS_XOR);
    let mut fa = ChaCha8Rng::seed_from_u64(seed ^ FARMLAND_XOR);
    let mut rl = ChaCha8Rng::seed_from_u64(seed ^ REDLINE_XOR);

    let grid = Grid::new(&mut lu, extent);
    let labels = regions::label_cells(&mut rg, &grid, approvals, supplies);
    let parcels = landuse::build_parcels(&mut lu, &grid, &labels.of_cell);
    let (infos, st) = landuse::classify(
        &mut lu,
        &grid,
        &parcels,
        &labels.of_cell,
        extent,
        approvals,
        supplies,
        groups,
    );
    let a_index = landuse::approval_index(extent, approvals);
    let farmland = protect::farmland(
        &mut fa,
        &grid,
        &parcels,
        &infos,
        approvals,
        &a_index,
        &mut |p| sink.put(Which::Farmland, p),
    );
    let (redline, redline_area) = protect::redline(&mut rl, &grid, &parcels, &infos);
    for p in redline {
        sink.put(Which::Redline, p);
    }
    for p in regions::features(&grid, &labels.of_cell) {
        sink.put(Which::Regions, p);
    }
    let cells = grid.cells();
    drop(a_index);
    drop(parcels);
    landuse::features(&mut lu, infos, extent, &mut |p| sink.put(Which::Landuse, p));
    Layers {
        cells,
        merged: st.merged,
        strips: st.strips,
        unknown: st.unknown,
        in_built: st.in_built,
        farmland_area: farmland.area,
        farmland_on_approvals: farmland.on_approvals,
        farmland_in_approvals_m2: farmland.in_approvals_area,
        redline_area,
        approvals_off: labels.approvals_off,
        supplies_off: labels.supplies_off,
    }
}
