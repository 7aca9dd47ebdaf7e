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
use geo::Coord;
use std::cell::RefCell;

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

/// Polygons as lists of rings of coordinates: what [`scan_strict_at`] gives, every position
/// having had at least two numbers.
pub(crate) type CoordParts = Vec<Vec<Vec<Coord<f64>>>>;

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
    let parts = s.parts(multi, |s| s.list("positions", Scanner::position))?;
    s.ws();
    if s.i != s.b.len() {
        return Err(s.error("trailing characters"));
    }
    Ok(parts)
}

/// Scans the coordinates that start at byte `at` of `text` (a whole feature), as [`scan`] would
/// scan them cut out, and returns them with the byte after them, as coordinates. Strict: every
/// number must be a JSON number, so that what this accepts is also valid JSON, and every
/// position must have two numbers or more; it fails on anything else (without a useful message:
/// the caller then reads the feature the slow way, which says why).
///
/// Each ring's positions are gathered in a buffer the thread keeps and then copied once into a
/// vector of their exact number: no vector grown position by position, none of [`Pos`].
pub(crate) fn scan_strict_at(
    text: &str,
    at: usize,
    multi: bool,
    shift: Option<&XShift>,
) -> Option<(CoordParts, usize)> {
    thread_local! {
        static RING: RefCell<Vec<Coord<f64>>> = const { RefCell::new(Vec::new()) };
    }
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        i: at,
        shift,
        strict: true,
    };
    let parts = RING
        .with_borrow_mut(|ring| s.parts(multi, |s| s.coords(ring)))
        .ok()?;
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

