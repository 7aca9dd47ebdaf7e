//! Streaming GeoJSON reader.
//!
//! The FeatureCollection is walked member by member (no JSON text held whole): `type`, `crs` and
//! `features` may come in any order and `bbox` or other foreign members are skipped, which
//! `geojson::FeatureReader` cannot do (DEPS 1.4, georust/geojson#207). The splitter (`split.rs`)
//! cuts each feature out of the byte stream as text; batches of features are then parsed,
//! converted and validated in parallel, so a malformed feature becomes a
//! [`Rejection`](crate::Rejection) while the rest of the file is still read. Only broken JSON
//! between the features, or brackets that do not match (a truncated file), stops the read, with
//! line and column.
//!
//! What one bad feature costs (never the file, never a panic):
//!
//! | in the feature | outcome |
//! |---|---|
//! | broken JSON syntax that keeps the brackets balanced (a missing colon, a bare word) | rejected |
//! | null, empty or non-polygon geometry; an unclosed or short ring | rejected |
//! | an invalid polygon (self-intersection, bad hole, overlapping parts) | rejected (repaired with `repair`) |
//! | a ring of fewer than 3 distinct positions | rejected (dropped with `repair`) |
//! | a position of fewer than 2 numbers; a coordinate beyond ±1e9 or f64 (`1e999`) | rejected |
//! | coordinates nested deeper than a multipolygon's | rejected |
//! | a panic inside the geometry engine | rejected, with the panic message |
//! | invalid UTF-8 (e.g. a GBK-encoded name) | warning, read as U+FFFD; rejected if in the id |
//! | a number out of f64 range in an attribute | kept as text: the field reader warns |
//!
//! `-0` is read as `0` (see `parse_polygons`), and a UTF-8 byte-order mark is skipped.
//!
//! What stops the read, with one line naming the file: broken JSON outside the features or
//! unbalanced brackets (with line and column), a top level that is not a FeatureCollection, a
//! feature larger than `[input] max_feature_bytes` (refused before it is buffered whole), a file
//! larger than `max_file_bytes`, and invalid UTF-8 outside the features.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::value::RawValue;

use super::coords::{self, XShift};
use super::feature::{FieldLookup, Notes, Outcome, finish};
use super::members::members;
use super::rings::polygons_from_parts;
use super::split::{BadByte, Splitter, Stop, Unit, line_column, offset_of};
use super::{Converted, Prefilter, ReadOptions, Sifted, assemble};
use crate::config::InputSettings;
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::layer::{AttrValue, Layer, LayerKind, RejectStatus};
use crate::overlay::guarded;

/// Features converted per parallel batch, at most.
const BATCH: usize = 4096;
/// Feature text converted per parallel batch, at most: with features of up to
/// `max_feature_bytes` each, a batch of 4096 could otherwise hold gigabytes.
const BATCH_BYTES: usize = 32 << 20;

/// Reads a GeoJSON FeatureCollection under the limits of `input` (see the module docs).
pub(crate) fn read(path: &Path, opts: &ReadOptions, input: &InputSettings) -> Result<Layer> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    let file_bytes = meta.is_file().then_some(meta.len());
    if let Some(limit) = input.max_file_bytes {
        let len = meta.len();
        if len > limit {
            return Err(geojson_error(
                path,
                format!("the file has {len} bytes, more than [input] max_file_bytes = {limit}"),
            ));
        }
    }
    let lookup = FieldLookup::new(opts.kind, opts.fields, opts.all_fields);
    let mut sink = Sink {
        opts,
        lookup: &lookup,
        batch: Batch::starting_at(0),
        converted: Converted::default(),
        shift: None,
        crs: None,
        file_bytes,
    };
    let mut split = Splitter::new(file, input.max_file_bytes);
    let crs = walk(&mut split, &mut sink, input.max_feature_bytes)
        .map_err(|stop| stop_error(path, stop))?;
    sink.flush();
    // A second `crs` member after the features changes the CRS the prefilter judged them in.
    if sink.shift.is_none()
        && let Some(judged) = sink
            .filter_crs()
            .filter(|c| **c != crs && sink.converted.any_outside())
    {
        return Err(geojson_error(
            path,
            format!("the \"crs\" member is given twice: {judged} before the features, {crs} after"),
        ));
    }
    // Coordinates read without the zone prefix are in the unprefixed twin of the declared CRS.
    let (crs, file_crs) = match sink.shift {
        Some((_, twin)) => (twin, Some(crs)),
        None => (crs, None),
    };
    let mut layer = assemble(opts, path, crs, &lookup, sink.converted);
    layer.file_crs = file_crs;
    Ok(layer)
}

/// For a zone-prefixed CGCS2000 Gauss-Krüger CRS, the prefix to remove from eastings and the
/// CRS without it (EPSG:4528 → 40, EPSG:4549).
fn unprefixed(crs: &Crs) -> Option<(XShift, Crs)> {
    use crate::cgcs2000::GkZone;
    let zone = crs.epsg().and_then(GkZone::from_epsg)?;
    if !zone.prefixed {
        return None;
    }
    // EPSG:4513–4533 (3°) and 4491–4501 (6°) are followed by the same zones without prefix.
    let step = if zone.zone_width == 3 { 21 } else { 11 };
    let twin = GkZone::from_epsg(crs.epsg()? + step)?;
    if twin.central_meridian != zone.central_meridian || twin.prefixed {
        return None;
    }
    Some((
        XShift::of_false_easting(zone.false_easting)?,
        Crs::Epsg(twin.epsg),
    ))
}

const UTF8_HINT: &str = "the file must be UTF-8 (convert GBK/GB18030 files first)";

