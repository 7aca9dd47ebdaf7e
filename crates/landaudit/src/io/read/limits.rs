//! The byte stream under the GeoJSON parser: bounded, UTF-8-repaired, and watched.
//!
//! [`GuardedReader`] sits between the file and `serde_json` and does three things the parser
//! cannot do for us:
//!
//! - **Bounded memory.** The reader captures each feature as raw JSON text before converting it,
//!   so one feature of gigabytes would be buffered whole. The reader counts the bytes handed out
//!   since the current *unit* (a feature, or the `crs` member) began and fails the read as soon as
//!   the unit passes `max_feature_bytes`: the parser stops with at most the limit buffered.
//!   `max_file_bytes` bounds the whole file the same way (and is checked against the file's
//!   size before reading starts).
//! - **Invalid UTF-8 costs one feature, not the file.** serde_json rejects invalid UTF-8 inside a
//!   captured value with an error that ends the read. Here every invalid sequence is replaced by
//!   U+FFFD (as `String::from_utf8_lossy` does) and its position recorded; the reader then knows
//!   which feature held it and says so in that feature's row of `rejected.csv`. Typical cause: a
//!   GBK-encoded attribute in a UTF-8 file.
//! - **A UTF-8 byte-order mark** at the start (written by many Windows tools) is skipped.
//!
//! serde_json reads one byte at a time from an unbuffered reader, so this type is also the
//! buffer (chunks of 256 KiB); wrapping it in a `BufReader` would hide the parser's position.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// Bytes read from the file per chunk.
const CHUNK: usize = 1 << 18;

const BOM: &[u8] = b"\xEF\xBB\xBF";
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// What the current bounded unit is, for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Feature number `n` (zero-based) of the `features` array.
    Feature(usize),
    /// A top-level member the reader keeps (`crs`, `type`).
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

/// Why the reader refused to go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A unit passed `max_feature_bytes`; `start` is its first byte's offset in the parsed text.
    UnitTooLarge { unit: Unit, start: u64, limit: u64 },
    /// The file passed `max_file_bytes`.
    FileTooLarge { limit: u64 },
}

/// State shared between the reader (owned by the parser) and the visitors that walk the
/// FeatureCollection: which unit is being read, and what the reader saw.
#[derive(Debug)]
pub(crate) struct Meter {
    max_unit: u64,
    /// Bytes handed to the parser so far.
    served: Cell<u64>,
    /// Where the current unit began (in served bytes) and what it is; `None` between units.
    unit: Cell<Option<(u64, Unit)>>,
    /// Served position the current unit may not pass (`u64::MAX` between units): the one
    /// comparison the reader makes per byte.
    unit_end: Cell<u64>,
    refusal: Cell<Option<Refusal>>,
    bad_utf8: Cell<Option<BadByte>>,
}

impl Meter {
    pub fn new(max_unit: u64) -> Rc<Meter> {
        Rc::new(Meter {
            max_unit,
            served: Cell::new(0),
            unit: Cell::new(None),
            unit_end: Cell::new(u64::MAX),
            refusal: Cell::new(None),
            bad_utf8: Cell::new(None),
        })
    }

    /// Starts a bounded unit at the current position.
    pub fn begin(&self, unit: Unit) {
        let start = self.served.get();
        self.unit.set(Some((start, unit)));
        self.unit_end.set(start.saturating_add(self.max_unit));
    }

    /// Ends the current unit: bytes read until the next `begin` are not counted against a unit.
    pub fn end(&self) {
        self.unit.set(None);
        self.unit_end.set(u64::MAX);
    }

    /// Takes the first invalid UTF-8 sequence handed out since the last call.
    pub fn take_bad_utf8(&self) -> Option<BadByte> {
        self.bad_utf8.take()
    }

    /// Why the reader failed, when it failed on purpose.
    pub fn refusal(&self) -> Option<Refusal> {
        self.refusal.get()
    }
}

/// A reader that repairs invalid UTF-8, skips a leading BOM and enforces the limits of [`Meter`].
pub(crate) struct GuardedReader<R> {
    inner: R,
    meter: Rc<Meter>,
    max_file: Option<u64>,
    /// Bytes taken from `inner` so far.
    file_offset: u64,
    /// Raw bytes of the current chunk (starting with an incomplete sequence carried over).
    raw: Vec<u8>,
    /// The repaired text of the current chunk, and how much of it is handed out.
    out: Vec<u8>,
    pos: usize,
    /// Replacements in `out`, as (served position, bad byte), in order; `next_bad` indexes it.
    bad: Vec<(u64, BadByte)>,
    next_bad: usize,
    /// Served position of `bad[next_bad]`, or `u64::MAX`.
    next_bad_at: u64,
    at_start: bool,
    eof: bool,
}

