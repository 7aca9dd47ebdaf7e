//! GeoJSON coordinates from their text: a scanner for the `coordinates` member of a Polygon or
//! MultiPolygon, straight into positions, that sees every number's decimal digits.
//!
//! Two reasons to read the text here rather than through a JSON value tree:
//!
//! - **Exact zone-prefixed eastings.** A Gauss-Krüger layer with a zone prefix (EPSG:4513–4533,
//!   4491–4501) has eastings like `40495714.878`, where an f64 is only good to 2⁻²⁷ m ≈ 7.5e-9 m;
//!   the same land in the unprefixed zone (`495714.878`) is good to 5.8e-11 m. With an
//!   [`XShift`], the prefix digits are removed from the text before the number is parsed, so
//!   the layer reads into the unprefixed zone exactly as if the file had been written there: the
//!   same county with and without its prefix gives bit-identical coordinates and areas.
//! - **Speed.** No allocation per position (a `Vec<f64>` each in a JSON value tree).
//!
//! The text is valid JSON (serde checked it while capturing the feature); the scanner checks the
//! shape: arrays nested to the geometry's depth, numbers as positions' members.

use super::rings::Position;

/// Removing a zone prefix from eastings: `prefix` digits worth `metres`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct XShift {
    prefix: String,
    /// The prefix's value in metres (40 → 40,000,000).
    pub(crate) metres: f64,
}

impl XShift {
    /// The shift of a zone-prefixed Gauss-Krüger zone (false easting `prefix`·10⁶ + 500,000), or
    /// `None` for an unprefixed one.
    pub(crate) fn of_false_easting(false_easting: f64) -> Option<XShift> {
        let prefix = ((false_easting - 500_000.0) / 1e6).round();
        (prefix >= 1.0 && prefix * 1e6 + 500_000.0 == false_easting).then(|| XShift {
            prefix: format!("{prefix}"),
            metres: prefix * 1e6,
        })
    }

    /// The easting `text` less the prefix: the digits after the prefix parsed when `text` is a
    /// plain decimal with the prefix followed by exactly six integer digits (the eastings of the
    /// zone), else the parsed number minus the prefix's metres.
    fn apply(&self, text: &str) -> f64 {
        if let Some(rest) = text.strip_prefix(self.prefix.as_str()) {
            let int = rest.bytes().take_while(u8::is_ascii_digit).count();
            let plain = rest[int..].bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if int == 6
                && plain
                && let Ok(x) = rest.parse::<f64>()
            {
                return x;
            }
        }
        text.parse::<f64>().unwrap_or(f64::NAN) - self.metres
    }
}

/// A position as scanned: x and y, or the number of members of a shorter one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pos(Result<(f64, f64), usize>);

impl Position for Pos {
    fn xy(&self) -> Result<(f64, f64), usize> {
        self.0
    }
}

/// Polygons as lists of rings of positions.
pub(crate) type Parts = Vec<Vec<Vec<Pos>>>;

/// Scans the `coordinates` text of a Polygon (`multi == false`) or a MultiPolygon into parts.
/// Errors say what was expected and where, in the words of a JSON reader.
pub(crate) fn scan(text: &str, multi: bool, shift: Option<&XShift>) -> Result<Parts, String> {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        i: 0,
        shift,
        strict: false,
    };
    let parts = s.parts(multi)?;
    s.ws();
    if s.i != s.b.len() {
        return Err(s.error("trailing characters"));
    }
    Ok(parts)
}

/// Scans the coordinates that start at byte `at` of `text` (a whole feature), as [`scan`] would
/// scan them cut out, and returns them with the byte after them. Strict: every number must be
/// a JSON number, so that what this accepts is also valid JSON; it fails on anything else
/// (without a useful message: the caller then reads the feature the slow way, which says why).
pub(crate) fn scan_strict_at(
    text: &str,
    at: usize,
    multi: bool,
    shift: Option<&XShift>,
) -> Option<(Parts, usize)> {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        i: at,
        shift,
        strict: true,
    };
    let parts = s.parts(multi).ok()?;
    Some((parts, s.i))
}

