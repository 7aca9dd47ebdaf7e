//! The byte stream under the GeoJSON reader: JSON values cut out whole, bounded and located.
//!
//! [`Splitter`] reads the file in large blocks and cuts out one JSON value at a time (a feature,
//! a top-level member) by following only what delimits values: strings (with their escapes) and
//! brackets. It does not build anything; the text it returns is parsed by serde_json, in
//! parallel for features. This is what makes the reader fast: serde_json reading from an
//! `io::Read` takes one byte per call, and capturing each feature as a raw value that way was
//! half of the whole read (benches/PROFILE.md).
//!
//! What it guarantees to the reader:
//!
//! - **Bounded memory.** A value may not pass `limit` bytes: the splitter fails as soon as the
//!   value being cut passes it, so one feature of gigabytes is never buffered whole.
//!   `max_file_bytes` bounds the whole file the same way.
//! - **Positions.** Every value comes with its offset in the file, so that an invalid UTF-8
//!   sequence found later in a feature is named by its byte offset, and a syntax error by line and
//!   column (computed only when there is an error, by [`line_column`]).
//! - **Bytes, not text.** The splitter works on raw bytes: the delimiters are ASCII, and no byte
//!   of a multi-byte UTF-8 sequence (or of a stray GBK one) is ASCII, so invalid UTF-8 cannot move
//!   a boundary. Whether the text is UTF-8 is for the caller to check, value by value.
//! - Brackets must match: `[1}` is an error at the `}`. Other syntax inside a value (a missing
//!   colon, a bare word) is left to serde_json.

use std::io::{self, Read};

/// Room the buffer keeps for each read once it has grown (it starts at 64 KiB).
const BLOCK: usize = 1 << 22;

/// A UTF-8 byte-order mark, skipped at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the value being cut is, for the error message when it is too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Feature number `n` (zero-based) of the `features` array.
    Feature(usize),
    /// A top-level member the reader keeps or skips (`crs`, `type`, a foreign one, a name).
    Member(&'static str),
}

/// The first invalid UTF-8 sequence seen in a stretch of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadByte {
    /// Offset of the sequence's first byte in the file.
    pub offset: u64,
    /// That byte.
    pub byte: u8,
}

/// Why the splitter stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Reading the file failed.
    Io(io::Error),
    /// A value passed `limit` bytes.
    TooLarge { unit: Unit, limit: u64 },
    /// The file passed `max_file_bytes`.
    FileTooLarge { limit: u64 },
    /// Broken JSON at `offset` (a byte offset in the file).
    Syntax { message: String, offset: u64 },
    /// Invalid UTF-8 outside the features.
    Utf8(BadByte),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

/// Byte classes of the scanning loop.
const PLAIN: u8 = 0;
const QUOTE: u8 = 1;
const OPEN: u8 = 2;
const CLOSE: u8 = 3;

const CLASS: [u8; 256] = {
    let mut c = [PLAIN; 256];
    c[b'"' as usize] = QUOTE;
    c[b'[' as usize] = OPEN;
    c[b'{' as usize] = OPEN;
    c[b']' as usize] = CLOSE;
    c[b'}' as usize] = CLOSE;
    c
};

/// Cuts JSON values out of a byte stream (see the module docs).
pub(crate) struct Splitter<R> {
    inner: R,
    buf: Vec<u8>,
    /// The next byte to look at.
    pos: usize,
    /// End of the bytes read into `buf`.
    end: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    max_file: Option<u64>,
    /// Open brackets of the value being cut (reused between values).
    stack: Vec<u8>,
}

impl<R: Read> Splitter<R> {
    /// A splitter over `inner`, which fails once more than `max_file` bytes have been read.
    pub fn new(inner: R, max_file: Option<u64>) -> Self {
        Splitter {
            inner,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            max_file,
            stack: Vec::new(),
        }
    }

