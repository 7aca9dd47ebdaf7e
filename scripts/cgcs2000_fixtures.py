#!/usr/bin/env python3
"""Writes tests/fixtures/cgcs2000/vectors.json: independent reference values for
landaudit::cgcs2000 (crates/landaudit/src/cgcs2000/), computed with pyproj/PROJ.

Not needed by `cargo test`: the JSON file is committed. Re-run only to regenerate it:

    python3 -m venv /tmp/cgcs-venv
    /tmp/cgcs-venv/bin/pip install pyproj shapely
    /tmp/cgcs-venv/bin/python scripts/cgcs2000_fixtures.py

Contents:
  crs:      for every EPSG code 4491-4554, PROJ's lon_0, x_0, k_0, y_0, lat_0 and ellipsoid.
  points:   lon/lat (EPSG:4490) -> x (easting), y (northing) in EPSG:4549, 4528 (zone-prefixed),
            4547, 4498/4509 (6-degree) and 4490 itself, at 0, 0.5, 1.4, 1.5, 3 degrees from the CM.
  polygons: squares of 1 m2, 1 ha, 100 km2, one at 3 degrees from the CM, a polygon with a hole,
            two multipolygons and a long-edged triangle, each as lon/lat and EPSG:4549 coordinates,
            with pyproj Geod(ellps='GRS80').geometry_area_perimeter area and the planar area in
            EPSG:4549 (shapely). Rings are GeoJSON-style [[x, y], ...], closed, outer CCW, holes CW.
            "trapezoid_edge_effect": true marks polygons whose long, unmirrored edges make the
            vertex-only trapezoid series differ from the geodesic area by more than 1e-6 (an
            expectation from the analysis in crates/landaudit/src/cgcs2000/area.rs, not a pyproj value).
"""

import json
import os
import re
import sys
import warnings

try:
    import pyproj
    from pyproj import CRS, Geod, Transformer
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient
except ImportError as e:  # pragma: no cover
    sys.stderr.write(
        f"missing Python package ({e}).\n"
        "Install pyproj and shapely in a venv, then run this script with its python:\n"
        "    python3 -m venv /tmp/cgcs-venv\n"
        "    /tmp/cgcs-venv/bin/pip install pyproj shapely\n"
        "    /tmp/cgcs-venv/bin/python scripts/cgcs2000_fixtures.py\n"
    )
    sys.exit(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "cgcs2000", "vectors.json")

GEOD = Geod(ellps="GRS80")


def transformer(src, dst):
    # always_xy: (lon, lat) and (easting, northing), landaudit's order, not EPSG's axis order.
    return Transformer.from_crs(f"EPSG:{src}", f"EPSG:{dst}", always_xy=True)


def crs_table():
    # to_proj4() warns that PROJ strings lose information; for these plain tmerc CRS they do not.
    warnings.filterwarnings("ignore", message="You will likely lose important projection information")
    rows = []
    for code in range(4491, 4555):
        p = CRS.from_epsg(code).to_proj4()
        kv = dict(re.findall(r"\+(\w+)=(\S+)", p))
        rows.append(
            {
                "epsg": code,
                "name": CRS.from_epsg(code).name,
                "proj": kv["proj"],
                "ellps": kv.get("ellps"),
                "lat_0": float(kv["lat_0"]),
                "lon_0": float(kv["lon_0"]),
                "k": float(kv["k"]),
                "x_0": float(kv["x_0"]),
                "y_0": float(kv["y_0"]),
            }
        )
    return rows


def points():
    out = []
    cases = [
        # (epsg, central meridian) of the target CRS
        (4549, 120.0),
        (4528, 120.0),
        (4547, 114.0),
        (4498, 117.0),  # 6-degree zone 20, prefixed
        (4509, 117.0),  # 6-degree CM 117
    ]
    for epsg, cm in cases:
        t = transformer(4490, epsg)
        wide = epsg in (4498, 4509)
        offsets = [0.0, 0.5, -0.5, 1.4, -1.4, 1.5, -1.5, 3.0, -3.0] + ([4.5, -6.0] if wide else [])
        for lat in (18.0, 27.3, 30.25, 40.0, 53.5):
            for d in offsets:
                lon = cm + d
                x, y = t.transform(lon, lat)
                out.append({"epsg": epsg, "lon": lon, "lat": lat, "x": x, "y": y, "dlon": d})
    # A few off-grid points, including a prefixed easting well inside zone 40.
    t = transformer(4490, 4528)
    for lon, lat in [(120.123456789, 30.987654321), (121.49, 29.1), (118.51, 31.4)]:
        x, y = t.transform(lon, lat)
        out.append({"epsg": 4528, "lon": lon, "lat": lat, "x": x, "y": y, "dlon": lon - 120.0})
    # Geographic: CGCS2000 to itself is the identity in PROJ.
    t = transformer(4490, 4490)
    for lon, lat in [(120.0, 30.0), (121.3, 28.7)]:
        x, y = t.transform(lon, lat)
        out.append({"epsg": 4490, "lon": lon, "lat": lat, "x": x, "y": y, "dlon": 0.0})
    return out


def rect(x0, y0, w, h):
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]


