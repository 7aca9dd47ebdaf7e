//! Streaming GeoJSON writer: a FeatureCollection with the input's `crs` member (so GDAL and QGIS
//! place the output where the input was), features written one at a time, atomically.
//!
//! Each feature is written as the `geojson` crate writes a `Feature` with a `MultiPolygon`
//! geometry (`{"type":"Feature","geometry":{…},"properties":{…}}`, numbers by serde_json), but
//! straight from the `geo` polygons: `geojson::Geometry::from` builds a vector per position,
//! which cost more than the writing.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use geo::{LineString, MultiPolygon, Polygon};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::crs::Crs;
use crate::error::Result;
use crate::io::atomic::write_atomic;

/// Writes `features` (properties, geometry) as a FeatureCollection to `path`, atomically.
///
/// ```
/// use geo::wkt;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.geojson");
/// let square = wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.))));
/// let mut props = serde_json::Map::new();
/// props.insert("id".into(), "a".into());
/// landaudit::io::geojson_write::write_features(&path, &landaudit::Crs::Epsg(4549), [(props, &square)]).unwrap();
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert!(text.contains("urn:ogc:def:crs:EPSG::4549"));
/// assert_eq!(text.parse::<geojson::GeoJson>().is_ok(), true);
/// ```
pub fn write_features<'g>(
    path: &Path,
    crs: &Crs,
    features: impl IntoIterator<Item = (Map<String, Value>, &'g MultiPolygon<f64>)>,
) -> Result<()> {
    write_atomic(path, |w| {
        head(w, crs)?;
        let mut text = Vec::new();
        for (i, (properties, geometry)) in features.into_iter().enumerate() {
            text.clear();
            if i > 0 {
                text.extend_from_slice(b",\n");
            }
            feature(&mut text, &properties, geometry)?;
            w.write_all(&text)?;
        }
        tail(w)
    })
}

/// [`write_features`] for features made from `items`: made and formatted in parallel, a window
/// of items at a time (a province's layer is never held as text whole), and written in order.
/// `feature` gives `None` for an item without a feature.
pub(crate) fn write_features_par<'a, T: Sync>(
    path: &Path,
    crs: &Crs,
    items: &'a [T],
    feature_of: impl Fn(&'a T) -> Option<(Cow<'a, Map<String, Value>>, &'a MultiPolygon<f64>)> + Sync,
) -> Result<()> {
    write_atomic(path, |w| {
        head(w, crs)?;
        // Each chunk's features joined by ",\n"; the separator before a chunk's first one is
        // added as the chunks are written.
        let make = |chunk: &'a [T]| {
            let mut text = Vec::new();
            for (properties, geometry) in chunk.iter().filter_map(&feature_of) {
                if !text.is_empty() {
                    text.extend_from_slice(b",\n");
                }
                feature(&mut text, &properties, geometry)?;
            }
            Ok(text)
        };
        let mut first = true;
        crate::io::windows::in_order(items, 512, make, |text| {
            if !text.is_empty() {
                if !std::mem::take(&mut first) {
                    w.write_all(b",\n")?;
                }
                w.write_all(&text)?;
            }
            Ok(())
        })?;
        tail(w)
    })
}

fn head(w: &mut dyn Write, crs: &Crs) -> std::io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",")?;
    if let Some(urn) = crs.urn() {
        let member = serde_json::json!({"type": "name", "properties": {"name": urn}});
        write!(w, "\"crs\":{member},")?;
    }
    w.write_all(b"\"features\":[\n")
}

fn tail(w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all(b"\n]}\n")
}

/// Appends one feature's text to `out`.
fn feature(
    out: &mut Vec<u8>,
    properties: &Map<String, Value>,
    geometry: &MultiPolygon<f64>,
) -> std::io::Result<()> {
    out.extend_from_slice(
        b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":",
    );
    serde_json::to_writer(&mut *out, &Coordinates(geometry))?;
    out.extend_from_slice(b"},\"properties\":");
    serde_json::to_writer(&mut *out, properties)?;
    out.push(b'}');
    Ok(())
}

/// A polygon set's `coordinates` member: polygons of rings (exterior first) of `[x, y]`.
struct Coordinates<'a>(&'a MultiPolygon<f64>);
struct Rings<'a>(&'a Polygon<f64>);
struct Positions<'a>(&'a LineString<f64>);

