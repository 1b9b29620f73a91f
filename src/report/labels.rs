//! The words of a report in each language, in this one place: template labels (passed
//! to the templates as `t`), sheet names and column headers of the workbook, units,
//! unit kinds and short indicator names. Data (names of units, districts, indicators)
//! comes with the data.

use std::collections::BTreeMap;

use super::data::Language;

/// (key, Vietnamese, English).
const LABELS: &[(&str, &str, &str)] = &[
    ("report", "Báo cáo", "Report for"),
    (
        "default_title",
        "Xây dựng Công an cấp xã",
        "Building commune-level police",
    ),
    ("scope", "Phạm vi", "Scope"),
    ("figures_as_of", "Số liệu tính đến ngày", "Figures as of"),
    ("data_version", "Phiên bản dữ liệu", "Data version"),
    ("updated_at", "cập nhật lúc", "updated"),
    ("schedule", "Lịch gửi", "Schedule"),
    ("period", "Kỳ báo cáo", "Period"),
    ("title", "Tiêu đề", "Title"),
    ("headlines", "Các chỉ tiêu chính", "Headline indicators"),
    ("indicator", "Chỉ tiêu", "Indicator"),
    ("result", "Kết quả", "Result"),
    ("target", "Mục tiêu", "Target"),
    ("status", "Đánh giá", "Status"),
    ("previous", "Kỳ trước", "Previous report"),
    ("change", "Thay đổi", "Change"),
    ("unchanged", "không đổi", "unchanged"),
    ("status_green", "Đạt", "On target"),
    ("status_amber", "Gần đạt", "Close to target"),
    ("status_red", "Chưa đạt", "Below target"),
    ("status_none", "—", "—"),
    (
        "trajectory",
        "Lộ trình trụ sở làm việc theo mô hình mới",
        "New-model headquarters: trajectory",
    ),
    (
        "hq_current",
        "Đã có trụ sở theo mô hình mới",
        "With a new-model headquarters",
    ),
    ("hq_missing", "Còn thiếu", "Still without"),
    ("units_word", "đơn vị", "units"),
    ("by", "đến", "by"),
    ("months_left", "còn {n} tháng", "{n} months left"),
    ("months_word", "tháng", "months"),
    ("overdue", "đã quá hạn", "past due"),
    ("required_pace", "Tiến độ cần đạt", "Required pace"),
    ("achieved_pace", "Tiến độ đạt được", "Achieved pace"),
    ("units_per_month", "đơn vị/tháng", "units/month"),
    (
        "in_last_12_months",
        "đơn vị trong 12 tháng qua",
        "units in the last 12 months",
    ),
    (
        "projected_date",
        "Dự kiến đạt mục tiêu",
        "Projected to reach the target",
    ),
    (
        "no_projection",
        "chưa xác định được (không có đơn vị mới trong 12 tháng qua)",
        "cannot be projected (no new unit in the last 12 months)",
    ),
    ("on_track", "Đúng tiến độ", "On track"),
    ("target_reached", "Đã đạt mục tiêu", "Target reached"),
    ("off_track", "Chậm tiến độ", "Behind schedule"),
    ("series", "Diễn biến theo tháng", "Monthly trend"),
    // An area: a district until 30/6/2025, the area that carries it on since (see Areas).
    ("by_district", "Kết quả theo địa bàn", "By area"),
    ("district", "Địa bàn", "Area"),
    ("district_code", "Mã địa bàn", "Area code"),
    (
        "gaps",
        "Đơn vị chưa đạt",
        "Units not meeting the indicators",
    ),
    ("gap_count", "đơn vị chưa đạt", "units not meeting it"),
    ("gap_none", "Tất cả đơn vị đều đạt.", "Every unit meets it."),
    ("rank", "STT", "#"),
    ("unit_code", "Mã đơn vị", "Unit code"),
    ("unit_name", "Đơn vị", "Unit"),
    ("kind", "Loại", "Kind"),
    ("detail", "Nội dung còn thiếu", "What is missing"),
    ("and", "và", "and"),
    (
        "more_units",
        "đơn vị khác: xem tệp Excel đính kèm.",
        "more units: see the attached workbook.",
    ),
    ("attachments", "Tệp đính kèm", "Attachments"),
    (
        "footer",
        "Báo cáo được lập tự động từ hệ thống coso theo số liệu tại thời điểm nêu trên. Vui lòng không trả lời thư này.",
        "This report was generated automatically by coso from the data at the time stated above. Please do not reply to this message.",
    ),
    (
        "chart_hq_by_district",
        "Tỷ lệ trụ sở theo mô hình mới theo địa bàn",
        "New-model headquarters coverage by area",
    ),
    ("lowest_districts", "địa bàn thấp nhất", "lowest areas"),
    ("axis_share", "Tỷ lệ (%)", "Share (%)"),
    ("axis_month", "Tháng", "Month"),
    ("sheet_indicators", "Chỉ tiêu", "Indicators"),
    ("sheet_districts", "Theo địa bàn", "By area"),
    ("sheet_trajectory", "Lộ trình trụ sở", "HQ trajectory"),
    ("sheet_series", "Diễn biến", "Monthly series"),
    ("sheet_info", "Thông tin", "About"),
    ("sheet_gaps", "Chưa đạt", "Gaps"),
    ("code", "Mã chỉ tiêu", "Code"),
    ("unit", "Đơn vị tính", "Unit"),
    ("numerator", "Tử số", "Numerator"),
    ("denominator", "Mẫu số", "Denominator"),
    ("value", "Giá trị", "Value"),
    ("display", "Hiển thị", "As shown"),
    ("item", "Nội dung", "Item"),
    ("month", "Tháng", "Month"),
    ("units_total", "Tổng số đơn vị", "Units"),
    ("coverage", "Tỷ lệ hiện tại", "Current coverage"),
    ("needed", "Số đơn vị cần bổ sung", "Units still needed"),
    ("target_date", "Hạn mục tiêu", "Target date"),
    ("months_left_full", "Số tháng còn lại", "Months left"),
    (
        "achieved_12",
        "Đạt được trong 12 tháng qua",
        "Achieved in the last 12 months",
    ),
    ("yes", "Có", "Yes"),
    ("no", "Không", "No"),
    ("csv_suffix", "chi tieu", "indicators"),
];