def polygon_cases():
    """Polygons defined in EPSG:4549 (metres) unless "defined_in" is 4490."""
    sq = lambda x0, y0, s: Polygon(rect(x0, y0, s, s))  # noqa: E731
    x0, y0 = 600_000.0, 3_350_000.0  # ~121.04E, 30.27N
    hole_outer = rect(620_000.0, 3_360_000.0, 1_000.0, 800.0)
    hole = rect(620_300.0, 3_360_200.0, 300.0, 200.0)
    lshape = [(430_000.0, 3_300_000.0), (430_400.0, 3_300_000.0), (430_400.0, 3_300_150.0),
              (430_150.0, 3_300_150.0), (430_150.0, 3_300_500.0), (430_000.0, 3_300_500.0),
              (430_000.0, 3_300_000.0)]
    lshape_small = [(430_000.0, 3_300_000.0), (430_090.0, 3_300_000.0), (430_090.0, 3_300_040.0),
                    (430_040.0, 3_300_040.0), (430_040.0, 3_300_100.0), (430_000.0, 3_300_100.0),
                    (430_000.0, 3_300_000.0)]
    diamond = [(660_000.0, 3_250_000.0), (660_141.421356, 3_250_141.421356),
               (660_000.0, 3_250_282.842712), (659_858.578644, 3_250_141.421356),
               (660_000.0, 3_250_000.0)]
    diamond_small = [(660_000.0, 3_250_000.0), (660_050.0, 3_250_050.0), (660_000.0, 3_250_100.0),
                     (659_950.0, 3_250_050.0), (660_000.0, 3_250_000.0)]
    return [
        ("square_1m2", 4549, sq(x0, y0, 1.0), False),
        ("square_1ha", 4549, sq(x0, y0, 100.0), False),
        ("square_100km2", 4549, sq(x0, y0, 10_000.0), False),
        ("square_1ha_3deg_from_cm", 4549, sq(788_000.0, 3_350_000.0, 100.0), False),
        ("polygon_with_hole", 4549, Polygon(hole_outer, [hole]), False),
        # Parcels with edges of at most 100 m: both area formulas agree to < 1e-6.
        ("multipolygon_short_edges", 4549, MultiPolygon([
            Polygon(rect(500_000.0, 3_400_000.0, 80.0, 60.0)),
            Polygon(lshape_small), Polygon(diamond_small)]), False),
        # The same kinds of parcel with 300-500 m edges: the trapezoid series (vertices only, edges
        # linear in lat/lon) exceeds the geodesic area by ~1.1e-6 (0.35 m2), because the 400 m
        # south edge of the L is not mirrored by a 400 m north edge (see area.rs).
        ("multipolygon_long_edges", 4549, MultiPolygon([
            Polygon(rect(500_000.0, 3_400_000.0, 500.0, 300.0)),
            Polygon(lshape), Polygon(diamond)]), True),
        # Long edges: the two formulas differ by ~6.5e-4 here; densified they agree (see area.rs).
        ("long_edge_triangle", 4549, Polygon([(x0, y0), (x0 + 14_142.0, y0), (x0, y0 + 14_142.0),
                                               (x0, y0)]), True),
        # A lon/lat-aligned ~1 km2 parcel (DEPS 3's example).
        ("lonlat_parcel_1km2", 4490, Polygon(rect(120.15, 30.25, 0.0104, 0.009)), False),
    ]


def oriented_polys(geom):
    polys = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    return [orient(p, 1.0) for p in polys]  # exterior CCW, holes CW


def mp_coords(polys):
    return [[[list(c) for c in p.exterior.coords]] + [[list(c) for c in r.coords] for r in p.interiors]
            for p in polys]


def transform_polys(polys, t):
    def tr(ring):
        return [t.transform(x, y) for x, y in ring.coords]

    return [Polygon(tr(p.exterior), [tr(r) for r in p.interiors]) for p in polys]


def polygons():
    to_ll = transformer(4549, 4490)
    to_gk = transformer(4490, 4549)
    out = []
    for name, defined_in, geom, edge_effect in polygon_cases():
        polys = oriented_polys(geom)
        if defined_in == 4549:
            gk, ll = polys, transform_polys(polys, to_ll)
        else:
            ll, gk = polys, transform_polys(polys, to_gk)
        ll_geom = MultiPolygon(ll)
        area, perimeter = GEOD.geometry_area_perimeter(ll_geom)
        out.append(
            {
                "name": name,
                "defined_in": defined_in,
                "trapezoid_edge_effect": edge_effect,
                "lonlat": mp_coords(ll),
                "epsg4549": mp_coords(gk),
                "geodesic_area_m2": area,
                "geodesic_perimeter_m": perimeter,
                "planar_area_4549_m2": MultiPolygon(gk).area,
            }
        )
    return out


def dumps(doc):
    """JSON with one line per table row, point or polygon: small and diff-friendly."""
    lines = ["{"]
    keys = list(doc)
    for i, k in enumerate(keys):
        v = doc[k]
        end = "," if i + 1 < len(keys) else ""
        if isinstance(v, list):
            rows = [f"  {json.dumps(r, separators=(',', ':'))}" for r in v]
            lines.append(f' "{k}": [\n' + ",\n".join(rows) + f"\n ]{end}")
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    doc = {
        "generator": "scripts/cgcs2000_fixtures.py",
        "pyproj": pyproj.__version__,
        "proj": pyproj.proj_version_str,
        "ellipsoid": {"name": "GRS80", "a": 6378137.0, "inverse_flattening": 298.257222101},
        "axis_order": "x = longitude or easting, y = latitude or northing (pyproj always_xy)",
        "crs": crs_table(),
        "points": points(),
        "polygons": polygons(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(dumps(doc))
    print(f"wrote {OUT}: {len(doc['crs'])} CRS, {len(doc['points'])} points, "
          f"{len(doc['polygons'])} polygons (pyproj {pyproj.__version__}, PROJ {pyproj.proj_version_str})")
    for p in doc["polygons"]:
        print(f"  {p['name']:26s} geodesic {p['geodesic_area_m2']:.6f} m2, planar {p['planar_area_4549_m2']:.6f} m2")


if __name__ == "__main__":
    main()
