//! `landaudit overlay OPERATION --a A --b B --out OUT.geojson`: layer algebra on two polygon
//! layers (GDAL's Layer.Intersection / Difference / Union / Identity / SymDifference); the
//! semantics are in `landaudit::algebra`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use landaudit::algebra::Operation;
use landaudit::algebra::files::{AlgebraInputs, run as run_algebra, write_outputs};
use landaudit::{Config, Crs};

use crate::AreaArg;

#[derive(Args, Debug)]
pub struct OverlayArgs {
    /// The operation: pieces a∩b (intersection), a−∪B (difference), a∩b and a−∪B (identity),
    /// identity plus b−∪A (union), a−∪B and b−∪A (sym-difference).
    #[arg(value_enum)]
    operation: OperationArg,
    /// Input layer A (GeoJSON); its fields are written as a_*.
    #[arg(long)]
    a: PathBuf,
    /// Method layer B (GeoJSON), in A's CRS; its fields are written as b_*.
    #[arg(long)]
    b: PathBuf,
    /// Output GeoJSON; OUT.rejected.csv is written beside it.
    #[arg(long)]
    out: PathBuf,
    /// Repair invalid polygons (recorded as `repaired`) instead of rejecting them.
    #[arg(long)]
    repair: bool,
    /// CRS to assume for layers without a `crs` member, e.g. EPSG:4549.
    #[arg(long)]
    crs: Option<String>,
    /// How area_m2 is measured (default: ellipsoidal for CGCS2000 data, else planar).
    #[arg(long, value_enum)]
    area: Option<AreaArg>,
    /// Settings file (TOML): its `[area]` and `[input]` sections apply.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum OperationArg {
    Intersection,
    Difference,
    Union,
    Identity,
    SymDifference,
}

impl From<OperationArg> for Operation {
    fn from(o: OperationArg) -> Self {
        match o {
            OperationArg::Intersection => Operation::Intersection,
            OperationArg::Difference => Operation::Difference,
            OperationArg::Union => Operation::Union,
            OperationArg::Identity => Operation::Identity,
            OperationArg::SymDifference => Operation::SymDifference,
        }
    }
}

pub fn run(args: OverlayArgs) -> Result<()> {
    let config = match &args.config {
        Some(p) => Config::from_file(p)?,
        None => Config::default(),
    };
    let mut inputs = AlgebraInputs::new(&args.a, &args.b);
    inputs.repair = args.repair;
    inputs.input = config.input.clone();
    inputs.area = config.area;
    if let Some(a) = args.area {
        inputs.area.mode = match a {
            AreaArg::Ellipsoidal => landaudit::measure::AreaMode::Ellipsoidal,
            AreaArg::Planar => landaudit::measure::AreaMode::Planar,
        };
    }
    if let Some(c) = &args.crs {
        let crs = Crs::from_name(c);
        if crs.epsg().is_none() {
            bail!("--crs {c:?}: expected EPSG:NNNN");
        }
        inputs.assume_crs = Some(crs);
    }
    let operation = Operation::from(args.operation);
    let run = run_algebra(operation, &inputs)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the output folder {}", dir.display()))?;
    }
    let written = write_outputs(&run, &args.out)?;
    for (name, acc) in ["a", "b"].into_iter().zip(run.accounts()) {
        eprintln!(
            "{name}: {}: {} read = {} used + {} rejected ({} repaired)",
            acc.path.display(),
            acc.read,
            acc.used,
            acc.rejected,
            acc.repaired
        );
    }
    let total: f64 = run.output.features.iter().map(|f| f.area_m2).sum();
    eprintln!(
        "{operation}: {} features, {:.2} ha ({})",
        run.output.features.len(),
        landaudit::units::ha(total),
        run.measure.describe()
    );
    for p in written {
        eprintln!("  {}", p.display());
    }
    Ok(())
}
