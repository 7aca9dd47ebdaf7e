//! Reading layers: one module per format, sharing what a feature becomes.
//!
//! - [`geojson`]: the streaming GeoJSON reader (always built, pure Rust);
//! - `gdal` (feature `gdal`): Shapefile, GeoPackage, FileGDB, FlatGeobuf and any other OGR
//!   vector source, through the system GDAL;
//! - `feature`: field lookup, id and geometry checks of one feature, for every format;
//! - `coords`: GeoJSON coordinates from their text (zone prefixes removed exactly);
//! - `members`: a GeoJSON feature's members in one pass, for the plain case;
//! - `rings`: positions and rings to polygons, for every format;
//! - `arcs` (feature `gdal`): circular arcs of curved polygons to line segments;
//! - `split`: GeoJSON values cut out of the byte stream, under the byte limits of `[input]`.
//!
//! Whatever the format, a read yields a [`Layer`]: the valid parcels and the rejected, repaired
//! and warned features, with `read = parcels + outside + rejected` (`outside`: the valid parcels
//! a [`Prefilter`] refused, counted but not held).

#[cfg(feature = "gdal")]
mod arcs;
mod coords;
pub(crate) mod feature;
#[cfg(feature = "gdal")]
mod gdal;
pub mod geojson;
mod members;
pub(crate) mod rings;
mod split;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use geo::{BoundingRect, Rect};

use crate::config::{FieldMap, InputSettings};
use crate::crs::Crs;
use crate::error::Result;
use crate::layer::{Layer, LayerKind, Parcel, RejectStatus, Rejection};

use self::feature::{FieldLookup, Notes, Outcome};

/// How a layer is read.
#[derive(Debug, Clone)]
pub struct ReadOptions<'a> {
    /// Which layer this is (decides the id field and the known fields).
    pub kind: LayerKind,
    /// Source field names.
    pub fields: &'a FieldMap,
    /// Repair invalid polygons instead of rejecting them.
    pub repair: bool,
    /// Keep every source field of every feature in [`crate::Parcel::fields`], not only the
    /// canonical ones (the `overlay` command carries them to its output).
    pub all_fields: bool,
    /// Hold only the parcels this test keeps (see [`Prefilter`]); `None` holds every one.
    pub keep: Option<Prefilter<'a>>,
}

/// A test each valid parcel is put to as soon as its batch of features is converted, so that a
/// layer of which only a part matters is never held whole.
///
/// The reader calls `keep` with the CRS the coordinates are in (for a GeoJSON file in a
/// zone-prefixed Gauss-Krüger CRS, the unprefixed twin it reads them into) and the parcel's
/// bounding box. A parcel it refuses is not held: the layer counts it in
/// [`Layer::outside`](crate::Layer::outside) and keeps its warnings and repairs in
/// [`Layer::rejections`](crate::Layer::rejections). Where the CRS is not known when the features
/// are converted (a GeoJSON `crs` member after the features, or none), nothing is tested and
/// every parcel is held.
///
/// ```
/// use landaudit::{Config, Crs, LayerKind, io::{read_layer, Prefilter, ReadOptions}};
/// let cfg = Config::default();
/// // Hold only the parcels west of x = 10 000 in EPSG:4549 (keep everything in another CRS).
/// let west = |crs: &Crs, b: &geo::Rect<f64>| *crs != Crs::Epsg(4549) || b.min().x < 10_000.0;
/// let opts = ReadOptions {
///     keep: Some(Prefilter::new(&west)),
///     ..ReadOptions::new(LayerKind::Landuse, &cfg.fields.landuse)
/// };
/// # let _ = opts;
/// ```
#[derive(Clone, Copy)]
pub struct Prefilter<'a> {
    keep: &'a KeepFn<'a>,
    notes: Option<&'a NotesFn<'a>>,
}

/// What a [`Prefilter`] asks of a parcel: keep it (given its CRS and bounding box)?
type KeepFn<'a> = dyn Fn(&Crs, &Rect<f64>) -> bool + Sync + 'a;
/// The notes a [`Prefilter`] adds to a parcel it refuses.
type NotesFn<'a> = dyn Fn(&Parcel) -> Vec<(RejectStatus, String)> + Sync + 'a;

impl<'a> Prefilter<'a> {
    /// A prefilter holding the parcels for which `keep(crs, bounding box)` is true.
    pub fn new(keep: &'a (dyn Fn(&Crs, &Rect<f64>) -> bool + Sync)) -> Self {
        Prefilter { keep, notes: None }
    }

