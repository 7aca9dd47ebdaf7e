//! Streaming GeoJSON reader.
//!
//! The FeatureCollection is walked with serde (no JSON text held whole): `type`, `crs` and
//! `features` may come in any order and `bbox` or other foreign members are skipped, which
//! `geojson::FeatureReader` cannot do (DEPS 1.4, georust/geojson#207). Each feature is first taken
//! as raw JSON text, so a malformed feature becomes a [`Rejection`] while the rest of the file is
//! still read; only broken JSON syntax (a truncated file) stops the read, with line and column.
//! Features are converted and validated in parallel batches.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::config::FieldMap;
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::layer::{AttrValue, Attributes, Layer, LayerKind, Parcel, RejectStatus, Rejection};
use crate::validate::{Checked, check_geometry};

/// How a layer is read.
#[derive(Debug, Clone)]
pub struct ReadOptions<'a> {
    /// Which layer this is (decides the id field and the known fields).
    pub kind: LayerKind,
    /// Source field names.
    pub fields: &'a FieldMap,
    /// Repair invalid polygons instead of rejecting them.
    pub repair: bool,
}

/// Features converted per parallel batch.
const BATCH: usize = 4096;

/// Reads a GeoJSON FeatureCollection of Polygon/MultiPolygon features into a [`Layer`].
///
/// ```no_run
/// use landaudit::{Config, LayerKind, io::{read_layer, ReadOptions}};
/// let cfg = Config::default();
/// let opts = ReadOptions { kind: LayerKind::Approvals, fields: &cfg.fields.approvals, repair: false };
/// let layer = read_layer("data/demo/approvals.geojson".as_ref(), &opts).unwrap();
/// println!("{} parcels, {} rejected", layer.parcels.len(), layer.rejected_count());
/// ```
pub fn read_layer(path: &Path, opts: &ReadOptions) -> Result<Layer> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = BufReader::with_capacity(1 << 18, file);
    let lookup = FieldLookup::new(opts.kind, opts.fields);
    let mut sink = Sink {
        opts,
        lookup: &lookup,
        pending: Vec::with_capacity(BATCH),
        next_index: 0,
        converted: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let top = TopSeed { sink: &mut sink }
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|_| top))
        .map_err(|e| Error::GeoJson {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    sink.flush();
    let read = sink.next_index;
    let mut layer = Layer {
        kind: opts.kind,
        path: path.to_path_buf(),
        crs: top.crs,
        read,
        parcels: Vec::with_capacity(read),
        rejections: Vec::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(read);
    for (index, outcome) in sink.converted.into_iter().enumerate() {
        match outcome {
            Ok((parcel, notes)) => {
                if let Some(first) = seen.get(&parcel.id).filter(|_| opts.kind.id_required()) {
                    layer.rejections.push(Rejection {
                        layer: opts.kind,
                        file: path.to_path_buf(),
                        index,
                        id: Some(parcel.id.clone()),
                        status: RejectStatus::Rejected,
                        reason: format!(
                            "duplicate id {} = {:?} (first used by feature {first})",
                            lookup.id_source, parcel.id
                        ),
                    });
                    continue;
                }
                if opts.kind.id_required() {
                    seen.insert(parcel.id.clone(), index);
                }
                for (status, reason) in notes {
                    layer.rejections.push(Rejection {
                        layer: opts.kind,
                        file: path.to_path_buf(),
                        index,
                        id: Some(parcel.id.clone()),
                        status,
                        reason,
                    });
                }
                layer.parcels.push(parcel);
            }
            Err((id, reason)) => layer.rejections.push(Rejection {
                layer: opts.kind,
                file: path.to_path_buf(),
                index,
                id,
                status: RejectStatus::Rejected,
                reason,
            }),
        }
    }
    Ok(layer)
}

/// A converted feature: the parcel and notes (repairs), or its id and why it was rejected.
type Outcome = std::result::Result<(Parcel, Vec<(RejectStatus, String)>), (Option<String>, String)>;

/// Lower-cased source field name → canonical field, for one layer.
struct FieldLookup {
    by_source: HashMap<String, &'static str>,
    id_field: &'static str,
    id_required: bool,
    id_source: String,
}

impl FieldLookup {
    fn new(kind: LayerKind, fields: &FieldMap) -> Self {
        let by_source = kind
            .canonical_fields()
            .iter()
            .map(|&c| (fields.source_for(c).to_lowercase(), c))
            .collect();
        FieldLookup {
            by_source,
            id_field: kind.id_field(),
            id_required: kind.id_required(),
            id_source: fields.source_for(kind.id_field()),
        }
    }
}

struct Sink<'a> {
    opts: &'a ReadOptions<'a>,
    lookup: &'a FieldLookup,
    pending: Vec<Box<RawValue>>,
    next_index: usize,
    converted: Vec<Outcome>,
}

impl Sink<'_> {
    fn push(&mut self, raw: Box<RawValue>) {
        self.pending.push(raw);
        self.next_index += 1;
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let (lookup, repair) = (self.lookup, self.opts.repair);
        let batch = std::mem::take(&mut self.pending);
        let start = self.converted.len();
        let out: Vec<Outcome> = batch
            .par_iter()
            .enumerate()
            .map(|(i, raw)| convert_feature(start + i, raw.get(), lookup, repair))
            .collect();
        self.converted.extend(out);
    }
}