/// Whether `t` is a number by JSON's grammar: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)?
/// ([eE] [+-]? [0-9]+)?.
pub(crate) fn is_json_number(t: &[u8]) -> bool {
    // Index loops, not iterator adaptors: this runs for every coordinate read.
    let n = t.len();
    let digits = |mut i: usize| {
        while i < n && t[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = usize::from(n > 0 && t[0] == b'-');
    match t.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i + 1),
        _ => return false,
    }
    if i < n && t[i] == b'.' {
        let end = digits(i + 1);
        if end == i + 1 {
            return false;
        }
        i = end;
    }
    if i < n && (t[i] == b'e' || t[i] == b'E') {
        i += 1;
        if i < n && (t[i] == b'+' || t[i] == b'-') {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return false;
        }
        i = end;
    }
    i == n
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    shift: Option<&'a XShift>,
    /// Numbers must follow JSON's grammar (see [`scan_strict_at`]).
    strict: bool,
}

impl<'a> Scanner<'a> {
    fn parts(&mut self, multi: bool) -> Result<Parts, String> {
        Ok(if multi {
            self.list("polygons", |s| {
                s.list("rings", |s| s.list("positions", Scanner::position))
            })?
        } else {
            vec![self.list("rings", |s| s.list("positions", Scanner::position))?]
        })
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        format!("{what} at column {} of the coordinates", self.i + 1)
    }

