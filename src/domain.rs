//! Domain vocabulary shared by every layer: the enumerated values of the data model,
//! with the text codes (or ordinals) they are stored as. Parsing a stored code back
//! never panics: an unknown code is an internal data error the caller reports.

/// Declares a domain enum with its stored text code and its Vietnamese label.
macro_rules! domain_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal / $vi:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Vietnamese label shown in reports.
            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),+ }
            }

            /// Parses a stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

domain_enum!(
    /// Kind of commune-level unit: the 2024 kinds and the special zone (đặc khu) that
    /// exists since 1 Jul 2025 (Lý Sơn); there is no thị trấn since then.
    UnitKind {
        /// Xã (rural commune).
        Xa = "xa" / "xã",
        /// Phường (urban ward).
        Phuong = "phuong" / "phường",
        /// Thị trấn (township; none since 1 Jul 2025).
        ThiTran = "thi_tran" / "thị trấn",
        /// Đặc khu (commune-level special zone, since 1 Jul 2025: Lý Sơn).
        DacKhu = "dac_khu" / "đặc khu",
    }
);

impl UnitKind {
    /// Maps a Vietnamese type label (`xã`, `phường`, `thị trấn`, `đặc khu`; also the
    /// `ward_type` column of the reference CSV).
    pub fn from_vi(label: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.label_vi() == label)
    }

    /// The kind a unit's name starts with ("Thị trấn Sông Vệ" is a thị trấn).
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|k| lower.starts_with(&format!("{} ", k.label_vi())))
    }

    /// The English form of a unit's name: without diacritics, the kind after the name
    /// ("Xã An Phú" → "An Phu Commune", as in the GSO lists).
    pub fn english_name(self, name: &str) -> String {
        let bare = name
            .get(self.label_vi().len()..)
            .filter(|_| name.to_lowercase().starts_with(self.label_vi()))
            .map_or(name, str::trim_start);
        format!("{} {}", crate::text::ascii_name(bare), self.label_en())
    }

    /// The English word that follows the name ("An Phu Commune").
    pub fn label_en(self) -> &'static str {
        match self {
            UnitKind::Xa => "Commune",
            UnitKind::Phuong => "Ward",
            UnitKind::ThiTran => "Township",
            UnitKind::DacKhu => "Special Zone",
        }
    }
}

domain_enum!(
    /// Police rank, lowest to highest (stored as its ordinal, see [`Rank::ordinal`]).
    Rank {
        BinhNhi = "binh_nhi" / "Binh nhì",
        BinhNhat = "binh_nhat" / "Binh nhất",
        HaSi = "ha_si" / "Hạ sĩ",
        TrungSi = "trung_si" / "Trung sĩ",
        ThuongSi = "thuong_si" / "Thượng sĩ",
        ThieuUy = "thieu_uy" / "Thiếu úy",
        TrungUy = "trung_uy" / "Trung úy",
        ThuongUy = "thuong_uy" / "Thượng úy",
        DaiUy = "dai_uy" / "Đại úy",
        ThieuTa = "thieu_ta" / "Thiếu tá",
        TrungTa = "trung_ta" / "Trung tá",
        ThuongTa = "thuong_ta" / "Thượng tá",
        DaiTa = "dai_ta" / "Đại tá",
        ThieuTuong = "thieu_tuong" / "Thiếu tướng",
        TrungTuong = "trung_tuong" / "Trung tướng",
        ThuongTuong = "thuong_tuong" / "Thượng tướng",
        DaiTuong = "dai_tuong" / "Đại tướng",
    }
);

impl Rank {
    /// The highest rank a commune police chief may hold (2018 Law on the People's Public Security).
    pub const CHIEF_CAP: Rank = Rank::TrungTa;

    /// 1 (Binh nhì) to 17 (Đại tướng): the stored value.
    pub fn ordinal(self) -> i32 {
        Self::ALL
            .iter()
            .position(|r| *r == self)
            .map_or(0, |i| i as i32 + 1)
    }