    /// The file offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Reads more bytes, keeping `buf[keep..]`; returns how far the bytes moved to the left (so
    /// that indices into `buf` can be adjusted), and whether more bytes came (`false` at the end
    /// of the file).
    fn fill(&mut self, keep: usize) -> Result<(usize, bool), Stop> {
        if self.eof {
            return Ok((0, false));
        }
        // Move the kept bytes to the front; when little room is left, double the buffer (from
        // 64 KiB, so that a small file costs a small buffer; to at least `BLOCK` per read).
        if keep > 0 {
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.pos -= keep;
            self.base += keep as u64;
        }
        let block = self.buf.len().clamp(1 << 16, BLOCK);
        if self.buf.len() - self.end < block {
            let len = (self.end + block).max(2 * self.buf.len());
            self.buf.resize(len, 0);
        }
        let mut got = 0;
        while got == 0 {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got = n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Stop::Io(e)),
            }
        }
        self.end += got;
        if let Some(limit) = self.max_file
            && self.base + self.end as u64 > limit
        {
            return Err(Stop::FileTooLarge { limit });
        }
        Ok((keep, got > 0))
    }

    /// Reads more bytes while a value is being cut from `start`, the scan being at `i`; both are
    /// moved with the bytes they point at. `false` at the end of the file.
    fn extend(&mut self, start: &mut usize, i: &mut usize) -> Result<bool, Stop> {
        self.pos = *i;
        let (moved, more) = self.fill(*start)?;
        *start -= moved;
        *i -= moved;
        Ok(more)
    }

    /// Skips a UTF-8 byte-order mark at the start of the file.
    pub fn skip_bom(&mut self) -> Result<(), Stop> {
        while self.end - self.pos < BOM.len() && self.fill(self.pos)?.1 {}
        if self.buf[self.pos..self.end].starts_with(BOM) {
            self.pos += BOM.len();
        }
        Ok(())
    }

    /// Skips white space and returns the next byte without taking it; `None` at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, Stop> {
        loop {
            while self.pos < self.end {
                match self.buf[self.pos] {
                    b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                    b => return Ok(Some(b)),
                }
            }
            if !self.fill(self.pos)?.1 {
                return Ok(None);
            }
        }
    }

    /// Takes the byte [`peek`](Self::peek) returned.
    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// A syntax error at the next byte.
    pub fn syntax(&self, message: impl Into<String>) -> Stop {
        Stop::Syntax {
            message: message.into(),
            offset: self.offset(),
        }
    }

    /// Cuts out the JSON value that starts at the next non-blank byte and returns its text and
    /// file offset; the text stays valid until the next call. `within` names what the value is
    /// an element of, for the end-of-file message ("a list", "an object").
    pub fn value(&mut self, unit: Unit, limit: u64, within: &str) -> Result<(&[u8], u64), Stop> {
        let Some(first) = self.peek()? else {
            return Err(self.syntax(format!("EOF while parsing {within}")));
        };
        let mut start = self.pos;
        let mut i = start;
        let too_large = |i: usize, start: usize| (i - start) as u64 > limit;
        if CLASS[first as usize] == CLOSE || first == b',' || first == b':' {
            return Err(self.syntax("expected value"));
        }
        if CLASS[first as usize] == PLAIN {
            // A number, `true`, `false`, `null` or a bare word: up to the next delimiter.
            loop {
                while i < self.end {
                    match self.buf[i] {
                        b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'['
                        | b'{' => break,
                        _ => i += 1,
                    }
                }
                if too_large(i, start) {
                    return Err(Stop::TooLarge { unit, limit });
                }
                if i < self.end {
                    break;
                }
                if !self.extend(&mut start, &mut i)? {
                    break;
                }
            }
            self.pos = i;
            return Ok((&self.buf[start..i], self.base + start as u64));
        }
        self.stack.clear();
        let mut in_string = false;
        loop {
            // Scan what is in the buffer; `None` means the value is complete at `i`.
            let mut done = false;
            while i < self.end {
                if in_string {
                    match memchr::memchr2(b'"', b'\\', &self.buf[i..self.end]) {
                        None => i = self.end,
                        Some(k) => {
                            i += k;
                            if self.buf[i] == b'\\' {
                                if i + 1 == self.end {
                                    break; // the escaped byte is in the next block
                                }
                                i += 2;
                            } else {
                                i += 1;
                                in_string = false;
                                if self.stack.is_empty() {
                                    done = true;
                                    break;
                                }
                            }
                        }
                    }
                    continue;
                }
                let b = self.buf[i];
                match CLASS[b as usize] {
                    // The run of plain bytes at once (numbers, commas, names): most of a file.
                    PLAIN => {
                        i += 1 + self.buf[i + 1..self.end]
                            .iter()
                            .position(|&b| CLASS[b as usize] != PLAIN)
                            .unwrap_or(self.end - i - 1);
                    }
                    QUOTE => {
                        in_string = true;
                        i += 1;
                    }
                    OPEN => {
                        self.stack.push(if b == b'[' { b']' } else { b'}' });
                        i += 1;
                    }
                    _ => {
                        if self.stack.pop() != Some(b) {
                            self.pos = i;
                            return Err(self.syntax(format!(
                                "unbalanced brackets: `{}` closes nothing that is open",
                                b as char
                            )));
                        }
                        i += 1;
                        if self.stack.is_empty() {
                            done = true;
                            break;
                        }
                    }
                }
            }
            if too_large(i, start) {
                return Err(Stop::TooLarge { unit, limit });
            }
            if done {
                break;
            }
            if !self.extend(&mut start, &mut i)? {
                let inside = if in_string {
                    "a string"
                } else if self.stack.last() == Some(&b'}') {
                    "an object"
                } else {
                    "a list"
                };
                self.pos = self.end;
                return Err(self.syntax(format!("EOF while parsing {inside}")));
            }
        }
        self.pos = i;
        Ok((&self.buf[start..i], self.base + start as u64))
    }
}

