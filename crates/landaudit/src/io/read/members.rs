//! A GeoJSON feature's members in one pass over its text, for features as writers write them.
//!
//! The general way to read a feature (serde_json into raw members, then the properties into a
//! map, then the geometry into raw members, then its coordinates) passes over the coordinates
//! three times: two of them only to find where a value ends. This pass checks the feature's JSON
//! and picks out its members at once, scanning the coordinates as it meets them.
//!
//! It is only a shortcut: it answers `None` for anything outside the plain case (an escape in a
//! member name, a member given twice, a geometry that is not a Polygon or MultiPolygon, a
//! coordinate that does not scan, broken JSON anywhere), and the reader then takes the general
//! way, which says what is wrong in serde_json's words. Where it answers, it gives what the
//! general way would: it accepts only text that serde_json accepts (strings without control
//! characters and with valid escapes, numbers by JSON's grammar, nothing after the value), and
//! the raw values it returns are the same slices of text as serde_json's `RawValue`s.

use super::coords::{self, CoordParts, XShift};

/// A feature's members, as the general way would read them.
#[derive(Debug, PartialEq)]
pub(crate) struct Members<'a> {
    /// The raw text of the `type` member; `None` when absent or null.
    pub ty: Option<&'a str>,
    /// The properties (name, raw value), sorted by name, each name once; empty when the member
    /// is absent or null.
    pub properties: Vec<(&'a str, &'a str)>,
    /// The scanned coordinates of the Polygon (`false`) or MultiPolygon (`true`); `None` for an
    /// absent or null geometry.
    pub geometry: Option<CoordParts>,
}

/// Nesting deeper than this is left to the general way (which does not recurse).
const MAX_DEPTH: usize = 64;

/// The members of the feature `text` (a JSON object, nothing before or after it), or `None`
/// when it is not the plain case (see the module docs).
pub(crate) fn members<'a>(text: &'a str, shift: Option<&XShift>) -> Option<Members<'a>> {
    let mut p = Pass {
        text,
        b: text.as_bytes(),
        i: 0,
    };
    let mut ty = None;
    let mut properties = None;
    let mut geometry = None;
    p.object(|p, key| match key {
        "type" => once(&mut ty, p.nullable_raw()?),
        "properties" => once(&mut properties, p.properties()?),
        "geometry" => once(&mut geometry, p.geometry(shift)?),
        _ => p.value(0),
    })?;
    p.ws();
    if p.i != p.b.len() {
        return None;
    }
    Some(Members {
        ty: ty.flatten(),
        properties: properties.flatten().unwrap_or_default(),
        geometry: geometry.flatten(),
    })
}

/// Sets a member met for the first time; a second one is serde's "duplicate field" error.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

