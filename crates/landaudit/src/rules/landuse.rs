//! What the unsupplied land is today: the real remnants tabulated by 三调 land-use class (DLBM),
//! honouring 扣除地类系数 KCXS (DOMAIN 3.3: a piece of area a gives a·(1−KCXS) to its class and
//! a·KCXS to 1203 田坎), and grouped into 耕地 / other 农用地 / 建设用地 / 未利用地 (DOMAIN 3.1).

use std::collections::BTreeMap;

use geo::{BoundingRect, MultiPolygon, Rect};
use rayon::prelude::*;
use serde::Deserialize;

use crate::clip::{Convex, intersection_area};
use crate::cover::{Relation, Target};
use crate::index::{ParcelIndex, par_map_z_order};
use crate::io::read::union_rect;
use crate::measure::Measure;
use crate::overlay::{difference_of_union, guarded};
use crate::rules::unsupplied::ApprovalOverlay;

/// 三调 工作分类 names (DOMAIN 3.1, \[C\]); suffixed codes (A, K) are named by their base code.
pub const DLBM_NAMES: &[(&str, &str)] = &[
    ("0101", "水田"),
    ("0102", "水浇地"),
    ("0103", "旱地"),
    ("0201", "果园"),
    ("0202", "茶园"),
    ("0203", "橡胶园"),
    ("0204", "其他园地"),
    ("0301", "乔木林地"),
    ("0302", "竹林地"),
    ("0303", "红树林地"),
    ("0304", "森林沼泽"),
    ("0305", "灌木林地"),
    ("0306", "灌丛沼泽"),
    ("0307", "其他林地"),
    ("0401", "天然牧草地"),
    ("0402", "沼泽草地"),
    ("0403", "人工牧草地"),
    ("0404", "其他草地"),
    ("05H1", "商业服务业设施用地"),
    ("0508", "物流仓储用地"),
    ("0601", "工业用地"),
    ("0602", "采矿用地"),
    ("0603", "盐田"),
    ("0701", "城镇住宅用地"),
    ("0702", "农村宅基地"),
    ("08H1", "机关团体新闻出版用地"),
    ("08H2", "科教文卫用地"),
    ("0809", "公用设施用地"),
    ("0810", "公园与绿地"),
    ("09", "特殊用地"),
    ("1001", "铁路用地"),
    ("1002", "轨道交通用地"),
    ("1003", "公路用地"),
    ("1004", "城镇村道路用地"),
    ("1005", "交通服务场站用地"),
    ("1006", "农村道路"),
    ("1007", "机场用地"),
    ("1008", "港口码头用地"),
    ("1009", "管道运输用地"),
    ("1101", "河流水面"),
    ("1102", "湖泊水面"),
    ("1103", "水库水面"),
    ("1104", "坑塘水面"),
    ("1105", "沿海滩涂"),
    ("1106", "内陆滩涂"),
    ("1107", "沟渠"),
    ("1108", "沼泽地"),
    ("1109", "水工建筑用地"),
    ("1110", "冰川及永久积雪"),
    ("1201", "空闲地"),
    ("1202", "设施农用地"),
    ("1203", "田坎"),
    ("1204", "盐碱地"),
    ("1205", "沙地"),
    ("1206", "裸土地"),
    ("1207", "裸岩石砾地"),
];

/// The base code of a DLBM: suffixes A (1104A 养殖坑塘…) and K (可调整) dropped.
pub fn base_code(dlbm: &str) -> &str {
    let t = dlbm.trim();
    t.strip_suffix(['A', 'K', 'a', 'k'])
        .filter(|b| b.len() == 4)
        .unwrap_or(t)
}

/// The class name of a DLBM, `None` for codes not in the 三调 table.
///
/// ```
/// use landaudit::rules::landuse::dlmc;
/// assert_eq!(dlmc("0101"), Some("水田"));
/// assert_eq!(dlmc("1104A"), Some("坑塘水面"));
/// assert_eq!(dlmc("011"), None); // 二调 code
/// ```
pub fn dlmc(dlbm: &str) -> Option<&'static str> {
    let b = base_code(dlbm);
    DLBM_NAMES.iter().find(|(c, _)| *c == b).map(|(_, n)| *n)
}

/// A named group of DLBM codes.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Name in reports.
    pub name: String,
    /// Base codes (suffixes are dropped before matching).
    pub codes: Vec<String>,
}

/// `[landuse]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanduseSettings {
    /// Groups for the summary, in order; a code in none of them is counted as unknown.
    pub groups: Vec<Group>,
    /// The class deductions (KCXS) go to (DOMAIN 3.2: 1203 田坎).
    pub kc_code: String,
}

fn group(name: &str, codes: &[&str]) -> Group {
    Group {
        name: name.into(),
        codes: codes.iter().map(|c| c.to_string()).collect(),
    }
}