fn geojson_error(path: &Path, message: String) -> Error {
    Error::GeoJson {
        path: path.to_path_buf(),
        message,
    }
}

/// The error that stopped the read, in the words of what actually went wrong: a limit the
/// reader enforced, an I/O failure, or broken JSON with its line and column.
fn stop_error(path: &Path, stop: Stop) -> Error {
    match stop {
        Stop::TooLarge { unit, limit } => {
            let what = match unit {
                Unit::Feature(i) => format!("feature {i}"),
                Unit::Member(m) => m.to_string(),
            };
            geojson_error(
                path,
                format!(
                    "{what} is larger than [input] max_feature_bytes = {limit}; the read stopped \
                     there (raise the limit to read it)"
                ),
            )
        }
        Stop::FileTooLarge { limit } => geojson_error(
            path,
            format!("the file is larger than [input] max_file_bytes = {limit}"),
        ),
        Stop::Io(e) => Error::io(path, e),
        Stop::Utf8(b) => geojson_error(
            path,
            format!(
                "invalid UTF-8 (byte 0x{:02X} at byte {}) outside the features; {UTF8_HINT}",
                b.byte, b.offset
            ),
        ),
        Stop::Syntax { message, offset } => {
            // Lines are counted only now, from the file again: the reading loop never does.
            match File::open(path).and_then(|f| line_column(f, offset)) {
                Ok((line, column)) => {
                    geojson_error(path, format!("{message} at line {line} column {column}"))
                }
                Err(_) => geojson_error(path, format!("{message} at byte {offset}")),
            }
        }
    }
}

/// Walks the top-level object: its members in any order, the features handed to `sink`.
/// Returns the declared CRS.
fn walk<R: Read + Send>(
    s: &mut Splitter<R>,
    sink: &mut Sink,
    limit: u64,
) -> std::result::Result<Crs, Stop> {
    s.skip_bom()?;
    match s.peek()? {
        Some(b'{') => s.bump(),
        Some(first) => {
            let what = kind_of(first);
            return Err(Stop::Syntax {
                message: format!(
                    "invalid type: {what}, expected a GeoJSON FeatureCollection object"
                ),
                offset: 0,
            });
        }
        None => return Err(s.syntax("EOF while parsing a value")),
    }
    let mut ty: Option<String> = None;
    let mut crs = Crs::Rfc7946;
    let mut saw_features = false;
    if s.peek()? == Some(b'}') {
        s.bump();
    } else {
        loop {
            match s.peek()? {
                Some(b'"') => {}
                Some(b'}') => return Err(s.syntax("trailing comma")),
                Some(_) => return Err(s.syntax("key must be a string")),
                None => return Err(s.syntax("EOF while parsing an object")),
            }
            let key: String = member(s, Unit::Member("a member name"), limit)?;
            match s.peek()? {
                Some(b':') => s.bump(),
                Some(_) => return Err(s.syntax("expected `:`")),
                None => return Err(s.syntax("EOF while parsing an object")),
            }
            match key.as_str() {
                "type" => {
                    let at = s.offset();
                    let t: String = member(s, Unit::Member("member \"type\""), limit)?;
                    if t != "FeatureCollection" {
                        let what = match t.as_str() {
                            "Feature" => " (a single feature)",
                            "Polygon" | "MultiPolygon" | "Point" | "MultiPoint" | "LineString"
                            | "MultiLineString" | "GeometryCollection" => " (a bare geometry)",
                            _ => "",
                        };
                        return Err(Stop::Syntax {
                            message: format!(
                                "top-level type is {t:?}{what}, expected \"FeatureCollection\""
                            ),
                            offset: at,
                        });
                    }
                    ty = Some(t);
                }
                "crs" => {
                    let v: serde_json::Value = member(s, Unit::Member("member \"crs\""), limit)?;
                    if !v.is_null() {
                        crs = Crs::from_member(&v);
                    }
                }
                "features" => {
                    if !saw_features {
                        sink.shift = unprefixed(&crs);
                        sink.crs = Some(crs.clone());
                    }
                    features(s, sink, limit)?;
                    saw_features = true;
                }
                _ => {
                    member::<IgnoredAny, _>(s, Unit::Member("a foreign member"), limit)?;
                }
            }
            match s.peek()? {
                Some(b',') => s.bump(),
                Some(b'}') => {
                    s.bump();
                    break;
                }
                Some(_) => return Err(s.syntax("expected `,` or `}`")),
                None => return Err(s.syntax("EOF while parsing an object")),
            }
        }
    }
    if s.peek()?.is_some() {
        return Err(s.syntax("trailing characters"));
    }
    if ty.is_none() {
        return Err(s.syntax("no \"type\": \"FeatureCollection\" member"));
    }
    if !saw_features {
        return Err(s.syntax("no \"features\" array"));
    }
    Ok(crs)
}

/// The next value, parsed as a `T` (a top-level member: never a feature).
fn member<T: DeserializeOwned, R: Read>(
    s: &mut Splitter<R>,
    unit: Unit,
    limit: u64,
) -> std::result::Result<T, Stop> {
    let (bytes, at) = s.value(unit, limit, "an object")?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let k = e.valid_up_to();
        Stop::Utf8(BadByte {
            offset: at + k as u64,
            byte: bytes[k],
        })
    })?;
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(k) => message[..k].to_string(),
            None => message,
        };
        Stop::Syntax {
            message,
            offset: at + offset_of(bytes, e.line(), e.column()) as u64,
        }
    })
}

