//! Reading through GDAL (feature `gdal`): Shapefile, GeoPackage, FileGDB (OpenFileGDB driver),
//! FlatGeobuf and any other OGR vector source.
//!
//! GDAL hands out features; each becomes an [`Outcome`] through the same field lookup, ring
//! checks and geometry validation as a GeoJSON feature ([`FieldLookup`], [`polygons_from_parts`],
//! [`finish`]), so rejections and the accounting `read = used + rejected` do not depend on the
//! format.
//!
//! - **Which layer**: `file.gpkg:layer`, else [`SourceOptions::layer`], else the only layer, else
//!   the layer named after the kind (`approvals`, `DLTB`, …, any case). Otherwise an error
//!   listing the layers.
//! - **Attributes** keep their types: integers, reals, text, and dates (a date-time at midnight
//!   is a date; another date-time is kept as text, which the date reader accepts).
//! - **Text encoding** (Shapefile/DBF only; the other formats are UTF-8 by definition): GDAL
//!   decodes what the `.cpg` file or the DBF header declares. Where nothing is declared, or
//!   `--encoding` overrides it, the DBF text is read as raw bytes (GDAL recodes it as ISO-8859-1,
//!   which maps every byte to one character, so no byte is lost) and decoded here with
//!   `encoding_rs`: the given encoding, else UTF-8 when every text of the layer is valid UTF-8,
//!   else GB18030 (a superset of GBK/CP936). The layer's notes say which, for the summary. Text
//!   that does not decode is read with U+FFFD and warned about, as in GeoJSON.
//! - **CRS**: the EPSG code when GDAL identifies the layer's spatial reference, else its WKT
//!   (kept, and reported by the frame check); no spatial reference reads like a GeoJSON file
//!   without `crs`, so `--crs` applies.
//! - **Geometry**: Polygon and MultiPolygon; 3D/measured polygons are flattened to 2D, and
//!   curved polygons (CurvePolygon, MultiSurface, with CircularString and CompoundCurve rings)
//!   linearised in steps of at most 4° as GDAL's `CONVERT_TO_LINEAR` does, each with a note on
//!   the feature (the gdal crate 0.19 does not wrap GDAL's linearisation, and landaudit has no
//!   `unsafe`, so the arcs are cut in `arcs`). Every other type is rejected per feature.
//! - **Errors** stop the read with one line naming the file: not a vector dataset, no such
//!   layer, a Shapefile without its `.dbf`, and any error GDAL raises while reading features (a
//!   truncated `.shp`). GDAL's messages are caught, never printed.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Once;

use chrono::{NaiveTime, Timelike};
use encoding_rs::{Encoding, GB18030, UTF_8};
use gdal::errors::{CplErrType, GdalError};
use gdal::vector::{
    FieldValue, Geometry, LayerAccess, OGRwkbGeometryType, geometry_type_flatten,
    geometry_type_has_m, geometry_type_has_z,
};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags, Metadata};
use geo::{Coord, MultiPolygon};
use rayon::prelude::*;

use super::feature::{FieldLookup, Notes, Outcome, finish};
use super::rings::{parts_of, polygons_from_parts};
use super::{Converted, Prefilter, ReadOptions, SourceOptions, assemble};
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::layer::{AttrValue, Layer, LayerKind, RejectStatus};
use crate::overlay::guarded;

const SHAPEFILE: &str = "ESRI Shapefile";