struct Top {
    crs: Crs,
}

struct TopSeed<'s, 'a> {
    sink: &'s mut Sink<'a>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Top;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Top, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = Top;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Top, A::Error> {
        let mut ty: Option<String> = None;
        let mut crs = Crs::Rfc7946;
        let mut saw_features = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let t: String = map.next_value()?;
                    if t != "FeatureCollection" {
                        return Err(de::Error::custom(format!(
                            "top-level type is {t:?}, expected \"FeatureCollection\""
                        )));
                    }
                    ty = Some(t);
                }
                "crs" => {
                    let v: serde_json::Value = map.next_value()?;
                    if !v.is_null() {
                        crs = Crs::from_member(&v);
                    }
                }
                "features" => {
                    map.next_value_seed(FeaturesSeed {
                        sink: &mut *self.sink,
                    })?;
                    saw_features = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if ty.is_none() {
            return Err(de::Error::custom(
                "no \"type\": \"FeatureCollection\" member",
            ));
        }
        if !saw_features {
            return Err(de::Error::custom("no \"features\" array"));
        }
        Ok(Top { crs })
    }
}

struct FeaturesSeed<'s, 'a> {
    sink: &'s mut Sink<'a>,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            self.sink.push(raw);
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type")]
    ty: Option<String>,
    #[serde(borrow)]
    geometry: Option<&'a RawValue>,
    properties: Option<serde_json::Map<String, serde_json::Value>>,
}

fn convert_feature(index: usize, text: &str, lookup: &FieldLookup, repair: bool) -> Outcome {
    let raw: RawFeature = serde_json::from_str(text)
        .map_err(|e| (None, format!("not a GeoJSON feature object: {e}")))?;
    let mut attrs = Attributes::default();
    for (key, value) in raw.properties.into_iter().flatten() {
        if let Some(&canonical) = lookup.by_source.get(&key.to_lowercase())
            && let Some(v) = attr_value(value)
        {
            attrs.insert(canonical, v);
        }
    }
    let id = attrs
        .text(lookup.id_field)
        .or_else(|| (!lookup.id_required).then(|| format!("#{index}")));
    if raw.ty.as_deref() != Some("Feature") {
        return Err((
            id,
            format!("member \"type\" is {:?}, expected \"Feature\"", raw.ty),
        ));
    }
    let Some(id) = id else {
        return Err((
            None,
            format!("missing id: field {} is absent or empty", lookup.id_source),
        ));
    };
    let geometry = match raw.geometry.map(|g| g.get()) {
        None | Some("null") => return Err((Some(id), "null geometry".into())),
        Some(g) => g,
    };
    let geometry = match parse_polygons(geometry) {
        Ok(g) => g,
        Err(reason) => return Err((Some(id), reason)),
    };
    match check_geometry(geometry, repair) {
        Checked::Valid(geometry) => Ok((
            Parcel {
                index,
                id,
                geometry,
                attrs,
            },
            vec![],
        )),
        Checked::Repaired(geometry, what) => Ok((
            Parcel {
                index,
                id,
                geometry,
                attrs,
            },
            vec![(RejectStatus::Repaired, what)],
        )),
        Checked::Invalid(reason) => Err((Some(id), reason)),
    }
}