impl Default for LanduseSettings {
    /// The 三大类 grouping of DOMAIN 3.1 with 耕地 split out of 农用地.
    fn default() -> Self {
        LanduseSettings {
            groups: vec![
                group("耕地", &["0101", "0102", "0103"]),
                group(
                    "其他农用地",
                    &[
                        "0201", "0202", "0203", "0204", "0301", "0302", "0303", "0304", "0305",
                        "0306", "0307", "0401", "0402", "0403", "1006", "1103", "1104", "1107",
                        "1202", "1203",
                    ],
                ),
                group(
                    "建设用地",
                    &[
                        "05H1", "0508", "0601", "0602", "0603", "0701", "0702", "08H1", "08H2",
                        "0809", "0810", "09", "1001", "1002", "1003", "1004", "1005", "1007",
                        "1008", "1009", "1109", "1201",
                    ],
                ),
                group(
                    "未利用地",
                    &[
                        "0404", "1101", "1102", "1105", "1106", "1108", "1110", "1204", "1205",
                        "1206", "1207",
                    ],
                ),
            ],
            kc_code: "1203".into(),
        }
    }
}

impl LanduseSettings {
    /// The group of a code, `None` when it is in no group.
    pub fn group_of(&self, dlbm: &str) -> Option<&str> {
        let b = base_code(dlbm);
        self.groups
            .iter()
            .find(|g| g.codes.iter().any(|c| c == b))
            .map(|g| g.name.as_str())
    }
}

/// A land-use polygon.
#[derive(Debug, Clone)]
pub struct Cell {
    /// DLBM as written ("" when missing).
    pub dlbm: String,
    /// KCXS (0 when absent).
    pub kcxs: f64,
    /// Geometry (working frame).
    pub geometry: MultiPolygon<f64>,
}

/// Area of one class in one approval's remnants.
#[derive(Debug, Clone, PartialEq)]
pub struct LanduseRow {
    /// Position of the approval.
    pub approval: usize,
    /// DLBM ("" = not covered by the land-use layer).
    pub dlbm: String,
    /// Area counted to the class (m²): for a class with KCXS, a·(1−KCXS); the deductions are in
    /// the `kc_code` row.
    pub area_m2: f64,
    /// Area deducted from this class to `kc_code` (a·KCXS).
    pub kc_m2: f64,
}

/// Tabulates each approval's real remnants by land-use class, in parallel.
pub fn tabulate(
    overlays: &[Option<ApprovalOverlay>],
    cells: &[Cell],
    index: &ParcelIndex,
    settings: &LanduseSettings,
    m: &Measure,
) -> Vec<Result<Vec<LanduseRow>, String>> {
    let present: Vec<&ApprovalOverlay> = overlays.iter().flatten().collect();
    let rects: Vec<Option<Rect<f64>>> = present
        .par_iter()
        .map(|o| union_rect(o.remnants.iter().filter_map(|p| p.bounding_rect())))
        .collect();
    par_map_z_order(&rects, |i| {
        let o = present[i];
        guarded(|| {
            let mut by: BTreeMap<String, (f64, f64)> = BTreeMap::new();
            for part in &o.remnants {
                let part = MultiPolygon::new(vec![part.clone()]);
                let Some(rect) = part.bounding_rect() else {
                    continue;
                };
                let cands = index.candidates(rect);
                let convex_part = Convex::new(&part);
                // Each cell placed against the part first: a cell apart from it, inside it or
                // holding it needs no clipping and no boolean operation, and a cell holding it
                // leaves nothing of it uncovered.
                let target = Target::new(&part);
                let mut part_m2 = None;
                let mut held = false;
                for &j in &cands {
                    let c = &cells[j];
                    let a = match target.as_ref().and_then(|t| t.relate(&c.geometry)) {
                        Some(Relation::Outside) => 0.0,
                        Some(Relation::Inside) => m.area(&c.geometry),
                        Some(Relation::Holds) => {
                            held = true;
                            *part_m2.get_or_insert_with(|| m.area(&part))
                        }
                        // With a convex operand (a cell or the part), clipping measures
                        // the intersection without a boolean operation.
                        None => intersection_area(m, &part, convex_part.as_ref(), &c.geometry),
                    };
                    if a <= 0.0 {
                        continue;
                    }
                    let k = c.kcxs.clamp(0.0, 1.0);
                    let e = by.entry(c.dlbm.clone()).or_default();
                    e.0 += a * (1.0 - k);
                    e.1 += a * k;
                    if k > 0.0 {
                        by.entry(settings.kc_code.clone()).or_default().0 += a * k;
                    }
                }
                let uncovered = if held {
                    0.0
                } else {
                    let covering: Vec<&MultiPolygon<f64>> =
                        cands.iter().map(|&j| &cells[j].geometry).collect();
                    m.area(&difference_of_union(&part, &covering))
                };
                if uncovered > 0.0 {
                    by.entry(String::new()).or_default().0 += uncovered;
                }
            }
            by.into_iter()
                .map(|(dlbm, (area_m2, kc_m2))| LanduseRow {
                    approval: o.approval,
                    dlbm,
                    area_m2,
                    kc_m2,
                })
                .collect()
        })
    })
}