/// The `features` array: each element is cut out and handed to `sink`.
fn features<R: Read + Send>(
    s: &mut Splitter<R>,
    sink: &mut Sink,
    limit: u64,
) -> std::result::Result<(), Stop> {
    match s.peek()? {
        Some(b'[') => s.bump(),
        Some(first) => {
            return Err(s.syntax(format!(
                "invalid type: {}, expected an array of features",
                kind_of(first)
            )));
        }
        None => return Err(s.syntax("EOF while parsing an object")),
    }
    if s.peek()? == Some(b']') {
        s.bump();
        return Ok(());
    }
    // The splitter cuts the next batch while the previous one is converted: on a single large
    // file the cutting is the one sequential part of the read, and it no longer waits.
    let mut first = true;
    let mut in_flight: Option<Batch> = None;
    // The buffers of the batch converted last, kept for the next one: allocating them afresh
    // for every batch cost page faults.
    let mut spare: Option<Batch> = None;
    loop {
        let full = match in_flight.take() {
            None => fill(s, &mut sink.batch, &mut first, limit),
            Some(batch) => {
                let cx = Context::of(sink.opts, sink.lookup, &sink.shift, &sink.crs);
                let (out, full) = rayon::join(
                    || convert_batch(&cx, &batch),
                    || fill(s, &mut sink.batch, &mut first, limit),
                );
                sink.converted.extend(out);
                if let (Some(file_bytes), Some(&(_, at))) = (sink.file_bytes, batch.spans.last()) {
                    sink.converted.expect(at, file_bytes);
                }
                spare = Some(batch);
                full
            }
        }?;
        if !full {
            // The array ended: the last batch waits in `sink` for the final flush.
            return Ok(());
        }
        let start = sink.batch.end();
        let next = match spare.take() {
            Some(b) => b.restart(start),
            None => Batch::starting_at(start),
        };
        in_flight = Some(std::mem::replace(&mut sink.batch, next));
    }
}

/// Cuts features out of the `features` array into `batch` until it is full (`true`) or the
/// array has ended (`false`, its `]` consumed).
fn fill<R: Read>(
    s: &mut Splitter<R>,
    batch: &mut Batch,
    first: &mut bool,
    limit: u64,
) -> std::result::Result<bool, Stop> {
    loop {
        if !*first && s.peek()? == Some(b']') {
            return Err(s.syntax("trailing comma"));
        }
        *first = false;
        let (text, at) = s.value(Unit::Feature(batch.end()), limit, "a list")?;
        batch.push(text, at);
        match s.peek()? {
            Some(b',') => s.bump(),
            Some(b']') => {
                s.bump();
                return Ok(false);
            }
            Some(_) => return Err(s.syntax("expected `,` or `]`")),
            None => return Err(s.syntax("EOF while parsing a list")),
        }
        if batch.spans.len() >= BATCH || batch.text.len() >= BATCH_BYTES {
            return Ok(true);
        }
    }
}

/// Features cut out of the file and not yet converted, as one block of text.
struct Batch {
    /// Index of the first feature in the file.
    start: usize,
    /// The features' bytes, one after the other.
    text: Vec<u8>,
    /// Each feature: its end in `text` and its offset in the file.
    spans: Vec<(usize, u64)>,
}

impl Batch {
    fn starting_at(start: usize) -> Batch {
        Batch {
            start,
            text: Vec::new(),
            spans: Vec::with_capacity(BATCH),
        }
    }

    /// Empty, its buffers kept, for features from index `start` on.
    fn restart(mut self, start: usize) -> Batch {
        self.start = start;
        self.text.clear();
        self.spans.clear();
        self
    }

    /// Index of the feature after the last one held.
    fn end(&self) -> usize {
        self.start + self.spans.len()
    }

    fn push(&mut self, feature: &[u8], offset: u64) {
        self.text.extend_from_slice(feature);
        self.spans.push((self.text.len(), offset));
    }
}

/// What converting a feature needs to know of the read.
struct Context<'a> {
    lookup: &'a FieldLookup,
    repair: bool,
    shift: Option<&'a XShift>,
    keep: Option<&'a Prefilter<'a>>,
    crs: Option<&'a Crs>,
    kind: LayerKind,
}

impl<'a> Context<'a> {
    fn of(
        opts: &'a ReadOptions<'a>,
        lookup: &'a FieldLookup,
        shift: &'a Option<(XShift, Crs)>,
        crs: &'a Option<Crs>,
    ) -> Context<'a> {
        Context {
            lookup,
            repair: opts.repair,
            shift: shift.as_ref().map(|(shift, _)| shift),
            keep: opts.keep.as_ref(),
            crs: filter_crs(shift, crs),
            kind: opts.kind,
        }
    }
}

/// The CRS the coordinates are read into, when known: the one declared before the features,
/// or its unprefixed twin.
fn filter_crs<'a>(shift: &'a Option<(XShift, Crs)>, crs: &'a Option<Crs>) -> Option<&'a Crs> {
    match shift {
        Some((_, twin)) => Some(twin),
        None => crs.as_ref().filter(|c| **c != Crs::Rfc7946),
    }
}

/// Converts a batch's features in parallel, in order.
fn convert_batch(cx: &Context, batch: &Batch) -> Vec<Sifted> {
    let (text, spans) = (&batch.text, &batch.spans);
    (0..spans.len())
        .into_par_iter()
        .map(|i| {
            let from = if i == 0 { 0 } else { spans[i - 1].0 };
            let (bytes, offset) = (&text[from..spans[i].0], spans[i].1);
            let (text, bad) = utf8(bytes, offset);
            let index = batch.start + i;
            let o: Outcome =
                guarded(|| convert_feature(index, &text, bad, cx.lookup, cx.repair, cx.shift))
                    .unwrap_or_else(|e| Err((None, e)));
            Prefilter::sift(cx.keep, cx.crs, cx.kind, index, o)
        })
        .collect()
}

