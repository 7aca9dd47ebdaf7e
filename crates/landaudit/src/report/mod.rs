//! Outputs of an audit, one file per output kind, each written atomically.

pub mod approvals_csv;
pub mod conflicts_csv;
pub(crate) mod csv_row;
pub(crate) mod decimal;
#[cfg(feature = "gdal")]
pub mod gpkg;
pub mod html;
pub mod idle_geojson;
pub mod landuse_csv;
pub mod links_csv;
pub mod map_svg;
pub mod regions_csv;
pub mod rejected_csv;
pub mod summary_md;
pub mod supplies_csv;
pub mod unsupplied_geojson;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::audit::Audit;
use crate::error::{Error, Result};

/// Rounds to millimetre² (3 decimals), the precision of every area column.
pub(crate) fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Per-approval areas rounded so that the printed columns add up exactly:
/// `unsupplied = area − supplied = sliver + remnant`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoundedAreas {
    pub area: f64,
    pub supplied: f64,
    pub unsupplied: f64,
    pub sliver: f64,
    pub remnant: f64,
}

impl RoundedAreas {
    pub fn of(o: &crate::rules::unsupplied::ApprovalOverlay) -> Self {
        let area = r3(o.area_m2);
        let supplied = r3(o.supplied_m2).min(area);
        let unsupplied = r3(area - supplied);
        let sliver = r3(o.sliver_m2).min(unsupplied);
        RoundedAreas {
            area,
            supplied,
            unsupplied,
            sliver,
            remnant: r3(unsupplied - sliver),
        }
    }
}

/// Writes every output of `audit` into `dir` (created if missing) and returns the paths written.
/// `landuse.csv` is written when a land-use layer was given, `conflicts.csv` when farmland or a
/// red line was.
pub fn write_all(audit: &Audit, dir: &Path) -> Result<Vec<PathBuf>> {
    write_all_as(audit, dir, OutputFormat::GeoJson)
}

/// Where the polygon outputs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// `unsupplied.geojson` and `idle.geojson`.
    #[default]
    GeoJson,
    /// One `audit.gpkg` with layers `unsupplied` and `idle` and the CSV tables as attribute
    /// tables (feature `gdal`; see [`gpkg`](self)).
    Gpkg,
}

