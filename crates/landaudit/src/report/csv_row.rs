//! CSV rows written field by field straight into a chunk's text, for the largest table
//! (`supplies.csv`: 26 columns, two of them long bilingual reasons), where a `Vec<String>` per row
//! and the `csv` crate's byte-by-byte scan for quoting were most of the writing.
//!
//! The text is what the `csv` crate writes with its defaults (`QuoteStyle::Necessary`, `,`,
//! `"` doubled, records ending in `\n`): a field holding `,`, `"`, `\r` or `\n` is quoted, and a
//! record of one empty field is written `""`. A property test holds the two together.

use std::path::Path;

use crate::error::Result;
use crate::report::decimal::push_fixed;

/// One record being written into `out`; [`CsvRow::end`] finishes it.
pub(crate) struct CsvRow<'a> {
    out: &'a mut String,
    fields: usize,
    empty: bool,
}

impl<'a> CsvRow<'a> {
    /// Starts a record at the end of `out`.
    pub(crate) fn new(out: &'a mut String) -> CsvRow<'a> {
        CsvRow {
            out,
            fields: 0,
            empty: true,
        }
    }

    fn next(&mut self, empty: bool) {
        if self.fields > 0 {
            self.out.push(',');
        }
        self.fields += 1;
        self.empty = empty;
    }

    /// A text field, quoted when it needs to be.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.next(s.is_empty());
        let b = s.as_bytes();
        if memchr::memchr3(b',', b'"', b'\n', b).is_some() || memchr::memchr(b'\r', b).is_some() {
            self.out.push('"');
            for (k, part) in s.split('"').enumerate() {
                if k > 0 {
                    self.out.push_str("\"\"");
                }
                self.out.push_str(part);
            }
            self.out.push('"');
        } else {
            self.out.push_str(s);
        }
        self
    }

    /// `format!("{x:.decimals$}")` as a field (digits, a sign and a point need no quotes).
    pub(crate) fn fixed(&mut self, x: f64, decimals: usize) -> &mut Self {
        self.next(false);
        push_fixed(self.out, x, decimals);
        self
    }

    /// [`CsvRow::fixed`] of a value that may be missing (an empty field).
    pub(crate) fn opt_fixed(&mut self, x: Option<f64>, decimals: usize) -> &mut Self {
        match x {
            Some(x) => self.fixed(x, decimals),
            None => self.text(""),
        }
    }

    /// A date field (`YYYY-MM-DD`, empty when missing).
    pub(crate) fn date(&mut self, d: Option<chrono::NaiveDate>) -> &mut Self {
        self.next(d.is_none());
        if let Some(d) = d {
            crate::dates::push_iso(self.out, d);
        }
        self
    }

    /// Ends the record.
    pub(crate) fn end(self) {
        if self.fields == 1 && self.empty {
            self.out.push_str("\"\"");
        }
        self.out.push('\n');
    }
}

/// Writes a CSV table of `items`: the rows are written by `row` into a chunk's text with
/// [`CsvRow`] (nothing written: no row for that item), in parallel chunks, a window of items at a
/// time (so that a province's table is never held whole), and the chunks written in order.
pub(crate) fn write_csv_rows_par<T: Sync>(
    path: &Path,
    header: &[&str],
    items: &[T],
    row: impl Fn(&T, &mut String) + Sync,
) -> Result<()> {
    crate::io::atomic::write_atomic(path, |w| {
        let mut head = String::new();
        let mut r = CsvRow::new(&mut head);
        for h in header {
            r.text(h);
        }
        r.end();
        w.write_all(head.as_bytes())?;
        let make = |chunk: &[T]| {
            let mut text = String::new();
            for item in chunk {
                row(item, &mut text);
            }
            Ok(text.into_bytes())
        };
        crate::io::windows::in_order(items, 2048, make, |text| w.write_all(&text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_csv(records: &[Vec<String>]) -> String {
        // (flexible: records of any length, which changes nothing in how fields are written)
        let mut c = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            c.write_record(r).unwrap();
        }
        String::from_utf8(c.into_inner().unwrap()).unwrap()
    }

    fn by_row(records: &[Vec<String>]) -> String {
        let mut out = String::new();
        for r in records {
            let mut row = CsvRow::new(&mut out);
            for f in r {
                row.text(f);
            }
            row.end();
        }
        out
    }

    #[test]
    fn quoting_by_hand() {
        let records: Vec<Vec<String>> = vec![
            vec!["a".into(), "b,c".into(), "say \"hi\"".into(), "".into()],
            vec!["line\nbreak".into(), "cr\r".into(), "中文，全角逗号".into()],
            vec!["".into()],
            vec!["".into(), "".into()],
        ];
        assert_eq!(
            by_row(&records),
            "a,\"b,c\",\"say \"\"hi\"\"\",\n\"line\nbreak\",\"cr\r\",中文，全角逗号\n\"\"\n,\n"
        );
        assert_eq!(by_row(&records), by_csv(&records));
    }

    proptest! {
        /// Whatever the fields, the rows are the csv crate's text.
        #[test]
        fn rows_are_what_the_csv_crate_writes(
            records in prop::collection::vec(
                prop::collection::vec("[a,\"\r\n 中。;→-]{0,6}", 1..5),
                1..6,
            ),
            x in -1e6..1e6f64,
            d in 0usize..5,
        ) {
            prop_assert_eq!(by_row(&records), by_csv(&records));
            let mut out = String::new();
            let mut row = CsvRow::new(&mut out);
            row.fixed(x, d).opt_fixed(None, 2).date(None).text("x");
            row.end();
            prop_assert_eq!(out, by_csv(&[vec![format!("{x:.d$}"), String::new(), String::new(), "x".into()]]));
        }
    }
}