/// Reads one layer of a GDAL source (see the module docs).
pub(crate) fn read(path: &Path, opts: &ReadOptions, source: &SourceOptions) -> Result<Layer> {
    catch_gdal_messages();
    drop(take_messages());
    let fail = |message: String| Error::Gdal {
        path: path.to_path_buf(),
        message,
    };
    let (file, named) = split_layer_name(path);
    if !file.exists() {
        return Err(Error::io(
            &file,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ));
    }
    check_shapefile_parts(&file).map_err(&fail)?;
    let forced = match source.encoding.as_deref() {
        None => None,
        Some(label) => Some(Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            fail(format!(
                "unknown encoding {label:?} (try GBK, GB18030, UTF-8, Big5, windows-1252)"
            ))
        })?),
    };
    let ds = open(&file, &[]).map_err(|e| fail(e.to_string()))?;
    let name = choose_layer(&ds, named.or(source.layer.as_deref()), opts.kind).map_err(&fail)?;
    let is_shapefile = ds.driver().short_name() == SHAPEFILE;
    let declared = if is_shapefile {
        let layer = ds
            .layer_by_name(&name)
            .map_err(|e| fail(gdal_message(&e)))?;
        layer
            .metadata_item("SOURCE_ENCODING", "SHAPEFILE")
            .filter(|e| !e.trim().is_empty())
    } else {
        None
    };
    // Text comes decoded by GDAL, or as raw bytes for us to decode.
    let (ds, text) = match (is_shapefile, forced, declared) {
        (false, _, _) => (ds, Text::Decoded(None)),
        (true, None, Some(declared)) => (ds, Text::Decoded(Some(declared))),
        (true, forced, _) => {
            drop(ds);
            let ds = open(&file, &["ENCODING=ISO-8859-1"]).map_err(|e| fail(e.to_string()))?;
            (ds, Text::Raw(forced))
        }
    };
    let mut layer = ds
        .layer_by_name(&name)
        .map_err(|e| fail(gdal_message(&e)))?;
    let (crs, crs_note) = crs_of(layer.spatial_ref());
    let lookup = FieldLookup::new(opts.kind, opts.fields, opts.all_fields);

    // Field names first (they may need decoding too), then the fields landaudit reads.
    let defs: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let mut raw = RawLayer {
        names: defs.iter().map(|n| text.value(n.clone())).collect(),
        features: Vec::new(),
    };
    // Raw field names are only known once the layer's encoding is: read every field then.
    let wanted: Vec<usize> = match text {
        Text::Raw(_) => (0..defs.len()).collect(),
        Text::Decoded(_) => (0..defs.len())
            .filter(|&i| lookup.wants(&defs[i]))
            .collect(),
    };

    let repair = opts.repair;
    for f in layer.features() {
        let index = raw.features.len();
        let props: Vec<(usize, Option<RawValue>)> =
            wanted.iter().map(|&i| (i, field(&f, i, &text))).collect();
        let geometry = guarded(|| geometry_of(f.geometry(), repair)).unwrap_or_else(Err);
        let mut warnings = vec![];
        for (class, msg) in take_messages() {
            if matches!(class, CplErrType::Failure | CplErrType::Fatal) {
                return Err(fail(format!(
                    "GDAL failed reading feature {index}: {msg} (is the file truncated or damaged?)"
                )));
            }
            warnings.push(format!("GDAL: {msg}"));
        }
        raw.features.push(RawFeature {
            props,
            geometry,
            warnings,
        });
    }
    if let Some((_, msg)) = take_messages()
        .into_iter()
        .find(|(c, _)| matches!(c, CplErrType::Failure | CplErrType::Fatal))
    {
        return Err(fail(format!(
            "GDAL stopped after {} features: {msg} (is the file truncated or damaged?)",
            raw.features.len()
        )));
    }

    // Decoding needs the whole layer: one encoding for all of its text.
    let decoder = text.decoder(&raw);
    let names: Vec<String> = raw.names.iter().map(|n| decoder.decode(n).0).collect();
    // Each parcel meets the prefilter as it is converted: a refused one is dropped at once. A
    // layer without a spatial reference (read like a GeoJSON file without `crs`) is not tested.
    let keep_crs = (crs != Crs::Rfc7946).then_some(&crs);
    let converted: Converted = raw
        .features
        .into_par_iter()
        .enumerate()
        .map(|(index, r)| {
            let o: Outcome = guarded(|| convert(index, r, &names, &decoder, &lookup, repair))
                .unwrap_or_else(|e| Err((None, e)));
            Prefilter::sift(opts.keep.as_ref(), keep_crs, opts.kind, index, o)
        })
        .collect();

    let mut out = assemble(opts, path, crs, &lookup, converted);
    out.notes.push(format!(
        "read with GDAL ({} driver), layer {name:?}",
        ds.driver().short_name()
    ));
    if let Some(n) = decoder.note() {
        out.notes.push(n);
    }
    out.notes.extend(crs_note);
    Ok(out)
}

