//! The indicator registry: the definitions every stage reads (names, units, how numerator
//! and denominator are counted, decimals, targets, red/amber/green thresholds), kept as
//! data in this one place, and the status of a value against its thresholds.

use chrono::NaiveDate;
use polars::prelude::{PolarsResult, polars_bail};

use super::params::EngineConfig;

/// How an indicator's value derives from its numerator and denominator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    /// `100 * numerator / denominator`, in percent (null when the denominator is 0).
    Percent,
    /// `numerator / denominator` (null when the denominator is 0).
    Ratio,
    /// The numerator itself; the denominator is informative or null.
    Count,
}

/// Red/amber/green bounds: green when the value reaches `green`, amber when it reaches
/// `amber`, red otherwise ("reaches" is `>=` when higher is better, `<=` otherwise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Bound of the green status.
    pub green: f64,
    /// Bound of the amber status.
    pub amber: f64,
    /// Whether a higher value is better.
    pub higher_is_better: bool,
}

/// The status of a value against an indicator's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Meets the green bound.
    Green,
    /// Meets the amber bound only.
    Amber,
    /// Meets neither bound.
    Red,
    /// No thresholds, or no value (a rate over nothing).
    None,
}

/// An engine setting an indicator depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Parameter {
    /// The staffing floor (`COSO_STAFFING_FLOOR`), a dated rule: which units count as
    /// below it, and the staffing gap list.
    StaffingFloor,
}

/// The rule a figure of `def` taken on `day` was computed with, for the answer to say
/// it: `staffing floor 12 from 2025-03-01`; `None` for indicators without a setting.
pub fn rule_on(def: &IndicatorDef, day: NaiveDate, config: &EngineConfig) -> Option<String> {
    match def.parameter? {
        Parameter::StaffingFloor => {
            Some(format!("staffing floor {}", config.staffing_floor.at(day)))
        }
    }
}

/// The whole rule of `def`'s setting: `staffing floor 5, 12 from 2025-03-01`.
pub fn rule_of(def: &IndicatorDef, config: &EngineConfig) -> Option<String> {
    match def.parameter? {
        Parameter::StaffingFloor => Some(format!("staffing floor {}", config.staffing_floor)),
    }
}

/// One indicator: what it means, how it is counted and how it is judged.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorDef {
    /// Stable code used by the API and the stored values.
    pub code: &'static str,
    /// Vietnamese name, as reports show it.
    pub name_vi: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// What the indicator says, in English.
    pub description: &'static str,
    /// Unit of the value: `%`, `officers/unit`, `units`, `documents`, `activities`,
    /// `questions` or `awards`.
    pub unit: &'static str,
    /// How the numerator is counted.
    pub numerator: &'static str,
    /// How the denominator is counted, if there is one.
    pub denominator: Option<&'static str>,
    /// Decimals the value is rounded to (half away from zero).
    pub decimals: u32,
    /// The value aimed at, if any.
    pub target: Option<f64>,
    /// The day the target is due, if any.
    pub target_date: Option<NaiveDate>,
    /// Red/amber/green bounds, if the indicator is judged.
    pub thresholds: Option<Thresholds>,
    /// How the value derives from numerator and denominator.
    pub measure: Measure,
    /// Counted for the province only (records not attached to units): appears in the
    /// province breakdown only.
    pub province_only: bool,
    /// The engine setting its figures (or its gap list) depend on, if any.
    pub parameter: Option<Parameter>,
    /// The quantity column of the engine holding the numerator.
    pub(crate) numerator_col: &'static str,
    /// The quantity column holding the denominator.
    pub(crate) denominator_col: Option<&'static str>,
}

/// A date in a constant (the registry is static data).
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// Thresholds where higher is better.
const fn higher(green: f64, amber: f64) -> Option<Thresholds> {
    Some(Thresholds {
        green,
        amber,
        higher_is_better: true,
    })
}

/// Thresholds where lower is better.
const fn lower(green: f64, amber: f64) -> Option<Thresholds> {
    Some(Thresholds {
        green,
        amber,
        higher_is_better: false,
    })
}

const UNITS_VALID: &str = "commune police units valid on the day";
const CHIEFS: &str = "commune police chiefs in post on the day, in units valid on the day";