    /// Parses a stored ordinal.
    pub fn from_ordinal(n: i32) -> Option<Self> {
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

domain_enum!(
    /// Position of an officer in the unit.
    Position {
        /// Trưởng Công an xã.
        Chief = "chief" / "Trưởng Công an",
        /// Phó Trưởng Công an xã.
        Deputy = "deputy" / "Phó Trưởng Công an",
        /// Cán bộ, chiến sĩ.
        Officer = "officer" / "Cán bộ, chiến sĩ",
    }
);

domain_enum!(
    /// Gender of an officer.
    Gender {
        Male = "male" / "Nam",
        Female = "female" / "Nữ",
    }
);

domain_enum!(
    /// Body of the commune Party committee.
    PartyBody {
        /// Ban Chấp hành Đảng ủy.
        ExecutiveCommittee = "executive" / "Ban Chấp hành Đảng ủy",
        /// Ban Thường vụ Đảng ủy.
        StandingCommittee = "standing" / "Ban Thường vụ Đảng ủy",
    }
);

domain_enum!(
    /// Model of a headquarters building.
    HqModel {
        /// Built on the new (standard) model.
        New = "new" / "theo mô hình mới",
        /// An older building of the unit's own.
        Legacy = "legacy" / "trụ sở cũ",
        /// Temporary premises.
        Temporary = "temporary" / "trụ sở tạm",
        /// Shared with another body (e.g. the commune People's Committee).
        Shared = "shared" / "dùng chung",
    }
);

domain_enum!(
    /// Status of a headquarters on a given day, derived from its dates.
    HqStatus {
        Planned = "planned" / "chưa phê duyệt",
        Approved = "approved" / "đã phê duyệt",
        UnderConstruction = "under_construction" / "đang xây dựng",
        InUse = "in_use" / "đã đưa vào sử dụng",
        Closed = "closed" / "ngừng sử dụng",
    }
);

domain_enum!(
    /// Kind of leadership or direction document.
    DirectiveKind {
        Resolution = "resolution" / "Nghị quyết",
        Directive = "directive" / "Chỉ thị",
        Conclusion = "conclusion" / "Kết luận",
        Plan = "plan" / "Kế hoạch",
        Decision = "decision" / "Quyết định",
        OfficialLetter = "official_letter" / "Công văn",
    }
);

domain_enum!(
    /// Body issuing a document.
    DirectiveIssuer {
        /// Tỉnh ủy.
        ProvincialPartyCommittee = "provincial_party_committee" / "Tỉnh ủy",
        /// UBND tỉnh.
        ProvincialPeoplesCommittee = "provincial_peoples_committee" / "UBND tỉnh",
        /// Công an tỉnh.
        PoliceDepartment = "police_department" / "Công an tỉnh",
    }
);

domain_enum!(
    /// Mass organisation running an activity.
    Organisation {
        /// Đoàn Thanh niên.
        YouthUnion = "youth_union" / "Đoàn Thanh niên",
        /// Hội Phụ nữ.
        WomensAssociation = "womens_association" / "Hội Phụ nữ",
    }
);

domain_enum!(
    /// Kind of union activity.
    ActivityKind {
        /// Hoạt động tình nguyện.
        VolunteerActivity = "volunteer_activity" / "hoạt động tình nguyện",
        /// Công trình, mô hình.
        WorkOrModel = "work_or_model" / "công trình, mô hình",
        /// Chương trình.
        Programme = "programme" / "chương trình",
    }
);

domain_enum!(
    /// The six topics of the dialogue conference.
    DialogueTopic {
        GrassrootsSecurity = "grassroots_security" / "An ninh, trật tự tại cơ sở",
        Project06 = "project_06" / "Đề án 06",
        PartyBuilding = "party_building" / "Xây dựng Đảng, đảng viên",
        OrganisationPersonnel = "organisation_personnel" / "Tổ chức cán bộ, chế độ, chính sách",
        EmulationCommendation = "emulation_commendation" / "Thi đua, khen thưởng",
        LogisticsTechnical = "logistics_technical" / "Hậu cần, kỹ thuật",
    }
);

domain_enum!(
    /// Who raised a dialogue question.
    AskerGroup {
        /// A commune police chief.
        Chief = "chief" / "Trưởng Công an cấp xã",
        /// A youth union representative.
        Youth = "youth" / "Đại diện thanh niên",
        /// A women's association representative.
        Women = "women" / "Đại diện phụ nữ",
    }
);

domain_enum!(
    /// Whether a dialogue question has been answered.
    QuestionStatus {
        Open = "open" / "chưa trả lời",
        Answered = "answered" / "đã trả lời",
    }
);

domain_enum!(
    /// Form of an award.
    AwardForm {
        /// Bằng khen.
        CertificateOfMerit = "certificate_of_merit" / "Bằng khen",
        /// Giấy khen.
        CertificateOfCommendation = "certificate_of_commendation" / "Giấy khen",
    }
);

domain_enum!(
    /// Who issued an award.
    AwardIssuer {
        /// Bộ trưởng Bộ Công an.
        Minister = "minister" / "Bộ trưởng Bộ Công an",
        /// Chủ tịch UBND tỉnh.
        ProvincialChairman = "provincial_chairman" / "Chủ tịch UBND tỉnh",
        /// Giám đốc Công an tỉnh.
        Director = "director" / "Giám đốc Công an tỉnh",
    }
);

domain_enum!(
    /// Whether an award went to a collective or an individual.
    RecipientKind {
        /// Tập thể.
        Collective = "collective" / "tập thể",
        /// Cá nhân.
        Individual = "individual" / "cá nhân",
    }
);

domain_enum!(
    /// Role of an API token.
    Role {
        /// All reads and writes.
        Admin = "admin" / "quản trị",
        /// All reads, including officers' personal data.
        Analyst = "analyst" / "phân tích",
        /// Reads without personal data.
        Viewer = "viewer" / "xem",
    }
);

domain_enum!(
    /// What a report schedule sends.
    ReportKind {
        /// The monthly overview: headline indicators, trajectory, districts, gap lists.
        MonthlyOverview = "monthly_overview" / "Báo cáo tổng hợp hằng tháng",
    }
);

domain_enum!(
    /// Language of a report.
    ReportLanguage {
        /// Vietnamese (the default).
        Vi = "vi" / "Tiếng Việt",
        /// English.
        En = "en" / "Tiếng Anh",
    }
);

domain_enum!(
    /// A format a report is delivered in.
    ReportFormat {
        /// The HTML body with inline charts (and its plain-text part).
        Html = "html" / "HTML",
        /// An Excel workbook attachment.
        Xlsx = "xlsx" / "Excel",
        /// A CSV attachment.
        Csv = "csv" / "CSV",
    }
);

domain_enum!(
    /// What happens to runs missed while every replica was down.
    MissedPolicy {
        /// Skip them.
        Skip = "skip" / "bỏ qua",
        /// Run the latest missed one, once.
        Latest = "latest" / "chạy lần gần nhất",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_ordinals_round_trip_and_order() {
        for r in Rank::ALL {
            assert_eq!(Rank::from_ordinal(r.ordinal()), Some(*r));
        }
        assert!(Rank::ThieuTa.ordinal() < Rank::CHIEF_CAP.ordinal());
        assert_eq!(Rank::from_ordinal(0), None);
        assert_eq!(Rank::from_ordinal(18), None);
    }

    #[test]
    fn unit_kind_parses_reference_labels() {
        assert_eq!(UnitKind::from_vi("thị trấn"), Some(UnitKind::ThiTran));
        assert_eq!(UnitKind::from_code("phuong"), Some(UnitKind::Phuong));
        assert_eq!(UnitKind::from_vi("huyện"), None);
    }
}
