//! What a spreadsheet holds: the kinds of record coso takes in and gives out, and each
//! kind's columns (Vietnamese and English headers, the type of the cell, whether it is
//! required, the choices of an enumeration). Templates, reading, validation and exports
//! all work from these lists, so a column is declared once.

use crate::domain::{
    ActivityKind, AskerGroup, AwardForm, AwardIssuer, DialogueTopic, DirectiveIssuer,
    DirectiveKind, Gender, HqModel, Organisation, PartyBody, Position, QuestionStatus, Rank,
    RecipientKind,
};

/// The version of the templates; a file made from an older one is refused
/// (`IMPORT_OLD_TEMPLATE`) so a column that changed meaning is never misread.
pub const TEMPLATE_VERSION: i64 = 1;

/// The name of the hidden sheet that says which template a workbook is.
pub const META_SHEET: &str = "_coso";

/// A kind of record kept in spreadsheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Officers and their postings (one row a posting).
    Officers,
    /// Party committee seats.
    Seats,
    /// Headquarters buildings.
    Headquarters,
    /// Directives and other documents.
    Directives,
    /// Union activities.
    Activities,
    /// Dialogue sessions and their questions (one row a question).
    Questions,
    /// Awards.
    Awards,
    /// Areas and their member units.
    Areas,
}

impl Kind {
    /// Every kind, in the order of the README.
    pub const ALL: [Kind; 8] = [
        Kind::Officers,
        Kind::Seats,
        Kind::Headquarters,
        Kind::Directives,
        Kind::Activities,
        Kind::Questions,
        Kind::Awards,
        Kind::Areas,
    ];

    /// The code in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Officers => "officers",
            Kind::Seats => "seats",
            Kind::Headquarters => "headquarters",
            Kind::Directives => "directives",
            Kind::Activities => "activities",
            Kind::Questions => "questions",
            Kind::Awards => "awards",
            Kind::Areas => "areas",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether only a province admin imports and exports the kind (province-level
    /// records: directives; the areas that scope everyone else).
    pub fn province_only(self) -> bool {
        matches!(self, Kind::Directives | Kind::Areas)
    }

    /// The data sheet's name.
    pub fn sheet_name(self, english: bool) -> &'static str {
        match (self, english) {
            (Kind::Officers, false) => "Can bo",
            (Kind::Officers, true) => "Officers",
            (Kind::Seats, false) => "Cap uy",
            (Kind::Seats, true) => "Party seats",
            (Kind::Headquarters, false) => "Tru so",
            (Kind::Headquarters, true) => "Headquarters",
            (Kind::Directives, false) => "Van ban",
            (Kind::Directives, true) => "Directives",
            (Kind::Activities, false) => "Hoat dong",
            (Kind::Activities, true) => "Union activities",
            (Kind::Questions, false) => "Doi thoai",
            (Kind::Questions, true) => "Dialogue questions",
            (Kind::Awards, false) => "Khen thuong",
            (Kind::Awards, true) => "Awards",
            (Kind::Areas, false) => "Dia ban",
            (Kind::Areas, true) => "Areas",
        }
    }

    /// The columns of the kind, in sheet order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Officers => OFFICERS,
            Kind::Seats => SEATS,
            Kind::Headquarters => HEADQUARTERS,
            Kind::Directives => DIRECTIVES,
            Kind::Activities => ACTIVITIES,
            Kind::Questions => QUESTIONS,
            Kind::Awards => AWARDS,
            Kind::Areas => AREAS,
        }
    }
}

/// What a cell holds.
#[derive(Clone, Copy, Debug)]
pub enum ColType {
    /// A line of text.
    Text,
    /// A unit (or area) code: text, leading zeros kept.
    Code,
    /// A day, dd/mm/yyyy.
    Date,
    /// A whole number.
    Int,
    /// A number.
    Number,
    /// One of a list: (stored code, Vietnamese label) pairs.
    Choice(fn() -> Vec<(&'static str, &'static str)>),
}