    /// What the next value is, for messages.
    fn found(&self) -> &'static str {
        match self.b.get(self.i) {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            Some(_) => "a number",
            None => "the end",
        }
    }

    /// An array of items: `[`, items separated by `,`, `]`.
    fn list<T>(
        &mut self,
        what: &str,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        self.ws();
        if self.b.get(self.i) != Some(&b'[') {
            return Err(self.error(&format!(
                "expected an array of {what}, found {}",
                self.found()
            )));
        }
        self.i += 1;
        let mut out = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(out);
        }
        loop {
            out.push(item(self)?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// The text of the next number.
    fn number(&mut self) -> Result<&'a str, String> {
        self.ws();
        let start = self.i;
        if !matches!(self.b.get(self.i), Some(b'-' | b'0'..=b'9')) {
            return Err(self.error(&format!("expected a number, found {}", self.found())));
        }
        while self.i < self.b.len()
            && matches!(
                self.b[self.i],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.i += 1;
        }
        if self.strict && !is_json_number(&self.b[start..self.i]) {
            return Err(self.error("not a JSON number"));
        }
        Ok(&self.text[start..self.i])
    }

    fn position(&mut self) -> Result<Pos, String> {
        let (mut x, mut y, mut n) = (0.0, 0.0, 0usize);
        self.list("numbers", |s| {
            let start = s.i;
            let t = s.number()?;
            let v = match (n, s.shift) {
                (0, Some(shift)) => shift.apply(t),
                _ => t.parse::<f64>().unwrap_or(f64::NAN),
            };
            if v.is_infinite() {
                s.i = start;
                return Err(s.error("number out of range"));
            }
            match n {
                0 => x = v,
                1 => y = v,
                _ => {}
            }
            n += 1;
            Ok(())
        })?;
        Ok(Pos(if n >= 2 { Ok((x, y)) } else { Err(n) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xy(p: &Parts) -> Vec<(f64, f64)> {
        p.iter()
            .flatten()
            .flatten()
            .map(|q| q.xy().unwrap())
            .collect()
    }

    #[test]
    fn polygon_and_multipolygon() {
        let p = scan(" [ [ [0,1] , [2.5,-3e2,7],[0,1]] ,[] ] ", false, None).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].len(), 2);
        assert_eq!(xy(&p), [(0.0, 1.0), (2.5, -300.0), (0.0, 1.0)]);
        let m = scan("[[[[1,2]]],[[[3,4]],[[5,6]]]]", true, None).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].len(), 2);
        assert_eq!(xy(&m), [(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)]);
        assert_eq!(scan("[]", true, None).unwrap().len(), 0);
        let short = scan("[[[1]]]", false, None).unwrap();
        assert_eq!(short[0][0][0].xy(), Err(1));
    }

    #[test]
    fn numbers_parse_as_the_standard_library_does() {
        for t in [
            "0",
            "-0",
            "1e-7",
            "123456.789",
            "3.3448611890000003E6",
            "5e-324",
        ] {
            let p = scan(&format!("[[[{t},{t}]]]"), false, None).unwrap();
            let want: f64 = t.parse().unwrap();
            assert_eq!(p[0][0][0].xy().unwrap().0.to_bits(), want.to_bits(), "{t}");
        }
    }

    #[test]
    fn strict_numbers_are_json_numbers() {
        for t in [
            "0",
            "-0",
            "12",
            "1.5",
            "-0.25e-3",
            "7E+2",
            "3.3448611890000003E6",
        ] {
            assert!(is_json_number(t.as_bytes()), "{t}");
            let text = format!(r#"{{"coordinates":[[[{t},1]]]}}"#);
            let at = text.find('[').unwrap();
            let (p, end) = scan_strict_at(&text, at, false, None).unwrap();
            assert_eq!(&text[end..], "}");
            assert_eq!(p, scan(&text[at..end], false, None).unwrap());
        }
        for t in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1-2", "1.2.3", "--1", "0x1",
        ] {
            assert!(!is_json_number(t.as_bytes()), "{t}");
        }
        // The lenient scan reads some of them; the strict one leaves them to serde's errors.
        assert!(scan("[[[1.,2]]]", false, None).is_ok());
        assert!(scan_strict_at("[[[1.,2]]]", 0, false, None).is_none());
    }

    #[test]
    fn shape_errors_say_what_and_where() {
        let e = |t: &str, multi| scan(t, multi, None).unwrap_err();
        assert_eq!(
            e("\"x\"", false),
            "expected an array of rings, found a string at column 1 of the coordinates"
        );
        assert!(e("[[[\"NaN\",1]]]", false).contains("expected a number, found a string"));
        assert!(e("[[[[1,2]]]]", false).contains("expected a number, found an array"));
        assert!(e("[[[1,2]]]", true).contains("expected an array of numbers, found a number"));
        assert!(e("[[[1e999,2]]]", false).starts_with("number out of range at column 4"));
        assert!(e("[[[1,2]]] 5", false).contains("trailing"));
        assert!(e("[[[1,2}]]", false).contains("expected `,` or `]`"));
    }

    #[test]
    fn zone_prefix_is_removed_from_the_digits() {
        let shift = XShift::of_false_easting(40_500_000.0).unwrap();
        assert_eq!(shift.metres, 4e7);
        assert_eq!(XShift::of_false_easting(500_000.0), None);
        assert_eq!(XShift::of_false_easting(20_500_000.0).unwrap().metres, 2e7);
        let xs = [
            "495714.878",
            "493675.4446796632",
            "500000",
            "0.001",
            "499999.99999999994",
        ];
        for t in xs {
            let prefixed = format!(
                "40{:0>width$}",
                t,
                width = t.len() + 6 - t.find('.').unwrap_or(t.len())
            );
            let p = scan(&format!("[[[{prefixed},3300000.5]]]"), false, Some(&shift)).unwrap();
            let (x, y) = p[0][0][0].xy().unwrap();
            // Bit for bit the unprefixed text, which a plain parse of the prefixed one is not
            // (for the first two).
            assert_eq!(
                x.to_bits(),
                t.parse::<f64>().unwrap().to_bits(),
                "{prefixed}"
            );
            assert_eq!(y, 3300000.5);
        }
        let direct: f64 = "40495714.878".parse::<f64>().unwrap() - 4e7;
        assert_ne!(direct, 495714.878);
        // Not the zone's shape (another prefix, an exponent, a negative): parsed, then shifted.
        for (t, want) in [
            ("41495714.5", 1495714.5),
            ("4.05e7", 500_000.0),
            ("-1.5", -1.5 - 4e7),
            ("400", 400.0 - 4e7),
        ] {
            let p = scan(&format!("[[[{t},0]]]"), false, Some(&shift)).unwrap();
            assert_eq!(p[0][0][0].xy().unwrap().0, want, "{t}");
        }
    }
}