/// Writes every output like [`write_all`], the polygon layers in `format`. The CSV files,
/// report and summary are written in every format.
pub fn write_all_as(audit: &Audit, dir: &Path, format: OutputFormat) -> Result<Vec<PathBuf>> {
    #[cfg(not(feature = "gdal"))]
    if format == OutputFormat::Gpkg {
        return Err(Error::UnsupportedFormat {
            path: dir.join("audit.gpkg"),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    remove_stale_temps(dir, std::time::SystemTime::now());
    // The whole-area map goes into map.svg and report.html: drawn once, by whichever of the
    // two gets to it first. map.svg is written first and report.html last, so that the other
    // seldom waits for it; the files are listed in their usual order all the same. (The drawing
    // runs no parallel work of its own: a thread waiting inside it for stolen work could pick
    // up the other writer and wait for the map it is drawing.)
    let whole_map = std::sync::OnceLock::new();
    let map = || {
        whole_map
            .get_or_init(|| map_svg::render_inline(audit))
            .as_str()
    };
    let write_map = |_: &Audit, p: &Path| map_svg::write_map_svg_of(map(), p);
    let write_report = |a: &Audit, p: &Path| html::write_html_with_map(a, map(), p);
    type Writer<'w> = &'w (dyn Fn(&Audit, &Path) -> Result<()> + Sync);
    let mut outputs: Vec<(&str, Writer)> = vec![
        ("approvals.csv", &approvals_csv::write),
        ("unsupplied.geojson", &unsupplied_geojson::write),
        ("supplies.csv", &supplies_csv::write),
        ("idle.geojson", &idle_geojson::write),
        ("links.csv", &links_csv::write),
        ("regions.csv", &regions_csv::write),
        ("windows.csv", &regions_csv::write_windows),
    ];
    if audit.has_landuse {
        outputs.push(("landuse.csv", &landuse_csv::write));
    }
    if !audit.protected_layers.is_empty() {
        outputs.push(("conflicts.csv", &conflicts_csv::write));
    }
    if format == OutputFormat::Gpkg {
        outputs.retain(|(name, _)| !name.ends_with(".geojson"));
    }
    outputs.push(("report.html", &write_report));
    outputs.push(("map.svg", &write_map));
    outputs.push(("rejected.csv", &rejected_csv::write));
    outputs.push(("summary.md", &summary_md::write));
    let rank = |name: &str| match name {
        "map.svg" => 0,
        "report.html" => 2,
        _ => 1,
    };
    let mut order: Vec<usize> = (0..outputs.len()).collect();
    order.sort_by_key(|&k| rank(outputs[k].0));
    // The files are independent: write them in parallel, report the first failure in file order.
    let mut results: Vec<(usize, Result<PathBuf>)> = order
        .par_iter()
        .map(|&k| {
            let (name, w) = outputs[k];
            let p = dir.join(name);
            (k, w(audit, &p).map(|_| p))
        })
        .collect();
    results.sort_by_key(|(k, _)| *k);
    let results = results.into_iter().map(|(_, r)| r);
    #[allow(unused_mut)]
    let mut written: Vec<PathBuf> = results.collect::<Result<_>>()?;
    #[cfg(feature = "gdal")]
    if format == OutputFormat::Gpkg {
        written.push(gpkg::write(audit, dir)?);
    }
    Ok(written)
}

/// Removes `.landaudit-*.tmp` files a killed run left (the atomic writer deletes its temp file on
/// drop, which SIGKILL skips); only those modified before `before`, so a file being written now
/// stays. Best effort.
fn remove_stale_temps(dir: &Path, before: std::time::SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if n.starts_with(".landaudit-")
            && n.ends_with(".tmp")
            && e.metadata()
                .is_ok_and(|m| m.is_file() && m.modified().is_ok_and(|t| t < before))
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes a CSV file atomically from a header and rows (made as they are written, when `rows` is
/// lazy: a province's `supplies.csv` is gigabytes of text).
pub(crate) fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<()> {
    crate::io::atomic::write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(header)?;
        for r in rows {
            c.write_record(&r)?;
        }
        c.flush()
    })
}

pub(crate) use decimal::fixed;

pub(crate) fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// A date column: [`opt`] of a date, written by [`crate::dates::iso`].
pub(crate) fn opt_date(v: &Option<chrono::NaiveDate>) -> String {
    v.map(crate::dates::iso).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over several windows, with rows left out and fields that need quoting, the parallel
    /// writer of rows written in place writes what the csv crate writes sequentially.
    #[test]
    fn parallel_csv_equals_sequential_csv() {
        let dir = tempfile::tempdir().unwrap();
        let items: Vec<usize> = (0..150_000).collect();
        let row = |&i: &usize| {
            (i % 7 != 3).then(|| vec![i.to_string(), format!("a,\"b\" {i}"), "中文".into()])
        };
        let (par, seq) = (dir.path().join("par.csv"), dir.path().join("seq.csv"));
        csv_row::write_csv_rows_par(&par, &["i", "text", "name"], &items, |i, out| {
            if let Some(fields) = row(i) {
                let mut r = csv_row::CsvRow::new(out);
                for f in &fields {
                    r.text(f);
                }
                r.end();
            }
        })
        .unwrap();
        write_csv(&seq, &["i", "text", "name"], items.iter().filter_map(row)).unwrap();
        let (par, seq) = (std::fs::read(par).unwrap(), std::fs::read(seq).unwrap());
        assert!(seq.len() > 3_000_000);
        assert!(par == seq);
    }
}
