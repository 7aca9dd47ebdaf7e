//! `landaudit`: the command-line tool. It parses arguments, shows progress and calls the library.

mod bench;
mod overlay_cmd;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use landaudit::{Audit, AuditInputs, Config, Crs};

/// mimalloc instead of glibc's malloc: the overlay allocates and frees many small vectors from
/// both threads, and glibc's allocator took about a quarter of a planar audit's CPU time
/// (`perf`, scale 1); see benches/PROFILE.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Finds approved-but-unsupplied land (批而未供) by overlaying parcel layers.
#[derive(Parser, Debug)]
#[command(name = "landaudit", version, about, long_about = None)]
struct Cli {
    /// Hide progress bars (they are hidden anyway when stderr is not a terminal).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Audit approvals against supplies: supplied / unsupplied area per approval, remnant polygons,
    /// slivers, PZWH link check, idle land, land use of the remnants, conflicts, regions.
    Audit(Box<AuditArgs>),
    /// Generate a synthetic county survey: approvals, supplies, footprints, land use, farmland,
    /// red line and regions, as GeoJSON (or a GeoPackage / Shapefiles with the `gdal` feature).
    Synth(SynthArgs),
    /// Benchmark the audit on a generated survey: wall time, CPU time, features/s and peak RSS
    /// per stage.
    Bench(BenchArgs),
    /// Layer algebra on two polygon layers, as GDAL's: intersection, difference, union,
    /// identity or sym-difference of A with B, attributes of both carried (a_*, b_*).
    Overlay(overlay_cmd::OverlayArgs),
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Survey size (1 ≈ a 600 km² county).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Random seed of the survey.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where surveys are generated once and reused.
    #[arg(long, default_value = "target/landaudit-bench")]
    cache: PathBuf,
    /// Which area drives the audit.
    #[arg(long, value_enum)]
    area: Option<AreaArg>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct AuditArgs {
    /// Approvals layer (批次 / 单独选址): GeoJSON; with the `gdal` feature also Shapefile,
    /// GeoPackage (`file.gpkg` or `file.gpkg:LAYER`), FileGDB folder, FlatGeobuf.
    #[arg(long, required_unless_present = "dir")]
    approvals: Option<PathBuf>,
    /// Supplies layer (供地), GeoJSON.
    #[arg(long, required_unless_present = "dir")]
    supplies: Option<PathBuf>,
    /// Footprints layer (construction detected on the ground, optional RQ date), GeoJSON: gives
    /// the built fraction the idle-land rules use as evidence of 动工.
    #[arg(long)]
    footprints: Option<PathBuf>,
    /// 三调 land use (地类图斑 DLTB): what the unsupplied land is today, by DLBM class.
    #[arg(long)]
    landuse: Option<PathBuf>,
    /// Permanent basic farmland (永久基本农田 YJJBNTTB): conflicts.
    #[arg(long)]
    farmland: Option<PathBuf>,
    /// Ecological red line (生态保护红线 STBHHX): conflicts.
    #[arg(long)]
    redline: Option<PathBuf>,
    /// Administrative regions (行政区 XZQ, with XZQDM): region of parcels without XZQDM.
    #[arg(long)]
    regions: Option<PathBuf>,
    /// Input directory (instead of the layer options): each layer is the file named after it
    /// (approvals.geojson, supplies.shp, DLTB.gpkg, …; GeoJSON first), else the layer of that
    /// name in a GeoPackage or FileGDB of the folder. approvals and supplies are required.
    #[arg(long, conflicts_with_all = ["approvals", "supplies"])]
    dir: Option<PathBuf>,
    /// Settings file (TOML): field names, sliver thresholds, link check shares.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Evaluation date, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Repair invalid polygons (recorded in rejected.csv as `repaired`) instead of rejecting them.
    #[arg(long)]
    repair: bool,
    /// CRS to assume for layers without a `crs` member, e.g. EPSG:4549.
    #[arg(long)]
    crs: Option<String>,
    /// Which area drives statuses, rates and totals: ellipsoidal (CGCS2000 ellipsoid, the
    /// official 图斑面积) or planar (in the working projection). Default: ellipsoidal when the CRS
    /// is CGCS2000, else planar. Both are reported for approvals and supplies.
    #[arg(long, value_enum)]
    area: Option<AreaArg>,
    /// Working 3-degree Gauss-Krüger zone (25–45) for CGCS2000 data; default: the approvals'
    /// zone, or the zone of their centre for geographic input.
    #[arg(long)]
    zone: Option<u32>,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Print the wall time of each stage.
    #[arg(long)]
    timings: bool,
    /// Also render the map to map.png (resvg; takes about a second to load system fonts).
    #[arg(long)]
    png: bool,
    /// Polygon outputs: unsupplied.geojson and idle.geojson, or one audit.gpkg holding them
    /// and every CSV table (needs the `gdal` feature).
    #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
    format: FormatArg,
    /// Which layer of a multi-layer source (GeoPackage, FileGDB) to read for a layer kind, as
    /// KIND=LAYER (repeatable), e.g. --layer approvals=PC. Default: the only layer, or the one
    /// named after the kind. `file.gpkg:LAYER` names it in the path instead.
    #[arg(long, value_name = "KIND=LAYER")]
    layer: Vec<String>,
    /// Text encoding of Shapefile attributes (GBK, GB18030, UTF-8, …), overriding the .cpg file.
    /// Default: the .cpg, else UTF-8 when valid, else GB18030. Needs the `gdal` feature.
    #[arg(long)]
    encoding: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    Geojson,
    Gpkg,
}

#[derive(Args, Debug)]
struct SynthArgs {
    /// Size: 1 ≈ a 600 km² county with ~2,000 approvals and ~15,000 supplies.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Random seed; the same seed gives the same survey.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// File format: GeoJSON files (default), one GeoPackage `survey.gpkg` with a layer per kind,
    /// or one Shapefile per kind. The last two need the `gdal` feature.
    #[arg(long, value_enum, default_value_t = SynthFormat::Geojson)]
    format: SynthFormat,
    /// DBF code page of `--format shp` (GDAL's ENCODING): CP936 (GBK) as bureaus write them,
    /// or UTF-8. A .cpg file names it.
    #[arg(long, default_value = "CP936")]
    encoding: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum SynthFormat {
    Geojson,
    Gpkg,
    Shp,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum AreaArg {
    Ellipsoidal,
    Planar,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("landaudit: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up the thread pool")?;
    }
    match cli.command {
        Command::Audit(a) => audit(*a, cli.quiet),
        Command::Synth(s) => synth(s, cli.quiet),
        Command::Bench(b) => bench_cmd(b),
        Command::Overlay(o) => overlay_cmd::run(o),
    }
}

fn audit(args: AuditArgs, quiet: bool) -> Result<()> {
    let mut config = match &args.config {
        Some(p) => Config::from_file(p)?,
        None => Config::default(),
    };
    if let Some(a) = args.area {
        config.area.mode = match a {
            AreaArg::Ellipsoidal => landaudit::measure::AreaMode::Ellipsoidal,
            AreaArg::Planar => landaudit::measure::AreaMode::Planar,
        };
    }
    if args.format == FormatArg::Gpkg && !cfg!(feature = "gdal") {
        bail!(
            "--format gpkg needs a build with the `gdal` feature (cargo build --release --features gdal)"
        );
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut inputs = match (&args.dir, &args.approvals, &args.supplies) {
        (Some(dir), _, _) => AuditInputs::from_dir(dir, as_of)?,
        (None, Some(a), Some(s)) => AuditInputs::new(a, s, as_of),
        _ => bail!("give --approvals and --supplies, or --dir"),
    };
    inputs.repair = args.repair;
    inputs.zone = args.zone;
    inputs.encoding = args.encoding.clone();
    for spec in &args.layer {
        let Some((kind, layer)) = spec.split_once('=') else {
            bail!("--layer {spec:?}: expected KIND=LAYER, e.g. approvals=PC");
        };
        let Some(kind) = landaudit::LayerKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(kind.trim()))
        else {
            bail!("--layer {spec:?}: unknown layer kind {kind:?}");
        };
        inputs.layers.insert(kind, layer.trim().to_string());
    }
    for (given, slot) in [
        (&args.footprints, &mut inputs.footprints),
        (&args.landuse, &mut inputs.landuse),
        (&args.farmland, &mut inputs.farmland),
        (&args.redline, &mut inputs.redline),
        (&args.regions, &mut inputs.regions),
    ] {
        if given.is_some() {
            *slot = given.clone();
        }
    }
    if let Some(c) = &args.crs {
        let crs = Crs::from_name(c);
        if crs.epsg().is_none() {
            bail!("--crs {c:?}: expected EPSG:NNNN");
        }
        inputs.assume_crs = Some(crs);
    }
    let bars = progress::Bars::new(quiet);
    let audit = Audit::run_with_progress(&inputs, &config, &bars)?;
    bars.stage_named("write", 1);
    let t = std::time::Instant::now();
    let format = match args.format {
        FormatArg::Geojson => landaudit::report::OutputFormat::GeoJson,
        FormatArg::Gpkg => landaudit::report::OutputFormat::Gpkg,
    };
    let mut written = landaudit::report::write_all_as(&audit, &args.out, format)?;
    if args.png {
        let png = args.out.join("map.png");
        landaudit::report::map_svg::write_map_png(&audit, &png)?;
        written.push(png);
    }
    let write_time = t.elapsed();
    bars.finish();
    if args.timings {
        let mut stages = audit.timings.clone();
        stages.push(landaudit::stages::StageTiming {
            name: "write".into(),
            wall: write_time,
            cpu: None,
            peak_rss: None,
        });
        let read: usize = audit.accounts.iter().map(|a| a.read).sum();
        eprint!("{}", bench::table(&stages, read));
    }

    let t = audit.totals();
    let rejected: usize = audit.accounts.iter().map(|a| a.rejected).sum();
    eprintln!(
        "{} approvals: {:.2} ha approved, {:.2} ha supplied, {:.2} ha unsupplied ({:.2} ha real remnants in {} parts, {:.2} ha slivers); 供地率 {}",
        t.approvals,
        landaudit::units::ha(t.area_m2),
        landaudit::units::ha(t.supplied_m2),
        landaudit::units::ha(t.unsupplied_m2),
        landaudit::units::ha(t.remnant_m2),
        t.remnant_parts,
        landaudit::units::ha(t.sliver_m2),
        t.supply_rate()
            .map(|r| format!("{:.1}%", r * 100.0))
            .unwrap_or_else(|| "n/a".into()),
    );
    if rejected > 0 {
        eprintln!("{rejected} features rejected: see rejected.csv");
    }
    eprintln!("outputs in {}:", args.out.display());
    for p in written {
        eprintln!("  {}", p.display());
    }
    // The process ends here: its memory goes back to the system whole, which is quicker than
    // freeing a county's polygons one by one (0.1 s at scale 10).
    std::mem::forget(audit);
    Ok(())
}

fn bench_cmd(args: BenchArgs) -> Result<()> {
    if !(args.scale.is_finite() && args.scale > 0.0) {
        bail!("--scale must be a positive number");
    }
    let (dir, reused) = bench::survey_dir(&args.cache, args.scale, args.seed)?;
    let mut config = Config::default();
    if let Some(a) = args.area {
        config.area.mode = match a {
            AreaArg::Ellipsoidal => landaudit::measure::AreaMode::Ellipsoidal,
            AreaArg::Planar => landaudit::measure::AreaMode::Planar,
        };
    }
    let out = args
        .cache
        .join(format!("out-scale-{}-seed-{}", args.scale, args.seed));
    let (stages, features) = bench::run(&dir, &config, &out)?;
    let threads = rayon::current_num_threads();
    if args.json {
        println!("{}", bench::json(&stages, features, args.scale, threads));
    } else {
        println!(
            "scale {} seed {} ({} survey in {}), {features} features, {threads} threads",
            args.scale,
            args.seed,
            if reused { "reused" } else { "generated" },
            dir.display()
        );
        print!("{}", bench::table(&stages, features));
    }
    Ok(())
}

fn synth(args: SynthArgs, quiet: bool) -> Result<()> {
    if !(args.scale.is_finite() && args.scale > 0.0) {
        bail!("--scale must be a positive number");
    }
    let params = landaudit_synth::SynthParams {
        scale: args.scale,
        seed: args.seed,
    };
    let bars = progress::Bars::new(quiet);
    bars.stage_named("generate", 1);
    let files = if args.format == SynthFormat::Geojson {
        landaudit_synth::generate_to_dir(&params, &args.out)
            .with_context(|| format!("writing the survey to {}", args.out.display()))?
            .files
    } else {
        synth_gdal(&params, &args)?
    };
    bars.finish();
    eprintln!(
        "{} approvals, {} supplies (EPSG:{}):",
        files[0].1,
        files[1].1,
        landaudit_synth::EPSG
    );
    for (p, n) in files {
        eprintln!("  {} ({n} features)", p.display());
    }
    Ok(())
}

/// `synth --format gpkg|shp`: the GeoJSON survey generated in a temporary folder of `--out`,
/// then copied by GDAL. Returns each layer's file (the GeoPackage for every layer of it) and count.
#[cfg(feature = "gdal")]
fn synth_gdal(
    params: &landaudit_synth::SynthParams,
    args: &SynthArgs,
) -> Result<Vec<(PathBuf, usize)>> {
    use landaudit::io::gdal_write::{VectorFormat, write_layers};
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".landaudit-synth-")
        .tempdir_in(&args.out)
        .with_context(|| format!("creating a temporary folder in {}", args.out.display()))?;
    let generated = landaudit_synth::generate_to_dir(params, tmp.path())
        .with_context(|| format!("writing the survey to {}", tmp.path().display()))?;
    let layers: Vec<(String, PathBuf)> = generated
        .files
        .iter()
        .map(|(p, _)| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("layer");
            (stem.to_string(), p.clone())
        })
        .collect();
    // Written beside the GeoJSON in the temporary folder, then renamed into --out: a failed
    // or killed run leaves no partial GeoPackage or Shapefile behind.
    let built = tmp.path().join("out");
    std::fs::create_dir(&built).with_context(|| format!("creating {}", built.display()))?;
    let (format, target) = match args.format {
        SynthFormat::Gpkg => (VectorFormat::GeoPackage, built.join("survey.gpkg")),
        _ => (
            VectorFormat::Shapefile(args.encoding.clone()),
            built.clone(),
        ),
    };
    write_layers(&layers, &format, &target, Some(landaudit_synth::EPSG))
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", args.out.display()))?;
    for entry in
        std::fs::read_dir(&built).with_context(|| format!("listing {}", built.display()))?
    {
        let from = entry?.path();
        let to = args.out.join(from.file_name().unwrap_or_default());
        std::fs::rename(&from, &to).with_context(|| format!("writing {}", to.display()))?;
    }
    Ok(layers
        .iter()
        .zip(&generated.files)
        .map(|((name, _), (_, n))| {
            let file = match format {
                VectorFormat::GeoPackage => args.out.join(format!("survey.gpkg:{name}")),
                VectorFormat::Shapefile(_) => args.out.join(format!("{name}.shp")),
            };
            (file, *n)
        })
        .collect())
}

#[cfg(not(feature = "gdal"))]
fn synth_gdal(_: &landaudit_synth::SynthParams, args: &SynthArgs) -> Result<Vec<(PathBuf, usize)>> {
    bail!(
        "--format {} needs a build with the `gdal` feature (cargo build --release -p landaudit-cli --features gdal)",
        if args.format == SynthFormat::Shp {
            "shp"
        } else {
            "gpkg"
        }
    )
}