struct Pass<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Pass<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&byte)).then(|| self.i += 1)
    }

    /// A bracketed list: `open`, then `item`s separated by commas, then `close`.
    fn list(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.eat(open)?;
        self.ws();
        if self.b.get(self.i) == Some(&close) {
            self.i += 1;
            return Some(());
        }
        loop {
            item(self)?;
            self.ws();
            match *self.b.get(self.i)? {
                b',' => self.i += 1,
                c if c == close => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An object: calls `member` with each name, the pass just after the name's colon.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.list(b'{', b'}', |p| {
            p.ws();
            let key = p.plain_string()?;
            p.eat(b':')?;
            member(p, key)
        })
    }

    /// A string without escapes (a member name, a geometry type): its content.
    fn plain_string(&mut self) -> Option<&'a str> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let len = self.b[start..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        Some(&self.text[start..start + len])
    }

    /// Any string, its escapes checked as serde_json checks them when it skips a string.
    fn string(&mut self) -> Option<()> {
        self.i += 1; // the opening quote
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => match *self.b.get(self.i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                    b'u' => {
                        let hex = self.b.get(self.i + 2..self.i + 6)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.i += 6;
                    }
                    _ => return None,
                },
                b if b < 0x20 => return None,
                _ => self.i += 1,
            }
        }
    }

    /// A number by JSON's grammar.
    fn number(&mut self) -> Option<()> {
        let start = self.i;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        coords::is_json_number(&self.b[start..self.i]).then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// Skips one value, checking it.
    fn value(&mut self, depth: usize) -> Option<()> {
        self.ws();
        match *self.b.get(self.i)? {
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ if depth >= MAX_DEPTH => None,
            b'[' => self.list(b'[', b']', |p| p.value(depth + 1)),
            b'{' => self.object(|p, _| p.value(depth + 1)),
            _ => None,
        }
    }

    /// A value's raw text, as serde_json's `RawValue` has it (without the white space around).
    fn raw(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        self.value(0)?;
        Some(&self.text[start..self.i])
    }

    /// `None` for null (as serde reads an `Option`), else the raw text.
    fn nullable_raw(&mut self) -> Option<Option<&'a str>> {
        let raw = self.raw()?;
        Some((raw != "null").then_some(raw))
    }

    fn is_null(&mut self) -> bool {
        self.ws();
        self.b[self.i..].starts_with(b"null")
    }

    /// The `properties` member: null, or an object whose names have no escapes and differ.
    fn properties(&mut self) -> Option<Option<Vec<(&'a str, &'a str)>>> {
        if self.is_null() {
            self.i += 4;
            return Some(None);
        }
        // Room for the fields of a usual layer at once, instead of growing four times.
        let mut all = Vec::with_capacity(32);
        self.object(|p, key| {
            all.push((key, p.raw()?));
            Some(())
        })?;
        // The general way reads them into a map, in name order, where a repeated name keeps its
        // last value; repeats are left to it.
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        if all.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        Some(Some(all))
    }

    /// The `geometry` member: null, or a Polygon or MultiPolygon object whose coordinates scan.
    fn geometry(&mut self, shift: Option<&XShift>) -> Option<Option<CoordParts>> {
        if self.is_null() {
            self.i += 4;
            return Some(None);
        }
        let mut multi: Option<bool> = None;
        let mut parts: Option<CoordParts> = None;
        // Coordinates met before the type: their text, scanned once the type is known.
        let mut later: Option<&'a str> = None;
        self.object(|p, key| match key {
            "type" => {
                p.ws();
                let t = p.plain_string()?;
                once(
                    &mut multi,
                    match t {
                        "Polygon" => false,
                        "MultiPolygon" => true,
                        _ => return None,
                    },
                )
            }
            "coordinates" => {
                if parts.is_some() || later.is_some() {
                    return None;
                }
                p.ws();
                match multi {
                    Some(multi) => {
                        let (scanned, end) = coords::scan_strict_at(p.text, p.i, multi, shift)?;
                        parts = Some(scanned);
                        p.i = end;
                    }
                    None => later = Some(p.raw()?),
                }
                Some(())
            }
            _ => p.value(0),
        })?;
        let multi = multi?;
        match (parts, later) {
            (Some(parts), _) => Some(Some(parts)),
            (None, Some(text)) => match coords::scan_strict_at(text, 0, multi, shift)? {
                (parts, end) if end == text.len() => Some(Some(parts)),
                _ => None,
            },
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read::rings::Position;

    fn xs(m: &Members) -> Vec<(f64, f64)> {
        m.geometry
            .iter()
            .flatten()
            .flatten()
            .flatten()
            .map(|p| p.xy().unwrap())
            .collect()
    }

    #[test]
    fn plain_features() {
        let m = members(
            r#"{ "type" : "Feature", "id": [1, {"a": null}], "properties": {"b": 1.5e3, "a": " x\"\u00e9 ", "c": {"d": [true, false]}}, "geometry": {"bbox": [0, 0, 1, 1], "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]} }"#,
            None,
        )
        .unwrap();
        assert_eq!(m.ty, Some(r#""Feature""#));
        assert_eq!(
            m.properties,
            [
                ("a", r#"" x\"\u00e9 ""#),
                ("b", "1.5e3"),
                ("c", r#"{"d": [true, false]}"#)
            ]
        );
        assert_eq!(xs(&m), [(0., 0.), (1., 0.), (1., 1.), (0., 0.)]);
        // Coordinates before the type; null members; no members.
        let m = members(
            r#"{"geometry":{"coordinates":[[[[5,6]]]],"type":"MultiPolygon"},"properties":null,"type":null}"#,
            None,
        )
        .unwrap();
        assert_eq!((m.ty, m.properties.len()), (None, 0));
        assert_eq!(xs(&m), [(5., 6.)]);
        let m = members(r#"{"geometry":null}"#, None).unwrap();
        assert_eq!(m.geometry, None);
        assert_eq!(
            members("{}", None).unwrap(),
            Members {
                ty: None,
                properties: vec![],
                geometry: None
            }
        );
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        let g = r#""geometry":{"type":"Polygon","coordinates":[[[0,0]]]}"#;
        for text in [
            // Broken JSON.
            format!(r#"{{"type" "Feature",{g}}}"#),
            format!(r#"{{"type":"Feature",{g},}}"#),
            format!(r#"{{"type":"Feature","properties":{{"a":yes}},{g}}}"#),
            format!(r#"{{"type":"Feature","properties":{{"a":01}},{g}}}"#),
            format!(r#"{{"type":"Feature","properties":{{"a":"\x"}},{g}}}"#),
            format!("{{\"type\":\"Feature\",\"properties\":{{\"a\":\"\t\"}},{g}}}"),
            format!(r#"{{"type":"Feature",{g}}} x"#),
            format!(r#"{{"type":"Feature",{g}"#),
            // Repeated or escaped names.
            format!(r#"{{"type":"Feature","type":"Feature",{g}}}"#),
            format!(r#"{{"type":"Feature","properties":{{"a":1,"a":2}},{g}}}"#),
            format!(r#"{{"type":"Feature","properties":{{"\u0061":1}},{g}}}"#),
            format!(r#"{{"t\u0079pe":"Feature",{g}}}"#),
            // Geometries the general way rejects or reads differently.
            r#"{"geometry":{"type":"Point","coordinates":[0,0]}}"#.into(),
            r#"{"geometry":{"type":"Polygon"}}"#.into(),
            r#"{"geometry":{"coordinates":[[[0,0]]]}}"#.into(),
            r#"{"geometry":{"type":"Polygon","coordinates":[[[1.,0]]]}}"#.into(),
            r#"{"geometry":{"type":"Polygon","coordinates":[[[1e999,0]]]}}"#.into(),
            r#"{"geometry":{"coordinates":[[[[0,0]]]],"type":"Polygon"}}"#.into(),
            r#"{"geometry":"x"}"#.into(),
            format!(r#"{{"properties":{}}}"#, "[".repeat(100) + &"]".repeat(100)),
        ] {
            assert_eq!(members(&text, None), None, "{text}");
        }
    }

    /// What serde_json makes of a feature, as the general way reads it.
    #[derive(serde::Deserialize)]
    struct General<'a> {
        #[serde(borrow, rename = "type")]
        ty: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow)]
        properties: Option<std::collections::BTreeMap<String, &'a serde_json::value::RawValue>>,
        #[serde(borrow)]
        geometry: Option<&'a serde_json::value::RawValue>,
    }

    /// The positions `depth` arrays down: (x, y), or the count of a shorter one.
    fn positions(v: &serde_json::Value, depth: usize, out: &mut Vec<Result<(f64, f64), usize>>) {
        let a = v.as_array().map(Vec::as_slice).unwrap_or_default();
        if depth > 0 {
            a.iter().for_each(|v| positions(v, depth - 1, out));
        } else if a.len() >= 2 {
            let n = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
            out.push(Ok((n(&a[0]), n(&a[1]))));
        } else {
            out.push(Err(a.len()));
        }
    }

    const BASES: [&str; 3] = [
        r#"{"type":"Feature","id":7,"properties":{"PZWH":"浙土字〔2019〕1号","PZMJ":1.25e1,"X":null,"L":[1,{"a":true}]},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10.5,0],[10.5,-2e1],[0,0]]]}}"#,
        r#"{ "geometry" : { "coordinates" : [ [ [ [ 40500000.125 , 3300000 ] , [ 1 , 2 ] ] ] ] , "type" : "MultiPolygon" } , "properties" : { "a\"b" : "c\u00e9\n" } , "type" : "Feature" }"#,
        r#"{"type":"Feature","properties":{},"geometry":null,"bbox":[0,0,1,1]}"#,
    ];

    /// Bits of JSON that make or break a text.
    const PIECES: [&str; 22] = [
        "\"",
        "\\",
        ",",
        ":",
        "{",
        "}",
        "[",
        "]",
        "null",
        "-",
        ".",
        "e",
        "0",
        "1",
        " ",
        "\t",
        "\u{1}",
        "\\u00",
        "é",
        "type",
        "+",
        "\"type\":",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, .. Default::default() })]

        /// Wherever the one pass answers, serde_json accepts the text and reads the same
        /// members, property values and coordinates from it.
        #[test]
        fn answers_only_what_serde_reads_the_same(
            base in 0usize..3,
            edits in proptest::collection::vec((0usize..400, 0usize..3, 0usize..22), 1..4),
        ) {
            let mut text: Vec<char> = BASES[base].chars().collect();
            for (at, op, piece) in edits {
                let at = at % (text.len() + 1);
                match op {
                    0 if at < text.len() => {
                        text.remove(at);
                    }
                    1 if at < text.len() => {
                        text.splice(at..at + 1, PIECES[piece].chars());
                    }
                    _ => {
                        text.splice(at..at, PIECES[piece].chars());
                    }
                }
            }
            let text: String = text.into_iter().collect();
            let Some(m) = members(&text, None) else {
                return Ok(());
            };
            let g: General = serde_json::from_str(&text)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{text}: {e}")))?;
            proptest::prop_assert_eq!(m.ty, g.ty.map(|r| r.get()), "{}", text);
            let props: Vec<(&str, &str)> = g
                .properties
                .iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.get()))
                .collect();
            proptest::prop_assert_eq!(&m.properties, &props, "{}", text);
            match (&m.geometry, g.geometry) {
                (None, None) => {}
                (Some(_), Some(raw)) => {
                    let v: serde_json::Value = serde_json::from_str(raw.get()).unwrap();
                    let ty = v["type"].as_str().unwrap_or("");
                    proptest::prop_assert!(ty == "Polygon" || ty == "MultiPolygon", "{}", text);
                    let mut want = vec![];
                    positions(&v["coordinates"], if ty == "Polygon" { 2 } else { 3 }, &mut want);
                    let got: Vec<_> = m
                        .geometry
                        .iter()
                        .flatten()
                        .flatten()
                        .flatten()
                        .map(|p| p.xy())
                        .collect();
                    proptest::prop_assert_eq!(got, want, "{}", text);
                }
                (a, b) => proptest::prop_assert!(false, "{text}: {a:?} / {b:?}"),
            }
        }
    }
}
