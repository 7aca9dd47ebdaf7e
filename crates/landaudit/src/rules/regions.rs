//! Regions and 供地率: the region of every approval and supply (its XZQDM, else the regions layer
//! by largest overlap or by centroid), county → city → province roll-up, and supply rates over
//! approval-date windows against the national five-year floor (DOMAIN 1.3: 近5年平均供地率 ≥ 60%).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::{BoundingRect, Centroid, Contains, Intersects, MultiPolygon, Rect};
use rayon::prelude::*;
use serde::Deserialize;

use crate::dates::{LeapDay, add_years_with, parse_date};
use crate::overlay::intersection_area;
use crate::tiles::Tiled;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// How a parcel without XZQDM is placed in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionMethod {
    /// The region it overlaps most (default).
    #[default]
    LargestOverlap,
    /// The region holding its centroid.
    Centroid,
}

/// `[regions]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegionSettings {
    /// How parcels without XZQDM are placed.
    pub method: RegionMethod,
    /// Use the parcel's XZQDM attribute when present (default); false places every parcel by
    /// geometry.
    pub prefer_attribute: bool,
    /// Approval-date windows: `"last5y"` (the five years up to the evaluation date; any `lastNy`),
    /// or `"YYYY-MM-DD..YYYY-MM-DD"` (inclusive).
    pub windows: Vec<String>,
    /// The 供地率 floor a window is checked against (DOMAIN 1.3: 60 %).
    pub floor: f64,
}

impl Default for RegionSettings {
    fn default() -> Self {
        RegionSettings {
            method: RegionMethod::LargestOverlap,
            prefer_attribute: true,
            windows: vec!["last5y".into()],
            floor: 0.60,
        }
    }
}

impl RegionSettings {
    /// Checks the windows and the floor.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.floor) {
            return Err(format!(
                "[regions] floor must be between 0 and 1, got {}",
                self.floor
            ));
        }
        for w in &self.windows {
            Window::parse(w)?;
        }
        Ok(())
    }
}

/// An approval-date window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    /// The `n` years before the evaluation date: PZRQ in (as_of − n years, as_of].
    LastYears(u32),
    /// PZRQ in [from, to].
    Range(NaiveDate, NaiveDate),
}

impl Window {
    /// Parses `lastNy` or `YYYY-MM-DD..YYYY-MM-DD`.
    ///
    /// ```
    /// use landaudit::rules::regions::Window;
    /// assert_eq!(Window::parse("last5y"), Ok(Window::LastYears(5)));
    /// assert!(matches!(Window::parse("2015-01-01..2017-12-31"), Ok(Window::Range(..))));
    /// assert!(Window::parse("2017-12-31..2015-01-01").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Window, String> {
        let t = s.trim();
        if let Some(n) = t.strip_prefix("last").and_then(|r| r.strip_suffix('y')) {
            return n
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .map(Window::LastYears)
                .ok_or_else(|| format!("window {s:?}: expected lastNy with N ≥ 1"));
        }
        let (a, b) = t.split_once("..").ok_or_else(|| {
            format!("window {s:?}: expected \"lastNy\" or \"YYYY-MM-DD..YYYY-MM-DD\"")
        })?;
        let (a, b) = (
            parse_date(a).ok_or_else(|| format!("window {s:?}: bad start date"))?,
            parse_date(b).ok_or_else(|| format!("window {s:?}: bad end date"))?,
        );
        if a > b {
            return Err(format!("window {s:?}: start after end"));
        }
        Ok(Window::Range(a, b))
    }

    /// The inclusive date range at evaluation date `as_of`.
    pub fn range(&self, as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Window::LastYears(n) => (
                add_years_with(as_of, -(*n as i32), LeapDay::Feb28) + chrono::Days::new(1),
                as_of,
            ),
            Window::Range(a, b) => (*a, *b),
        }
    }
}

/// A region of the regions layer.
#[derive(Debug, Clone)]
pub struct Region {
    /// County code XZQDM.
    pub code: String,
    /// Name XZQMC.
    pub name: Option<String>,
    /// Geometry (working frame).
    pub geometry: MultiPolygon<f64>,
}

/// The county part of an administrative code: its first six digits (town and village codes
/// extend the county's), or the code as written when it is not numeric.
pub fn county_code(code: &str) -> String {
    let t = code.trim();
    if t.len() >= 6 && t.bytes().take(6).all(|b| b.is_ascii_digit()) {
        t[..6].to_string()
    } else {
        t.to_string()
    }
}

