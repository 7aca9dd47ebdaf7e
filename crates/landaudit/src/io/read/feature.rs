//! From one source feature, whatever the format, to a parcel or a rejection: the field lookup,
//! the id, the geometry checks. Shared by every reader, so a feature costs the same in any format.

use std::collections::{BTreeSet, HashMap};

use geo::MultiPolygon;

use crate::config::FieldMap;
use crate::layer::{AttrValue, Attributes, LayerKind, Parcel, RejectStatus};
use crate::overlay::guarded;
use crate::validate::{Checked, check_geometry};

/// Notes on a used feature: repairs and warnings.
pub(crate) type Notes = Vec<(RejectStatus, String)>;

/// A converted feature: the parcel and its notes, or its id (when known) and why it was rejected.
pub(crate) type Outcome = std::result::Result<(Parcel, Notes), (Option<String>, String)>;

/// Lower-cased source field name → canonical field, for one layer.
pub(crate) struct FieldLookup {
    by_source: HashMap<String, &'static str>,
    /// The entries of `by_source` whose name is ASCII (and lower case, as lower-cased names
    /// are): an ASCII name is found among them without lower-casing it into a new string (see
    /// [`FieldLookup::canonical`]).
    ascii: Vec<(String, &'static str)>,
    id_field: &'static str,
    id_required: bool,
    /// The source name of the id field, for messages.
    pub(crate) id_source: String,
    fields: FieldMap,
    all_fields: bool,
}

impl FieldLookup {
    pub(crate) fn new(kind: LayerKind, fields: &FieldMap, all_fields: bool) -> Self {
        let by_source: HashMap<String, &'static str> = kind
            .canonical_fields()
            .iter()
            .map(|&c| (fields.source_for(c).to_lowercase(), c))
            .collect();
        let ascii = by_source
            .iter()
            .filter(|(name, _)| name.is_ascii() && !name.bytes().any(|b| b.is_ascii_uppercase()))
            .map(|(name, &c)| (name.clone(), c))
            .collect();
        FieldLookup {
            by_source,
            ascii,
            id_field: kind.id_field(),
            id_required: kind.id_required(),
            id_source: fields.source_for(kind.id_field()),
            fields: fields.clone(),
            all_fields,
        }
    }

    /// Whether `name` (a source field name) is one landaudit reads, or every field is kept.
    #[cfg_attr(not(feature = "gdal"), allow(dead_code))]
    pub(crate) fn wants(&self, name: &str) -> bool {
        self.all_fields || self.canonical(name).is_some()
    }

    /// The canonical field a source field name stands for (compared lower-cased).
    fn canonical(&self, name: &str) -> Option<&'static str> {
        if name.is_ascii() {
            // An ASCII name lower-cases to ASCII, so it can only equal an ASCII entry; those
            // are lower case, so comparing without case is comparing lower-cased.
            self.ascii
                .iter()
                .find(|(source, _)| source.eq_ignore_ascii_case(name))
                .map(|&(_, c)| c)
        } else {
            self.by_source.get(&name.to_lowercase()).copied()
        }
    }

    /// Sorts a feature's properties (source name, raw value) into the canonical attributes and,
    /// when all fields are kept, the list of every field in source order. `convert` turns a raw
    /// value into an attribute (`None` for null) and is called only for the fields kept, so a
    /// field landaudit does not read is never parsed.
    pub(crate) fn attributes<K: AsRef<str> + Into<String>, V>(
        &self,
        properties: impl IntoIterator<Item = (K, V)>,
        convert: impl Fn(V) -> Option<AttrValue>,
    ) -> (Attributes, Vec<(String, Option<AttrValue>)>) {
        let mut attrs = Attributes::default();
        let mut all = vec![];
        for (key, raw) in properties {
            let canonical = self.canonical(key.as_ref());
            if canonical.is_none() && !self.all_fields {
                continue;
            }
            let value = convert(raw);
            match (canonical, value) {
                (Some(c), Some(v)) if self.all_fields => {
                    attrs.insert(c, v.clone());
                    all.push((key.into(), Some(v)));
                }
                (Some(c), Some(v)) => attrs.insert(c, v),
                (_, value) if self.all_fields => all.push((key.into(), value)),
                _ => {}
            }
        }
        (attrs, all)
    }

