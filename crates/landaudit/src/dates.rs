//! Dates as bureaus write them (DOMAIN 0): `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD`, `YYYY.MM.DD`,
//! `YYYY年M月D日`, or a GIS date-time whose time part is ignored.

use chrono::{Datelike, NaiveDate};

/// Parses a date; `None` when the text is not a real calendar date.
///
/// ```
/// use chrono::NaiveDate;
/// use landaudit::dates::parse_date;
/// let d = NaiveDate::from_ymd_opt(2019, 3, 7).unwrap();
/// for s in ["2019-03-07", "2019/3/7", "20190307", "2019.03.07", "2019年3月7日", "2019-03-07T00:00:00"] {
///     assert_eq!(parse_date(s), Some(d), "{s}");
/// }
/// assert_eq!(parse_date("2019-02-30"), None);
/// ```
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    // Drop a time part: "2019-03-07T00:00:00", "2019/03/07 00:00:00".
    let t = t.split(['T', ' ']).next().unwrap_or(t);
    // The common forms, `YYYY-MM-DD` and the like, byte by byte: what the general split below
    // gives them, without its search for five separators in every date of a survey.
    if let &[y0, y1, y2, y3, s1, m0, m1, s2, d0, d1] = t.as_bytes()
        && [s1, s2].iter().all(|s| matches!(s, b'-' | b'/' | b'.'))
        && [y0, y1, y2, y3, m0, m1, d0, d1]
            .iter()
            .all(u8::is_ascii_digit)
    {
        let n = |digits: &[u8]| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
        return NaiveDate::from_ymd_opt(n(&[y0, y1, y2, y3]) as i32, n(&[m0, m1]), n(&[d0, d1]));
    }
    parse_split(t)
}

/// [`parse_date`] of a text without a time part, by splitting it at its separators.
fn parse_split(t: &str) -> Option<NaiveDate> {
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::from_ymd_opt(
            t[0..4].parse().ok()?,
            t[4..6].parse().ok()?,
            t[6..8].parse().ok()?,
        );
    }
    let mut parts = t.trim_end_matches('日').split(['-', '/', '.', '年', '月']);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    NaiveDate::from_ymd_opt(year.parse().ok()?, num(month)?, num(day)?)
}

/// A date as `YYYY-MM-DD`, the text chrono's `Display` gives it, written without going through
/// its formatting machinery (a few hundred instructions a date, for the date columns of every
/// row); years outside 0–9999 are left to chrono.
///
/// ```
/// use chrono::NaiveDate;
/// use landaudit::dates::iso;
/// let d = NaiveDate::from_ymd_opt(2019, 3, 7).unwrap();
/// assert_eq!(iso(d), "2019-03-07");
/// assert_eq!(iso(d), d.to_string());
/// ```
pub fn iso(d: NaiveDate) -> String {
    let mut text = String::with_capacity(10);
    push_iso(&mut text, d);
    text
}

/// [`iso`], appended to `out`.
pub fn push_iso(out: &mut String, d: NaiveDate) {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        use std::fmt::Write;
        let _ = write!(out, "{d}");
        return;
    }
    let digit = |v: u32| char::from(b'0' + (v % 10) as u8);
    let y = y as u32;
    out.extend([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        '-',
        digit(m / 10),
        digit(m),
        '-',
        digit(day / 10),
        digit(day),
    ]);
}

/// Age in years from `from` to `at`: completed calendar years plus the elapsed fraction of the
/// current year, so that `floor(age)` is exactly the number of anniversaries reached ("满 N 年"
/// counted on the same calendar day; an anniversary on 29 February falls on 28 February in common
/// years). Negative when `at` is before `from`.
///
/// ```
/// use chrono::NaiveDate;
/// use landaudit::dates::age_years;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(age_years(d(2020, 3, 1), d(2025, 3, 1)), 5.0);
/// assert!(age_years(d(2020, 3, 1), d(2025, 2, 28)) < 5.0);
/// ```
pub fn age_years(from: NaiveDate, at: NaiveDate) -> f64 {
    if at < from {
        return -age_years(at, from);
    }
    let mut years = at.year() - from.year();
    if add_years(from, years) > at {
        years -= 1;
    }
    let last = add_years(from, years);
    let next = add_years(from, years + 1);
    let frac = (at - last).num_days() as f64 / (next - last).num_days() as f64;
    years as f64 + frac
}