/// Line and column (both from 1, the column in bytes) of byte `offset` of `text`, as serde_json
/// counts them.
pub(crate) fn line_column(text: impl Read, offset: u64) -> io::Result<(u64, u64)> {
    let mut line = 1;
    let mut column = 0;
    let mut left = offset;
    let mut r = io::BufReader::with_capacity(1 << 20, text.take(offset));
    loop {
        let chunk = io::BufRead::fill_buf(&mut r)?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        match memchr::memrchr(b'\n', chunk) {
            Some(k) => {
                line += memchr::memchr_iter(b'\n', chunk).count() as u64;
                column = (n - k - 1) as u64;
            }
            None => column += n as u64,
        }
        left -= n as u64;
        io::BufRead::consume(&mut r, n);
    }
    debug_assert_eq!(left, 0);
    Ok((line, column + 1))
}

/// Offset in `text` of serde_json's (line, column) position in it.
pub(crate) fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &text[start..]) {
            Some(k) => start += k + 1,
            None => return text.len(),
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `n` bytes per call, to cross block boundaries anywhere.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn values(text: &[u8], step: usize) -> Result<Vec<(String, u64)>, Stop> {
        let mut s = Splitter::new(Trickle(text, step), None);
        let mut out = vec![];
        while s.peek()?.is_some() {
            let (v, at) = s.value(Unit::Feature(out.len()), u64::MAX, "a list")?;
            out.push((String::from_utf8_lossy(v).into_owned(), at));
            if s.peek()? == Some(b',') {
                s.bump();
            }
        }
        Ok(out)
    }

    #[test]
    fn values_are_cut_whole_wherever_the_blocks_end() {
        let text = br#" {"a":"x}\"]","b":[1,[2,{}]]} , [1, 2],"s\\",-1.5e3 ,true,null"#;
        let want: Vec<&str> = vec![
            r#"{"a":"x}\"]","b":[1,[2,{}]]}"#,
            "[1, 2]",
            r#""s\\""#,
            "-1.5e3",
            "true",
            "null",
        ];
        for step in [1, 2, 3, 7, 1000] {
            let got = values(text, step).unwrap();
            let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(texts, want, "step {step}");
            for (t, at) in &got {
                let at = *at as usize;
                assert_eq!(&text[at..at + t.len()], t.as_bytes());
            }
        }
    }

    #[test]
    fn invalid_utf8_does_not_move_a_boundary() {
        // GBK 中 (D6 D0) and a lone continuation byte inside strings.
        let text = b"{\"n\":\"\xD6\xD0\"},[\"\x80]\"]";
        let got = values(text, 2).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, 11);
    }

    #[test]
    fn broken_values_are_errors_with_their_offset() {
        for (text, want, at) in [
            (&b"[1, {\"a\": 2]"[..], "unbalanced brackets", 11),
            (b"{\"a\": [1, 2", "EOF while parsing a list", 11),
            (b"{\"a\": \"xy", "EOF while parsing a string", 9),
            (b"{\"a\": {", "EOF while parsing an object", 7),
            (b"]", "expected value", 0),
        ] {
            for step in [1, 4, 100] {
                match values(text, step) {
                    Err(Stop::Syntax { message, offset }) => {
                        assert!(message.contains(want), "{message}");
                        assert_eq!(offset, at, "{message}");
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_value_over_the_limit_stops_before_it_is_buffered() {
        let mut text = b"[".to_vec();
        text.extend(std::iter::repeat_n(b'1', 10_000));
        text.push(b']');
        let mut s = Splitter::new(Trickle(&text, 100), None);
        match s.value(Unit::Feature(3), 1000, "a list") {
            Err(Stop::TooLarge { unit, limit }) => {
                assert_eq!((unit, limit), (Unit::Feature(3), 1000))
            }
            other => panic!("{:?}", other.map(|(v, at)| (v.len(), at))),
        }
        assert!(s.buf.len() < 4 * BLOCK);
        let mut s = Splitter::new(Trickle(&text, 100), Some(500));
        assert!(matches!(
            s.value(Unit::Feature(0), u64::MAX, "a list"),
            Err(Stop::FileTooLarge { limit: 500 })
        ));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let mut s = Splitter::new(Trickle(b"\xEF\xBB\xBF {}", 1), None);
        s.skip_bom().unwrap();
        assert_eq!(s.peek().unwrap(), Some(b'{'));
        assert_eq!(s.offset(), 4);
    }

    #[test]
    fn line_and_column_as_serde_counts_them() {
        let text = "ab\ncde\n\nf";
        for (offset, want) in [
            (0, (1, 1)),
            (2, (1, 3)),
            (3, (2, 1)),
            (5, (2, 3)),
            (8, (4, 1)),
        ] {
            assert_eq!(line_column(text.as_bytes(), offset).unwrap(), want);
            let (l, c) = want;
            assert_eq!(
                offset_of(text.as_bytes(), l as usize, c as usize),
                offset as usize
            );
        }
        // serde_json's own position of an error maps back to the byte it stopped at.
        let bad = "{\"a\":\n [1 2]}";
        let e = serde_json::from_str::<serde_json::Value>(bad).unwrap_err();
        assert_eq!(
            &bad[offset_of(bad.as_bytes(), e.line(), e.column())..][..1],
            "2"
        );
    }
}