/// The features of a read: the batch being filled and what the earlier ones became.
struct Sink<'a> {
    opts: &'a ReadOptions<'a>,
    lookup: &'a FieldLookup,
    batch: Batch,
    converted: Converted,
    /// The zone prefix removed from eastings, and the CRS the coordinates are then in: set when
    /// the `crs` member, read before the features, declares a zone-prefixed Gauss-Krüger CRS.
    shift: Option<(XShift, Crs)>,
    /// The CRS declared before the features (`None` until then, or without a `crs` member).
    crs: Option<Crs>,
    /// The file's length, when it is a regular file: what the features read so far predict.
    file_bytes: Option<u64>,
}

impl Sink<'_> {
    /// [`filter_crs`] of this read.
    fn filter_crs(&self) -> Option<&Crs> {
        filter_crs(&self.shift, &self.crs)
    }

    /// Converts the batch being filled.
    fn flush(&mut self) {
        let next = Batch::starting_at(self.batch.end());
        let batch = std::mem::replace(&mut self.batch, next);
        let cx = Context::of(self.opts, self.lookup, &self.shift, &self.crs);
        let out = convert_batch(&cx, &batch);
        self.converted.extend(out);
    }
}

/// A feature's bytes as text, every invalid UTF-8 sequence replaced by U+FFFD (as
/// `String::from_utf8_lossy` does), with the first one's file position.
fn utf8(bytes: &[u8], offset: u64) -> (Cow<'_, str>, Option<BadByte>) {
    match std::str::from_utf8(bytes) {
        Ok(t) => (Cow::Borrowed(t), None),
        Err(e) => {
            let k = e.valid_up_to();
            let bad = BadByte {
                offset: offset + k as u64,
                byte: bytes[k],
            };
            (String::from_utf8_lossy(bytes), Some(bad))
        }
    }
}

/// A feature's members, each kept as raw text until needed: an attribute landaudit does not use
/// is never parsed, and one that does not parse (a number beyond f64, a deep array) costs that
/// attribute, not the feature.
#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type", borrow, default)]
    ty: Option<&'a RawValue>,
    #[serde(borrow, default)]
    geometry: Option<&'a RawValue>,
    #[serde(borrow, default)]
    properties: Option<&'a RawValue>,
}

fn convert_feature(
    index: usize,
    text: &str,
    bad_utf8: Option<BadByte>,
    lookup: &FieldLookup,
    repair: bool,
    shift: Option<&XShift>,
) -> Outcome {
    // serde would also read a struct from a JSON array; a feature is an object.
    let text = text.trim_start();
    if !text.starts_with('{') {
        return Err((
            None,
            format!("not a GeoJSON feature object: {}", json_kind(text)),
        ));
    }
    // The plain case in one pass; anything else the general way, which says what is wrong.
    if let Some(m) = members(text, shift) {
        let geometry = || m.geometry.map(|parts| polygons_from_parts(parts, repair));
        return convert_members(
            index,
            m.ty,
            m.properties,
            geometry,
            bad_utf8,
            lookup,
            repair,
        );
    }
    let raw: RawFeature = serde_json::from_str(text)
        .map_err(|e| (None, format!("not a GeoJSON feature object: {e}")))?;
    let properties: BTreeMap<String, &RawValue> = match raw.properties {
        None => BTreeMap::new(),
        Some(p) => serde_json::from_str(p.get()).map_err(|_| {
            (
                None,
                format!(
                    "member \"properties\" is {}, expected an object",
                    json_kind(p.get())
                ),
            )
        })?,
    };
    let geometry = || match raw.geometry.map(|g| g.get()) {
        None | Some("null") => None,
        Some(g) => Some(parse_polygons(g, repair, shift)),
    };
    let properties = properties.into_iter().map(|(k, v)| (k, v.get()));
    convert_members(
        index,
        raw.ty.map(|t| t.get()),
        properties,
        geometry,
        bad_utf8,
        lookup,
        repair,
    )
}

/// A feature from its members, however they were read: `ty` the raw text of its `type`,
/// `properties` (name, raw value) in name order, `geometry` its polygons (`None` when null).
fn convert_members<'a, K: AsRef<str> + Into<String>>(
    index: usize,
    ty: Option<&str>,
    properties: impl IntoIterator<Item = (K, &'a str)>,
    geometry: impl FnOnce() -> Option<std::result::Result<(MultiPolygon<f64>, Vec<String>), String>>,
    bad_utf8: Option<BadByte>,
    lookup: &FieldLookup,
    repair: bool,
) -> Outcome {
    let (attrs, fields) = lookup.attributes(properties, attr_value);
    let id = lookup.id(&attrs, index);
    let is_feature = |t: &str| {
        t == "\"Feature\"" || serde_json::from_str::<String>(t).is_ok_and(|t| t == "Feature")
    };
    if !ty.is_some_and(is_feature) {
        return Err((
            id,
            format!(
                "member \"type\" is {}, expected \"Feature\"",
                ty.unwrap_or("missing")
            ),
        ));
    }
    let Some(id) = id else {
        return Err((None, lookup.missing_id()));
    };
    let mut notes: Notes = vec![];
    if let Some(b) = bad_utf8 {
        let what = format!(
            "invalid UTF-8 (byte 0x{:02X} at byte {} of the file) read as U+FFFD",
            b.byte, b.offset
        );
        if id.contains('\u{FFFD}') {
            return Err((
                Some(id),
                format!("{what} in the id field {}; {UTF8_HINT}", lookup.id_source),
            ));
        }
        let fields = lookup.fields_containing(&attrs, '\u{FFFD}');
        let place = if fields.is_empty() {
            "in a field landaudit does not read".to_string()
        } else {
            format!("in field {}", fields.join(", "))
        };
        notes.push((
            RejectStatus::Warning,
            format!("{what} {place}; {UTF8_HINT}"),
        ));
    }
    let (geometry, repairs) = match geometry() {
        None => {
            return Err((Some(id), "null geometry (or no geometry member)".into()));
        }
        Some(Ok(parsed)) => parsed,
        Some(Err(reason)) => return Err((Some(id), reason)),
    };
    finish(index, id, attrs, fields, geometry, repairs, notes, repair)
}

