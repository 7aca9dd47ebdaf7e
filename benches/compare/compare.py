"""The three landaudit jobs done with geopandas + shapely 2, and the check that both engines agree.

    python compare.py jobs  --dir SURVEY --format geojson|gpkg --out DIR   # prints timings as JSON
    python compare.py check --gpd DIR --landaudit DIR [--tolerance 1e-6]

The jobs, all with planar areas in the layers' own CRS (EPSG:4549 for generated surveys):

1. unsupplied area per approval: approval minus the union of the supplies that intersect it;
2. built fraction per supply: area(supply ∩ union of the footprints that intersect it) / area(supply);
3. land use of the unsupplied land: each approval's unsupplied polygons intersected with the 三调
   land-use polygons, area per DLBM with 扣除地类系数 KCXS (a piece of area a gives a·(1−KCXS) to
   its class and a·KCXS to 1203 田坎, recorded as the class's kc_m2), plus the part covered by no
   land-use polygon under DLBM "".

landaudit runs the same jobs with `[approvals] overlap = "independent"`, planar area and sliver
handling off (see run.sh), so that its remnants are exactly approval − ∪ supplies.

This is the fastest geopandas code we know for the jobs: whole-array shapely 2 calls (STRtree
query with the `intersects` predicate, vectorised difference / intersection / area), a Python loop
only for the per-group `union_all` (what `geopandas.overlay` and `dissolve` do inside), a union
skipped for groups of one, and pyogrio for I/O (with Arrow when pyarrow is installed).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

LAYERS = {
    "approvals": ["PZWH"],
    "supplies": ["DZJGH"],
    "footprints": [],
    "landuse": ["DLBM", "KCXS"],
}
KC_CODE = "1203"


def read(survey: Path, fmt: str, name: str, columns):
    path = survey / f"{name}.{fmt}"
    try:
        import pyarrow  # noqa: F401

        arrow = True
    except ImportError:
        arrow = False
    return pyogrio.read_dataframe(path, columns=columns, use_arrow=arrow)


def grouped_unions(left_idx: np.ndarray, right_idx: np.ndarray, right: np.ndarray):
    """For pairs sorted by left index: the left indices that have a partner, and per such left
    index the union of its partners (the partner itself when it has only one)."""
    uniq, start = np.unique(left_idx, return_index=True)
    ends = np.append(start[1:], len(left_idx))
    unions = np.empty(len(uniq), dtype=object)
    for k, (s, e) in enumerate(zip(start, ends)):
        unions[k] = right[right_idx[s]] if e - s == 1 else shapely.union_all(right[right_idx[s:e]])
    return uniq, unions


def jobs(survey: Path, fmt: str, out: Path) -> dict:
    t = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    df = {name: read(survey, fmt, name, cols) for name, cols in LAYERS.items()}
    a = df["approvals"].geometry.to_numpy()
    s = df["supplies"].geometry.to_numpy()
    f = df["footprints"].geometry.to_numpy()
    lu = df["landuse"].geometry.to_numpy()
    t1 = time.perf_counter()
    t["read"] = t1 - t0

    # 1. unsupplied = approval − ∪ intersecting supplies
    ia, js = shapely.STRtree(s).query(a, predicate="intersects")
    rest = a.copy()
    uniq, unions = grouped_unions(ia, js, s)
    rest[uniq] = shapely.difference(a[uniq], unions)
    a_area = shapely.area(a)
    unsupplied = shapely.area(rest)
    t2 = time.perf_counter()
    t["unsupplied"] = t2 - t1

    # 2. built fraction = area(supply ∩ ∪ intersecting footprints) / area(supply)
    is_, jf = shapely.STRtree(f).query(s, predicate="intersects")
    built = np.zeros(len(s))
    uniq, unions = grouped_unions(is_, jf, f)
    built[uniq] = shapely.area(shapely.intersection(s[uniq], unions))
    s_area = shapely.area(s)
    t3 = time.perf_counter()
    t["built"] = t3 - t2

    # 3. land use of the unsupplied land
    has_rest = np.flatnonzero(unsupplied > 0)
    r = rest[has_rest]
    ir_all, jl_all = shapely.STRtree(lu).query(r, predicate="intersects")
    piece = shapely.area(shapely.intersection(r[ir_all], lu[jl_all]))
    keep = piece > 0
    ir, jl, piece = ir_all[keep], jl_all[keep], piece[keep]
    pzwh = df["approvals"]["PZWH"].to_numpy()
    dlbm = df["landuse"]["DLBM"].fillna("").to_numpy()
    k = np.clip(pd.to_numeric(df["landuse"]["KCXS"], errors="coerce").fillna(0.0).to_numpy(), 0, 1)
    kk = k[jl]
    rows = pd.DataFrame(
        {
            "pzwh": pzwh[has_rest[ir]],
            "dlbm": dlbm[jl],
            "area_m2": piece * (1 - kk),
            "kc_m2": piece * kk,
        }
    )
    ded = rows[kk > 0]
    kc_rows = pd.DataFrame({"pzwh": ded["pzwh"], "dlbm": KC_CODE, "area_m2": ded["kc_m2"], "kc_m2": 0.0})
    # the part no land-use polygon covers
    uncovered = shapely.area(r)
    uniq, unions = grouped_unions(ir_all, jl_all, lu)
    uncovered[uniq] = shapely.area(shapely.difference(r[uniq], unions))
    unc = uncovered > 0
    unc_rows = pd.DataFrame({"pzwh": pzwh[has_rest[unc]], "dlbm": "", "area_m2": uncovered[unc], "kc_m2": 0.0})
    landuse = (
        pd.concat([rows, kc_rows, unc_rows])
        .groupby(["pzwh", "dlbm"], as_index=False)[["area_m2", "kc_m2"]]
        .sum()
    )
    t4 = time.perf_counter()
    t["landuse"] = t4 - t3

    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"pzwh": pzwh, "area_m2": a_area, "unsupplied_m2": unsupplied}).to_csv(
        out / "approvals.csv", index=False, float_format="%.17g"
    )
    pd.DataFrame(
        {
            "dzjgh": df["supplies"]["DZJGH"].to_numpy(),
            "area_m2": s_area,
            "built_m2": built,
            "built_frac": np.divide(built, s_area, out=np.zeros_like(built), where=s_area > 0),
        }
    ).to_csv(out / "supplies.csv", index=False, float_format="%.17g")
    landuse.to_csv(out / "landuse.csv", index=False, float_format="%.17g")
    remnants = df["approvals"].iloc[has_rest][["PZWH"]].set_geometry(r, crs=df["approvals"].crs)
    pyogrio.write_dataframe(remnants, out / "unsupplied.geojson", driver="GeoJSON")
    t5 = time.perf_counter()
    t["write"] = t5 - t4
    t["total"] = t5 - t0
    t["cpu"] = time.process_time() - c0
    t["rows"] = {"approvals": len(a), "supplies": len(s), "footprints": len(f), "landuse": len(lu)}
    return t


def check(gpd_dir: Path, la_dir: Path, tol: float) -> bool:
    """Joins the rows of both engines and prints the largest differences. landaudit prints areas
    rounded to 0.001 m², so a row agrees when |Δ| ≤ tol·|value| + 0.001 m²."""
    rejected = pd.read_csv(la_dir / "rejected.csv", dtype=str)
    rejected = rejected[rejected["status"] == "rejected"] if "status" in rejected else rejected
    ok = True
    print(f"landaudit rejected {len(rejected)} features (left out of the join)")
    specs = [
        ("approvals.csv", ["pzwh"], ["unsupplied_m2"], "area_m2"),
        ("supplies.csv", ["dzjgh"], ["built_m2"], "area_m2"),
        ("landuse.csv", ["pzwh", "dlbm"], ["area_m2", "kc_m2"], None),
    ]
    print(f"{'file':<14} {'column':<14} {'rows':>7} {'only_one':>8} {'max |Δ| m²':>12} "
          f"{'max rel':>10} {'max Δ/parcel':>12} {'fail':>5}")
    for name, keys, cols, parcel in specs:
        g = pd.read_csv(gpd_dir / name, dtype={k: str for k in keys}, keep_default_na=False)
        la = pd.read_csv(la_dir / name, dtype={k: str for k in keys}, keep_default_na=False)
        for c in cols + ([parcel] if parcel else []):
            la[c] = pd.to_numeric(la[c])
        m = g.merge(la, on=keys, how="outer", suffixes=("_g", "_l"), indicator=True)
        if name == "approvals.csv" or name == "supplies.csv":
            # rows landaudit rejected exist only on the geopandas side
            gone = set(rejected["id"].dropna())
            m = m[~((m["_merge"] == "left_only") & m[keys[0]].isin(gone))]
        only_one = int((m["_merge"] != "both").sum())
        for c in cols:
            x = m[f"{c}_g"].fillna(0.0).to_numpy(float)
            y = m[f"{c}_l"].fillna(0.0).to_numpy(float)
            d = np.abs(x - y)
            scale = np.maximum(np.abs(x), np.abs(y))
            rel = np.divide(d, scale, out=np.zeros_like(d), where=scale > 0)
            big = scale >= 1000.0  # where the 0.001 m² print rounding is below 1e-6
            if parcel:
                p = m[f"{parcel}_g"].fillna(m[f"{parcel}_l"]).to_numpy(float)
                per_parcel = np.divide(d, p, out=np.zeros_like(d), where=p > 0).max(initial=0)
            else:
                per_parcel = float("nan")
            fail = int((d > tol * scale + 1e-3 + 1e-9).sum())
            ok &= fail == 0
            print(f"{name:<14} {c:<14} {len(m):>7} {only_one:>8} {d.max(initial=0):>12.3e} "
                  f"{rel[big].max(initial=0):>10.2e} {per_parcel:>12.2e} {fail:>5}")
            if fail:
                worst = np.argsort(-(d - tol * scale))[:5]
                print(m.iloc[worst][keys + [f"{c}_g", f"{c}_l"]].to_string(index=False))
    print("max rel: over rows of at least 1,000 m²; fail: |Δ| > tol·value + 0.001 m² (print rounding)")
    print("AGREE" if ok else "DISAGREE", f"(tol {tol:g} relative)")
    return ok


def bench(a) -> None:
    """Runs landaudit and the geopandas jobs `runs` times each, interleaved so that both see the
    same machine load, and prints the medians and ratios."""
    import resource
    import statistics
    import subprocess

    layers = ["approvals", "supplies", "footprints", "landuse"]
    la_cmd = [str(a.landaudit), "--quiet"]
    la_args = ["audit", "--config", str(a.config), "--area", "planar", "--as-of", "2026-06-30"]
    for n in layers:
        la_args += [f"--{n}", str(a.survey / f"{n}.geojson")]
    engines = {f"landaudit, {t} thread{'s' if t > 1 else ''}": ("la", t) for t in a.threads}
    engines["geopandas, GeoJSON"] = ("gpd", "geojson")
    if (a.survey / "approvals.gpkg").is_file():
        engines["geopandas, GeoPackage"] = ("gpd", "gpkg")
    times = {e: [] for e in engines}
    cpu = {e: [] for e in engines}
    stages = {e: [] for e in engines}
    for i in range(a.runs):
        for e, (kind, arg) in engines.items():
            out = a.out / e.replace(", ", "-").replace(" ", "")
            t0 = time.perf_counter()
            if kind == "la":
                cmd = la_cmd[:1] + ["--threads", str(arg)] + la_cmd[1:] + la_args + ["--out", str(out)]
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
                times[e].append(time.perf_counter() - t0)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[e].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
            else:
                cmd = [sys.executable, __file__, "jobs", "--dir", str(a.survey), "--format", arg,
                       "--out", str(out)]
                r = subprocess.run(cmd, check=True, capture_output=True, text=True)
                j = json.loads(r.stdout)
                times[e].append(j["total"])  # from the first read to the last write, imports excluded
                cpu[e].append(j["cpu"])
                stages[e].append(j)
            print(f"run {i + 1}: {e}: {times[e][-1]:.2f} s wall, {cpu[e][-1]:.2f} s CPU", file=sys.stderr)
    med = {e: statistics.median(v) for e, v in times.items()}
    gpd = [e for e in engines if engines[e][0] == "gpd"]
    print(f"\n{a.survey.name}, median of {a.runs}, load average before the runs: {a.load}\n")
    mcpu = {e: statistics.median(v) for e, v in cpu.items()}
    print("| engine | median wall s | runs wall s | " + " | ".join(f"{g} ÷ this" for g in gpd)
          + " | median CPU s | " + " | ".join(f"{g} ÷ this, CPU" for g in gpd) + " |")
    print("|---|---:|---|" + "---:|" * len(gpd) + "---:|" + "---:|" * len(gpd))
    for e, m in med.items():
        runs = " ".join(f"{x:.2f}" for x in times[e])
        ratios = " | ".join(f"{med[g] / m:.1f}×" for g in gpd)
        cratios = " | ".join(f"{mcpu[g] / mcpu[e]:.1f}×" for g in gpd)
        print(f"| {e} | {m:.2f} | {runs} | {ratios} | {mcpu[e]:.2f} | {cratios} |")
    print()
    for e in gpd:
        parts = {k: statistics.median(x[k] for x in stages[e])
                 for k in ("read", "unsupplied", "built", "landuse", "write")}
        print(f"{e}, stages (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("jobs")
    j.add_argument("--dir", type=Path, required=True)
    j.add_argument("--format", choices=["geojson", "gpkg"], default="geojson")
    j.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("check")
    c.add_argument("--gpd", type=Path, required=True)
    c.add_argument("--landaudit", type=Path, required=True)
    c.add_argument("--tolerance", type=float, default=1e-6)
    b = sub.add_parser("bench")
    b.add_argument("--survey", type=Path, required=True)
    b.add_argument("--landaudit", type=Path, required=True)
    b.add_argument("--config", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    b.add_argument("--load", default="?")
    a = p.parse_args()
    if a.cmd == "bench":
        bench(a)
    elif a.cmd == "jobs":
        print(json.dumps(jobs(a.dir, a.format, a.out)))
    else:
        sys.exit(0 if check(a.gpd, a.landaudit, a.tolerance) else 1)


if __name__ == "__main__":
    main()