/// One column of a template.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Stable key (used in the JSON of errors).
    pub key: &'static str,
    /// Vietnamese header.
    pub vi: &'static str,
    /// English header.
    pub en: &'static str,
    /// Cell type.
    pub ty: ColType,
    /// Whether a row must fill it.
    pub required: bool,
    /// Column width, in characters.
    pub width: f64,
    /// The example row's value (as a person would type it in the Vietnamese template).
    pub example: &'static str,
}

impl Column {
    /// The header in the language asked for.
    pub fn header(&self, english: bool) -> &'static str {
        if english { self.en } else { self.vi }
    }
}

const fn col(
    key: &'static str,
    vi: &'static str,
    en: &'static str,
    ty: ColType,
    required: bool,
    width: f64,
    example: &'static str,
) -> Column {
    Column {
        key,
        vi,
        en,
        ty,
        required,
        width,
        example,
    }
}

macro_rules! choices {
    ($name:ident, $ty:ty) => {
        fn $name() -> Vec<(&'static str, &'static str)> {
            <$ty>::ALL
                .iter()
                .map(|v| (v.code(), v.label_vi()))
                .collect()
        }
    };
}

choices!(genders, Gender);
choices!(positions, Position);
choices!(bodies, PartyBody);
choices!(hq_models, HqModel);
choices!(directive_kinds, DirectiveKind);
choices!(directive_issuers, DirectiveIssuer);
choices!(organisations, Organisation);
choices!(activity_kinds, ActivityKind);
choices!(topics, DialogueTopic);
choices!(askers, AskerGroup);
choices!(question_statuses, QuestionStatus);
choices!(award_forms, AwardForm);
choices!(award_issuers, AwardIssuer);
choices!(recipient_kinds, RecipientKind);

/// Commune police ranks only (up to Trung tá): the template offers no general's rank.
fn ranks() -> Vec<(&'static str, &'static str)> {
    Rank::ALL
        .iter()
        .filter(|r| **r <= Rank::CHIEF_CAP)
        .map(|v| (v.code(), v.label_vi()))
        .collect()
}

fn yes_no() -> Vec<(&'static str, &'static str)> {
    vec![("yes", "Có"), ("no", "Không")]
}

fn area_kinds() -> Vec<(&'static str, &'static str)> {
    vec![
        ("district", "huyện (2024)"),
        ("custom", "tự định nghĩa"),
        ("unit", "một đơn vị"),
    ]
}

use ColType::{Choice, Code, Date, Int, Number, Text};

const UNIT: Column = col(
    "unit_code",
    "Mã đơn vị",
    "Unit code",
    Code,
    true,
    12.0,
    "21010",
);

static OFFICERS: &[Column] = &[
    UNIT,
    col(
        "full_name",
        "Họ và tên",
        "Full name",
        Text,
        true,
        28.0,
        "Nguyễn Văn An",
    ),
    col(
        "gender",
        "Giới tính",
        "Gender",
        Choice(genders),
        true,
        10.0,
        "Nam",
    ),
    col(
        "birth_year",
        "Năm sinh",
        "Birth year",
        Int,
        true,
        10.0,
        "1985",
    ),
    col(
        "rank",
        "Cấp bậc",
        "Rank",
        Choice(ranks),
        true,
        14.0,
        "Thiếu tá",
    ),
    col(
        "position",
        "Chức vụ",
        "Position",
        Choice(positions),
        true,
        22.0,
        "Trưởng Công an",
    ),
    col(
        "posted_from",
        "Ngày nhận công tác",
        "Posted from",
        Date,
        true,
        18.0,
        "01/03/2023",
    ),
    col(
        "posted_to",
        "Ngày thôi công tác",
        "Posted to",
        Date,
        false,
        18.0,
        "",
    ),
];

