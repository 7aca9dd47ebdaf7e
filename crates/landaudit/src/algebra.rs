//! Layer algebra: the five overlay operations of GDAL's `ogr Layer.Intersection / Difference /
//! Union / Identity / SymDifference`, on two polygon layers A (the input) and B (the method).
//!
//! Every piece is computed per feature of A (and, for union and sym-difference, per feature of
//! B) against the features of the other layer whose envelope meets it (R-tree, [`ParcelIndex`]),
//! in parallel, through the audit's own engine ([`crate::overlay`]: local origin, NonZero fill
//! rule, panics caught per feature). What each operation outputs, as GDAL does:
//!
//! | operation | pieces | attributes |
//! |---|---|---|
//! | `intersection` | a ∩ b for every pair (a, b) | `a_*`, `b_*` |
//! | `difference` | a − ∪B for every a | `a_*` |
//! | `identity` | a ∩ b for every pair, and a − ∪B for every a | `a_*` and `b_*` / `a_*` only |
//! | `union` | identity, and b − ∪A for every b | as identity / `b_*` only |
//! | `sym-difference` | a − ∪B for every a, and b − ∪A for every b | `a_*` / `b_*` |
//!
//! - A piece is output only when its area is positive: features that touch along an edge or at a
//!   point give nothing (no lower-dimensional output), and an empty difference is omitted.
//! - Overlapping features *within* one layer are not dissolved for the pairwise pieces, as in
//!   GDAL: if b₁ and b₂ overlap, a ∩ b₁ and a ∩ b₂ overlap too, and the identity of a sums to
//!   more than a. The differences subtract the *union* of the other layer, so overlaps there
//!   are never counted twice.
//! - Order: pieces of A's features in file order (the pairs by B's file order, then the rest
//!   a − ∪B), then the pieces b − ∪A in B's file order.
//! - Every piece carries `a_index` / `b_index` (the feature's zero-based index in its file, null
//!   for the side it does not come from) and `area_m2` (the run's [`Measure`]: ellipsoidal on the
//!   CGCS2000 ellipsoid for CGCS2000 data, else planar in the working projection, as the audit).
//! - Attributes: every source field `f` of A becomes `a_f`, of B `b_f` (null on pieces without
//!   that side, or when the feature lacks the field). A name that would clash with `a_index`,
//!   `b_index`, `area_m2` or an earlier column gets `_1`, `_2`, … appended.
//!
//! Reading two files, checking their CRS and writing the result: [`files`].
//!
//! ```
//! use geo::wkt;
//! use landaudit::algebra::{Operation, operand, overlay};
//! use landaudit::{Crs, measure::Measure};
//! let a = operand("a", Crs::Epsg(4549), [(wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)))), vec![])]);
//! let b = operand("b", Crs::Epsg(4549), [(wkt!(MULTIPOLYGON(((5. 5.,15. 5.,15. 15.,5. 15.,5. 5.)))), vec![])]);
//! let out = overlay(Operation::Identity, &a, &b, &Measure::PLANAR);
//! let areas: Vec<f64> = out.features.iter().map(|f| f.area_m2).collect();
//! assert_eq!(out.features.len(), 2); // a ∩ b, then a − b
//! assert!((areas[0] - 25.0).abs() < 1e-9 && (areas[1] - 75.0).abs() < 1e-9);
//! assert_eq!((out.features[1].a_index, out.features[1].b_index), (Some(0), None));
//! ```

pub mod files;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use geo::{BoundingRect, MultiPolygon};
use rayon::prelude::*;

use crate::crs::Crs;
use crate::index::ParcelIndex;
use crate::layer::{AttrValue, Layer, LayerKind, Parcel, RejectStatus, Rejection};
use crate::measure::Measure;
use crate::overlay::{difference_of_union, guarded, intersection};
use crate::validate::{Checked, check_geometry};