static REGISTRY: [IndicatorDef; 10] = [
    IndicatorDef {
        code: "party_executive_committee_rate",
        name_vi: "Tỷ lệ Trưởng Công an cấp xã tham gia Ban Chấp hành Đảng ủy",
        name_en: "Commune police chiefs on the commune Party executive committee",
        description: "Share of commune police chiefs in post who hold a seat on the executive \
                      committee of their commune's Party committee.",
        unit: "%",
        numerator: "chiefs in post holding an executive-committee seat of their unit's commune on the day",
        denominator: Some(CHIEFS),
        decimals: 1,
        target: Some(100.0),
        target_date: None,
        thresholds: higher(100.0, 90.0),
        measure: Measure::Percent,
        province_only: false,
        parameter: None,
        numerator_col: "chiefs_executive",
        denominator_col: Some("chiefs"),
    },
    IndicatorDef {
        code: "party_standing_committee_rate",
        name_vi: "Tỷ lệ Trưởng Công an cấp xã tham gia Ban Thường vụ Đảng ủy",
        name_en: "Commune police chiefs on the commune Party standing committee",
        description: "Share of commune police chiefs in post who hold a seat on the standing \
                      committee of their commune's Party committee.",
        unit: "%",
        numerator: "chiefs in post holding a standing-committee seat of their unit's commune on the day",
        denominator: Some(CHIEFS),
        decimals: 1,
        target: None,
        target_date: None,
        thresholds: higher(50.0, 30.0),
        measure: Measure::Percent,
        province_only: false,
        parameter: None,
        numerator_col: "chiefs_standing",
        denominator_col: Some("chiefs"),
    },
    IndicatorDef {
        code: "staffing_ratio",
        name_vi: "Tỷ lệ biên chế cán bộ/Công an cấp xã",
        name_en: "Officers per commune police unit",
        description: "Officers in post (chiefs, deputies and officers) per commune police unit.",
        unit: "officers/unit",
        numerator: "officers in post on the day, in units valid on the day",
        denominator: Some(UNITS_VALID),
        decimals: 2,
        target: None,
        target_date: None,
        thresholds: higher(6.0, 5.0),
        measure: Measure::Ratio,
        province_only: false,
        parameter: Some(Parameter::StaffingFloor),
        numerator_col: "officers",
        denominator_col: Some("units"),
    },
    IndicatorDef {
        code: "units_below_staffing_floor",
        name_vi: "Số Công an cấp xã dưới mức biên chế tối thiểu",
        name_en: "Commune police units below the staffing floor",
        description: "Units with fewer officers in post than the staffing floor in force on \
                      the day (5, and 12 from 1 March 2025 when the district police ended, \
                      unless configured otherwise).",
        unit: "units",
        numerator: "units valid on the day with fewer officers in post than the floor of the day",
        denominator: Some(UNITS_VALID),
        decimals: 0,
        target: Some(0.0),
        target_date: None,
        // the target is none: green at none, red from the first unit below the floor
        thresholds: lower(0.0, 0.0),
        measure: Measure::Count,
        province_only: false,
        parameter: Some(Parameter::StaffingFloor),
        numerator_col: "below_floor",
        denominator_col: Some("units"),
    },
    IndicatorDef {
        code: "hq_new_model_coverage",
        name_vi: "Tỷ lệ Công an cấp xã có trụ sở làm việc theo mô hình mới",
        name_en: "Commune police units with a new-model headquarters in use",
        description: "Share of units whose headquarters built on the new model is in use.",
        unit: "%",
        numerator: "units valid on the day with a new-model headquarters in use on the day \
                    (in use on or before the day, not closed by then)",
        denominator: Some(UNITS_VALID),
        decimals: 1,
        target: Some(100.0),
        target_date: Some(date(2025, 12, 31)),
        thresholds: higher(90.0, 50.0),
        measure: Measure::Percent,
        province_only: false,
        parameter: None,
        numerator_col: "hq_new",
        denominator_col: Some("units"),
    },
    IndicatorDef {
        code: "directives_issued",
        name_vi: "Văn bản lãnh đạo, chỉ đạo đã tham mưu ban hành",
        name_en: "Leadership and direction documents issued",
        description: "Resolutions, directives, conclusions, plans, decisions and official \
                      letters the police advised the Party committee and government to issue.",
        unit: "documents",
        numerator: "documents issued on or before the day",
        denominator: None,
        decimals: 0,
        target: None,
        target_date: None,
        thresholds: None,
        measure: Measure::Count,
        province_only: true,
        parameter: None,
        numerator_col: "directives",
        denominator_col: None,
    },
    IndicatorDef {
        code: "volunteer_activities",
        name_vi: "Hoạt động tình nguyện của Đoàn Thanh niên, Hội Phụ nữ",
        name_en: "Youth union and women's association volunteer activities",
        description: "Volunteer activities of the youth union and the women's association.",
        unit: "activities",
        numerator: "volunteer activities started on or before the day",
        denominator: None,
        decimals: 0,
        target: None,
        target_date: None,
        thresholds: None,
        measure: Measure::Count,
        province_only: false,
        parameter: None,
        numerator_col: "volunteer",
        denominator_col: None,
    },
    IndicatorDef {
        code: "union_works_models",
        name_vi: "Công trình, mô hình được xây dựng và duy trì",
        name_en: "Works and models built and maintained",
        description: "Works and models of the unions that are still maintained.",
        unit: "activities",
        numerator: "works and models marked maintained, started on or before the day and \
                    not ended by then",
        denominator: None,
        decimals: 0,
        target: None,
        target_date: None,
        thresholds: None,
        measure: Measure::Count,
        province_only: false,
        parameter: None,
        numerator_col: "works",
        denominator_col: None,
    },
    IndicatorDef {
        code: "dialogue_questions",
        name_vi: "Ý kiến, câu hỏi tại hội nghị đối thoại",
        name_en: "Opinions and questions raised at the dialogue conference",
        description: "Questions raised at the dialogue conference; see the categories by \
                      topic for the share answered.",
        unit: "questions",
        numerator: "questions asked on or before the day",
        denominator: None,
        decimals: 0,
        target: None,
        target_date: None,
        thresholds: None,
        measure: Measure::Count,
        province_only: false,
        parameter: None,
        numerator_col: "questions",
        denominator_col: None,
    },
    IndicatorDef {
        code: "awards",
        name_vi: "Khen thưởng tập thể, cá nhân Công an cấp xã",
        name_en: "Awards to commune police collectives and individuals",
        description: "Certificates of Merit and of Commendation handed to commune police; see \
                      the categories by form and by issuer.",
        unit: "awards",
        numerator: "awards given on or before the day",
        denominator: None,
        decimals: 0,
        target: None,
        target_date: None,
        thresholds: None,
        measure: Measure::Count,
        province_only: false,
        parameter: None,
        numerator_col: "awards",
        denominator_col: None,
    },
];