/// `file.gpkg:layer` → (`file.gpkg`, `layer`), unless the whole path exists (a file name may
/// hold a colon). The part before the colon must be a GDAL source.
fn split_layer_name(path: &Path) -> (PathBuf, Option<&str>) {
    if path.exists() {
        return (path.to_path_buf(), None);
    }
    match path.to_str().and_then(|p| p.rsplit_once(':')) {
        Some((file, layer)) if super::needs_gdal(Path::new(file)) && !layer.is_empty() => {
            (PathBuf::from(file), Some(layer))
        }
        _ => (path.to_path_buf(), None),
    }
}

/// A Shapefile is three files: without the `.dbf` GDAL reads the shapes alone and every
/// feature would lose its attributes (and its id), so that is an error here.
fn check_shapefile_parts(file: &Path) -> std::result::Result<(), String> {
    let is_shp = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    if !is_shp {
        return Ok(());
    }
    for ext in ["dbf", "shx"] {
        let found = [ext.to_string(), ext.to_uppercase()]
            .iter()
            .any(|e| file.with_extension(e).is_file());
        if !found {
            return Err(format!(
                "the Shapefile has no .{ext} beside it ({} is missing); a Shapefile needs its \
                 .shp, .shx and .dbf",
                file.with_extension(ext).display()
            ));
        }
    }
    Ok(())
}

fn open(file: &Path, open_options: &[&str]) -> std::result::Result<Dataset, String> {
    let drivers = [SHAPEFILE];
    Dataset::open_ex(
        file,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: (!open_options.is_empty()).then_some(&drivers[..]),
            open_options: (!open_options.is_empty()).then_some(open_options),
            sibling_files: None,
        },
    )
    .map_err(|e| {
        drop(take_messages());
        format!(
            "GDAL cannot open it as a vector dataset: {}",
            gdal_message(&e)
        )
    })
}

/// The vector layers of a source (see [`super::layer_names`]).
pub(crate) fn layer_names(path: &Path) -> Result<Vec<String>> {
    catch_gdal_messages();
    drop(take_messages());
    let ds = open(path, &[]).map_err(|message| Error::Gdal {
        path: path.to_path_buf(),
        message,
    })?;
    Ok(ds.layers().map(|l| l.name()).collect())
}

/// The layer to read: the one named, else the only one, else the one named after `kind`.
fn choose_layer(
    ds: &Dataset,
    named: Option<&str>,
    kind: LayerKind,
) -> std::result::Result<String, String> {
    let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
    let list = || {
        if names.is_empty() {
            "it has no vector layer".to_string()
        } else {
            format!("its layers: {}", names.join(", "))
        }
    };
    if let Some(n) = named {
        return names
            .iter()
            .find(|l| l.as_str() == n)
            .or_else(|| names.iter().find(|l| l.eq_ignore_ascii_case(n)))
            .cloned()
            .ok_or_else(|| format!("no layer named {n:?}; {}", list()));
    }
    match names.as_slice() {
        [only] => return Ok(only.clone()),
        [] => return Err(list()),
        _ => {}
    }
    std::iter::once(kind.name())
        .chain(kind.alt_names().iter().copied())
        .find_map(|k| names.iter().find(|l| l.eq_ignore_ascii_case(k)))
        .cloned()
        .ok_or_else(|| {
            format!(
                "{} layers and none named {}; name one as FILE:LAYER or with --layer {}=LAYER; {}",
                names.len(),
                kind.name(),
                kind.name(),
                list()
            )
        })
}

/// The CRS of a layer, and a note when GDAL could not name an EPSG code.
fn crs_of(srs: Option<gdal::spatial_ref::SpatialRef>) -> (Crs, Option<String>) {
    let Some(mut srs) = srs else {
        return (Crs::Rfc7946, None);
    };
    let code = |s: &gdal::spatial_ref::SpatialRef| {
        (s.auth_name().as_deref() == Some("EPSG"))
            .then(|| s.auth_code().ok())
            .flatten()
            .and_then(|c| u32::try_from(c).ok())
    };
    if let Some(c) = code(&srs) {
        return (Crs::Epsg(c), None);
    }
    if srs.auto_identify_epsg().is_ok()
        && let Some(c) = code(&srs)
    {
        return (Crs::Epsg(c), None);
    }
    let wkt = srs
        .to_wkt()
        .unwrap_or_else(|_| srs.name().unwrap_or_else(|| "unnamed".into()));
    let note = format!("CRS not identified as an EPSG code; WKT kept: {wkt}");
    (Crs::Other(wkt), Some(note))
}

