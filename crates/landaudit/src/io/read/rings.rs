//! From rings of positions, as any format gives them, to polygons: checks the positions and rings
//! that geo's constructors would silently "fix" (unclosed rings, rings too short to close) and
//! the coordinates no parcel has (non-finite, beyond ±1e9). Shared by every reader.

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// The largest coordinate accepted, in either axis. Real coordinates stay far below it (degrees,
/// or Gauss-Krüger eastings of ≈ 4.6×10⁷ m with a zone prefix); beyond it a value is a data error,
/// and squares of larger values (areas, distances) would lose all precision or overflow.
pub(crate) const MAX_COORD: f64 = 1e9;

/// A position as a format gives it: x and y, or the number of coordinates it has when fewer.
pub(crate) trait Position: Sized {
    /// `Ok((x, y))`, or `Err(n)` for a position of `n < 2` coordinates.
    fn xy(&self) -> Result<(f64, f64), usize>;

    /// A ring's positions as checked coordinates ([`checked`]), or the first that fails with
    /// its index.
    fn into_coords(ring: Vec<Self>) -> Result<Vec<Coord<f64>>, (usize, BadPosition)> {
        ring.iter()
            .enumerate()
            .map(|(ci, p)| checked(p.xy()).map_err(|e| (ci, e)))
            .collect()
    }
}

/// What is wrong with a position.
pub(crate) enum BadPosition {
    /// It has this many coordinates, fewer than 2.
    Short(usize),
    NonFinite,
    /// A coordinate beyond ±[`MAX_COORD`].
    Beyond(f64, f64),
}

/// The coordinate of a position with `-0` read as `0`, unless it is short, not finite or
/// beyond ±[`MAX_COORD`].
fn checked(xy: Result<(f64, f64), usize>) -> Result<Coord<f64>, BadPosition> {
    let (x, y) = xy.map_err(BadPosition::Short)?;
    if !x.is_finite() || !y.is_finite() {
        return Err(BadPosition::NonFinite);
    }
    if x.abs() > MAX_COORD || y.abs() > MAX_COORD {
        return Err(BadPosition::Beyond(x, y));
    }
    Ok(Coord {
        x: x + 0.0,
        y: y + 0.0,
    })
}

impl Position for geojson::Position {
    fn xy(&self) -> Result<(f64, f64), usize> {
        match self.as_slice() {
            &[x, y, ..] => Ok((x, y)),
            other => Err(other.len()),
        }
    }
}

impl Position for Coord<f64> {
    fn xy(&self) -> Result<(f64, f64), usize> {
        Ok((self.x, self.y))
    }

    /// Checked in place: the ring is already the vector the polygon keeps.
    fn into_coords(mut ring: Vec<Self>) -> Result<Vec<Coord<f64>>, (usize, BadPosition)> {
        for (ci, c) in ring.iter_mut().enumerate() {
            *c = checked(Ok((c.x, c.y))).map_err(|e| (ci, e))?;
        }
        Ok(ring)
    }
}