/// What kind of JSON value `text` is, for messages.
fn json_kind(text: &str) -> &'static str {
    text.as_bytes().first().map_or("a number", |&b| kind_of(b))
}

/// What kind of JSON value starts with byte `first`, for messages.
fn kind_of(first: u8) -> &'static str {
    match first {
        b'{' => "an object",
        b'[' => "an array",
        b'"' => "a string",
        b'n' => "null",
        b't' | b'f' => "a boolean",
        _ => "a number",
    }
}

/// An attribute from its raw JSON text. Numbers that fit no i64 or f64 are kept as their text:
/// an 19-digit id keeps its digits, and `1e999` reaches the field reader, which reports it.
fn attr_value(raw: &str) -> Option<AttrValue> {
    let raw = raw.trim();
    match raw.as_bytes().first()? {
        b'n' => None,
        b't' => Some(AttrValue::Bool(true)),
        b'f' => Some(AttrValue::Bool(false)),
        // Valid JSON (serde_json or `members` checked it), so without a backslash the text
        // between the quotes is the string.
        b'"' if !raw.contains('\\') => Some(AttrValue::Text(raw[1..raw.len() - 1].to_string())),
        b'"' => serde_json::from_str::<String>(raw)
            .ok()
            .map(AttrValue::Text),
        b'[' | b'{' => Some(AttrValue::Text(raw.to_string())),
        _ => Some(if let Ok(i) = raw.parse::<i64>() {
            AttrValue::Int(i)
        } else if raw.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            AttrValue::Text(raw.to_string())
        } else {
            match serde_json::from_str::<f64>(raw) {
                Ok(r) => AttrValue::Real(r),
                Err(_) => AttrValue::Text(raw.to_string()),
            }
        }),
    }
}

/// A geometry object's members, the coordinates kept as text for [`coords::scan`]; other
/// members (`bbox`, foreign ones) are skipped.
#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type", default)]
    ty: Option<String>,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