/// The five operations of GDAL's layer algebra.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// a ∩ b for every pair.
    Intersection,
    /// a − ∪B for every a.
    Difference,
    /// Identity of A with B, plus b − ∪A for every b.
    Union,
    /// a ∩ b for every pair, plus a − ∪B for every a.
    Identity,
    /// a − ∪B for every a, plus b − ∪A for every b.
    SymDifference,
}

impl Operation {
    /// All operations.
    pub const ALL: [Operation; 5] = [
        Operation::Intersection,
        Operation::Difference,
        Operation::Union,
        Operation::Identity,
        Operation::SymDifference,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Intersection => "intersection",
            Operation::Difference => "difference",
            Operation::Union => "union",
            Operation::Identity => "identity",
            Operation::SymDifference => "sym-difference",
        }
    }

    /// Whether the operation outputs a ∩ b pieces.
    fn pairs(self) -> bool {
        matches!(
            self,
            Operation::Intersection | Operation::Identity | Operation::Union
        )
    }

    /// Whether the operation outputs a − ∪B pieces.
    fn a_rest(self) -> bool {
        !matches!(self, Operation::Intersection)
    }

    /// Whether the operation outputs b − ∪A pieces.
    fn b_rest(self) -> bool {
        matches!(self, Operation::Union | Operation::SymDifference)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Operation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .into_iter()
            .find(|o| o.name() == s || o.name().replace('-', "_") == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
                format!(
                    "unknown operation {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Which operand an output column comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The input layer A.
    A,
    /// The method layer B.
    B,
}

impl Side {
    /// `a` or `b`: the column prefix and the layer name in `rejected.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }
}

/// An attribute column of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The operand it comes from.
    pub side: Side,
    /// The source field name.
    pub source: String,
    /// The output name (`a_` or `b_` + the source name, made unique).
    pub name: String,
}

/// One output feature.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The piece, valid, in the operands' frame.
    pub geometry: MultiPolygon<f64>,
    /// Its area (m², the run's [`Measure`]), > 0.
    pub area_m2: f64,
    /// Zero-based index in A's file of the feature it comes from, if any.
    pub a_index: Option<usize>,
    /// Zero-based index in B's file of the feature it comes from, if any.
    pub b_index: Option<usize>,
    /// One value per [`Output::columns`] (`None` for null).
    pub values: Vec<Option<AttrValue>>,
}

/// The result of an operation.
#[derive(Debug, Clone)]
pub struct Output {
    /// The operation.
    pub operation: Operation,
    /// Attribute columns: A's fields, then B's, in first-seen order.
    pub columns: Vec<Column>,
    /// The pieces, in the order of the module docs.
    pub features: Vec<Feature>,
    /// Features of A and B whose pieces the geometry engine could not compute (a caught panic):
    /// left out of the output, one `rejected` row each.
    pub failures: Vec<(Side, Rejection)>,
}

impl Feature {
    /// The attributes by output column name, nulls included.
    pub fn attributes<'o>(
        &'o self,
        columns: &'o [Column],
    ) -> impl Iterator<Item = (&'o str, Option<&'o AttrValue>)> {
        columns
            .iter()
            .zip(&self.values)
            .map(|(c, v)| (c.name.as_str(), v.as_ref()))
    }
}

/// The output names reserved for the traceability and area fields.
pub const RESERVED: [&str; 3] = ["a_index", "b_index", "area_m2"];

/// The attribute columns of two operands: every field name seen in A, then in B, prefixed.
fn columns_of(a: &Layer, b: &Layer) -> Vec<Column> {
    let mut taken: HashSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    let mut columns = vec![];
    for (side, layer) in [(Side::A, a), (Side::B, b)] {
        let mut seen: HashSet<&str> = HashSet::new();
        for (source, _) in layer.parcels.iter().flat_map(|p| &p.fields) {
            if !seen.insert(source) {
                continue;
            }
            let base = format!("{}_{source}", side.name());
            let mut name = base.clone();
            let mut n = 0;
            while taken.contains(&name) {
                n += 1;
                name = format!("{base}_{n}");
            }
            taken.insert(name.clone());
            columns.push(Column {
                side,
                source: source.clone(),
                name,
            });
        }
    }
    columns
}