/// (unit code, Vietnamese, English).
const UNITS: &[(&str, &str, &str)] = &[
    ("%", "%", "%"),
    ("officers/unit", "cán bộ/đơn vị", "officers/unit"),
    ("units", "đơn vị", "units"),
    ("documents", "văn bản", "documents"),
    ("activities", "hoạt động", "activities"),
    ("questions", "ý kiến", "questions"),
    ("awards", "lượt", "awards"),
];

/// (unit kind code, Vietnamese, English).
const KINDS: &[(&str, &str, &str)] = &[
    ("xa", "Xã", "Commune"),
    ("phuong", "Phường", "Ward"),
    ("thi_tran", "Thị trấn", "Township"),
];

/// (indicator code, short Vietnamese, short English, gap sheet vi, gap sheet en): column
/// headers of the table by district and sheet names of the gap lists.
const SHORT: &[(&str, &str, &str, &str, &str)] = &[
    (
        "party_executive_committee_rate",
        "Tham gia BCH Đảng ủy",
        "On executive committee",
        "Chưa vào BCH",
        "Not on exec committee",
    ),
    (
        "party_standing_committee_rate",
        "Tham gia BTV Đảng ủy",
        "On standing committee",
        "Chưa vào BTV",
        "Not on standing committee",
    ),
    (
        "staffing_ratio",
        "Cán bộ/đơn vị",
        "Officers per unit",
        "Dưới biên chế tối thiểu",
        "Below staffing floor",
    ),
    (
        "units_below_staffing_floor",
        "Dưới biên chế tối thiểu",
        "Below staffing floor",
        "Dưới biên chế tối thiểu",
        "Below staffing floor",
    ),
    (
        "hq_new_model_coverage",
        "Trụ sở mô hình mới",
        "New-model HQ",
        "Chưa có trụ sở mới",
        "No new-model HQ",
    ),
    (
        "directives_issued",
        "Văn bản chỉ đạo",
        "Directives",
        "Văn bản",
        "Directives",
    ),
];

fn pick<'a>(lang: Language, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Language::Vi => vi,
        Language::En => en,
    }
}

/// Every label in `lang`, for the templates.
pub(crate) fn labels(lang: Language) -> BTreeMap<&'static str, &'static str> {
    LABELS
        .iter()
        .map(|(k, vi, en)| (*k, pick(lang, vi, en)))
        .collect()
}

/// One label (empty if unknown, which the tests rule out).
pub(crate) fn label(lang: Language, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or("", |(_, vi, en)| pick(lang, vi, en))
}

/// The unit of an indicator in words ("cán bộ/đơn vị"), or the code.
pub(crate) fn unit_label(lang: Language, unit: &str) -> String {
    UNITS.iter().find(|(k, ..)| *k == unit).map_or_else(
        || unit.to_string(),
        |(_, vi, en)| pick(lang, vi, en).to_string(),
    )
}

/// A unit kind in words ("Thị trấn"), or the code.
pub(crate) fn kind_label(lang: Language, kind: &str) -> String {
    KINDS.iter().find(|(k, ..)| *k == kind).map_or_else(
        || kind.to_string(),
        |(_, vi, en)| pick(lang, vi, en).to_string(),
    )
}

/// A short name of an indicator for a column header, or `fallback` (its full name).
pub(crate) fn short_name(lang: Language, code: &str, fallback: &str) -> String {
    SHORT.iter().find(|s| s.0 == code).map_or_else(
        || fallback.to_string(),
        |s| pick(lang, s.1, s.2).to_string(),
    )
}

/// The sheet name of an indicator's gap list, if it has a short one.
pub(crate) fn gap_sheet_name(lang: Language, code: &str) -> Option<&'static str> {
    SHORT
        .iter()
        .find(|s| s.0 == code)
        .map(|s| pick(lang, s.3, s.4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        let mut keys = std::collections::HashSet::new();
        for (key, vi, en) in LABELS {
            assert!(keys.insert(*key), "label {key} twice");
            assert!(!vi.is_empty(), "label {key} has no Vietnamese");
            assert!(
                !en.is_empty() || *key == "months_word",
                "label {key} has no English"
            );
        }
        assert_eq!(label(Language::Vi, "sheet_indicators"), "Chỉ tiêu");
        assert_eq!(label(Language::En, "sheet_indicators"), "Indicators");
        assert_eq!(kind_label(Language::Vi, "thi_tran"), "Thị trấn");
        for (_, _, _, vi, en) in SHORT {
            assert!(vi.chars().count() <= 31 && en.chars().count() <= 31);
        }
    }
}