/// Region levels of the roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegionLevel {
    /// 省.
    Province,
    /// 市 (first four digits + "00").
    City,
    /// 县 (six digits).
    County,
}

impl RegionLevel {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::County => "county",
        }
    }

    /// The code of this level for a county code ("" stays "": region unknown).
    ///
    /// ```
    /// use landaudit::rules::regions::RegionLevel;
    /// assert_eq!(RegionLevel::City.code_of("330106"), "330100");
    /// assert_eq!(RegionLevel::Province.code_of("330106"), "330000");
    /// ```
    pub fn code_of(self, county: &str) -> String {
        let numeric = county.len() == 6 && county.bytes().all(|b| b.is_ascii_digit());
        match self {
            _ if !numeric => county.to_string(),
            RegionLevel::County => county.to_string(),
            RegionLevel::City => format!("{}00", &county[..4]),
            RegionLevel::Province => format!("{}0000", &county[..2]),
        }
    }
}

/// Places parcels in regions: the attribute code when present (and preferred), else the region
/// found by `method`; `None` when neither gives one.
pub fn assign(
    geoms: &[&MultiPolygon<f64>],
    attr_codes: &[Option<String>],
    regions: &[Region],
    settings: &RegionSettings,
) -> Vec<Option<String>> {
    // Region polygons are large (thousands of vertices along ragged boundaries) and grow with
    // the county: they are cut into grid pieces (crate::tiles) so that every test below touches
    // only the vertices near the parcel.
    let tiled = Tiled::new(&regions.iter().map(|r| &r.geometry).collect::<Vec<_>>());
    // Most parcels lie wholly inside one region. A parcel whose envelope meets no region boundary
    // is inside the region holding any of its points, found by one point-in-polygon test instead
    // of overlays.
    let edges: RTree<GeomWithData<Rectangle<[f64; 2]>, ()>> = RTree::bulk_load(
        regions
            .iter()
            .flat_map(|r| r.geometry.0.iter())
            .flat_map(|p| {
                p.exterior()
                    .lines()
                    .chain(p.interiors().iter().flat_map(|i| i.lines()))
            })
            .map(|l| {
                GeomWithData::new(
                    Rectangle::from_corners(
                        [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
                        [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
                    ),
                    (),
                )
            })
            .collect(),
    );
    // The first region (in layer order) containing `p`, as `contains` on the whole polygons would
    // find it: a point inside a piece is inside its region; a point on a piece's boundary may lie
    // on a tile line inside the region, which only the whole polygon can tell (rare).
    let region_holding = |p: geo::Point<f64>| -> Option<usize> {
        let r = Rect::new(p.0, p.0);
        tiled
            .candidates(r)
            .filter(|(j, piece)| {
                piece.contains(&p) || (piece.intersects(&p) && regions[*j].geometry.contains(&p))
            })
            .map(|(j, _)| j)
            .min()
    };
    geoms
        .par_iter()
        .zip(attr_codes.par_iter())
        .map(|(g, attr)| {
            if settings.prefer_attribute
                && let Some(c) = attr.as_deref().filter(|c| !c.trim().is_empty())
            {
                return Some(county_code(c));
            }
            let rect = g.bounding_rect()?;
            let envelope =
                AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
            if edges
                .locate_in_envelope_intersecting(envelope)
                .next()
                .is_none()
            {
                let p = geo::Point::from(g.0.first()?.exterior().0[0]);
                return region_holding(p).map(|j| regions[j].code.clone());
            }
            match settings.method {
                RegionMethod::LargestOverlap => {
                    // Overlap with each region: the sum over its pieces (disjoint).
                    let mut sums: Vec<(usize, f64)> = Vec::new();
                    for (j, piece) in tiled.candidates(rect) {
                        let a = intersection_area(g, piece);
                        match sums.last_mut() {
                            Some((k, s)) if *k == j => *s += a,
                            _ => sums.push((j, a)),
                        }
                    }
                    sums.into_iter()
                        .filter(|(_, a)| *a > 0.0)
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                        .map(|(j, _)| regions[j].code.clone())
                }
                RegionMethod::Centroid => {
                    let c = g.centroid()?;
                    region_holding(c).map(|j| regions[j].code.clone())
                }
            }
        })
        .collect()
}

/// Per-region totals at one level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionRow {
    /// Level.
    pub level: Option<RegionLevel>,
    /// Code ("" = region unknown).
    pub code: String,
    /// Name, where the regions layer gives one.
    pub name: Option<String>,
    /// Approvals audited.
    pub approvals: usize,
    /// Approved area audited.
    pub approved_m2: f64,
    /// Supplied area.
    pub supplied_m2: f64,
    /// Real remnant (批而未供) area.
    pub remnant_m2: f64,
    /// Sliver area.
    pub sliver_m2: f64,
    /// Supplies.
    pub supplies: usize,
    /// Area of the supplies.
    pub supply_parcels_m2: f64,
    /// Idle supplies.
    pub idle_count: usize,
    /// Idle area.
    pub idle_m2: f64,
    /// Idle fees due (yuan).
    pub fees_yuan: f64,
    /// Area to recover without compensation.
    pub recover_m2: f64,
}

impl RegionRow {
    /// 供地率.
    pub fn supply_rate(&self) -> Option<f64> {
        (self.approved_m2 > 0.0).then(|| self.supplied_m2 / self.approved_m2)
    }

    /// 闲置率 = idle area / supplied area (of the supplies in the region).
    pub fn idle_rate(&self) -> Option<f64> {
        (self.supply_parcels_m2 > 0.0).then(|| self.idle_m2 / self.supply_parcels_m2)
    }
}

/// What one approval contributes to its region.
#[derive(Debug, Clone, Default)]
pub struct ApprovalFigures {
    /// County code ("" unknown).
    pub county: String,
    /// Approval date.
    pub pzrq: Option<NaiveDate>,
    /// Approved area audited.
    pub area_m2: f64,
    /// Supplied.
    pub supplied_m2: f64,
    /// Real remnant.
    pub remnant_m2: f64,
    /// Sliver.
    pub sliver_m2: f64,
}

/// What one supply contributes to its region.
#[derive(Debug, Clone, Default)]
pub struct SupplyFigures {
    /// County code ("" unknown).
    pub county: String,
    /// Area.
    pub area_m2: f64,
    /// Idle land?
    pub idle: bool,
    /// Fee due.
    pub fee_yuan: f64,
    /// Area to recover.
    pub recover_m2: f64,
}

/// The rows of a table of totals per region and level, found by county code.
#[derive(Default)]
struct Rows<'c> {
    rows: Vec<RegionRow>,
    /// Position in `rows` of each (level, region code).
    at: BTreeMap<(RegionLevel, String), usize>,
    /// Positions in `rows` of each county code's province, city and county rows.
    of_county: HashMap<&'c str, [usize; 3]>,
}