/// Each parcel's values laid out on `side`'s columns (a field given twice: the last wins).
fn values_of(layer: &Layer, columns: &[Column], side: Side) -> Vec<Vec<Option<AttrValue>>> {
    let mine: HashMap<&str, usize> = columns
        .iter()
        .filter(|c| c.side == side)
        .enumerate()
        .map(|(i, c)| (c.source.as_str(), i))
        .collect();
    layer
        .parcels
        .iter()
        .map(|p| {
            let mut v = vec![None; mine.len()];
            for (name, value) in &p.fields {
                if let Some(&i) = mine.get(name.as_str()) {
                    v[i] = value.clone();
                }
            }
            v
        })
        .collect()
}

/// A piece before its attributes are attached: positions in the operands' parcel lists.
struct Piece {
    geometry: MultiPolygon<f64>,
    area_m2: f64,
    a: Option<usize>,
    b: Option<usize>,
}

/// One pass over a layer of targets against the other layer: which pieces to cut and how to
/// measure them.
struct Pass<'l> {
    /// The other layer's parcels and their index.
    others: &'l [Parcel],
    index: ParcelIndex,
    /// Output `target ∩ other` for each candidate.
    pairs: bool,
    /// Output `target − ∪ candidates`.
    rest: bool,
    /// The targets are B's features (the piece's `a` is the other one).
    flip: bool,
    measure: &'l Measure,
}

impl Pass<'_> {
    /// The pieces of the target at position `i`.
    fn pieces_of(&self, i: usize, target: &MultiPolygon<f64>) -> Vec<Piece> {
        let Some(rect) = target.bounding_rect() else {
            return vec![];
        };
        let candidates = self.index.candidates(rect);
        let piece = |geometry: MultiPolygon<f64>, j: Option<usize>| {
            let area_m2 = self.measure.area(&geometry);
            let (a, b) = if self.flip {
                (j, Some(i))
            } else {
                (Some(i), j)
            };
            (area_m2 > 0.0 && !geometry.0.is_empty()).then_some(Piece {
                geometry,
                area_m2,
                a,
                b,
            })
        };
        let mut out = vec![];
        if self.pairs {
            for &j in &candidates {
                out.extend(piece(
                    intersection(target, &self.others[j].geometry),
                    Some(j),
                ));
            }
        }
        if self.rest {
            let cutters: Vec<&MultiPolygon<f64>> = candidates
                .iter()
                .map(|&j| &self.others[j].geometry)
                .collect();
            out.extend(piece(difference_of_union(target, &cutters), None));
        }
        out
    }
}

/// The pieces of every feature of `targets` (in parallel), and the features the engine failed on.
fn pieces_of_layer(
    targets: &Layer,
    side: Side,
    others: &Layer,
    (pairs, rest): (bool, bool),
    measure: &Measure,
) -> (Vec<Piece>, Vec<(Side, Rejection)>) {
    let pass = Pass {
        others: &others.parcels,
        index: ParcelIndex::new(others.parcels.iter().map(|p| &p.geometry)),
        pairs,
        rest,
        flip: side == Side::B,
        measure,
    };
    let results: Vec<Result<Vec<Piece>, String>> = targets
        .parcels
        .par_iter()
        .enumerate()
        .map(|(i, t)| guarded(|| pass.pieces_of(i, &t.geometry)))
        .collect();
    let mut pieces = vec![];
    let mut failures = vec![];
    for (t, r) in targets.parcels.iter().zip(results) {
        match r {
            Ok(p) => pieces.extend(p),
            Err(reason) => failures.push((
                side,
                Rejection {
                    layer: targets.kind,
                    file: targets.path.clone(),
                    index: t.index,
                    id: Some(t.id.clone()),
                    status: RejectStatus::Rejected,
                    reason: format!("overlay failed, feature left out of the output: {reason}"),
                },
            )),
        }
    }
    (pieces, failures)
}