/// Every indicator, in the order outputs list them.
pub fn registry() -> &'static [IndicatorDef] {
    &REGISTRY
}

/// The indicator with this code.
pub fn find(code: &str) -> Option<&'static IndicatorDef> {
    REGISTRY.iter().find(|d| d.code == code)
}

/// The indicators of `codes` in registry order, all of them when `codes` is empty;
/// errors on an unknown code.
pub(crate) fn resolve(codes: &[&str]) -> PolarsResult<Vec<&'static IndicatorDef>> {
    if let Some(bad) = codes.iter().find(|c| find(c).is_none()) {
        polars_bail!(ComputeError: "unknown indicator code '{bad}'");
    }
    Ok(REGISTRY
        .iter()
        .filter(|d| codes.is_empty() || codes.contains(&d.code))
        .collect())
}

/// The red/amber/green status of `value` (None when there is no value or no thresholds).
pub fn status(def: &IndicatorDef, value: Option<f64>) -> Status {
    let (Some(t), Some(v)) = (def.thresholds, value) else {
        return Status::None;
    };
    let reaches = |bound: f64| {
        if t.higher_is_better {
            v >= bound
        } else {
            v <= bound
        }
    };
    if reaches(t.green) {
        Status::Green
    } else if reaches(t.amber) {
        Status::Amber
    } else {
        Status::Red
    }
}

/// The Vietnamese name of a unit kind code (`xa`, `phuong`, `thi_tran`).
pub fn kind_name(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|(c, _)| *c == kind).map(|(_, n)| *n)
}

/// Unit kind codes and their Vietnamese names, in breakdown order.
pub(crate) const KINDS: [(&str, &str); 4] = [
    ("xa", "Xã"),
    ("phuong", "Phường"),
    ("thi_tran", "Thị trấn"),
    ("dac_khu", "Đặc khu"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_found() {
        for def in registry() {
            assert_eq!(find(def.code), Some(def));
            assert_eq!(def.denominator.is_some(), def.denominator_col.is_some());
        }
        assert_eq!(registry().len(), 10);
        assert!(find("nope").is_none());
        assert!(resolve(&["nope"]).is_err());
        assert_eq!(resolve(&[]).unwrap().len(), 10);
        assert_eq!(
            resolve(&["awards", "staffing_ratio"]).unwrap()[0].code,
            "staffing_ratio"
        );
    }

    #[test]
    fn status_follows_thresholds() {
        let standing = find("party_standing_committee_rate").unwrap();
        assert_eq!(status(standing, Some(32.9)), Status::Amber);
        assert_eq!(status(standing, Some(50.0)), Status::Green);
        assert_eq!(status(standing, Some(10.0)), Status::Red);
        assert_eq!(status(standing, None), Status::None);
        let lower = IndicatorDef {
            thresholds: Some(Thresholds {
                green: 0.0,
                amber: 3.0,
                higher_is_better: false,
            }),
            ..standing.clone()
        };
        assert_eq!(status(&lower, Some(2.0)), Status::Amber);
        assert_eq!(status(&lower, Some(4.0)), Status::Red);
        assert_eq!(status(find("awards").unwrap(), Some(3.0)), Status::None);
        let below = find("units_below_staffing_floor").unwrap();
        assert_eq!(status(below, Some(0.0)), Status::Green, "its target");
        assert_eq!(status(below, Some(1.0)), Status::Red);
    }

    #[test]
    fn staffing_figures_say_which_floor_applied() {
        let c = EngineConfig::default();
        let below = find("units_below_staffing_floor").unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            rule_on(below, day(2024, 12, 31), &c).as_deref(),
            Some("staffing floor 5 from the beginning")
        );
        assert_eq!(
            rule_on(find("staffing_ratio").unwrap(), day(2025, 3, 1), &c).as_deref(),
            Some("staffing floor 12 from 2025-03-01")
        );
        assert_eq!(
            rule_of(below, &c).as_deref(),
            Some("staffing floor 5, 12 from 2025-03-01")
        );
        assert_eq!(rule_on(find("awards").unwrap(), day(2025, 3, 1), &c), None);
    }
}