impl<'c> Rows<'c> {
    /// The province, city and county rows of `county`, made when first seen.
    fn of(&mut self, names: &BTreeMap<String, String>, county: &'c str) -> [usize; 3] {
        if let Some(&i) = self.of_county.get(county) {
            return i;
        }
        let i = LEVELS.map(|level| {
            let code = level.code_of(county);
            *self.at.entry((level, code.clone())).or_insert_with(|| {
                self.rows.push(RegionRow {
                    level: Some(level),
                    name: names.get(&code).cloned(),
                    code,
                    ..Default::default()
                });
                self.rows.len() - 1
            })
        });
        self.of_county.insert(county, i);
        i
    }

    /// The rows sorted by level (province, city, county) and code.
    fn sorted(self) -> Vec<RegionRow> {
        let mut rows: Vec<Option<RegionRow>> = self.rows.into_iter().map(Some).collect();
        self.at
            .into_values()
            .filter_map(|i| rows[i].take())
            .collect()
    }
}

const LEVELS: [RegionLevel; 3] = [
    RegionLevel::Province,
    RegionLevel::City,
    RegionLevel::County,
];

/// Totals per region at every level, sorted by level (province, city, county) and code.
pub fn region_rows(
    approvals: &[ApprovalFigures],
    supplies: &[SupplyFigures],
    names: &BTreeMap<String, String>,
) -> Vec<RegionRow> {
    // Each row adds its approvals and supplies in their order, as a map looked up per item
    // would, so the sums are the same to the bit; a county's rows are found once.
    let mut t = Rows::default();
    for a in approvals {
        for i in t.of(names, &a.county) {
            let r = &mut t.rows[i];
            r.approvals += 1;
            r.approved_m2 += a.area_m2;
            r.supplied_m2 += a.supplied_m2;
            r.remnant_m2 += a.remnant_m2;
            r.sliver_m2 += a.sliver_m2;
        }
    }
    for s in supplies {
        for i in t.of(names, &s.county) {
            let r = &mut t.rows[i];
            r.supplies += 1;
            r.supply_parcels_m2 += s.area_m2;
            if s.idle {
                r.idle_count += 1;
                r.idle_m2 += s.area_m2;
            }
            r.fees_yuan += s.fee_yuan;
            r.recover_m2 += s.recover_m2;
        }
    }
    t.sorted()
}