impl<R: Read> GuardedReader<R> {
    pub fn new(inner: R, meter: Rc<Meter>, max_file: Option<u64>) -> Self {
        GuardedReader {
            inner,
            meter,
            max_file,
            file_offset: 0,
            raw: Vec::with_capacity(CHUNK + 4),
            out: Vec::with_capacity(CHUNK + 16),
            pos: 0,
            bad: Vec::new(),
            next_bad: 0,
            next_bad_at: u64::MAX,
            at_start: true,
            eof: false,
        }
    }

    /// Reads the next chunk into `out`; `false` at the end of the file.
    fn fill(&mut self) -> io::Result<bool> {
        // Served position of out[0] once refilled: everything before has been handed out.
        let base = self.meter.served.get();
        self.out.clear();
        self.pos = 0;
        self.bad.clear();
        self.next_bad = 0;
        while self.out.is_empty() {
            if self.eof {
                return Ok(false);
            }
            // `raw` holds at most an incomplete sequence (< 4 bytes) carried over.
            let carried = self.raw.len();
            let raw_start = self.file_offset - carried as u64;
            self.raw.resize(carried + CHUNK, 0);
            let mut filled = carried;
            while filled < self.raw.len() {
                match self.inner.read(&mut self.raw[filled..]) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            self.raw.truncate(filled);
            self.file_offset = raw_start + filled as u64;
            if let Some(limit) = self.max_file
                && self.file_offset > limit
            {
                self.meter
                    .refusal
                    .set(Some(Refusal::FileTooLarge { limit }));
                return Err(io::Error::other(format!(
                    "the file is larger than [input] max_file_bytes = {limit}"
                )));
            }
            let mut i = 0;
            if self.at_start && (self.raw.len() >= BOM.len() || self.eof) {
                self.at_start = false;
                if self.raw.starts_with(BOM) {
                    i = BOM.len();
                }
            } else if self.at_start {
                continue; // fewer than 3 bytes so far and more to come: look for the BOM later
            }
            self.repair_from(i, raw_start, base);
        }
        Ok(true)
    }

    /// Appends `raw[i..]` to `out`, replacing invalid sequences; keeps an incomplete sequence at
    /// the end of `raw` for the next chunk unless the file has ended.
    fn repair_from(&mut self, mut i: usize, raw_start: u64, base: u64) {
        loop {
            match std::str::from_utf8(&self.raw[i..]) {
                Ok(_) => {
                    self.out.extend_from_slice(&self.raw[i..]);
                    self.raw.clear();
                    return;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    self.out.extend_from_slice(&self.raw[i..i + good]);
                    i += good;
                    let len = match e.error_len() {
                        Some(n) => n,
                        None if !self.eof => {
                            self.raw.drain(..i);
                            return;
                        }
                        None => self.raw.len() - i,
                    };
                    let bad = BadByte {
                        offset: raw_start + i as u64,
                        byte: self.raw[i],
                    };
                    self.bad.push((base + self.out.len() as u64, bad));
                    self.out.extend_from_slice(REPLACEMENT);
                    i += len;
                }
            }
        }
    }
}

impl<R: Read> GuardedReader<R> {
    #[cold]
    fn refuse(&self) -> io::Error {
        let limit = self.meter.max_unit;
        if let Some((start, unit)) = self.meter.unit.get() {
            self.meter
                .refusal
                .set(Some(Refusal::UnitTooLarge { unit, start, limit }));
        }
        io::Error::other(format!("larger than [input] max_feature_bytes = {limit}"))
    }

