//! Built fraction: how much of each supply is covered by construction detected on the ground.
//! Footprints that touch or overlap are unioned before measuring (NonZero fill in
//! [`intersection_of_union`](crate::overlay::intersection_of_union)), and exact duplicates are kept
//! once, so overlapping or duplicated footprints never count twice. Footprints inside the supply
//! and apart from the others are summed, and one across its edge but apart from the others adds
//! its own intersection with it (the crate's `cover` module). With dated footprints (RQ), the
//! cover is also measured per observation date, each date's footprints taken as a snapshot.

use std::cell::RefCell;

use chrono::NaiveDate;
use geo::{BoundingRect, Polygon, Rect};
use rayon::prelude::*;

use crate::clip::Convex;
use crate::cover::{Meetings, Placed, Target};
use crate::index::{ParcelIndex, par_map_z_order};
use crate::measure::Measure;
use crate::model::{Footprint, Supply};
use crate::overlay::guarded;

/// Footprint cover of one supply.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// Area of the supply covered by the union of footprints (m²).
    pub built_m2: f64,
    /// Covered area per observation date, ascending by date (empty unless ≥ 2 dates exist).
    pub by_date: Vec<(NaiveDate, f64)>,
}

/// The distinct observation dates of a footprint layer, ascending.
pub fn observation_dates(footprints: &[Footprint]) -> Vec<NaiveDate> {
    let mut d: Vec<NaiveDate> = footprints.iter().filter_map(|f| f.rq).collect();
    d.sort_unstable();
    d.dedup();
    d
}

/// Footprint cover of every supply, in parallel. Per-date cover is computed when the layer holds
/// two or more observation dates.
pub fn built(
    supplies: &[Supply],
    footprints: &[Footprint],
    index: &ParcelIndex,
    m: &Measure,
) -> Vec<Result<Built, String>> {
    built_with_areas(supplies, &[], footprints, index, m)
}

/// [`built`], with the supplies' areas under `m` where already measured (`areas[i]` for
/// `supplies[i]`; missing or `None` ones are measured here): the audit has them from the link
/// check, and the ellipsoidal area of a supply is as dear as one of its differences.
pub fn built_with_areas(
    supplies: &[Supply],
    areas: &[Option<f64>],
    footprints: &[Footprint],
    index: &ParcelIndex,
    m: &Measure,
) -> Vec<Result<Built, String>> {
    let dates = observation_dates(footprints);
    let rects: Vec<Option<Rect<f64>>> = supplies
        .par_iter()
        .map(|s| s.geometry().bounding_rect())
        .collect();
    // In Z-order: neighbouring supplies share the footprints near their common edge.
    par_map_z_order(&rects, |i| {
        guarded(|| {
            let g = supplies[i].geometry();
            let cands: Vec<&Footprint> = match rects[i] {
                Some(r) => index
                    .candidates(r)
                    .into_iter()
                    .map(|j| &footprints[j])
                    .collect(),
                None => vec![],
            };
            let area = areas.get(i).copied().flatten().unwrap_or_else(|| m.area(g));
            let all: Vec<_> = cands.iter().map(|f| f.geometry()).collect();
            // Every footprint placed once against the supply; each cover below is then a sum
            // but for footprints that meet one another (see `cover`).
            // (an empty supply has no pieces, and covers nothing)
            let placed: Placed = Target::new(g)
                .map(|t| t.place_all(&all))
                .unwrap_or_default();
            // How they meet one another, found once for every date's cover.
            let meetings = Meetings::new(&placed);
            let convex = Convex::new(g);
            // A footprint counted on several dates' covers is measured once.
            let measured: RefCell<Vec<(*const Polygon<f64>, f64)>> = RefCell::default();
            let area_of = |p: &Polygon<f64>| {
                let known = measured
                    .borrow()
                    .iter()
                    .find(|(q, _)| std::ptr::eq(*q, p))
                    .map(|k| k.1);
                known.unwrap_or_else(|| {
                    let a = m.polygon_area(p);
                    measured.borrow_mut().push((p as *const _, a));
                    a
                })
            };
            let cover = |on: &dyn Fn(usize) -> bool| {
                meetings
                    .split(on)
                    .area(m, g, convex.as_ref(), area, area_of)
            };
            let built_m2 = cover(&|_| true);
            let by_date = if dates.len() >= 2 {
                dates
                    .iter()
                    .map(|d| {
                        let on = |k: usize| cands[k].rq == Some(*d);
                        // All candidates of one date (the usual case): the same
                        // footprints as `all`, so the same cover, measured once.
                        let m2 = if (0..cands.len()).all(on) {
                            built_m2
                        } else {
                            cover(&on)
                        };
                        (*d, m2)
                    })
                    .collect()
            } else {
                vec![]
            };
            Built { built_m2, by_date }
        })
    })
}
