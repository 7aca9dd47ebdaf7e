//! GeoJSON output: one FeatureCollection per layer, streamed feature by feature, with the legacy
//! named `crs` member before `features` and no `bbox`.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use geojson::{Geometry, GeometryValue};

use crate::{Survey, SynthError, SynthParcel};

/// File name of the approvals layer written by [`write_survey`](crate::write_survey).
pub const APPROVALS_FILE: &str = "approvals.geojson";
/// File name of the supplies layer written by [`write_survey`](crate::write_survey).
pub const SUPPLIES_FILE: &str = "supplies.geojson";
/// File name of the footprints layer written by [`write_survey`](crate::write_survey).
pub const FOOTPRINTS_FILE: &str = "footprints.geojson";
/// File name of the land-use layer (三调 DLTB) written by [`write_survey`](crate::write_survey).
pub const LANDUSE_FILE: &str = "landuse.geojson";
/// File name of the permanent basic farmland layer (YJJBNTTB) written by
/// [`write_survey`](crate::write_survey).
pub const FARMLAND_FILE: &str = "farmland.geojson";
/// File name of the ecological red line layer (STBHHX) written by
/// [`write_survey`](crate::write_survey).
pub const REDLINE_FILE: &str = "redline.geojson";
/// File name of the regions layer (XZQ) written by [`write_survey`](crate::write_survey).
pub const REGIONS_FILE: &str = "regions.geojson";

/// Writes `DIR/approvals.geojson`, `DIR/supplies.geojson`, `DIR/footprints.geojson`,
/// `DIR/landuse.geojson`, `DIR/farmland.geojson`, `DIR/redline.geojson` and
/// `DIR/regions.geojson`, creating `DIR` (and its parents).
///
/// Each file is written to a temporary file in `DIR` and then renamed over the target, so a
/// reader never sees a half-written layer. Returns the paths written, in that order.
pub fn write_survey(survey: &Survey, dir: &Path) -> Result<Vec<PathBuf>, SynthError> {
    fs::create_dir_all(dir).map_err(|source| SynthError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::with_capacity(7);
    for (name, parcels) in [
        (APPROVALS_FILE, &survey.approvals),
        (SUPPLIES_FILE, &survey.supplies),
        (FOOTPRINTS_FILE, &survey.footprints),
        (LANDUSE_FILE, &survey.landuse),
        (FARMLAND_FILE, &survey.farmland),
        (REDLINE_FILE, &survey.redline),
        (REGIONS_FILE, &survey.regions),
    ] {
        let path = dir.join(name);
        write_layer(&path, dir, parcels, survey.epsg)?;
        written.push(path);
    }
    Ok(written)
}

/// One layer being written: a temporary file in the target directory holding the
/// FeatureCollection's header and the features so far, renamed over the target by
/// [`LayerWriter::finish`]. Dropped unfinished, the temporary file is removed.
pub(crate) struct LayerWriter {
    path: PathBuf,
    w: BufWriter<tempfile::NamedTempFile>,
    count: usize,
}

impl LayerWriter {
    /// Creates the temporary file in `dir` and writes the header.
    pub(crate) fn create(path: &Path, dir: &Path, epsg: u32) -> Result<Self, SynthError> {
        let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| write_err(path, e))?;
        let mut w = BufWriter::with_capacity(1 << 16, tmp);
        write_header(&mut w, epsg).map_err(|e| write_err(path, e))?;
        Ok(LayerWriter {
            path: path.to_path_buf(),
            w,
            count: 0,
        })
    }

    /// Appends one feature.
    pub(crate) fn push(&mut self, p: &SynthParcel) -> Result<(), SynthError> {
        write_feature(&mut self.w, p, self.count == 0).map_err(|e| write_err(&self.path, e))?;
        self.count += 1;
        Ok(())
    }

    /// Features written so far.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Writes the footer, flushes, and moves the file into place.
    pub(crate) fn finish(mut self) -> Result<PathBuf, SynthError> {
        let path = self.path;
        let io_err = |e| write_err(&path, e);
        write_footer(&mut self.w).map_err(io_err)?;
        let tmp = self.w.into_inner().map_err(|e| io_err(e.into_error()))?;
        // NamedTempFile creates 0600 files; a survey is meant to be shared
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(0o644))
                .map_err(io_err)?;
        }
        tmp.persist(&path).map_err(|e| SynthError::Persist {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(path)
    }
}

fn write_err(path: &Path, source: io::Error) -> SynthError {
    SynthError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn write_layer(
    path: &Path,
    dir: &Path,
    parcels: &[SynthParcel],
    epsg: u32,
) -> Result<(), SynthError> {
    let mut w = LayerWriter::create(path, dir, epsg)?;
    for p in parcels {
        w.push(p)?;
    }
    w.finish().map(|_| ())
}

fn write_header<W: Write>(w: &mut W, epsg: u32) -> io::Result<()> {
    write!(
        w,
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::{epsg}"}}}},"features":["#
    )
}

fn write_feature<W: Write>(w: &mut W, p: &SynthParcel, first: bool) -> io::Result<()> {
    w.write_all(if first { b"\n" } else { b",\n" })?;
    w.write_all(br#"{"type":"Feature","properties":"#)?;
    serde_json::to_writer(&mut *w, &p.properties)?;
    w.write_all(br#","geometry":"#)?;
    let value = match p.geometry.0.as_slice() {
        [single] => GeometryValue::from(single),
        _ => GeometryValue::from(&p.geometry),
    };
    serde_json::to_writer(&mut *w, &Geometry::new(value))?;
    w.write_all(b"}")
}

fn write_footer<W: Write>(w: &mut W) -> io::Result<()> {
    w.write_all(b"\n]}\n")?;
    w.flush()
}

/// Streams one FeatureCollection to `w`: header, one feature per line, footer.
#[cfg(test)]
pub(crate) fn write_feature_collection<W: Write>(
    w: &mut W,
    parcels: &[SynthParcel],
    epsg: u32,
) -> io::Result<()> {
    write_header(w, epsg)?;
    for (i, p) in parcels.iter().enumerate() {
        write_feature(w, p, i == 0)?;
    }
    write_footer(w)
}