    /// Records the replacements handed out up to `served`.
    #[cold]
    fn note_bad(&mut self, served: u64) {
        while let Some(&(at, bad)) = self.bad.get(self.next_bad)
            && at < served
        {
            self.next_bad += 1;
            if self.meter.bad_utf8.get().is_none() {
                self.meter.bad_utf8.set(Some(bad));
            }
        }
        self.next_bad_at = self.bad.get(self.next_bad).map_or(u64::MAX, |&(at, _)| at);
    }
}

impl<R: Read> Read for GuardedReader<R> {
    // serde_json asks for one byte at a time: this is the parser's inner loop.
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos == self.out.len() {
            if !self.fill()? {
                return Ok(0);
            }
            self.next_bad_at = self.bad.first().map_or(u64::MAX, |&(at, _)| at);
        }
        let served = self.meter.served.get();
        let unit_end = self.meter.unit_end.get();
        if served >= unit_end {
            return Err(self.refuse());
        }
        let n = if buf.len() == 1 {
            buf[0] = self.out[self.pos];
            1
        } else {
            let room = usize::try_from(unit_end - served).unwrap_or(usize::MAX);
            let n = buf.len().min(self.out.len() - self.pos).min(room);
            buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
            n
        };
        self.pos += n;
        let served = served + n as u64;
        self.meter.served.set(served);
        if served > self.next_bad_at {
            self.note_bad(served);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], chunk_reads: usize) -> (Vec<u8>, Vec<BadByte>) {
        // A reader that returns at most `chunk_reads` bytes per call, to split sequences.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.1).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let meter = Meter::new(u64::MAX / 2);
        let mut r = GuardedReader::new(Trickle(bytes, chunk_reads), meter.clone(), None);
        let (mut out, mut bad) = (vec![], vec![]);
        let mut b = [0u8; 1];
        while r.read(&mut b).unwrap() == 1 {
            out.push(b[0]);
            bad.extend(meter.take_bad_utf8());
        }
        (out, bad)
    }

    #[test]
    fn valid_text_passes_unchanged_and_bom_is_skipped() {
        let text = "{\"a\":\"浙政土〔2019〕123号\"}".as_bytes();
        for step in [1, 2, 3, 1000] {
            assert_eq!(read_all(text, step), (text.to_vec(), vec![]));
            let mut with_bom = BOM.to_vec();
            with_bom.extend_from_slice(text);
            assert_eq!(read_all(&with_bom, step), (text.to_vec(), vec![]));
        }
        assert_eq!(read_all(b"", 1), (vec![], vec![]));
        assert_eq!(read_all(b"{}", 1), (b"{}".to_vec(), vec![]));
    }

    #[test]
    fn invalid_bytes_are_replaced_and_located() {
        // 0xFF, then GBK "中" (D6 D0: D6 starts a 2-byte sequence, D0 is no continuation byte),
        // then a truncated 3-byte sequence at the end of the file.
        let bytes = b"\"a\xFFb\xD6\xD0c\xE6\xB5";
        let (out, bad) = read_all(bytes, 1 << 20);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\u{FFFD}b\u{FFFD}\u{FFFD}c\u{FFFD}"
        );
        // Only the first per take is kept; every take is made after each byte here.
        assert_eq!(
            bad.iter().map(|b| (b.offset, b.byte)).collect::<Vec<_>>(),
            vec![(2, 0xFF), (4, 0xD6), (5, 0xD0), (7, 0xE6)]
        );
        assert_eq!(read_all(bytes, 1).1, bad);
    }

    #[test]
    fn a_sequence_split_between_chunks_is_kept_whole() {
        let mut bytes = vec![b' '; CHUNK - 1];
        bytes.extend_from_slice("中文".as_bytes());
        let (out, bad) = read_all(&bytes, 1 << 20);
        assert_eq!(out, bytes);
        assert!(bad.is_empty());
    }

    #[test]
    fn a_unit_over_the_limit_fails_the_read() {
        let meter = Meter::new(4);
        let mut r = GuardedReader::new(&b"[123456]"[..], meter.clone(), None);
        let mut b = [0u8; 1];
        assert_eq!(r.read(&mut b).unwrap(), 1);
        meter.begin(Unit::Feature(0));
        for _ in 0..4 {
            assert_eq!(r.read(&mut b).unwrap(), 1);
        }
        let e = r.read(&mut b).unwrap_err();
        assert!(e.to_string().contains("max_feature_bytes = 4"), "{e}");
        assert_eq!(
            meter.refusal(),
            Some(Refusal::UnitTooLarge {
                unit: Unit::Feature(0),
                start: 1,
                limit: 4
            })
        );
    }

    #[test]
    fn a_file_over_the_limit_fails_the_read() {
        let meter = Meter::new(100);
        let mut r = GuardedReader::new(&[b' '; 100][..], meter.clone(), Some(99));
        let mut b = [0u8; 1];
        assert!(r.read(&mut b).is_err());
        assert_eq!(meter.refusal(), Some(Refusal::FileTooLarge { limit: 99 }));
    }
}