/// Powers of ten that an f64 holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The number that starts at `b[at]`, read in one pass, and the index after it, when it is a
/// plain decimal the common way (`-`? digits (`.` digits)?, by JSON's grammar, without an
/// exponent) of at most 2⁵³ without its point and at most 22 decimals; else `None`, and the
/// caller reads it the general way ([`Scanner::number`], `str::parse`).
///
/// Where it answers, it answers what the general way would: the digits are an integer `m` and
/// the number is `m / 10^d`, both exact in an f64, so one division, rounded once as IEEE 754
/// rounds, gives the f64 nearest the decimal (Clinger's fast path, the one `str::parse` takes
/// first too); and the number ends where [`Scanner::number`] would end it, before a character
/// that cannot be part of a number.
fn plain_number(b: &[u8], at: usize) -> Option<(f64, usize)> {
    // Digits from `b[*i]` on, appended to `m` (wrapping: more than 19 are refused below);
    // returns how many.
    fn take_digits(b: &[u8], i: &mut usize, m: &mut u64) -> usize {
        let start = *i;
        while let Some(&c) = b.get(*i).filter(|c| c.is_ascii_digit()) {
            *m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            *i += 1;
        }
        *i - start
    }
    let mut i = at;
    let negative = b.get(i) == Some(&b'-');
    i += usize::from(negative);
    let mut m: u64 = 0;
    let integer = match b.get(i) {
        Some(b'0') => {
            i += 1;
            if b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            1
        }
        Some(b'1'..=b'9') => take_digits(b, &mut i, &mut m),
        _ => return None,
    };
    let mut decimals = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        decimals = take_digits(b, &mut i, &mut m);
        if decimals == 0 {
            return None;
        }
    }
    if integer + decimals > 19
        || m > 1 << 53
        || decimals >= EXACT_POWERS_OF_TEN.len()
        || matches!(
            b.get(i),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        )
    {
        return None;
    }
    let v = m as f64 / EXACT_POWERS_OF_TEN[decimals];
    Some((if negative { -v } else { v }, i))
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
    /// Polygons of rings, each ring read by `ring`.
    fn parts<R>(
        &mut self,
        multi: bool,
        mut ring: impl FnMut(&mut Self) -> Result<R, String>,
    ) -> Result<Vec<Vec<R>>, String> {
        Ok(if multi {
            self.list("polygons", |s| s.list("rings", &mut ring))?
        } else {
            vec![self.list("rings", ring)?]
        })
    }

    /// A ring's positions as coordinates, gathered in `buffer` (left with them) and copied once;
    /// a position with fewer than two numbers is an error.
    fn coords(&mut self, buffer: &mut Vec<Coord<f64>>) -> Result<Vec<Coord<f64>>, String> {
        buffer.clear();
        self.each("positions", |s| {
            let p = s.position()?;
            let (x, y) =
                p.0.map_err(|n| s.error(&format!("a position of {n} number(s)")))?;
            buffer.push(Coord { x, y });
            Ok(())
        })?;
        Ok(buffer.as_slice().to_vec())
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
        let mut out = Vec::new();
        self.each(what, |s| {
            out.push(item(s)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `item` on each item of an array: `[`, items separated by `,`, `]`.
    fn each(
        &mut self,
        what: &str,
        mut item: impl FnMut(&mut Self) -> Result<(), String>,
    ) -> Result<(), String> {
        self.ws();
        if self.b.get(self.i) != Some(&b'[') {
            return Err(self.error(&format!(
                "expected an array of {what}, found {}",
                self.found()
            )));
        }
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
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
        self.each("numbers", |s| {
            s.ws();
            let start = s.i;
            let quick = match (n, s.shift) {
                (0, Some(_)) => None,
                _ => plain_number(s.b, start),
            };
            let v = if let Some((v, end)) = quick {
                s.i = end;
                v
            } else {
                let t = s.number()?;
                match (n, s.shift) {
                    (0, Some(shift)) => shift.apply(t),
                    _ => t.parse::<f64>().unwrap_or(f64::NAN),
                }
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

    /// The general way: the number's extent as [`Scanner::number`] finds it, and its value as
    /// `str::parse` gives it, when it is a JSON number.
    fn general(t: &str) -> Option<(f64, usize)> {
        let mut s = Scanner {
            b: t.as_bytes(),
            text: t,
            i: 0,
            shift: None,
            strict: true,
        };
        let n = s.number().ok()?;
        Some((n.parse().ok()?, n.len()))
    }

    #[test]
    fn plain_numbers_read_in_one_pass_as_the_general_way_reads_them() {
        let cases = [
            "0",
            "-0",
            "0.5",
            "-0.000",
            "7",
            "495714.878",
            "3300000.5123456789",
            "493675.4446796632",
            "9007199254740992",
            "0.1",
            "0.30000000000000004",
            "1234567890123456789",
            "123.0000000000000000001",
            "1.2345678901234567890",
        ];
        for t in cases {
            let want = general(t).unwrap();
            if let Some((v, end)) = plain_number(t.as_bytes(), 0) {
                assert_eq!((v.to_bits(), end), (want.0.to_bits(), want.1), "{t}");
            }
        }
        // Taken (not left to the general way) where it matters: a surveyed coordinate.
        assert!(plain_number(b"495714.878", 0).is_some());
        assert!(plain_number(b"-0", 0).unwrap().0.is_sign_negative());
        // Left to the general way: exponents, too many digits, beyond 2^53, not JSON, or
        // followed by what the general way would take as part of the number.
        for t in [
            "1e5",
            "2E-3",
            "9007199254740993",
            "12345678901234567890",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1.2.3",
            "1-2",
            "",
        ] {
            assert_eq!(plain_number(t.as_bytes(), 0), None, "{t}");
        }
        // It stops where a number ends, and starts where it is told.
        assert_eq!(plain_number(b"[1.5, 2]", 1), Some((1.5, 4)));
        assert_eq!(plain_number(b"-12]", 0), Some((-12.0, 3)));
    }

    proptest::proptest! {
        /// Over decimals of every length up to 2^53 and 22 decimals and beyond, the one-pass
        /// reading gives the general way's f64, bit for bit, or leaves the number to it.
        #[test]
        fn plain_numbers_agree_with_str_parse(
            negative: bool,
            int in 0u64..=u64::MAX,
            int_digits in 1usize..20,
            frac in proptest::option::of("[0-9]{1,24}"),
        ) {
            let int = (int % 10u64.pow(int_digits as u32 - 1).max(10)).to_string();
            let t = format!(
                "{}{int}{}",
                if negative { "-" } else { "" },
                frac.map(|f| format!(".{f}")).unwrap_or_default()
            );
            let want = general(&t).unwrap();
            if let Some((v, end)) = plain_number(t.as_bytes(), 0) {
                proptest::prop_assert_eq!(v.to_bits(), want.0.to_bits(), "{}", t);
                proptest::prop_assert_eq!(end, t.len());
            }
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
            let lenient = scan(&text[at..end], false, None).unwrap();
            assert_eq!(
                xy(&lenient),
                p[0][0].iter().map(|c| (c.x, c.y)).collect::<Vec<_>>()
            );
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