impl Serialize for Coordinates<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.0.iter().map(Rings))
    }
}

impl Serialize for Rings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        s.collect_seq(
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(Positions),
        )
    }
}

impl Serialize for Positions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.0.iter().map(|c| [c.x, c.y]))
    }
}

#[cfg(test)]
mod tests {
    use geo::{Coord, LineString, MultiPolygon, Polygon};
    use serde_json::{Map, Value, json};

    use super::*;

    /// Polygon sets with holes and several parts, coordinates of every kind serde_json formats
    /// differently: integers, long fractions, negatives, Gauss-Krüger magnitudes, tiny values.
    fn shapes() -> Vec<MultiPolygon<f64>> {
        let mut next = crate::test_shapes::uniform(7u64);
        (0..40)
            .map(|k| {
                let scale = [1.0, 1e-7, 1e3, 3.4e6, 4.05e7][k % 5];
                let mut ring = |n: usize| {
                    let mut c: Vec<Coord> = (0..n)
                        .map(|_| Coord {
                            x: (next() - 0.3) * scale,
                            y: if k % 7 == 0 {
                                (next() * 100.0).round()
                            } else {
                                next() * scale
                            },
                        })
                        .collect();
                    c.push(c[0]);
                    LineString::from(c)
                };
                let parts = 1 + k % 3;
                MultiPolygon::new(
                    (0..parts)
                        .map(|p| Polygon::new(ring(4 + p), (0..k % 2).map(|_| ring(3)).collect()))
                        .collect(),
                )
            })
            .collect()
    }

    fn props(k: usize) -> Map<String, Value> {
        let Value::Object(m) = json!({"pzwh": format!("浙土字〔2008〕A{k}号"), "area_m2": k as f64 / 3.0,
            "part": k, "none": null, "quote": "a\"b\\c\n"})
        else {
            unreachable!()
        };
        m
    }

    #[test]
    fn features_are_written_as_the_geojson_crate_writes_them() {
        for (k, g) in shapes().iter().enumerate() {
            let p = props(k);
            let mut ours = Vec::new();
            feature(&mut ours, &p, g).unwrap();
            let theirs = serde_json::to_vec(&geojson::Feature {
                geometry: Some(geojson::Geometry::from(g)),
                properties: Some(p),
                ..Default::default()
            })
            .unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    #[test]
    fn the_parallel_writer_writes_what_the_sequential_one_does() {
        let dir = tempfile::tempdir().unwrap();
        let shapes = shapes();
        // Enough items for several windows, some without a feature (at window edges too).
        let items: Vec<usize> = (0..40_000).collect();
        let keep = |i: usize| i % 5 != 3 && !(16_380..16_400).contains(&i);
        let all: Vec<(Map<String, Value>, &MultiPolygon<f64>)> = items
            .iter()
            .filter(|&&i| keep(i))
            .map(|&i| (props(i), &shapes[i % shapes.len()]))
            .collect();
        let (seq, par) = (
            dir.path().join("seq.geojson"),
            dir.path().join("par.geojson"),
        );
        write_features(
            &seq,
            &Crs::Epsg(4549),
            all.iter().map(|(p, g)| (p.clone(), *g)),
        )
        .unwrap();
        write_features_par(&par, &Crs::Epsg(4549), &items, |&i| {
            keep(i).then(|| (Cow::Owned(props(i)), &shapes[i % shapes.len()]))
        })
        .unwrap();
        assert_eq!(std::fs::read(&seq).unwrap(), std::fs::read(&par).unwrap());
        // Nothing to write, and nothing kept: an empty collection either way.
        let none: [usize; 0] = [];
        write_features_par(&par, &Crs::Epsg(4549), &none, |_| None).unwrap();
        write_features(&seq, &Crs::Epsg(4549), []).unwrap();
        assert_eq!(std::fs::read(&seq).unwrap(), std::fs::read(&par).unwrap());
        write_features_par(&par, &Crs::Epsg(4549), &items, |_| None).unwrap();
        assert_eq!(std::fs::read(&seq).unwrap(), std::fs::read(&par).unwrap());
        let text = std::fs::read_to_string(&par).unwrap();
        assert!(text.parse::<geojson::GeoJson>().is_ok());
    }
}