    /// Also calls `notes` on each parcel refused, before it is dropped, and records what it
    /// returns with the parcel's own notes: the warnings the caller would have raised on the
    /// parcel's attributes had it been held.
    pub fn with_notes(
        self,
        notes: &'a (dyn Fn(&Parcel) -> Vec<(RejectStatus, String)> + Sync),
    ) -> Self {
        Prefilter {
            notes: Some(notes),
            ..self
        }
    }

    /// A converted feature, sifted: held, or (a valid parcel `keep` refuses in `crs`) reduced to
    /// what the layer still needs of it. `crs` is `None` while the CRS is not known.
    pub(crate) fn sift(
        filter: Option<&Self>,
        crs: Option<&Crs>,
        kind: LayerKind,
        index: usize,
        outcome: Outcome,
    ) -> Sifted {
        let (Some(f), Some(crs)) = (filter, crs) else {
            return Sifted::Held(outcome);
        };
        let (parcel, mut notes) = match outcome {
            Ok((parcel, notes)) => (parcel, notes),
            rejected => return Sifted::Held(rejected),
        };
        let bbox = match parcel.geometry.bounding_rect() {
            Some(b) if !(f.keep)(crs, &b) => b,
            _ => return Sifted::Held(Ok((parcel, notes))),
        };
        if let Some(more) = f.notes {
            notes.extend(more(&parcel));
        }
        // The id is kept where something may still name it: a note, or the duplicate-id check.
        let id = (kind.id_required() || !notes.is_empty()).then_some(parcel.id);
        Sifted::Outside(Outside {
            index,
            id,
            notes,
            bbox,
        })
    }
}

impl fmt::Debug for Prefilter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prefilter")
            .field("notes", &self.notes.is_some())
            .finish_non_exhaustive()
    }
}

/// A valid parcel a [`Prefilter`] refused: all the layer keeps of it.
#[derive(Debug)]
pub(crate) struct Outside {
    index: usize,
    /// Its id, where a note or the duplicate-id check needs it.
    id: Option<String>,
    notes: Notes,
    bbox: Rect<f64>,
}

/// A converted feature after the prefilter.
pub(crate) enum Sifted {
    /// A parcel held, or a rejection.
    Held(Outcome),
    /// A parcel refused.
    Outside(Outside),
}

/// The converted features of a file as a reader holds them: the outcomes held, in file order,
/// and apart (so that a refused parcel costs a few words, not an outcome's) the parcels refused.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    held: Vec<Outcome>,
    outside: Vec<Outside>,
}

impl Converted {
    /// Number of features converted.
    pub(crate) fn len(&self) -> usize {
        self.held.len() + self.outside.len()
    }

    /// Whether some parcel was refused.
    pub(crate) fn any_outside(&self) -> bool {
        !self.outside.is_empty()
    }

    /// Makes room for the features still to come, estimated from the share of the file read so
    /// far (`read_bytes` of `file_bytes`), so that the lists are allocated about once instead of
    /// doubled and copied while the next batch waits (a county's land use: ~80 MB of records).
    pub(crate) fn expect(&mut self, read_bytes: u64, file_bytes: u64) {
        if read_bytes == 0 || file_bytes <= read_bytes {
            return;
        }
        let scale = file_bytes as f64 / read_bytes as f64;
        make_room(&mut self.held, scale);
        make_room(&mut self.outside, scale);
    }
}

/// Grows `v` to hold `scale` times its length and an eighth more, when it cannot; never by less
/// than half its capacity, so that an estimate crept up in small steps still costs amortised
/// constant time per element.
fn make_room<T>(v: &mut Vec<T>, scale: f64) {
    let want = (v.len() as f64 * scale) as usize;
    if want > v.capacity() {
        let target = (want + want / 8).max(v.capacity() + v.capacity() / 2);
        v.reserve_exact(target - v.len());
    }
}

impl Extend<Sifted> for Converted {
    fn extend<I: IntoIterator<Item = Sifted>>(&mut self, iter: I) {
        for s in iter {
            match s {
                Sifted::Held(o) => self.held.push(o),
                Sifted::Outside(o) => self.outside.push(o),
            }
        }
    }
}