/// 供地率 of one region over one approval-date window.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRow {
    /// The window as configured.
    pub window: String,
    /// Inclusive approval-date range.
    pub from: NaiveDate,
    /// Inclusive approval-date range.
    pub to: NaiveDate,
    /// Level.
    pub level: RegionLevel,
    /// Region code.
    pub code: String,
    /// Region name.
    pub name: Option<String>,
    /// Approvals in the window.
    pub approvals: usize,
    /// Approved area.
    pub approved_m2: f64,
    /// Supplied area.
    pub supplied_m2: f64,
    /// 批而未供 (real remnant) area.
    pub remnant_m2: f64,
    /// Whether the region's 供地率 is below the floor.
    pub below_floor: bool,
}

impl WindowRow {
    /// 供地率.
    pub fn supply_rate(&self) -> Option<f64> {
        (self.approved_m2 > 0.0).then(|| self.supplied_m2 / self.approved_m2)
    }
}

/// Window rows for every configured window and region (approvals without PZRQ are in no window).
pub fn window_rows(
    approvals: &[ApprovalFigures],
    names: &BTreeMap<String, String>,
    settings: &RegionSettings,
    as_of: NaiveDate,
) -> Vec<WindowRow> {
    let mut out = Vec::new();
    for w in &settings.windows {
        let Ok(win) = Window::parse(w) else { continue };
        let (from, to) = win.range(as_of);
        let inside: Vec<ApprovalFigures> = approvals
            .iter()
            .filter(|a| a.pzrq.is_some_and(|d| d >= from && d <= to))
            .cloned()
            .collect();
        for r in region_rows(&inside, &[], names) {
            let Some(level) = r.level else { continue };
            let rate = r.supply_rate();
            out.push(WindowRow {
                window: w.clone(),
                from,
                to,
                level,
                below_floor: rate.is_some_and(|x| x < settings.floor),
                code: r.code,
                name: r.name,
                approvals: r.approvals,
                approved_m2: r.approved_m2,
                supplied_m2: r.supplied_m2,
                remnant_m2: r.remnant_m2,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn last5y_is_the_five_years_up_to_as_of() {
        let (a, b) = Window::LastYears(5).range(d(2026, 6, 30));
        assert_eq!((a, b), (d(2021, 7, 1), d(2026, 6, 30)));
    }

    #[test]
    fn roll_up_and_rates_by_hand() {
        let ap = |county: &str, y, area, sup, rem| ApprovalFigures {
            county: county.into(),
            pzrq: Some(d(y, 1, 1)),
            area_m2: area,
            supplied_m2: sup,
            remnant_m2: rem,
            sliver_m2: area - sup - rem,
        };
        let approvals = vec![
            ap("330106", 2022, 100.0, 50.0, 50.0),
            ap("330108", 2023, 300.0, 240.0, 60.0),
            ap("330282", 2010, 200.0, 0.0, 200.0),
        ];
        let supplies = vec![SupplyFigures {
            county: "330106".into(),
            area_m2: 50.0,
            idle: true,
            fee_yuan: 10.0,
            recover_m2: 0.0,
        }];
        let names = BTreeMap::from([("330106".to_string(), "西湖区".to_string())]);
        let rows = region_rows(&approvals, &supplies, &names);
        let get = |level, code: &str| {
            rows.iter()
                .find(|r| r.level == Some(level) && r.code == code)
                .unwrap()
                .clone()
        };
        // City 330100 = 330106 + 330108: (50 + 240) / (100 + 300) = 0.725.
        assert_eq!(get(RegionLevel::City, "330100").supply_rate(), Some(0.725));
        // Province: 290 / 600.
        assert_eq!(get(RegionLevel::Province, "330000").approvals, 3);
        assert_eq!(
            get(RegionLevel::County, "330106").name.as_deref(),
            Some("西湖区")
        );
        assert_eq!(get(RegionLevel::County, "330106").idle_rate(), Some(1.0));
        // Last five years at 2026-06-30: the 2010 approval is out; 330100 is at 72.5 %, not flagged.
        let w = window_rows(
            &approvals,
            &names,
            &RegionSettings::default(),
            d(2026, 6, 30),
        );
        let c = w
            .iter()
            .find(|r| r.level == RegionLevel::County && r.code == "330106")
            .unwrap();
        assert!(c.below_floor, "50 % < 60 %");
        assert!(!w.iter().any(|r| r.code == "330282"));
        assert!(!w.iter().find(|r| r.code == "330100").unwrap().below_floor);
    }
}