/// How a layer's text arrives.
#[derive(Debug)]
enum Text {
    /// Decoded by GDAL: UTF-8 formats (`None`), or a Shapefile's declared encoding.
    Decoded(Option<String>),
    /// Raw bytes (read as ISO-8859-1), to decode with the given encoding or the detected one.
    Raw(Option<&'static Encoding>),
}

/// Text as read: GDAL's string, or the raw bytes.
#[derive(Debug, Clone)]
enum RawText {
    Str(String),
    Bytes(Vec<u8>),
}

impl Text {
    fn value(&self, s: String) -> RawText {
        match self {
            Text::Decoded(_) => RawText::Str(s),
            // ISO-8859-1 maps byte b to U+00b: the bytes come back exactly.
            Text::Raw(_) => RawText::Bytes(
                s.chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                    .collect(),
            ),
        }
    }

    /// The decoder for a layer's raw text: the forced encoding, else UTF-8 when all of it is
    /// valid UTF-8, else GB18030.
    fn decoder(&self, raw: &RawLayer) -> Decoder {
        match self {
            Text::Decoded(declared) => Decoder {
                encoding: UTF_8,
                note: declared.as_ref().map(|d| {
                    format!("text encoding {d} (declared by the .cpg file or DBF header)")
                }),
            },
            Text::Raw(Some(e)) => Decoder {
                encoding: e,
                note: Some(format!("text encoding {} (--encoding)", e.name())),
            },
            Text::Raw(None) => {
                let utf8 = raw.all_text().all(|b| std::str::from_utf8(b).is_ok());
                let any = raw.all_text().any(|b| !b.is_ascii());
                let (encoding, why) = match (utf8, any) {
                    (true, false) => (UTF_8, "no .cpg file or code page; all text is ASCII"),
                    (true, true) => (UTF_8, "no .cpg file or code page; all text is valid UTF-8"),
                    (false, _) => (
                        GB18030,
                        "no .cpg file or code page and the text is not valid UTF-8; \
                         --encoding overrides",
                    ),
                };
                Decoder {
                    encoding,
                    note: Some(format!("text encoding {} ({why})", encoding.name())),
                }
            }
        }
    }
}

struct Decoder {
    encoding: &'static Encoding,
    note: Option<String>,
}

impl Decoder {
    /// The text, and whether some of it did not decode (read as U+FFFD).
    fn decode(&self, t: &RawText) -> (String, bool) {
        match t {
            RawText::Str(s) => (s.clone(), s.contains('\u{FFFD}')),
            RawText::Bytes(b) => {
                let (s, bad) = self.encoding.decode_without_bom_handling(b);
                (s.into_owned(), bad)
            }
        }
    }