/// The same calendar day `n` years later; 29 February becomes 28 February in a common year.
pub fn add_years(d: NaiveDate, n: i32) -> NaiveDate {
    add_years_with(d, n, LeapDay::Feb28)
}

/// Where an anniversary of 29 February falls in a common year ("满一年" counted on the same
/// calendar day; DOMAIN 0 leaves the convention to a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeapDay {
    /// On 28 February (the last day of the same month; default).
    #[default]
    Feb28,
    /// On 1 March (the day after 28 February).
    Mar1,
}

/// The same calendar day `n` years later, with the 29 February convention `leap`.
///
/// ```
/// use chrono::NaiveDate;
/// use landaudit::dates::{add_years_with, LeapDay};
/// let d = NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
/// assert_eq!(add_years_with(d, 1, LeapDay::Feb28), NaiveDate::from_ymd_opt(2021, 2, 28).unwrap());
/// assert_eq!(add_years_with(d, 1, LeapDay::Mar1), NaiveDate::from_ymd_opt(2021, 3, 1).unwrap());
/// assert_eq!(add_years_with(d, 4, LeapDay::Mar1), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
/// ```
pub fn add_years_with(d: NaiveDate, n: i32, leap: LeapDay) -> NaiveDate {
    let y = d.year() + n;
    NaiveDate::from_ymd_opt(y, d.month(), d.day()).unwrap_or_else(|| {
        match leap {
            LeapDay::Feb28 => NaiveDate::from_ymd_opt(y, d.month(), 28),
            LeapDay::Mar1 => NaiveDate::from_ymd_opt(y, 3, 1),
        }
        .expect("28 February and 1 March exist in every year")
    })
}

/// Whole years and months from `from` to `to` (calendar), e.g. (5, 3) for "5 年 3 个月".
pub fn years_months(from: NaiveDate, to: NaiveDate) -> (i32, u32) {
    if to <= from {
        return (0, 0);
    }
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        months -= 1;
    }
    let months = months.max(0);
    (months / 12, (months % 12) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "abc",
            "2019",
            "2019-13-01",
            "19-03-07",
            "2019-3",
            "201903077",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    proptest::proptest! {
        /// The byte-by-byte reading of `YYYY-MM-DD` and its like gives what splitting gives,
        /// real calendar dates or not.
        #[test]
        fn common_forms_read_as_the_split_reads_them(
            y in 0u32..10_000, m in 0u32..100, dd in 0u32..100,
            s1 in proptest::sample::select(vec!['-', '/', '.']),
            s2 in proptest::sample::select(vec!['-', '/', '.']),
        ) {
            let t = format!("{y:04}{s1}{m:02}{s2}{dd:02}");
            proptest::prop_assert_eq!(parse_date(&t), parse_split(&t), "{}", t);
        }

        /// `iso` writes what chrono's `Display` writes.
        #[test]
        fn iso_is_chronos_text(days in -1_000_000i64..4_000_000) {
            let date = d(1, 1, 1) + chrono::Duration::days(days);
            proptest::prop_assert_eq!(iso(date), date.to_string());
        }
    }

    #[test]
    fn age_boundaries() {
        // One day before the 2nd anniversary: 1 completed year and 364/365 of the next.
        assert_eq!(
            age_years(d(2020, 6, 30), d(2022, 6, 29)),
            1.0 + 364.0 / 365.0
        );
        assert_eq!(age_years(d(2020, 6, 30), d(2022, 6, 30)), 2.0);
        // Leap day: anniversary in a common year on 28 Feb.
        assert_eq!(age_years(d(2020, 2, 29), d(2021, 2, 28)), 1.0);
        assert!(age_years(d(2020, 2, 29), d(2021, 2, 27)) < 1.0);
        assert_eq!(age_years(d(2021, 1, 1), d(2020, 1, 1)), -1.0);
    }
}
