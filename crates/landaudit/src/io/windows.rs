//! Text made in parallel and written in order, a window of items at a time: the big outputs
//! (`supplies.csv`, `unsupplied.geojson`, `idle.geojson`) are formatted on every thread without
//! a province's table ever held as text whole.

use rayon::prelude::*;

/// Makes the text of `items` with `make`, in parallel chunks of `chunk` items, and hands the
/// chunks' texts to `put` in item order, `window` chunks at a time; the first error, in order,
/// stops it.
pub(crate) fn in_order<'a, T: Sync>(
    items: &'a [T],
    chunk: usize,
    make: impl Fn(&'a [T]) -> std::io::Result<Vec<u8>> + Sync,
    mut put: impl FnMut(Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    const WINDOW: usize = 32;
    for window in items.chunks(chunk * WINDOW) {
        let texts: Vec<std::io::Result<Vec<u8>>> = window.par_chunks(chunk).map(&make).collect();
        for text in texts {
            put(text?)?;
        }
    }
    Ok(())
}