    fn note(&self) -> Option<String> {
        self.note.clone()
    }
}

/// A field value as read, before decoding.
#[derive(Debug, Clone)]
enum RawValue {
    Int(i64),
    Real(f64),
    Date(chrono::NaiveDate),
    Text(RawText),
}

struct RawFeature {
    /// (field index, value) for the fields read; `None` for null.
    props: Vec<(usize, Option<RawValue>)>,
    geometry: std::result::Result<(MultiPolygon<f64>, Vec<String>), String>,
    /// GDAL's warnings while reading the feature.
    warnings: Vec<String>,
}

struct RawLayer {
    names: Vec<RawText>,
    features: Vec<RawFeature>,
}

impl RawLayer {
    fn all_text(&self) -> impl Iterator<Item = &[u8]> {
        let names = self.names.iter();
        let values = self.features.iter().flat_map(|f| {
            f.props.iter().filter_map(|(_, v)| match v {
                Some(RawValue::Text(t)) => Some(t),
                _ => None,
            })
        });
        names.chain(values).filter_map(|t| match t {
            RawText::Bytes(b) => Some(b.as_slice()),
            RawText::Str(_) => None,
        })
    }
}

/// One field of a feature, typed. Values GDAL cannot type (an impossible date, a list) are read
/// as text, for the field readers to judge.
fn field(f: &gdal::vector::Feature, i: usize, text: &Text) -> Option<RawValue> {
    let as_text = || {
        f.field_as_string(i)
            .ok()
            .flatten()
            .map(|s| RawValue::Text(text.value(s)))
    };
    match f.field(i) {
        Ok(None) => None,
        Ok(Some(v)) => match v {
            FieldValue::IntegerValue(n) => Some(RawValue::Int(n.into())),
            FieldValue::Integer64Value(n) => Some(RawValue::Int(n)),
            FieldValue::RealValue(r) => Some(RawValue::Real(r)),
            FieldValue::StringValue(s) => Some(RawValue::Text(text.value(s))),
            FieldValue::DateValue(d) => Some(RawValue::Date(d)),
            FieldValue::DateTimeValue(dt) => {
                let local = dt.naive_local();
                if local.time() == NaiveTime::MIN {
                    Some(RawValue::Date(local.date()))
                } else {
                    let fmt = if local.time().nanosecond() == 0 {
                        "%Y-%m-%dT%H:%M:%S"
                    } else {
                        "%Y-%m-%dT%H:%M:%S%.f"
                    };
                    Some(RawValue::Text(RawText::Str(local.format(fmt).to_string())))
                }
            }
            _ => as_text(),
        },
        Err(_) => as_text(),
    }
}

/// The polygons of a feature's geometry, with notes on what was changed (flattened to 2D,
/// linearised).
fn geometry_of(
    g: Option<&Geometry>,
    repair: bool,
) -> std::result::Result<(MultiPolygon<f64>, Vec<String>), String> {
    let Some(g) = g else {
        return Err("null geometry (or no geometry)".into());
    };
    if g.is_empty() {
        return Err(if is_null(g) {
            "null geometry (or no geometry)".into()
        } else {
            "empty geometry".into()
        });
    }
    let ty = g.geometry_type();
    let mut notes = vec![];
    let z = geometry_type_has_z(ty) || geometry_type_has_m(ty);
    let parts = match geometry_type_flatten(ty) {
        OGRwkbGeometryType::wkbPolygon | OGRwkbGeometryType::wkbMultiPolygon => {
            let flat;
            let g = if z {
                let mut g2 = g.clone();
                g2.flatten_to_2d();
                flat = g2;
                &flat
            } else {
                g
            };
            match g.to_geo() {
                Ok(geo::Geometry::Polygon(p)) => parts_of(&MultiPolygon::new(vec![p])),
                Ok(geo::Geometry::MultiPolygon(mp)) => parts_of(&mp),
                Ok(_) => return Err("unreadable polygon".into()),
                Err(e) => return Err(format!("unreadable geometry: {}", gdal_message(&e))),
            }
        }
        // The gdal crate 0.19 does not wrap GDAL's linearisation: the arcs are cut here, with
        // GDAL's default step (see `arcs`).
        OGRwkbGeometryType::wkbCurvePolygon | OGRwkbGeometryType::wkbMultiSurface => {
            let (parts, arcs) = curved_parts(g)?;
            if arcs > 0 {
                notes.push(format!(
                    "{} linearised ({arcs} circular arc{}, steps of at most {}°)",
                    g.geometry_name().to_lowercase(),
                    if arcs == 1 { "" } else { "s" },
                    super::arcs::ARC_STEP_DEGREES
                ));
            }
            parts
        }
        _ => {
            return Err(format!(
                "geometry type {}, expected Polygon or MultiPolygon",
                g.geometry_name()
            ));
        }
    };
    if z {
        notes.push(format!(
            "{} flattened to 2D",
            g.geometry_name().to_lowercase()
        ));
    }
    let (mp, mut ring_notes) = polygons_from_parts(parts, repair)?;
    notes.append(&mut ring_notes);
    Ok((mp, notes))
}

/// Polygons as lists of rings of positions, exterior first.
type Parts = Vec<Vec<Vec<Coord<f64>>>>;

/// The rings of a CurvePolygon or MultiSurface as parts of linear positions, and the number of
/// circular arcs linearised. Rings may be LineStrings, CircularStrings or CompoundCurves of
/// both; Z and M are dropped (the caller notes it).
fn curved_parts(g: &Geometry) -> std::result::Result<(Parts, usize), String> {
    let mut arcs = 0;
    let multi = geometry_type_flatten(g.geometry_type()) == OGRwkbGeometryType::wkbMultiSurface;
    let count = if multi { g.geometry_count() } else { 1 };
    let mut parts = Vec::with_capacity(count);
    for k in 0..count {
        let member;
        let p: &Geometry = if multi {
            member = g.get_geometry(k);
            &member
        } else {
            g
        };
        match geometry_type_flatten(p.geometry_type()) {
            OGRwkbGeometryType::wkbPolygon | OGRwkbGeometryType::wkbCurvePolygon => {}
            _ => {
                return Err(format!(
                    "{} inside {}, expected polygons",
                    p.geometry_name(),
                    g.geometry_name()
                ));
            }
        }
        let mut rings = Vec::with_capacity(p.geometry_count());
        for r in 0..p.geometry_count() {
            let ring = p.get_geometry(r);
            let mut out = Vec::new();
            arcs += linear_curve(&ring, &mut out)?;
            rings.push(out);
        }
        parts.push(rings);
    }
    Ok((parts, arcs))
}

/// Appends the positions of a LineString, CircularString or CompoundCurve to `out`, arcs
/// linearised; returns the number of arcs.
fn linear_curve(c: &Geometry, out: &mut Vec<Coord<f64>>) -> std::result::Result<usize, String> {
    let xy = |c: &Geometry| -> Vec<Coord<f64>> {
        let mut pts = Vec::with_capacity(c.point_count());
        c.get_points(&mut pts);
        pts.into_iter().map(|(x, y, _)| Coord { x, y }).collect()
    };
    match geometry_type_flatten(c.geometry_type()) {
        OGRwkbGeometryType::wkbLineString | OGRwkbGeometryType::wkbLinearRing => {
            super::arcs::line_string(&xy(c), out);
            Ok(0)
        }
        OGRwkbGeometryType::wkbCircularString => super::arcs::circular_string(&xy(c), out),
        OGRwkbGeometryType::wkbCompoundCurve => {
            let mut arcs = 0;
            for i in 0..c.geometry_count() {
                arcs += linear_curve(&c.get_geometry(i), out)?;
            }
            Ok(arcs)
        }
        _ => Err(format!("{} as a polygon ring", c.geometry_name())),
    }
}

/// Whether an (empty-looking) geometry is GDAL's null geometry: the gdal crate hands a
/// feature's missing geometry out as a geometry without an object behind it, which only shows in
/// the error GDAL raises when asked about it. That error is taken here, not reported.
fn is_null(g: &Geometry) -> bool {
    let is_probe = |m: &str| m.contains("Pointer 'hGeom' is NULL");
    let mut kept: Vec<_> = take_messages()
        .into_iter()
        .filter(|(_, m)| !is_probe(m))
        .collect();
    let _ = g.is_empty();
    let after = take_messages();
    let null = after.iter().any(|(_, m)| is_probe(m));
    kept.extend(after.into_iter().filter(|(_, m)| !is_probe(m)));
    let _ = MESSAGES.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.splice(0..0, kept);
        }
    });
    null
}