fn attr_value(v: serde_json::Value) -> Option<AttrValue> {
    use serde_json::Value as V;
    match v {
        V::Null => None,
        V::Bool(b) => Some(AttrValue::Bool(b)),
        V::Number(n) => Some(match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None => AttrValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        }),
        V::String(s) => Some(AttrValue::Text(s)),
        other => Some(AttrValue::Text(other.to_string())),
    }
}

/// Parses a geometry object (via the `geojson` crate) into polygons, checking what geo's
/// constructors would silently fix: unclosed rings and rings too short to close.
fn parse_polygons(text: &str) -> std::result::Result<MultiPolygon<f64>, String> {
    let g: geojson::Geometry =
        serde_json::from_str(text).map_err(|e| format!("unreadable geometry: {e}"))?;
    let parts = match g.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates,
        other => {
            return Err(format!(
                "geometry type {}, expected Polygon or MultiPolygon",
                other.type_name()
            ));
        }
    };
    if parts.iter().all(|p| p.is_empty()) {
        return Err("empty geometry".into());
    }
    let mut polygons = Vec::with_capacity(parts.len());
    for (pi, rings) in parts.into_iter().enumerate() {
        if rings.is_empty() {
            return Err(format!("polygon {pi} has no rings"));
        }
        let mut lines = Vec::with_capacity(rings.len());
        for (ri, ring) in rings.into_iter().enumerate() {
            let name = if ri == 0 {
                format!("polygon {pi} exterior ring")
            } else {
                format!("polygon {pi} interior ring {}", ri - 1)
            };
            let mut coords = Vec::with_capacity(ring.len());
            for (ci, p) in ring.iter().enumerate() {
                let s = p.as_slice();
                let (x, y) = (s[0], s[1]);
                if !x.is_finite() || !y.is_finite() {
                    return Err(format!("{name}: non-finite coordinate at position {ci}"));
                }
                coords.push(Coord { x, y });
            }
            if coords.len() < 4 {
                return Err(format!(
                    "{name} has {} positions; a closed ring needs at least 4",
                    coords.len()
                ));
            }
            if coords.first() != coords.last() {
                return Err(format!(
                    "{name} is not closed (first and last positions differ)"
                ));
            }
            lines.push(LineString::new(coords));
        }
        let exterior = lines.remove(0);
        polygons.push(Polygon::new(exterior, lines));
    }
    Ok(MultiPolygon::new(polygons))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_str(text: &str, kind: LayerKind, repair: bool) -> Result<Layer> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let fields = FieldMap::default();
        read_layer(
            f.path(),
            &ReadOptions {
                kind,
                fields: &fields,
                repair,
            },
        )
    }

    const SQUARE: &str =
        r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}"#;

    fn fc(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","bbox":[0,0,1,1],"name":"a[1]","crs":{{"type":"name","properties":{{"name":"EPSG:4549"}}}},"features":[{}]}}"#,
            features.join(",")
        )
    }

    fn feat(id: &str, geom: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"pzwh":"{id}","PZRQ":"2020-01-01"}},"geometry":{geom}}}"#
        )
    }

    #[test]
    fn reads_with_bbox_and_foreign_members_before_features() {
        let l = read_str(&fc(&[feat("A", SQUARE)]), LayerKind::Approvals, false).unwrap();
        assert_eq!(l.crs, Crs::Epsg(4549));
        assert_eq!(l.read, 1);
        assert_eq!(l.parcels.len(), 1);
        assert_eq!(l.parcels[0].id, "A");
        // Case-insensitive field match: "PZRQ" and "pzwh" both found.
        assert_eq!(
            l.parcels[0].attrs.text("pzrq").as_deref(),
            Some("2020-01-01")
        );
    }

    #[test]
    fn every_bad_feature_is_rejected_with_its_reason_and_nothing_is_lost() {
        let bowtie = r#"{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}"#;
        let unclosed = r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10]]]}"#;
        let short = r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[0,0]]]}"#;
        let line = r#"{"type":"LineString","coordinates":[[0,0],[10,0]]}"#;
        let empty = r#"{"type":"MultiPolygon","coordinates":[]}"#;
        let feats = vec![
            feat("ok", SQUARE),
            feat("bowtie", bowtie),
            feat("unclosed", unclosed),
            feat("short", short),
            feat("line", line),
            feat("empty", empty),
            feat("null", "null"),
            r#"{"type":"Feature","properties":{},"geometry":null}"#.to_string(),
            feat("ok", SQUARE),
            r#"{"type":"Feature","properties":{"pzwh":"bad"},"geometry":{"type":"Polygon","coordinates":"x"}}"#.to_string(),
            r#"42"#.to_string(),
        ];
        let l = read_str(&fc(&feats), LayerKind::Approvals, false).unwrap();
        assert_eq!(l.read, feats.len());
        assert_eq!(l.parcels.len() + l.rejected_count(), l.read);
        assert_eq!(l.parcels.len(), 1);
        let reason = |i: usize| {
            l.rejections
                .iter()
                .find(|r| r.index == i)
                .map(|r| r.reason.clone())
                .unwrap()
        };
        assert!(reason(1).contains("self-intersection"), "{}", reason(1));
        assert!(reason(2).contains("not closed"), "{}", reason(2));
        assert!(reason(3).contains("at least 4"), "{}", reason(3));
        assert!(reason(4).contains("LineString"), "{}", reason(4));
        assert!(reason(5).contains("empty"), "{}", reason(5));
        assert!(reason(6).contains("null geometry"), "{}", reason(6));
        assert!(reason(7).contains("missing id"), "{}", reason(7));
        assert!(reason(8).contains("duplicate id"), "{}", reason(8));
        assert!(reason(9).contains("unreadable geometry"), "{}", reason(9));
        assert!(
            reason(10).contains("not a GeoJSON feature"),
            "{}",
            reason(10)
        );
    }

    #[test]
    fn repair_fixes_a_bowtie_and_records_it() {
        let bowtie = r#"{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}"#;
        let l = read_str(&fc(&[feat("b", bowtie)]), LayerKind::Approvals, true).unwrap();
        assert_eq!(l.parcels.len(), 1);
        assert_eq!(l.rejections.len(), 1);
        assert_eq!(l.rejections[0].status, RejectStatus::Repaired);
        // The bow-tie's two triangles have 25 m² each.
        use geo::Area;
        assert!((l.parcels[0].geometry.unsigned_area() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn truncated_file_is_an_error_naming_the_position() {
        let text = fc(&[feat("A", SQUARE)]);
        let e = read_str(&text[..text.len() - 10], LayerKind::Approvals, false).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 1"), "{msg}");
    }

    #[test]
    fn not_a_feature_collection() {
        let e = read_str(&feat("A", SQUARE), LayerKind::Approvals, false).unwrap_err();
        assert!(
            e.to_string().contains("expected \"FeatureCollection\""),
            "{e}"
        );
    }

    #[test]
    fn clockwise_input_is_reoriented() {
        use geo::Area;
        let cw = r#"{"type":"Polygon","coordinates":[[[0,0],[0,10],[10,10],[10,0],[0,0]]]}"#;
        let l = read_str(&fc(&[feat("cw", cw)]), LayerKind::Approvals, false).unwrap();
        assert!(l.parcels[0].geometry.signed_area() > 0.0);
    }
}
