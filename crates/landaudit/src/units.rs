//! Area units used in Chinese land administration (DOMAIN 3.3): 1 公顷 = 10⁴ m², 1 亩 = 2000/3 m².

/// Square metres in one 公顷 (hectare).
pub const M2_PER_HA: f64 = 10_000.0;
/// Square metres in one 亩 (mu): exactly 2000/3.
pub const M2_PER_MU: f64 = 2000.0 / 3.0;

/// Hectares (公顷) from square metres.
///
/// ```
/// assert_eq!(landaudit::units::ha(25_000.0), 2.5);
/// ```
pub fn ha(m2: f64) -> f64 {
    m2 / M2_PER_HA
}

/// 亩 from square metres.
///
/// ```
/// assert!((landaudit::units::mu(2000.0) - 3.0).abs() < 1e-12);
/// ```
pub fn mu(m2: f64) -> f64 {
    m2 / M2_PER_MU
}

/// The unit an attribute area (such as 批准面积 PZMJ) is recorded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AreaUnit {
    /// 公顷 (the default for 批准面积).
    #[default]
    Ha,
    /// Square metres.
    M2,
    /// 亩.
    Mu,
}

impl AreaUnit {
    /// Converts a value in this unit to square metres.
    pub fn to_m2(self, v: f64) -> f64 {
        match self {
            AreaUnit::Ha => v * M2_PER_HA,
            AreaUnit::M2 => v,
            AreaUnit::Mu => v * M2_PER_MU,
        }
    }
}