/// Builds polygons from `parts` (each a list of rings, exterior first), checking every position
/// and ring.
///
/// A ring with fewer than 3 distinct positions (`[a, b, a, a]` passes the closure and length
/// checks) encloses nothing. It is rejected, or with `repair` dropped (a hole) or dropped with its
/// polygon (an exterior), which the returned notes say. It never reaches geo's validation: a
/// polygon collapsed to a point trips a debug assertion in geo's `relate` (geo 0.33.1, found by the
/// overlay fuzz target), and such rings are not polygons anyway.
///
/// `-0` is read as `0`: geo's sweep line orders coordinates with `total_cmp`, where -0.0 < 0.0,
/// and trips a debug assertion on them in `MakeValid` (geo 0.33.1, georust/geo#1578).
pub(crate) fn polygons_from_parts<P: Position>(
    parts: Vec<Vec<Vec<P>>>,
    repair: bool,
) -> Result<(MultiPolygon<f64>, Vec<String>), String> {
    if parts.iter().all(|p| p.is_empty()) {
        return Err("empty geometry".into());
    }
    let mut polygons = Vec::with_capacity(parts.len());
    let mut notes = Vec::new();
    'parts: for (pi, rings) in parts.into_iter().enumerate() {
        if rings.is_empty() {
            return Err(format!("polygon {pi} has no rings"));
        }
        // Holes apart from the start: a polygon without holes allocates no list of them (the
        // parcels keep these vectors, oriented in place by `check_geometry`).
        let mut exterior = None;
        let mut holes = Vec::with_capacity(rings.len() - 1);
        for (ri, ring) in rings.into_iter().enumerate() {
            // Only messages need the ring's name: not built for rings that pass.
            let name = || {
                if ri == 0 {
                    format!("polygon {pi} exterior ring")
                } else {
                    format!("polygon {pi} interior ring {}", ri - 1)
                }
            };
            let coords = P::into_coords(ring).map_err(|(ci, e)| match e {
                BadPosition::Short(n) => format!(
                    "{}: position {ci} has {n} coordinate(s), expected at least 2",
                    name()
                ),
                BadPosition::NonFinite => {
                    format!("{}: non-finite coordinate at position {ci}", name())
                }
                BadPosition::Beyond(x, y) => format!(
                    "{}: coordinate ({x:e}, {y:e}) at position {ci} is beyond ±{MAX_COORD:e}",
                    name()
                ),
            })?;
            if coords.len() < 4 {
                return Err(format!(
                    "{} has {} positions; a closed ring needs at least 4",
                    name(),
                    coords.len()
                ));
            }
            if coords.first() != coords.last() {
                return Err(format!(
                    "{} is not closed (first and last positions differ)",
                    name()
                ));
            }
            let distinct = coords.windows(2).filter(|w| w[0] != w[1]).count();
            if distinct < 3 {
                let what = format!("{} has fewer than 3 distinct positions", name());
                if !repair {
                    return Err(what);
                }
                if ri == 0 {
                    notes.push(format!("repaired: polygon {pi} dropped, its {what}"));
                    continue 'parts;
                }
                notes.push(format!(
                    "repaired: {} dropped, it has fewer than 3 distinct positions",
                    name()
                ));
                continue;
            }
            if ri == 0 {
                exterior = Some(LineString::new(coords));
            } else {
                holes.push(LineString::new(coords));
            }
        }
        let exterior = exterior.expect("an exterior ring is kept, or its polygon skipped");
        polygons.push(Polygon::new(exterior, holes));
    }
    if polygons.is_empty() {
        return Err("no polygon with 3 distinct positions".into());
    }
    Ok((MultiPolygon::new(polygons), notes))
}

/// The rings of a geo multipolygon as parts, for readers that hand out geo types (GDAL): the
/// same checks then apply to every format.
#[cfg_attr(not(feature = "gdal"), allow(dead_code))] // used by the GDAL reader
pub(crate) fn parts_of(g: &MultiPolygon<f64>) -> Vec<Vec<Vec<Coord<f64>>>> {
    g.0.iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| r.0.clone())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(d: f64) -> Vec<Coord<f64>> {
        [(0., 0.), (d, 0.), (d, d), (0., d), (0., 0.)]
            .map(|(x, y)| Coord { x, y })
            .to_vec()
    }

    #[test]
    fn geo_rings_get_the_same_checks() {
        let (mp, notes) = polygons_from_parts(vec![vec![square(10.0)]], false).unwrap();
        assert_eq!(mp.0.len(), 1);
        assert!(notes.is_empty());
        let mut open = square(10.0);
        open.pop();
        open.push(Coord { x: 1.0, y: 1.0 });
        let e = polygons_from_parts(vec![vec![open]], false).unwrap_err();
        assert!(e.contains("not closed"), "{e}");
        let mut nan = square(10.0);
        nan[2].x = f64::NAN;
        let e = polygons_from_parts(vec![vec![nan]], false).unwrap_err();
        assert!(e.contains("non-finite"), "{e}");
        let flat = vec![vec![square(0.0)]];
        assert!(polygons_from_parts(flat.clone(), false).is_err());
        assert_eq!(
            polygons_from_parts(flat, true).unwrap_err(),
            "no polygon with 3 distinct positions"
        );
    }

    #[test]
    fn parts_round_trip() {
        let (mp, _) = polygons_from_parts(vec![vec![square(10.0), square(1.0)]], false).unwrap();
        let (again, _) = polygons_from_parts(parts_of(&mp), false).unwrap();
        assert_eq!(mp, again);
    }
}