/// In file order, from an indexed parallel iterator (rayon's reductions keep the order).
impl rayon::iter::FromParallelIterator<Sifted> for Converted {
    fn from_par_iter<I>(iter: I) -> Self
    where
        I: rayon::iter::IntoParallelIterator<Item = Sifted>,
    {
        use rayon::iter::{Either, ParallelIterator};
        let (held, outside) = iter.into_par_iter().partition_map(|s| match s {
            Sifted::Held(o) => Either::Left(o),
            Sifted::Outside(o) => Either::Right(o),
        });
        Converted { held, outside }
    }
}

impl<'a> ReadOptions<'a> {
    /// Options for a layer of `kind` with source field names `fields`: no repair, canonical fields
    /// only.
    pub fn new(kind: LayerKind, fields: &'a FieldMap) -> Self {
        ReadOptions {
            kind,
            fields,
            repair: false,
            all_fields: false,
            keep: None,
        }
    }
}

/// Where to look inside a source GDAL reads; ignored for GeoJSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// Text encoding of a Shapefile's attributes (an encoding label such as `GBK`, `GB18030`,
    /// `UTF-8`), overriding its `.cpg`. Without it: the `.cpg` (or the code page in the DBF
    /// header), else UTF-8 when every text is valid UTF-8, else GB18030.
    pub encoding: Option<String>,
    /// The layer to read from a multi-layer source (GeoPackage, FileGDB) when the path does not
    /// name one as `file.gpkg:layer`. Without either: the only layer, or the one named after the
    /// layer kind (`approvals`, `DLTB`, …).
    pub layer: Option<String>,
}

/// Reads a layer file into a [`Layer`], under the default [`InputSettings`] (64 MiB per feature,
/// no file limit). The format follows the file name: `.geojson` and `.json` are GeoJSON
/// FeatureCollections of Polygon/MultiPolygon features.
///
/// ```no_run
/// use landaudit::{Config, LayerKind, io::{read_layer, ReadOptions}};
/// let cfg = Config::default();
/// let opts = ReadOptions::new(LayerKind::Approvals, &cfg.fields.approvals);
/// let layer = read_layer("data/demo/approvals.geojson".as_ref(), &opts).unwrap();
/// println!("{} parcels, {} rejected", layer.parcels.len(), layer.rejected_count());
/// ```
pub fn read_layer(path: &Path, opts: &ReadOptions) -> Result<Layer> {
    read_layer_limited(path, opts, &InputSettings::default())
}

/// Reads a layer like [`read_layer`], under the limits of `input` (the `[input]` settings).
///
/// ```
/// use landaudit::{Config, LayerKind, io::{read_layer_limited, ReadOptions}};
/// let cfg = Config::from_toml_str("[input]\nmax_feature_bytes = 100").unwrap();
/// let opts = ReadOptions::new(LayerKind::Approvals, &cfg.fields.approvals);
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/approvals.geojson");
/// let e = read_layer_limited(path.as_ref(), &opts, &cfg.input).unwrap_err();
/// assert!(e.to_string().contains("feature 0 is larger than [input] max_feature_bytes = 100"));
/// ```
pub fn read_layer_limited(path: &Path, opts: &ReadOptions, input: &InputSettings) -> Result<Layer> {
    read_layer_from(path, opts, input, &SourceOptions::default())
}

/// Reads a layer like [`read_layer_limited`], with the encoding and layer choice of `source` for
/// the formats read through GDAL. Without the `gdal` feature those formats are an
/// [`Error::UnsupportedFormat`](crate::error::Error::UnsupportedFormat) that names the feature.
pub fn read_layer_from(
    path: &Path,
    opts: &ReadOptions,
    input: &InputSettings,
    source: &SourceOptions,
) -> Result<Layer> {
    if needs_gdal(path) {
        #[cfg(feature = "gdal")]
        return gdal::read(path, opts, source);
        #[cfg(not(feature = "gdal"))]
        {
            let _ = source;
            return Err(crate::error::Error::UnsupportedFormat {
                path: path.to_path_buf(),
            });
        }
    }
    geojson::read(path, opts, input)
}

/// The names of the vector layers of a multi-layer source (GeoPackage, FileGDB folder), in the
/// source's order. Without the `gdal` feature this is an
/// [`Error::UnsupportedFormat`](crate::error::Error::UnsupportedFormat).
pub fn layer_names(path: &Path) -> Result<Vec<String>> {
    #[cfg(feature = "gdal")]
    return gdal::layer_names(path);
    #[cfg(not(feature = "gdal"))]
    Err(crate::error::Error::UnsupportedFormat {
        path: path.to_path_buf(),
    })
}