/// Runs `operation` on the valid parcels of `a` and `b`, which must be in one planar frame
/// (metres, as [`files::run`] brings them), their geometries valid and oriented as the readers
/// leave them. Areas are measured with `measure`.
pub fn overlay(operation: Operation, a: &Layer, b: &Layer, measure: &Measure) -> Output {
    let columns = columns_of(a, b);
    let a_values = values_of(a, &columns, Side::A);
    let b_values = values_of(b, &columns, Side::B);
    let (n_a, n_b) = (
        columns.iter().filter(|c| c.side == Side::A).count(),
        columns.iter().filter(|c| c.side == Side::B).count(),
    );
    let (mut pieces, mut failures) = (vec![], vec![]);
    if operation.pairs() || operation.a_rest() {
        let (p, f) = pieces_of_layer(
            a,
            Side::A,
            b,
            (operation.pairs(), operation.a_rest()),
            measure,
        );
        pieces.extend(p);
        failures.extend(f);
    }
    if operation.b_rest() {
        let (p, f) = pieces_of_layer(b, Side::B, a, (false, true), measure);
        pieces.extend(p);
        failures.extend(f);
    }
    let features = pieces
        .into_iter()
        .map(|p| {
            let mut values = Vec::with_capacity(n_a + n_b);
            match p.a {
                Some(i) => values.extend(a_values[i].iter().cloned()),
                None => values.resize(n_a, None),
            }
            match p.b {
                Some(j) => values.extend(b_values[j].iter().cloned()),
                None => values.resize(n_a + n_b, None),
            }
            Feature {
                geometry: p.geometry,
                area_m2: p.area_m2,
                a_index: p.a.map(|i| a.parcels[i].index),
                b_index: p.b.map(|j| b.parcels[j].index),
                values,
            }
        })
        .collect();
    Output {
        operation,
        columns,
        features,
        failures,
    }
}

