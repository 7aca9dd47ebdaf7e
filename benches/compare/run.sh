#!/usr/bin/env bash
# landaudit against geopandas + shapely 2 on the same generated survey: the unsupplied area per
# approval, the built fraction per supply, the land use of the unsupplied land (planar areas).
#
#   benches/compare/run.sh [SCALE] [RUNS]        # default: scale 1, 5 runs
#
# Setup (not timed): a virtualenv with pinned geopandas / shapely / pyogrio / pyarrow from PyPI,
# a release build of landaudit, the survey (`landaudit synth`, shared with `landaudit bench`'s
# cache), its GeoPackage copy (pyogrio). Then both engines run RUNS times, interleaved; the medians,
# the ratios and the row-by-row agreement check are printed. Everything generated goes under
# target/ (CARGO_TARGET_DIR if set).
#
# Environment: SEED (default 1), THREADS (landaudit thread counts, default "2 1"),
# LANDAUDIT (a landaudit binary to use instead of building one), PYTHON (default python3).
set -euo pipefail

SCALE=${1:-1}
RUNS=${2:-5}
SEED=${SEED:-1}
THREADS=${THREADS:-"2 1"}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/compare
VENV=$WORK/venv
SURVEY=$TARGET/landaudit-bench/scale-$SCALE-seed-$SEED
mkdir -p "$WORK"

if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$HERE/requirements.txt" "$VENV/requirements.txt"; then
    echo "== virtualenv $VENV" >&2
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$VENV/requirements.txt"
fi
PY=$VENV/bin/python

if [ -z "${LANDAUDIT:-}" ]; then
    echo "== cargo build --release -p landaudit-cli" >&2
    (cd "$ROOT" && cargo build --quiet --release -p landaudit-cli)
    LANDAUDIT=$TARGET/release/landaudit
fi

if [ ! -f "$SURVEY/landuse.geojson" ]; then
    echo "== landaudit synth --scale $SCALE --seed $SEED" >&2
    "$LANDAUDIT" --quiet synth --scale "$SCALE" --seed "$SEED" --out "$SURVEY"
fi
for n in approvals supplies footprints landuse; do
    if [ ! -f "$SURVEY/$n.gpkg" ]; then
        echo "== $n.geojson -> $n.gpkg" >&2
        "$PY" -c 'import sys, pyogrio
df = pyogrio.read_dataframe(sys.argv[1])
pyogrio.write_dataframe(df, sys.argv[2] + ".tmp.gpkg", driver="GPKG", layer=sys.argv[3])
import os; os.replace(sys.argv[2] + ".tmp.gpkg", sys.argv[2])' "$SURVEY/$n.geojson" "$SURVEY/$n.gpkg" "$n"
    fi
done

# The same jobs in landaudit: re-approved land counted in every approval (no earliest-wins
# subtraction), planar area, no sliver separation (every unsupplied part is a remnant and goes
# into the land-use tabulation).
CONFIG=$WORK/config.toml
cat > "$CONFIG" <<'EOF'
[approvals]
overlap = "independent"

[area]
mode = "planar"

[slivers]
min_width_m = 0
min_area_m2 = 0
EOF

OUT=$WORK/out-scale-$SCALE-seed-$SEED
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck disable=SC2086
"$PY" "$HERE/compare.py" bench --survey "$SURVEY" --landaudit "$LANDAUDIT" --config "$CONFIG" \
    --out "$OUT" --runs "$RUNS" --threads $THREADS --load "$LOAD"
echo >&2
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== agreement, landaudit (2 threads) vs geopandas (GeoJSON)"
first=${THREADS%% *}
"$PY" "$HERE/compare.py" check --gpd "$OUT/geopandas-GeoJSON" \
    --landaudit "$OUT/landaudit-${first}thread$([ "$first" -gt 1 ] && echo s)"