/// File name endings of the formats read through GDAL (a `.gdb` is a folder).
pub const GDAL_EXTENSIONS: [&str; 5] = ["shp", "gpkg", "gdb", "fgb", "dbf"];

/// Whether the path names a format only GDAL reads (by its ending, or a folder). Every other
/// file is read as GeoJSON, whatever its name, and gets GeoJSON's errors if it is not.
pub fn needs_gdal(path: &Path) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| GDAL_EXTENSIONS.iter().any(|g| e.eq_ignore_ascii_case(g)));
    // `layer.gpkg:name` names a layer inside a GeoPackage.
    let with_layer = path.to_str().is_some_and(|p| {
        p.rsplit_once(':')
            .is_some_and(|(file, _)| needs_gdal(Path::new(file)))
    });
    by_name || with_layer || path.is_dir()
}

/// Whether the file name says GeoJSON (`.geojson` or `.json`, any case).
pub fn is_geojson(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// The layer from the converted features of a file, in file order: duplicate ids rejected (where
/// the layer needs unique ids; the ids of parcels the prefilter refused count too), notes and
/// rejections recorded against their feature index, refused parcels counted in `outside`.
pub(crate) fn assemble(
    opts: &ReadOptions,
    path: &Path,
    crs: Crs,
    lookup: &FieldLookup,
    converted: Converted,
) -> Layer {
    let read = converted.len();
    let mut layer = Layer {
        kind: opts.kind,
        path: path.to_path_buf(),
        crs,
        file_crs: None,
        read,
        parcels: Vec::with_capacity(converted.held.len()),
        outside: 0,
        outside_bbox: None,
        rejections: Vec::new(),
        notes: Vec::new(),
    };
    let reject = |index, id, status, reason| Rejection {
        layer: opts.kind,
        file: path.to_path_buf(),
        index,
        id,
        status,
        reason,
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    // A duplicate of an earlier id is rejected; otherwise the id is remembered.
    let mut duplicate = |layer: &mut Layer, index: usize, id: &str| -> bool {
        if !opts.kind.id_required() {
            return false;
        }
        if let Some(first) = seen.get(id) {
            layer.rejections.push(reject(
                index,
                Some(id.to_string()),
                RejectStatus::Rejected,
                format!(
                    "duplicate id {} = {:?} (first used by feature {first})",
                    lookup.id_source, id
                ),
            ));
            return true;
        }
        seen.insert(id.to_string(), index);
        false
    };
    let mut outside = converted.outside.into_iter().peekable();
    let mut held = converted.held.into_iter();
    for index in 0..read {
        if let Some(o) = outside.next_if(|o| o.index == index) {
            if o.id
                .as_deref()
                .is_some_and(|id| duplicate(&mut layer, index, id))
            {
                continue;
            }
            for (status, reason) in o.notes {
                layer
                    .rejections
                    .push(reject(index, o.id.clone(), status, reason));
            }
            layer.outside += 1;
            layer.outside_bbox = Some(match layer.outside_bbox {
                Some(b) => union(b, o.bbox),
                None => o.bbox,
            });
            continue;
        }
        let Some(outcome) = held.next() else {
            break;
        };
        match outcome {
            Ok((parcel, notes)) => {
                if duplicate(&mut layer, index, &parcel.id) {
                    continue;
                }
                for (status, reason) in notes {
                    layer
                        .rejections
                        .push(reject(index, Some(parcel.id.clone()), status, reason));
                }
                layer.parcels.push(parcel);
            }
            Err((id, reason)) => {
                layer
                    .rejections
                    .push(reject(index, id, RejectStatus::Rejected, reason))
            }
        }
    }
    layer
}

/// The smallest rectangle holding both.
pub(crate) fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

/// The smallest rectangle holding all of `rects`; `None` when there are none.
pub(crate) fn union_rect(rects: impl IntoIterator<Item = Rect<f64>>) -> Option<Rect<f64>> {
    rects.into_iter().reduce(union)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::Mutex;

    use super::*;
    use crate::config::FieldMap;

    /// A 10 × 10 square with its lower left corner at (x, 0).
    fn square(x: f64) -> String {
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{x},0],[{x1},0],[{x1},10],[{x},10],[{x},0]]]}}"#,
            x1 = x + 10.0
        )
    }

    fn feat(id: &str, geom: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"PZWH":"{id}","BSM":"{id}"}},"geometry":{geom}}}"#
        )
    }

    fn crs(epsg: u32) -> String {
        format!(r#""crs":{{"type":"name","properties":{{"name":"EPSG:{epsg}"}}}}"#)
    }

    /// A FeatureCollection with `before` members, the features, then `after` members.
    fn write(before: &[String], features: &[String], after: &[String]) -> tempfile::NamedTempFile {
        let mut members = vec![r#""type":"FeatureCollection""#.to_string()];
        members.extend(before.iter().cloned());
        members.push(format!(r#""features":[{}]"#, features.join(",")));
        members.extend(after.iter().cloned());
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(f, "{{{}}}", members.join(",")).unwrap();
        f
    }

    fn read(
        f: &tempfile::NamedTempFile,
        kind: LayerKind,
        repair: bool,
        keep: Option<Prefilter>,
    ) -> Result<Layer> {
        let fields = FieldMap::default();
        read_layer(
            f.path(),
            &ReadOptions {
                keep,
                repair,
                ..ReadOptions::new(kind, &fields)
            },
        )
    }

    fn statuses(l: &Layer) -> Vec<(usize, Option<&str>, RejectStatus)> {
        l.rejections
            .iter()
            .map(|r| (r.index, r.id.as_deref(), r.status))
            .collect()
    }

    #[test]
    fn refused_parcels_are_counted_not_held_and_keep_their_notes() {
        let bowtie =
            r#"{"type":"Polygon","coordinates":[[[200,0],[210,10],[210,0],[200,10],[200,0]]]}"#;
        let f = write(
            &[crs(4549)],
            &[
                feat("A", &square(0.0)),
                feat("B", &square(100.0)),
                feat("C", bowtie),
                feat("D", "null"),
                feat("E", &square(300.0)),
            ],
            &[],
        );
        let seen = Mutex::new(vec![]);
        let keep = |c: &Crs, b: &Rect<f64>| {
            seen.lock().unwrap().push((c.clone(), b.min().x));
            b.min().x < 50.0 || b.min().x >= 300.0
        };
        let l = read(&f, LayerKind::Landuse, true, Some(Prefilter::new(&keep))).unwrap();
        let ids: Vec<&str> = l.parcels.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["A", "E"]);
        assert_eq!((l.read, l.outside, l.rejected_count()), (5, 2, 1));
        assert_eq!(l.read, l.parcels.len() + l.outside + l.rejected_count());
        // The repaired bow-tie is not held, but its repair is recorded; the null geometry never
        // reached the test.
        assert_eq!(
            statuses(&l),
            [
                (2, Some("C"), RejectStatus::Repaired),
                (3, Some("D"), RejectStatus::Rejected)
            ]
        );
        assert_eq!(l.outside_bbox, Some(Rect::new((100.0, 0.0), (210.0, 10.0))));
        let mut seen = seen.into_inner().unwrap();
        seen.sort_by(|a, b| a.1.total_cmp(&b.1));
        let xs: Vec<f64> = seen.iter().map(|s| s.1).collect();
        assert_eq!(xs, [0.0, 100.0, 200.0, 300.0]);
        assert!(seen.iter().all(|s| s.0 == Crs::Epsg(4549)));
        // Without the test, everything valid is held.
        let all = read(&f, LayerKind::Landuse, true, None).unwrap();
        assert_eq!((all.parcels.len(), all.outside), (4, 0));
        assert_eq!(all.rejections, l.rejections);
    }

    #[test]
    fn the_ids_of_refused_parcels_are_still_taken() {
        let f = write(
            &[crs(4549)],
            &[
                feat("A", &square(100.0)),
                feat("A", &square(0.0)),
                feat("B", &square(200.0)),
                feat("B", &square(300.0)),
                feat("C", &square(10.0)),
            ],
            &[],
        );
        let keep = |_: &Crs, b: &Rect<f64>| b.min().x < 50.0;
        let l = read(&f, LayerKind::Approvals, false, Some(Prefilter::new(&keep))).unwrap();
        let ids: Vec<&str> = l.parcels.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["C"]);
        assert_eq!((l.read, l.outside, l.rejected_count()), (5, 2, 2));
        let reasons: Vec<(usize, &str)> = l
            .rejections
            .iter()
            .map(|r| (r.index, r.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (1, "duplicate id PZWH = \"A\" (first used by feature 0)"),
                (3, "duplicate id PZWH = \"B\" (first used by feature 2)")
            ]
        );
    }

    #[test]
    fn the_notes_hook_speaks_for_refused_parcels_only() {
        let f = write(
            &[crs(4549)],
            &[
                feat("near", &square(0.0)),
                feat("far", &square(100.0)),
                feat("far2", &square(200.0)),
            ],
            &[],
        );
        let keep = |_: &Crs, b: &Rect<f64>| b.min().x < 50.0;
        let notes = |p: &Parcel| {
            (p.id == "far")
                .then(|| (RejectStatus::Warning, format!("about {}", p.id)))
                .into_iter()
                .collect()
        };
        let l = read(
            &f,
            LayerKind::Landuse,
            false,
            Some(Prefilter::new(&keep).with_notes(&notes)),
        )
        .unwrap();
        assert_eq!((l.parcels.len(), l.outside), (1, 2));
        assert_eq!(statuses(&l), [(1, Some("far"), RejectStatus::Warning)]);
        assert_eq!(l.rejections[0].reason, "about far");
    }

    #[test]
    fn nothing_is_tested_before_the_crs_is_known() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let refuse = |_: &Crs, _: &Rect<f64>| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            false
        };
        let features = [feat("a", &square(0.0)), feat("b", &square(100.0))];
        // A crs member after the features, or none: every parcel held, untested.
        for after in [vec![crs(4549)], vec![]] {
            let f = write(&[], &features, &after);
            let l = read(&f, LayerKind::Landuse, false, Some(Prefilter::new(&refuse))).unwrap();
            assert_eq!((l.parcels.len(), l.outside), (2, 0));
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 0);
        // Declared before them: tested, in the CRS the coordinates are read into (EPSG:4528's
        // prefix removed, so EPSG:4549).
        let prefixed = r#"{"type":"Polygon","coordinates":[[[40500000,0],[40500010,0],[40500010,10],[40500000,0]]]}"#;
        let f = write(&[crs(4528)], &[feat("p", prefixed)], &[]);
        let seen = Mutex::new(None);
        let keep = |c: &Crs, b: &Rect<f64>| {
            *seen.lock().unwrap() = Some((c.clone(), b.min().x));
            false
        };
        let l = read(&f, LayerKind::Landuse, false, Some(Prefilter::new(&keep))).unwrap();
        assert_eq!((l.parcels.len(), l.outside), (0, 1));
        assert_eq!(
            seen.into_inner().unwrap(),
            Some((Crs::Epsg(4549), 500_000.0))
        );
        assert_eq!(l.crs, Crs::Epsg(4549));
    }

    #[test]
    fn a_second_crs_after_refused_features_is_an_error() {
        let features = [feat("a", &square(0.0)), feat("b", &square(100.0))];
        let keep = |_: &Crs, b: &Rect<f64>| b.min().x < 50.0;
        let f = write(&[crs(4549)], &features, &[crs(4550)]);
        let e = read(&f, LayerKind::Landuse, false, Some(Prefilter::new(&keep))).unwrap_err();
        assert!(
            e.to_string().contains(
                "the \"crs\" member is given twice: EPSG:4549 before the features, EPSG:4550 after"
            ),
            "{e}"
        );
        // Nothing refused: read as before, in the last CRS declared.
        let l = read(&f, LayerKind::Landuse, false, None).unwrap();
        assert_eq!((l.parcels.len(), l.crs.clone()), (2, Crs::Epsg(4550)));
    }

    #[test]
    fn room_is_made_once_for_a_good_estimate_and_geometrically_for_a_creeping_one() {
        // A tenth of the file gave 100 records: room for about 1,000 more, once.
        let mut v: Vec<u64> = (0..100).collect();
        make_room(&mut v, 10.0);
        let cap = v.capacity();
        assert!((1000..=1200).contains(&cap), "{cap}");
        v.extend(100..1000);
        assert_eq!(v.capacity(), cap);
        // An estimate that creeps up by 1 % a step still grows the list by half at least.
        let mut v: Vec<u64> = (0..1000).collect();
        let mut grown = 0;
        let mut last = v.capacity();
        for step in 1..=200 {
            make_room(&mut v, 1.0 + step as f64 * 0.01);
            if v.capacity() != last {
                assert!(
                    v.capacity() >= last + last / 2,
                    "{} after {last}",
                    v.capacity()
                );
                grown += 1;
                last = v.capacity();
            }
        }
        assert!(grown <= 3, "{grown} reallocations");
        // Nothing read, or a length that predicts nothing: left alone.
        let mut c = Converted::default();
        c.expect(0, 100);
        c.expect(100, 100);
        assert_eq!(c.held.capacity(), 0);
    }
}