static SEATS: &[Column] = &[
    UNIT,
    col(
        "full_name",
        "Họ và tên",
        "Full name",
        Text,
        true,
        28.0,
        "Nguyễn Văn An",
    ),
    col(
        "birth_year",
        "Năm sinh",
        "Birth year",
        Int,
        true,
        10.0,
        "1985",
    ),
    col(
        "body",
        "Cấp ủy",
        "Committee",
        Choice(bodies),
        true,
        24.0,
        "Ban Chấp hành Đảng ủy",
    ),
    col("term", "Nhiệm kỳ", "Term", Text, true, 12.0, "2020-2025"),
    col(
        "started_on",
        "Ngày bắt đầu",
        "Started on",
        Date,
        true,
        14.0,
        "15/06/2020",
    ),
    col(
        "ended_on",
        "Ngày kết thúc",
        "Ended on",
        Date,
        false,
        14.0,
        "",
    ),
];

static HEADQUARTERS: &[Column] = &[
    UNIT,
    col(
        "model",
        "Mô hình",
        "Model",
        Choice(hq_models),
        true,
        18.0,
        "theo mô hình mới",
    ),
    col(
        "address",
        "Địa chỉ",
        "Address",
        Text,
        false,
        36.0,
        "Thôn 1, xã Tịnh Phong",
    ),
    col(
        "budget_million_vnd",
        "Kinh phí (triệu đồng)",
        "Budget (million VND)",
        Int,
        false,
        14.0,
        "4500",
    ),
    col(
        "floor_area_m2",
        "Diện tích sàn (m²)",
        "Floor area (m²)",
        Number,
        false,
        12.0,
        "320",
    ),
    col(
        "target_date",
        "Ngày dự kiến sử dụng",
        "Target date",
        Date,
        false,
        14.0,
        "30/06/2025",
    ),
    col(
        "approved_on",
        "Ngày phê duyệt",
        "Approved on",
        Date,
        false,
        14.0,
        "10/01/2024",
    ),
    col(
        "construction_started_on",
        "Ngày khởi công",
        "Construction started",
        Date,
        false,
        14.0,
        "01/04/2024",
    ),
    col(
        "in_use_on",
        "Ngày đưa vào sử dụng",
        "In use on",
        Date,
        false,
        14.0,
        "",
    ),
    col(
        "closed_on",
        "Ngày ngừng sử dụng",
        "Closed on",
        Date,
        false,
        14.0,
        "",
    ),
    col(
        "held_from",
        "Đơn vị quản lý từ ngày",
        "Held from",
        Date,
        false,
        14.0,
        "",
    ),
    col(
        "held_to",
        "Đơn vị quản lý đến ngày",
        "Held to",
        Date,
        false,
        14.0,
        "",
    ),
];

static DIRECTIVES: &[Column] = &[
    col("number", "Số hiệu", "Number", Text, true, 16.0, "12-NQ/TU"),
    col(
        "kind",
        "Loại văn bản",
        "Kind",
        Choice(directive_kinds),
        true,
        14.0,
        "Nghị quyết",
    ),
    col(
        "issuer",
        "Cơ quan ban hành",
        "Issuer",
        Choice(directive_issuers),
        true,
        16.0,
        "Tỉnh ủy",
    ),
    col(
        "title",
        "Trích yếu",
        "Title",
        Text,
        true,
        48.0,
        "Về xây dựng lực lượng Công an xã",
    ),
    col(
        "issued_on",
        "Ngày ban hành",
        "Issued on",
        Date,
        true,
        14.0,
        "05/02/2024",
    ),
];

static ACTIVITIES: &[Column] = &[
    col(
        "organisation",
        "Tổ chức",
        "Organisation",
        Choice(organisations),
        true,
        18.0,
        "Đoàn Thanh niên",
    ),
    col(
        "kind",
        "Loại hoạt động",
        "Kind",
        Choice(activity_kinds),
        true,
        22.0,
        "hoạt động tình nguyện",
    ),
    col(
        "name",
        "Tên hoạt động",
        "Name",
        Text,
        true,
        36.0,
        "Thắp sáng đường quê",
    ),
    col(
        "programme",
        "Chương trình",
        "Programme",
        Text,
        false,
        24.0,
        "",
    ),
    col(
        "unit_code",
        "Mã đơn vị",
        "Unit code",
        Code,
        false,
        12.0,
        "21010",
    ),
    col(
        "started_on",
        "Ngày bắt đầu",
        "Started on",
        Date,
        true,
        14.0,
        "26/03/2024",
    ),
    col(
        "ended_on",
        "Ngày kết thúc",
        "Ended on",
        Date,
        false,
        14.0,
        "",
    ),
    col(
        "maintained",
        "Duy trì",
        "Maintained",
        Choice(yes_no),
        true,
        10.0,
        "Có",
    ),
];