/// An operand built in memory, as a file's features would be read: each geometry checked
/// (invalid ones rejected, none repaired) and oriented, features named `#index`, every
/// attribute kept.
///
/// ```
/// use geo::wkt;
/// use landaudit::{Crs, layer::AttrValue};
/// let bowtie = wkt!(MULTIPOLYGON(((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.))));
/// let square = wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.))));
/// let layer = landaudit::algebra::operand("a", Crs::Epsg(4549), [
///     (bowtie, vec![]),
///     (square, vec![("name".to_string(), Some(AttrValue::Text("x".into())))]),
/// ]);
/// assert_eq!((layer.read, layer.parcels.len(), layer.rejected_count()), (2, 1, 1));
/// assert_eq!(layer.parcels[0].id, "#1");
/// ```
pub fn operand(
    path: impl Into<PathBuf>,
    crs: Crs,
    features: impl IntoIterator<Item = (MultiPolygon<f64>, Vec<(String, Option<AttrValue>)>)>,
) -> Layer {
    let mut layer = Layer {
        kind: LayerKind::Other,
        path: path.into(),
        crs,
        file_crs: None,
        read: 0,
        parcels: vec![],
        outside: 0,
        outside_bbox: None,
        rejections: vec![],
        notes: vec![],
    };
    for (index, (geometry, fields)) in features.into_iter().enumerate() {
        layer.read += 1;
        let id = format!("#{index}");
        match guarded(|| check_geometry(geometry, false)) {
            Ok(Checked::Valid(geometry)) | Ok(Checked::Repaired(geometry, _)) => {
                layer.parcels.push(Parcel {
                    index,
                    id,
                    geometry,
                    attrs: Default::default(),
                    fields,
                })
            }
            Ok(Checked::Invalid(reason)) | Err(reason) => layer.rejections.push(Rejection {
                layer: LayerKind::Other,
                file: layer.path.clone(),
                index,
                id: Some(id),
                status: RejectStatus::Rejected,
                reason,
            }),
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, wkt};

    fn square(x0: f64, y0: f64, s: f64) -> MultiPolygon<f64> {
        wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.))))
            .affine_transform(&geo::AffineTransform::new(s, 0.0, x0, 0.0, s, y0))
    }

    use geo::AffineOps;

    fn text(s: &str) -> Option<AttrValue> {
        Some(AttrValue::Text(s.into()))
    }

    fn layer(name: &str, geoms: Vec<MultiPolygon<f64>>) -> Layer {
        operand(
            name,
            Crs::Epsg(4549),
            geoms
                .into_iter()
                .enumerate()
                .map(|(i, g)| (g, vec![("name".to_string(), text(&format!("{name}{i}")))])),
        )
    }

    fn areas(out: &Output) -> Vec<(Option<usize>, Option<usize>, f64)> {
        out.features
            .iter()
            .map(|f| (f.a_index, f.b_index, (f.area_m2 * 1e6).round() / 1e6))
            .collect()
    }

    #[test]
    fn operation_names_round_trip() {
        for o in Operation::ALL {
            assert_eq!(o.name().parse::<Operation>(), Ok(o));
        }
        assert_eq!("sym_difference".parse(), Ok(Operation::SymDifference));
        assert!("xor".parse::<Operation>().unwrap_err().contains("identity"));
    }

    /// Two overlapping 10 m squares: A = [0,10]², B = [5,15]² — worked out by hand.
    #[test]
    fn two_squares_every_operation() {
        let a = layer("a", vec![square(0.0, 0.0, 10.0)]);
        let b = layer("b", vec![square(5.0, 5.0, 10.0)]);
        let run = |op| areas(&overlay(op, &a, &b, &Measure::PLANAR));
        assert_eq!(run(Operation::Intersection), vec![(Some(0), Some(0), 25.0)]);
        assert_eq!(run(Operation::Difference), vec![(Some(0), None, 75.0)]);
        assert_eq!(
            run(Operation::Identity),
            vec![(Some(0), Some(0), 25.0), (Some(0), None, 75.0)]
        );
        assert_eq!(
            run(Operation::Union),
            vec![
                (Some(0), Some(0), 25.0),
                (Some(0), None, 75.0),
                (None, Some(0), 75.0)
            ]
        );
        assert_eq!(
            run(Operation::SymDifference),
            vec![(Some(0), None, 75.0), (None, Some(0), 75.0)]
        );
    }

    #[test]
    fn attributes_are_prefixed_and_null_on_the_missing_side() {
        let a = layer("a", vec![square(0.0, 0.0, 10.0)]);
        let b = layer("b", vec![square(5.0, 5.0, 10.0)]);
        let out = overlay(Operation::Union, &a, &b, &Measure::PLANAR);
        let names: Vec<&str> = out.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a_name", "b_name"]);
        assert_eq!(out.features[0].values, vec![text("a0"), text("b0")]);
        assert_eq!(out.features[1].values, vec![text("a0"), None]);
        assert_eq!(out.features[2].values, vec![None, text("b0")]);
    }

    #[test]
    fn clashing_names_get_a_suffix() {
        let f = |k: &str| (k.to_string(), text("v"));
        let a = operand(
            "a",
            Crs::Epsg(4549),
            [(
                square(0.0, 0.0, 1.0),
                vec![f("index"), f("index_1"), f("x")],
            )],
        );
        let b = operand(
            "b",
            Crs::Epsg(4549),
            [(square(0.0, 0.0, 1.0), vec![f("x"), f("index")])],
        );
        let out = overlay(Operation::Intersection, &a, &b, &Measure::PLANAR);
        let names: Vec<&str> = out.columns.iter().map(|c| c.name.as_str()).collect();
        // a_index is reserved; "index" → a_index_1, then "index_1" → a_index_1 is taken → _1 again.
        assert_eq!(
            names,
            ["a_index_1", "a_index_1_1", "a_x", "b_x", "b_index_1"]
        );
    }

    #[test]
    fn edge_touch_gives_no_piece() {
        let a = layer("a", vec![square(0.0, 0.0, 10.0)]);
        let b = layer("b", vec![square(10.0, 0.0, 10.0), square(10.0, 10.0, 5.0)]);
        let out = overlay(Operation::Identity, &a, &b, &Measure::PLANAR);
        assert_eq!(areas(&out), vec![(Some(0), None, 100.0)]);
        // The difference is a itself: nothing was cut.
        assert!((out.features[0].geometry.unsigned_area() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn overlapping_b_features_are_not_dissolved_for_pairs_but_are_for_the_rest() {
        // B: [5,15]×[0,10] and [8,18]×[0,10] overlap on [8,10]×[0,10] inside a = [0,10]².
        let a = layer("a", vec![square(0.0, 0.0, 10.0)]);
        let b = layer("b", vec![square(5.0, 0.0, 10.0), square(8.0, 0.0, 10.0)]);
        let out = overlay(Operation::Identity, &a, &b, &Measure::PLANAR);
        assert_eq!(
            areas(&out),
            vec![
                (Some(0), Some(0), 50.0),
                (Some(0), Some(1), 20.0),
                (Some(0), None, 50.0)
            ]
        );
    }

    #[test]
    fn a_square_with_a_hole() {
        // a = [0,10]² with hole [3,7]² (84 m²); b = [0,5]×[0,10] (half of it: 50 − 8 = 42 m²).
        let holed = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(3. 3.,3. 7.,7. 7.,7. 3.,3. 3.))));
        let a = layer("a", vec![holed]);
        let half = wkt!(MULTIPOLYGON(((0. 0.,5. 0.,5. 10.,0. 10.,0. 0.))));
        let b = layer("b", vec![half]);
        let out = overlay(Operation::Union, &a, &b, &Measure::PLANAR);
        // b − a is the left half of the hole: 2 × 4 = 8 m².
        assert_eq!(
            areas(&out),
            vec![
                (Some(0), Some(0), 42.0),
                (Some(0), None, 42.0),
                (None, Some(0), 8.0)
            ]
        );
    }

    #[test]
    fn invalid_features_are_rejected_and_indices_stay_the_files() {
        let bowtie = wkt!(MULTIPOLYGON(((0. 0.,10. 10.,10. 0.,0. 10.,0. 0.))));
        let a = layer("a", vec![bowtie, square(0.0, 0.0, 10.0)]);
        assert_eq!(a.rejected_count(), 1);
        assert!(a.rejections[0].reason.contains("self-intersection"));
        let b = layer("b", vec![square(5.0, 0.0, 10.0)]);
        let out = overlay(Operation::Intersection, &a, &b, &Measure::PLANAR);
        assert_eq!(areas(&out), vec![(Some(1), Some(0), 50.0)]);
        assert_eq!(out.features[0].values, vec![text("a1"), text("b0")]);
    }

    #[test]
    fn empty_operands() {
        let a = layer("a", vec![square(0.0, 0.0, 10.0)]);
        let none = layer("b", vec![]);
        assert_eq!(
            areas(&overlay(Operation::Union, &a, &none, &Measure::PLANAR)),
            vec![(Some(0), None, 100.0)]
        );
        assert_eq!(
            areas(&overlay(Operation::Union, &none, &a, &Measure::PLANAR)),
            vec![(None, Some(0), 100.0)]
        );
        assert!(
            overlay(Operation::Intersection, &a, &none, &Measure::PLANAR)
                .features
                .is_empty()
        );
    }
}