    /// The feature's id: the id field, or `#index` where the layer needs none.
    pub(crate) fn id(&self, attrs: &Attributes, index: usize) -> Option<String> {
        attrs
            .text(self.id_field)
            .or_else(|| (!self.id_required).then(|| format!("#{index}")))
    }

    /// Why a feature without an id is rejected.
    pub(crate) fn missing_id(&self) -> String {
        format!("missing id: field {} is absent or empty", self.id_source)
    }

    /// The source names of the fields read whose text contains `c` (U+FFFD after a decoding
    /// error), sorted.
    pub(crate) fn fields_containing(&self, attrs: &Attributes, c: char) -> Vec<String> {
        self.by_source
            .values()
            .filter(|f| attrs.text(f).is_some_and(|t| t.contains(c)))
            .map(|f| self.fields.source_for(f))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }
}

/// Checks (and with `repair`, repairs) the geometry of a feature whose id and attributes are
/// known, and builds its parcel. `repairs` are notes from reading the rings
/// ([`super::rings::polygons_from_parts`]); a panic inside the geometry engine costs this feature
/// only.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    index: usize,
    id: String,
    attrs: Attributes,
    fields: Vec<(String, Option<AttrValue>)>,
    geometry: MultiPolygon<f64>,
    mut repairs: Vec<String>,
    mut notes: Notes,
    repair: bool,
) -> Outcome {
    let checked = match guarded(|| check_geometry(geometry, repair)) {
        Ok(c) => c,
        Err(reason) => return Err((Some(id), reason)),
    };
    let geometry = match checked {
        Checked::Valid(geometry) => geometry,
        Checked::Repaired(geometry, what) => {
            repairs.push(what);
            geometry
        }
        Checked::Invalid(reason) => return Err((Some(id), reason)),
    };
    // One row per repaired feature: the layer account counts repaired rows.
    if !repairs.is_empty() {
        notes.push((RejectStatus::Repaired, repairs.join("; ")));
    }
    Ok((
        Parcel {
            index,
            id,
            geometry,
            attrs,
            fields,
        },
        notes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_as_lower_casing_finds_them() {
        // Kelvin sign (K) lower-cases to ASCII "k"; "İ" to "i̇" (not ASCII); "批准文号" has no case.
        let fields = FieldMap::from_pairs([
            ("pzwh", "批准文号"),
            ("pcmc", "\u{212A}ey"),
            ("pzmj", "Mİx"),
            ("xzqdm", "Code"),
        ]);
        let lookup = FieldLookup::new(LayerKind::Approvals, &fields, false);
        for name in [
            "批准文号",
            "KEY",
            "key",
            "\u{212A}ey",
            "mi̇x",
            "MİX",
            "CODE",
            "code",
            "PZRQ",
            "pzrq",
            "LX",
            "lx",
            "Lx",
            "PZWH",
            "pzmj",
            "cod",
            "codes",
            "",
        ] {
            let want = lookup.by_source.get(&name.to_lowercase()).copied();
            assert_eq!(lookup.canonical(name), want, "{name}");
        }
        assert_eq!(lookup.canonical("CoDe"), Some("xzqdm"));
        assert_eq!(lookup.canonical("KEY"), Some("pcmc"));
        let (attrs, all) =
            lookup.attributes([("Code", 1), ("other", 2)], |v| Some(AttrValue::Int(v)));
        assert_eq!(attrs.get("xzqdm"), Some(&AttrValue::Int(1)));
        assert!(all.is_empty());
    }
}