/// One feature from its raw values: decode, look up, check; the same order of checks as the
/// GeoJSON reader (id, then text, then geometry).
fn convert(
    index: usize,
    r: RawFeature,
    names: &[String],
    decoder: &Decoder,
    lookup: &FieldLookup,
    repair: bool,
) -> Outcome {
    let mut undecodable = vec![];
    let props = r.props.into_iter().map(|(i, v)| {
        let value = v.map(|v| match v {
            RawValue::Int(n) => AttrValue::Int(n),
            RawValue::Real(x) => AttrValue::Real(x),
            RawValue::Date(d) => AttrValue::Date(d),
            RawValue::Text(t) => {
                let (s, bad) = decoder.decode(&t);
                if bad && lookup.wants(&names[i]) {
                    undecodable.push(names[i].clone());
                }
                AttrValue::Text(s)
            }
        });
        (names[i].clone(), value)
    });
    let (attrs, fields) = lookup.attributes(props.collect::<Vec<_>>(), |v| v);
    let Some(id) = lookup.id(&attrs, index) else {
        return Err((None, lookup.missing_id()));
    };
    let mut notes: Notes = r
        .warnings
        .into_iter()
        .map(|w| (RejectStatus::Warning, w))
        .collect();
    if !undecodable.is_empty() {
        let what = format!(
            "text not valid {} read with U+FFFD",
            decoder.encoding.name()
        );
        if id.contains('\u{FFFD}') {
            return Err((
                Some(id),
                format!(
                    "{what} in the id field {}; give the file's encoding with --encoding",
                    lookup.id_source
                ),
            ));
        }
        undecodable.sort();
        undecodable.dedup();
        notes.push((
            RejectStatus::Warning,
            format!(
                "{what} in field {}; give the file's encoding with --encoding",
                undecodable.join(", ")
            ),
        ));
    }
    let (geometry, repairs) = match r.geometry {
        Ok(g) => g,
        Err(reason) => return Err((Some(id), reason)),
    };
    finish(index, id, attrs, fields, geometry, repairs, notes, repair)
}

