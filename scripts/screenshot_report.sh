#!/usr/bin/env bash
# Renders a landaudit report.html to a PNG with headless Chromium, offline.
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png] [WIDTHxHEIGHT]
#
# Defaults: out/demo/report.html, the same path with .png, 1400x3000 (the page is ~1,040 px wide;
# a taller window captures more of it). Chromium runs with a throw-away profile and every
# background network feature off, so the picture shows what an offline reader sees (the report
# itself names no URL). Needs the Debian package `chromium` (apt-get install -y chromium) and,
# for the Chinese text, a CJK font (apt-get install -y fonts-noto-cjk).
set -euo pipefail

report="${1:-out/demo/report.html}"
out="${2:-${report%.html}.png}"
size="${3:-1400x3000}"

if [[ ! -f "$report" ]]; then
    echo "screenshot_report: $report not found (write it first: landaudit audit ... --out DIR)" >&2
    exit 1
fi
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
    echo "screenshot_report: no Chromium found; install it with: apt-get install -y chromium" >&2
    exit 1
fi
if ! fc-list :lang=zh >/dev/null 2>&1 || [[ -z "$(fc-list :lang=zh 2>/dev/null)" ]]; then
    echo "screenshot_report: warning: no CJK font installed, Chinese will show as boxes (apt-get install -y fonts-noto-cjk)" >&2
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
abs_report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
abs_out="$(cd "$(dirname "$out")" 2>/dev/null && pwd || { mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd; })/$(basename "$out")"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --hide-scrollbars \
    --user-data-dir="$profile" \
    --window-size="${size/x/,}" \
    --screenshot="$abs_out" \
    "file://$abs_report" >/dev/null 2>&1 || {
    echo "screenshot_report: chromium failed on $abs_report" >&2
    exit 1
}
[[ -s "$abs_out" ]] || { echo "screenshot_report: no screenshot written" >&2; exit 1; }
echo "$abs_out"