/// Parses a geometry object into polygons, with the checks of [`polygons_from_parts`]; eastings
/// lose the zone prefix of `shift` digit for digit.
fn parse_polygons(
    text: &str,
    repair: bool,
    shift: Option<&XShift>,
) -> std::result::Result<(MultiPolygon<f64>, Vec<String>), String> {
    let unreadable = |e: String| format!("unreadable geometry: {e}");
    if !text.trim_start().starts_with('{') {
        return Err(unreadable(format!(
            "{}, expected an object",
            json_kind(text.trim_start())
        )));
    }
    let g: RawGeometry = serde_json::from_str(text)
        .map_err(|e| unreadable(format!("{e} of the geometry's text")))?;
    let multi = match g.ty.as_deref() {
        Some("Polygon") => false,
        Some("MultiPolygon") => true,
        Some(
            t @ ("Point" | "MultiPoint" | "LineString" | "MultiLineString" | "GeometryCollection"),
        ) => {
            return Err(format!(
                "geometry type {t}, expected Polygon or MultiPolygon"
            ));
        }
        Some(t) => return Err(unreadable(format!("unknown geometry type {t:?}"))),
        None => return Err(unreadable("no \"type\" member".into())),
    };
    let Some(coordinates) = g.coordinates else {
        return Err(unreadable("no \"coordinates\" member".into()));
    };
    let parts = coords::scan(coordinates.get(), multi, shift).map_err(unreadable)?;
    polygons_from_parts(parts, repair)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FieldMap;
    use crate::io::read_layer_limited;
    use crate::layer::LayerKind;
    use std::io::Write;

    fn read_str(text: &str, kind: LayerKind, repair: bool) -> Result<Layer> {
        read_bytes(text.as_bytes(), kind, repair, &InputSettings::default())
    }

    fn read_bytes(
        bytes: &[u8],
        kind: LayerKind,
        repair: bool,
        input: &InputSettings,
    ) -> Result<Layer> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        let fields = FieldMap::default();
        read_layer_limited(
            f.path(),
            &ReadOptions {
                kind,
                fields: &fields,
                repair,
                all_fields: false,
                keep: None,
            },
            input,
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

    /// Feature `i` of a collection of `n` plain squares, one per line (line `i + 2`), with a
    /// bow-tie wherever `bad(i)`.
    fn numbered(n: usize, bad: impl Fn(usize) -> bool) -> Vec<String> {
        let bowtie = r#"{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}"#;
        (0..n)
            .map(|i| feat(&format!("F{i}"), if bad(i) { bowtie } else { SQUARE }))
            .collect()
    }

    #[test]
    fn features_over_several_batches_keep_their_order_and_indices() {
        // Batches are cut while the one before is converted: the third batch is a short one.
        let n = 2 * BATCH + 123;
        let bad = |i: usize| i == 3 || i == BATCH + 7 || i == 2 * BATCH + 5 || i == n - 1;
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
{}
]}}"#,
            numbered(n, bad).join(",\n")
        );
        let l = read_str(&text, LayerKind::Approvals, false).unwrap();
        assert_eq!(l.read, n);
        let mut rejected: Vec<usize> = l.rejections.iter().map(|r| r.index).collect();
        rejected.sort_unstable();
        assert_eq!(rejected, vec![3, BATCH + 7, 2 * BATCH + 5, n - 1]);
        let ids: Vec<&str> = l.parcels.iter().map(|p| p.id.as_str()).collect();
        let expected: Vec<String> = (0..n)
            .filter(|&i| !bad(i))
            .map(|i| format!("F{i}"))
            .collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn a_syntax_error_in_a_later_batch_names_its_line() {
        let n = 2 * BATCH + 50;
        let at = 2 * BATCH + 10;
        let mut feats = numbered(n, |_| false);
        // No comma between features `at` and `at + 1`: feature `at + 1` starts line `at + 3`.
        feats[at] = format!("{}\n{}", feats[at], feats[at + 1]);
        feats.remove(at + 1);
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
{}
]}}"#,
            feats.join(",\n")
        );
        let e = read_str(&text, LayerKind::Approvals, false)
            .unwrap_err()
            .to_string();
        let want = format!("expected `,` or `]` at line {} column 1", at + 3);
        assert!(e.contains(&want), "{e}");
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

    #[test]
    fn attribute_values_from_raw_text() {
        assert_eq!(attr_value("null"), None);
        assert_eq!(attr_value("12"), Some(AttrValue::Int(12)));
        assert_eq!(attr_value("-3.5"), Some(AttrValue::Real(-3.5)));
        assert_eq!(
            attr_value(r#""a\"b""#),
            Some(AttrValue::Text("a\"b".into()))
        );
        assert_eq!(attr_value("true"), Some(AttrValue::Bool(true)));
        // Beyond i64: the digits are kept, not rounded to an f64.
        assert_eq!(
            attr_value("12345678901234567890"),
            Some(AttrValue::Text("12345678901234567890".into()))
        );
        // Beyond f64: kept as text, which the field reader reports as not a number.
        assert_eq!(attr_value("1e999"), Some(AttrValue::Text("1e999".into())));
        assert_eq!(attr_value("[1, 2]"), Some(AttrValue::Text("[1, 2]".into())));
    }

    #[test]
    fn out_of_range_numbers_cost_the_feature_or_nothing() {
        let huge = r#"{"type":"Polygon","coordinates":[[[0,0],[1e999,0],[10,10],[0,10],[0,0]]]}"#;
        let far = r#"{"type":"Polygon","coordinates":[[[0,0],[1e10,0],[10,10],[0,10],[0,0]]]}"#;
        let feats = vec![
            feat("huge", huge),
            feat("far", far),
            r#"{"type":"Feature","properties":{"PZWH":"attr","PZMJ":1e999,"X":-1e999},"geometry":SQUARE}"#
                .replace("SQUARE", SQUARE),
            feat("ok", SQUARE),
        ];
        let l = read_str(&fc(&feats), LayerKind::Approvals, false).unwrap();
        assert_eq!(l.read, 4);
        let ids: Vec<_> = l.parcels.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["attr", "ok"]);
        assert!(
            l.rejections[0].reason.contains("number out of range"),
            "{:?}",
            l.rejections
        );
        assert!(
            l.rejections[1].reason.contains("beyond ±1e9"),
            "{:?}",
            l.rejections
        );
        assert_eq!(l.parcels[0].attrs.number("pzmj"), Err("1e999".into()));
    }

    #[test]
    fn broken_json_inside_a_feature_costs_that_feature() {
        // A missing colon and a bare word: the brackets still balance, so the features around
        // them are read and the broken ones are rejected with serde's words.
        let text = fc(&[
            feat("A", SQUARE),
            feat("B", SQUARE).replace(r#""type":"Feature""#, r#""type" "Feature""#),
            feat("C", SQUARE).replace(r#""PZRQ":"2020-01-01""#, r#""PZRQ":yesterday"#),
            feat("D", SQUARE),
        ]);
        let l = read_str(&text, LayerKind::Approvals, false).unwrap();
        assert_eq!(l.read, 4);
        let ids: Vec<_> = l.parcels.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["A", "D"]);
        let r: Vec<_> = l
            .rejections
            .iter()
            .map(|r| (r.index, r.reason.as_str()))
            .collect();
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].0, 1);
        assert!(r[0].1.contains("expected `:`"), "{}", r[0].1);
        assert_eq!(r[1].0, 2);
        assert!(r[1].1.contains("expected value"), "{}", r[1].1);

        // Between the features, broken JSON stops the read with its line and column.
        let text = fc(&[feat("A", SQUARE), feat("B", SQUARE)]).replace("}},{", "}}\n;{");
        let e = read_str(&text, LayerKind::Approvals, false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected `,` or `]` at line 2 column 1"), "{e}");
        // A trailing comma is named as serde names it.
        for (from, to) in [("}}]}", "}},]}"), ("]}", "],}")] {
            let text = fc(&[feat("A", SQUARE)]);
            let at = text.rfind(from).unwrap();
            let text = format!("{}{}", &text[..at], to);
            let e = read_str(&text, LayerKind::Approvals, false)
                .unwrap_err()
                .to_string();
            assert!(e.contains("trailing comma"), "{e}");
        }
        // So do brackets that do not match, at the bracket.
        let text = fc(&[feat("A", SQUARE).replace("[[[0,0]", "[[{0,0]")]);
        let e = read_str(&text, LayerKind::Approvals, false)
            .unwrap_err()
            .to_string();
        let at = text.find("0]").unwrap() + 2;
        assert!(
            e.contains(&format!(
                "unbalanced brackets: `]` closes nothing that is open at line 1 column {at}"
            )),
            "{e}"
        );
    }

    #[test]
    fn a_json_array_is_not_a_feature() {
        let l = read_str(
            &fc(&[r#"["Feature", null, {"PZWH": "A"}]"#.to_string()]),
            LayerKind::Approvals,
            false,
        )
        .unwrap();
        assert_eq!(
            l.rejections[0].reason,
            "not a GeoJSON feature object: an array"
        );
    }

    #[test]
    fn invalid_utf8_costs_a_warning_or_the_feature_never_the_file() {
        let text = fc(&[
            feat("A", SQUARE).replace("2020-01-01", "2020-01-01\",\"PCMC\":\"x\u{1}"),
            feat("B\u{1}", SQUARE),
            feat("C", SQUARE).replace("\"PZRQ\"", "\"NOTE\":\"\u{1}\",\"PZRQ\""),
        ]);
        // U+0001 marks where the bad byte goes (GBK "中" = D6 D0).
        let bytes: Vec<u8> = text
            .bytes()
            .flat_map(|b| if b == 1 { vec![0xD6, 0xD0] } else { vec![b] })
            .collect();
        let l = read_bytes(
            &bytes,
            LayerKind::Approvals,
            false,
            &InputSettings::default(),
        )
        .unwrap();
        assert_eq!(l.read, 3);
        let ids: Vec<_> = l.parcels.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["A", "C"]);
        let r: Vec<_> = l
            .rejections
            .iter()
            .map(|r| (r.index, r.status, r.reason.as_str()))
            .collect();
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!((r[0].0, r[0].1), (0, RejectStatus::Warning));
        assert!(
            r[0].2.contains("byte 0xD6") && r[0].2.contains("in field PCMC"),
            "{}",
            r[0].2
        );
        assert_eq!((r[1].0, r[1].1), (1, RejectStatus::Rejected));
        assert!(r[1].2.contains("in the id field PZWH"), "{}", r[1].2);
        assert_eq!((r[2].0, r[2].1), (2, RejectStatus::Warning));
        assert!(r[2].2.contains("does not read"), "{}", r[2].2);
        assert_eq!(
            l.parcels[0].attrs.text("pcmc").as_deref(),
            Some("x\u{FFFD}\u{FFFD}")
        );

        // Outside the features it is an error naming the byte.
        let mut bytes = fc(&[feat("A", SQUARE)]).into_bytes();
        let at = bytes.windows(3).position(|w| w == b"a[1").unwrap();
        bytes[at] = 0xFF;
        let e = read_bytes(
            &bytes,
            LayerKind::Approvals,
            false,
            &InputSettings::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("byte 0xFF at byte {at}) outside the features")),
            "{e}"
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(fc(&[feat("A", SQUARE)]).as_bytes());
        let l = read_bytes(
            &bytes,
            LayerKind::Approvals,
            false,
            &InputSettings::default(),
        )
        .unwrap();
        assert_eq!(l.parcels.len(), 1);
    }

    #[test]
    fn limits_name_the_feature_or_member() {
        let text = fc(&[
            feat("A", SQUARE),
            feat(
                "B",
                &SQUARE.replace("[0,0]", &format!("[0{}0,0]", " ".repeat(300))),
            ),
        ]);
        let tight = InputSettings {
            max_feature_bytes: 250,
            max_file_bytes: None,
        };
        let e = read_bytes(text.as_bytes(), LayerKind::Approvals, false, &tight).unwrap_err();
        assert!(
            e.to_string()
                .contains("feature 1 is larger than [input] max_feature_bytes = 250"),
            "{e}"
        );
        let tiny = InputSettings {
            max_feature_bytes: 20,
            max_file_bytes: None,
        };
        let e = read_bytes(text.as_bytes(), LayerKind::Approvals, false, &tiny).unwrap_err();
        assert!(
            e.to_string().contains("member \"crs\" is larger than"),
            "{e}"
        );
        let small_file = InputSettings {
            max_feature_bytes: 1000,
            max_file_bytes: Some(100),
        };
        let e = read_bytes(text.as_bytes(), LayerKind::Approvals, false, &small_file).unwrap_err();
        assert!(
            e.to_string()
                .contains("more than [input] max_file_bytes = 100"),
            "{e}"
        );
    }

    #[test]
    fn bare_geometry_or_feature_is_named() {
        let e = read_str(SQUARE, LayerKind::Approvals, false).unwrap_err();
        assert!(
            e.to_string().contains("\"Polygon\" (a bare geometry)"),
            "{e}"
        );
        let e = read_str(&feat("A", SQUARE), LayerKind::Approvals, false).unwrap_err();
        assert!(e.to_string().contains("(a single feature)"), "{e}");
    }

    #[test]
    fn negative_zero_is_read_as_zero() {
        // Invalid (hole outside the shell), so repaired through geo's MakeValid, whose sweep
        // line asserted on -0.0 in debug builds (found by the geojson_reader fuzz target).
        let g = r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[-0,10],[0,10],[0,0]],[[20,20],[21,20],[21,21],[20,20]]]}"#;
        let l = read_str(&fc(&[feat("z", g)]), LayerKind::Approvals, true).unwrap();
        assert_eq!(l.parcels.len(), 1, "{:?}", l.rejections);
        assert_eq!(l.rejections[0].status, RejectStatus::Repaired);
        let xs: Vec<f64> = l.parcels[0].geometry.0[0]
            .exterior()
            .0
            .iter()
            .map(|c| c.x)
            .collect();
        assert!(xs.iter().all(|x| x.is_sign_positive()), "{xs:?}");
    }

    #[test]
    fn degenerate_rings_are_rejected_or_dropped_by_repair() {
        let multi = r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[3,3],[2,2],[2,2]]],[[[20,0],[20,0],[20,0],[20,0]]]]}"#;
        let l = read_str(&fc(&[feat("d", multi)]), LayerKind::Approvals, false).unwrap();
        assert_eq!(
            l.rejections[0].reason,
            "polygon 0 interior ring 0 has fewer than 3 distinct positions"
        );
        let l = read_str(&fc(&[feat("d", multi)]), LayerKind::Approvals, true).unwrap();
        assert_eq!(l.parcels.len(), 1);
        assert_eq!(l.rejections.len(), 1, "{:?}", l.rejections);
        assert_eq!(
            l.rejections[0].reason,
            "repaired: polygon 0 interior ring 0 dropped, it has fewer than 3 distinct positions; \
             repaired: polygon 1 dropped, its polygon 1 exterior ring has fewer than 3 distinct positions"
        );
        use geo::Area;
        assert_eq!(l.parcels[0].geometry.unsigned_area(), 100.0);
        let point = r#"{"type":"Polygon","coordinates":[[[5,5],[5,5],[5,5],[5,5]]]}"#;
        let l = read_str(&fc(&[feat("p", point)]), LayerKind::Approvals, true).unwrap();
        assert_eq!(
            l.rejections[0].reason,
            "no polygon with 3 distinct positions"
        );
    }

    #[test]
    fn a_short_position_is_rejected() {
        // Found by the geojson_reader fuzz target: geojson checks position lengths of Points only.
        let g = r#"{"type":"Polygon","coordinates":[[[0,0],[10],[10,10],[0,0]]]}"#;
        let l = read_str(&fc(&[feat("s", g)]), LayerKind::Approvals, false).unwrap();
        assert_eq!(
            l.rejections[0].reason,
            "polygon 0 exterior ring: position 1 has 1 coordinate(s), expected at least 2"
        );
    }

    #[test]
    fn a_geometry_engine_panic_costs_one_feature() {
        // Found by the overlay fuzz target: repairing this (i_overlay 4.5.2's unary union) panics
        // with an index out of bounds in `bind/solver.rs` (iShape-Rust/iOverlay#17), in release
        // builds too. The feature is rejected; the read goes on.
        let g = r#"{"type":"MultiPolygon","coordinates":[[[[-1000,-209000],[-12801000,24007000],[-1000,-165000],[-1000,-209000]]],[[[13000,-1000],[-1000,-1000],[-12801000,24007000],[-1000,-255000],[-1000,-1000],[-4097000,-17000],[-249000,-1000],[-1000,-1000],[239000,0],[13000,-1000]]]]}"#;
        let l = read_str(
            &fc(&[feat("boom", g), feat("ok", SQUARE)]),
            LayerKind::Approvals,
            true,
        )
        .unwrap();
        assert_eq!(l.read, 2);
        assert_eq!(l.parcels.len() + l.rejected_count(), 2);
        assert!(l.parcels.iter().any(|p| p.id == "ok"));
    }

    #[test]
    fn zone_prefixed_eastings_are_read_without_the_prefix_exactly() {
        let ring = |x0: &str, x1: &str| {
            format!(
                r#"{{"type":"Polygon","coordinates":[[[{x0},3300000.125],[{x1},3300000.125],[{x1},3300100.3],[{x0},3300000.125]]]}}"#
            )
        };
        let with_crs = |epsg: u32, first: bool, x0: &str, x1: &str| {
            let crs = format!(r#""crs":{{"type":"name","properties":{{"name":"EPSG:{epsg}"}}}}"#);
            let features = format!(r#""features":[{}]"#, feat("a", &ring(x0, x1)));
            if first {
                format!(r#"{{"type":"FeatureCollection",{crs},{features}}}"#)
            } else {
                format!(r#"{{"type":"FeatureCollection",{features},{crs}}}"#)
            }
        };
        let xs = |l: &Layer| -> Vec<f64> {
            l.parcels[0].geometry.0[0]
                .exterior()
                .0
                .iter()
                .map(|c| c.x)
                .collect()
        };
        // 3° zone 40 with prefix (EPSG:4528) reads as EPSG:4549, bit for bit the unprefixed text.
        let base = read_str(
            &with_crs(4549, true, "495714.878", "495814.3"),
            LayerKind::Approvals,
            false,
        )
        .unwrap();
        let l = read_str(
            &with_crs(4528, true, "40495714.878", "40495814.3"),
            LayerKind::Approvals,
            false,
        )
        .unwrap();
        assert_eq!(
            (l.crs.clone(), l.file_crs.clone()),
            (Crs::Epsg(4549), Some(Crs::Epsg(4528)))
        );
        assert_eq!(xs(&l), xs(&base));
        assert_eq!(base.file_crs, None);
        // 6° zone 20 with prefix (EPSG:4498) reads as EPSG:4509.
        let l = read_str(
            &with_crs(4498, true, "20495714.878", "20495814.3"),
            LayerKind::Approvals,
            false,
        )
        .unwrap();
        assert_eq!(
            (l.crs.clone(), l.file_crs.clone()),
            (Crs::Epsg(4509), Some(Crs::Epsg(4498)))
        );
        assert_eq!(xs(&l), xs(&base));
        // A crs member after the features: read as written, in the declared CRS.
        let l = read_str(
            &with_crs(4528, false, "40495714.878", "40495814.3"),
            LayerKind::Approvals,
            false,
        )
        .unwrap();
        assert_eq!((l.crs.clone(), l.file_crs.clone()), (Crs::Epsg(4528), None));
        assert_eq!(xs(&l)[0], 40495714.878);
    }
}
