//! Fixed Vietnamese texts the generators of the seed flow draw from: the 16 leadership
//! documents, union activities, works and programmes, and award reasons.

use chrono::NaiveDate;

use super::dates::{Window, const_date};
use super::profile::SEED_END;
use crate::domain::DirectiveIssuer::{
    ProvincialPartyCommittee as TU, ProvincialPeoplesCommittee as UBND,
};
use crate::domain::DirectiveKind as K;
use crate::domain::{AwardIssuer, DirectiveIssuer, DirectiveKind, Organisation, RecipientKind};

/// A leadership or direction document, without its number and exact date.
pub(crate) struct DocumentTemplate {
    pub kind: DirectiveKind,
    pub issuer: DirectiveIssuer,
    pub title: &'static str,
    /// When it was issued (clamped to the profile's history).
    pub issued: Window,
}

const fn year(y: i32) -> Window {
    Window::new(const_date(y, 1, 1), const_date(y, 12, 31))
}

const fn doc(
    kind: DirectiveKind,
    issuer: DirectiveIssuer,
    title: &'static str,
    issued: Window,
) -> DocumentTemplate {
    DocumentTemplate {
        kind,
        issuer,
        title,
        issued,
    }
}

/// The 16 documents the provincial police advised the Party committee and the
/// People's Committee to issue, in the order they were issued.
pub(crate) const DOCUMENTS: [DocumentTemplate; 16] = [
    doc(
        K::Plan,
        UBND,
        "Kế hoạch triển khai bố trí Công an chính quy đảm nhiệm các chức danh Công an xã, thị trấn trên địa bàn tỉnh",
        Window::new(const_date(2020, 1, 1), const_date(2020, 4, 30)),
    ),
    doc(
        K::Directive,
        TU,
        "Chỉ thị về tăng cường sự lãnh đạo của cấp ủy Đảng đối với việc bố trí Công an chính quy đảm nhiệm các chức danh Công an xã, thị trấn",
        Window::new(const_date(2020, 3, 1), const_date(2020, 6, 30)),
    ),
    doc(
        K::OfficialLetter,
        TU,
        "Công văn về việc bố trí trụ sở làm việc, nơi ăn, nghỉ cho Công an xã chính quy",
        Window::new(const_date(2020, 6, 1), const_date(2020, 9, 30)),
    ),
    doc(
        K::OfficialLetter,
        UBND,
        "Công văn về việc bố trí quỹ đất xây dựng trụ sở làm việc Công an xã, thị trấn",
        Window::new(const_date(2020, 9, 1), const_date(2020, 12, 31)),
    ),
    doc(
        K::Decision,
        UBND,
        "Quyết định ban hành Quy chế phối hợp giữa Công an tỉnh và Ủy ban nhân dân cấp huyện trong xây dựng lực lượng Công an xã, phường, thị trấn",
        Window::new(const_date(2021, 1, 1), const_date(2021, 5, 31)),
    ),
    doc(
        K::Resolution,
        TU,
        "Nghị quyết về xây dựng lực lượng Công an xã, phường, thị trấn trong sạch, vững mạnh, chính quy, tinh nhuệ, hiện đại giai đoạn 2021 - 2025, định hướng đến năm 2030",
        Window::new(const_date(2021, 4, 1), const_date(2021, 8, 31)),
    ),
    doc(
        K::Decision,
        UBND,
        "Quyết định phê duyệt danh mục đầu tư xây dựng trụ sở làm việc Công an xã, thị trấn giai đoạn 2021 - 2025",
        Window::new(const_date(2021, 8, 1), const_date(2021, 12, 31)),
    ),
    doc(
        K::Plan,
        UBND,
        "Kế hoạch triển khai Đề án 06 về phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử trên địa bàn tỉnh",
        Window::new(const_date(2022, 2, 1), const_date(2022, 5, 31)),
    ),
    doc(
        K::Plan,
        TU,
        "Kế hoạch thực hiện Nghị quyết số 12-NQ/TW của Bộ Chính trị về đẩy mạnh xây dựng lực lượng Công an nhân dân thật sự trong sạch, vững mạnh, chính quy, tinh nhuệ, hiện đại",
        Window::new(const_date(2022, 5, 1), const_date(2022, 9, 30)),
    ),
    doc(
        K::Decision,
        UBND,
        "Quyết định phân bổ vốn hỗ trợ xây dựng trụ sở làm việc Công an xã năm 2022",
        year(2022),
    ),
    doc(
        K::Conclusion,
        TU,
        "Kết luận của Ban Thường vụ Tỉnh ủy về giới thiệu Trưởng Công an xã tham gia Ban Chấp hành, Ban Thường vụ Đảng ủy xã",
        Window::new(const_date(2023, 1, 1), const_date(2023, 6, 30)),
    ),
    doc(
        K::Directive,
        UBND,
        "Chỉ thị về tăng cường công tác bảo đảm an ninh, trật tự ở cơ sở, phát huy vai trò nòng cốt của Công an xã, phường, thị trấn",
        Window::new(const_date(2023, 3, 1), const_date(2023, 9, 30)),
    ),
    doc(
        K::Decision,
        TU,
        "Quyết định về phân cấp quản lý cán bộ đối với Trưởng Công an xã, phường, thị trấn",
        Window::new(const_date(2023, 7, 1), const_date(2023, 12, 31)),
    ),
    doc(
        K::Plan,
        UBND,
        "Kế hoạch đầu tư xây dựng trụ sở làm việc Công an xã, thị trấn giai đoạn 2024 - 2025, bảo đảm 100% Công an xã có trụ sở làm việc mới",
        Window::new(const_date(2024, 1, 1), const_date(2024, 4, 30)),
    ),
    doc(
        K::OfficialLetter,
        UBND,
        "Công văn về việc đẩy nhanh tiến độ xây dựng trụ sở làm việc Công an xã theo mô hình mới",
        Window::new(const_date(2024, 4, 1), const_date(2024, 8, 31)),
    ),
    doc(
        K::Decision,
        UBND,
        "Quyết định phân bổ kinh phí mua sắm trang thiết bị, phương tiện cho Công an xã, phường, thị trấn năm 2024",
        year(2024),
    ),
];