/// GDAL's own message for an error, on one line.
fn gdal_message(e: &GdalError) -> String {
    let msg = match e {
        GdalError::NullPointer { msg, .. } | GdalError::CplError { msg, .. }
            if !msg.trim().is_empty() =>
        {
            msg.clone()
        }
        other => other.to_string(),
    };
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

thread_local! {
    /// GDAL's messages raised on this thread since the last [`take_messages`].
    static MESSAGES: RefCell<Vec<(CplErrType, String)>> = const { RefCell::new(Vec::new()) };
}

/// Routes GDAL's errors and warnings to the thread that raised them instead of stderr, so a
/// read can turn them into an error or a note. Installed once per process.
fn catch_gdal_messages() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        gdal::config::set_error_handler(|class, _number, msg| {
            if matches!(class, CplErrType::None | CplErrType::Debug) {
                return;
            }
            let _ = MESSAGES.try_with(|m| {
                if let Ok(mut m) = m.try_borrow_mut()
                    && m.len() < 1000
                {
                    m.push((class, msg.split_whitespace().collect::<Vec<_>>().join(" ")));
                }
            });
        });
    });
}

/// Takes the GDAL messages raised on this thread.
pub(crate) fn take_messages() -> Vec<(CplErrType, String)> {
    MESSAGES
        .try_with(|m| m.try_borrow_mut().map(|mut m| std::mem::take(&mut *m)))
        .ok()
        .and_then(|r| r.ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_split_only_for_gdal_sources() {
        assert_eq!(
            split_layer_name(Path::new("/no/such/a.gpkg:supplies")),
            (PathBuf::from("/no/such/a.gpkg"), Some("supplies"))
        );
        assert_eq!(
            split_layer_name(Path::new("/no/such/a.geojson:x")),
            (PathBuf::from("/no/such/a.geojson:x"), None)
        );
        assert_eq!(
            split_layer_name(Path::new("/no/such/a.gpkg")),
            (PathBuf::from("/no/such/a.gpkg"), None)
        );
    }

    #[test]
    fn raw_text_keeps_every_byte() {
        let bytes: Vec<u8> = (1..=255).collect();
        let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
        match Text::Raw(None).value(latin1) {
            RawText::Bytes(b) => assert_eq!(b, bytes),
            RawText::Str(_) => unreachable!(),
        }
    }

    #[test]
    fn gbk_text_is_detected_and_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("批次名称");
        let raw = RawLayer {
            names: vec![RawText::Bytes(b"PCMC".to_vec())],
            features: vec![RawFeature {
                props: vec![(0, Some(RawValue::Text(RawText::Bytes(gbk.to_vec()))))],
                geometry: Err("none".into()),
                warnings: vec![],
            }],
        };
        let d = Text::Raw(None).decoder(&raw);
        assert_eq!(d.encoding, GB18030);
        assert_eq!(
            d.decode(&RawText::Bytes(gbk.to_vec())),
            ("批次名称".to_string(), false)
        );
        let utf8 = RawLayer {
            names: vec![RawText::Bytes("批次".as_bytes().to_vec())],
            features: vec![],
        };
        assert_eq!(Text::Raw(None).decoder(&utf8).encoding, UTF_8);
    }
}