static QUESTIONS: &[Column] = &[
    col(
        "session_title",
        "Hội nghị đối thoại",
        "Dialogue session",
        Text,
        true,
        32.0,
        "Hội nghị đối thoại năm 2024",
    ),
    col(
        "held_on",
        "Ngày tổ chức",
        "Held on",
        Date,
        true,
        14.0,
        "20/11/2024",
    ),
    col(
        "topic",
        "Lĩnh vực",
        "Topic",
        Choice(topics),
        true,
        28.0,
        "Đề án 06",
    ),
    col(
        "asker_unit_code",
        "Mã đơn vị hỏi",
        "Asking unit code",
        Code,
        false,
        12.0,
        "21010",
    ),
    col(
        "asker_group",
        "Người hỏi",
        "Asked by",
        Choice(askers),
        true,
        24.0,
        "Trưởng Công an cấp xã",
    ),
    col(
        "question",
        "Câu hỏi",
        "Question",
        Text,
        true,
        48.0,
        "Đề nghị bổ sung thiết bị",
    ),
    col(
        "answering_department",
        "Đơn vị trả lời",
        "Answering department",
        Text,
        true,
        24.0,
        "Phòng Hậu cần",
    ),
    col("answer", "Trả lời", "Answer", Text, false, 48.0, ""),
    col(
        "status",
        "Tình trạng",
        "Status",
        Choice(question_statuses),
        true,
        14.0,
        "chưa trả lời",
    ),
    col(
        "asked_on",
        "Ngày hỏi",
        "Asked on",
        Date,
        true,
        14.0,
        "20/11/2024",
    ),
    col(
        "answered_on",
        "Ngày trả lời",
        "Answered on",
        Date,
        false,
        14.0,
        "",
    ),
];

static AWARDS: &[Column] = &[
    col(
        "form",
        "Hình thức",
        "Form",
        Choice(award_forms),
        true,
        14.0,
        "Bằng khen",
    ),
    col(
        "issuer",
        "Cấp khen",
        "Issuer",
        Choice(award_issuers),
        true,
        24.0,
        "Giám đốc Công an tỉnh",
    ),
    col(
        "recipient_kind",
        "Đối tượng",
        "Recipient",
        Choice(recipient_kinds),
        true,
        12.0,
        "cá nhân",
    ),
    UNIT,
    col(
        "full_name",
        "Họ và tên",
        "Full name",
        Text,
        false,
        28.0,
        "Nguyễn Văn An",
    ),
    col(
        "birth_year",
        "Năm sinh",
        "Birth year",
        Int,
        false,
        10.0,
        "1985",
    ),
    col(
        "awarded_on",
        "Ngày khen",
        "Awarded on",
        Date,
        true,
        14.0,
        "19/08/2024",
    ),
    col(
        "reason",
        "Thành tích",
        "Reason",
        Text,
        true,
        40.0,
        "Có thành tích xuất sắc",
    ),
];

static AREAS: &[Column] = &[
    col(
        "area_code",
        "Mã địa bàn",
        "Area code",
        Code,
        true,
        12.0,
        "NAM",
    ),
    col(
        "area_name",
        "Tên địa bàn",
        "Area name",
        Text,
        true,
        24.0,
        "Cụm phía Nam",
    ),
    col(
        "area_kind",
        "Loại",
        "Kind",
        Choice(area_kinds),
        true,
        16.0,
        "tự định nghĩa",
    ),
    UNIT,
    col("valid_from", "Từ ngày", "From", Date, false, 14.0, ""),
    col("valid_to", "Đến ngày", "To", Date, false, 14.0, ""),
];