/// Volunteer activities, with the organisation running them.
pub(crate) const VOLUNTEER: [(Organisation, &str); 16] = [
    (
        Organisation::YouthUnion,
        "Ra quân Chiến dịch Thanh niên tình nguyện hè",
    ),
    (Organisation::YouthUnion, "Hiến máu tình nguyện"),
    (Organisation::YouthUnion, "Thắp sáng đường quê"),
    (Organisation::YouthUnion, "Ngày Chủ nhật xanh"),
    (
        Organisation::YouthUnion,
        "Hỗ trợ người dân kích hoạt tài khoản định danh điện tử VNeID",
    ),
    (
        Organisation::YouthUnion,
        "Tuyên truyền phòng, chống ma túy trong trường học",
    ),
    (
        Organisation::YouthUnion,
        "Tuyên truyền phòng, chống lừa đảo trên không gian mạng",
    ),
    (
        Organisation::YouthUnion,
        "Giúp dân khắc phục hậu quả mưa lũ",
    ),
    (
        Organisation::YouthUnion,
        "Tặng xe đạp cho học sinh nghèo vượt khó",
    ),
    (Organisation::YouthUnion, "Làm đường giao thông nông thôn"),
    (
        Organisation::WomensAssociation,
        "Tặng quà cho phụ nữ, trẻ em có hoàn cảnh khó khăn",
    ),
    (Organisation::WomensAssociation, "Vui Tết Trung thu cho em"),
    (
        Organisation::WomensAssociation,
        "Tặng áo ấm cho trẻ em vùng cao",
    ),
    (
        Organisation::WomensAssociation,
        "Tuyên truyền phòng, chống bạo lực gia đình",
    ),
    (
        Organisation::WomensAssociation,
        "Trao sinh kế cho hội viên phụ nữ nghèo",
    ),
    (
        Organisation::WomensAssociation,
        "Khám bệnh, cấp thuốc miễn phí cho người dân",
    ),
];

/// A named programme and the works and models built under it.
pub(crate) struct Programme {
    pub name: &'static str,
    pub organisation: Organisation,
    /// When the programme started; its works are built from then until `until`.
    pub started: NaiveDate,
    pub until: NaiveDate,
    pub works: [(Organisation, &'static str); 3],
}

/// "Mẹ đỡ đầu" (godmother).
pub(crate) const GODMOTHER: Programme = Programme {
    name: "Mẹ đỡ đầu",
    organisation: Organisation::WomensAssociation,
    started: const_date(2021, 5, 20),
    until: SEED_END,
    works: [
        (
            Organisation::WomensAssociation,
            "Mô hình \"Mẹ đỡ đầu\" nhận đỡ đầu trẻ em mồ côi",
        ),
        (
            Organisation::WomensAssociation,
            "Nhận đỡ đầu học sinh có hoàn cảnh đặc biệt khó khăn",
        ),
        (
            Organisation::YouthUnion,
            "Tủ sách \"Mẹ đỡ đầu\" cho học sinh vùng cao",
        ),
    ],
};

/// "Chuyến xe nghĩa tình - Hướng về miền Bắc yêu thương" (relief convoy after typhoon Yagi).
pub(crate) const CONVOY: Programme = Programme {
    name: "Chuyến xe nghĩa tình - Hướng về miền Bắc yêu thương",
    organisation: Organisation::YouthUnion,
    started: const_date(2024, 9, 12),
    until: const_date(2024, 10, 31),
    works: [
        (
            Organisation::YouthUnion,
            "Chuyến xe nghĩa tình chở hàng cứu trợ đồng bào miền Bắc",
        ),
        (
            Organisation::WomensAssociation,
            "Quyên góp nhu yếu phẩm hướng về miền Bắc yêu thương",
        ),
        (
            Organisation::YouthUnion,
            "Điểm tiếp nhận hàng cứu trợ đồng bào miền Bắc",
        ),
    ],
};

/// Awards handed over at each conference: issuer, recipient kind, count for 173 units.
pub(crate) const AWARD_MIX: [(AwardIssuer, RecipientKind, u64); 4] = [
    (AwardIssuer::Minister, RecipientKind::Collective, 3),
    (AwardIssuer::Minister, RecipientKind::Individual, 4),
    (
        AwardIssuer::ProvincialChairman,
        RecipientKind::Collective,
        8,
    ),
    (
        AwardIssuer::ProvincialChairman,
        RecipientKind::Individual,
        10,
    ),
];

/// Reasons for an award to a unit (" năm <year>" is appended).
pub(crate) const COLLECTIVE_REASONS: [&str; 3] = [
    "Đã có thành tích xuất sắc trong xây dựng lực lượng Công an xã chính quy, vững mạnh",
    "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
    "Đã có thành tích xuất sắc trong thực hiện Đề án 06",
];

/// Reasons for an award to an officer (" năm <year>" is appended).
pub(crate) const INDIVIDUAL_REASONS: [&str; 3] = [
    "Đã có thành tích xuất sắc trong công tác bảo đảm an ninh, trật tự ở cơ sở",
    "Đã có thành tích xuất sắc trong đấu tranh phòng, chống tội phạm",
    "Đã có thành tích xuất sắc trong thực hiện Đề án 06",
];
