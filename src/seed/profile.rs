//! What differs between the demo and the synthetic tiers, as plain data handed to the
//! shared generator of the seed flow: seed, staffing rule, history window, dialogue
//! dates. The article's figures are given once here, for 173 units.

use chrono::NaiveDate;

use super::dates::{Window, const_date};

/// Officers in Quảng Ngãi's commune police (1,144 / 173 = 6.61).
pub(crate) const ARTICLE_OFFICERS: u64 = 1144;
/// Chiefs on the commune Party standing committee.
pub(crate) const ARTICLE_STANDING: u64 = 57;
/// Units with a new-model headquarters in use.
pub(crate) const ARTICLE_HQ_IN_USE: u64 = 60;
/// Volunteer activities ("over 100").
pub(crate) const ARTICLE_VOLUNTEER: u64 = 108;
/// Works and models built and maintained.
pub(crate) const ARTICLE_WORKS: u64 = 42;
/// Of the works, those of the relief-convoy programme (the rest are "Mẹ đỡ đầu").
pub(crate) const ARTICLE_CONVOY_WORKS: u64 = 12;

/// The districts of Quảng Ngãi in the mountains: Trà Bồng, Sơn Hà, Sơn Tây, Minh Long, Ba Tơ.
pub(crate) const QUANG_NGAI_MOUNTAIN: [&str; 5] = ["525", "529", "530", "531", "535"];

/// The last day any seeded event may fall on (plans, i.e. target dates, may be later).
pub(crate) const SEED_END: NaiveDate = const_date(2024, 12, 31);

/// How many officers each unit gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Staffing {
    /// The article's total scaled to the province, over floors per kind, spread with caps.
    ArticleTotal,
    /// An independent draw per unit from the range of its kind (5-7, or 8-20 for wards).
    PerKindRanges,
}

/// Parameters of one generator run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Profile {
    /// Base seed; each province mixes in its own code.
    pub seed: u64,
    pub staffing: Staffing,
    /// `valid_from` of every district and unit.
    pub valid_from: NaiveDate,
    /// The span postings, documents and activities are spread over.
    pub history: Window,
    /// One dialogue conference (with its awards) per date.
    pub sessions: &'static [NaiveDate],
    /// District codes (before any clone suffix) favoured for new headquarters.
    pub mountain_districts: &'static [&'static str],
}

/// The demo: Quảng Ngãi as the article reports it, history Feb 2020 to Oct 2024.
pub(crate) const DEMO: Profile = Profile {
    seed: 0x5155_414e_4720_4e47,
    staffing: Staffing::ArticleTotal,
    valid_from: const_date(2020, 2, 1),
    history: Window::new(const_date(2020, 2, 1), const_date(2024, 10, 31)),
    sessions: &[const_date(2024, 11, 15)],
    mountain_districts: &QUANG_NGAI_MOUNTAIN,
};

/// The synthetic tiers: 72 months of history (2019-2024), one dialogue a year.
pub(crate) const SYNTHETIC: Profile = Profile {
    seed: 0x434f_534f_5f53_594e,
    staffing: Staffing::PerKindRanges,
    valid_from: const_date(2019, 1, 1),
    history: Window::new(const_date(2019, 1, 1), SEED_END),
    sessions: &[
        const_date(2019, 11, 15),
        const_date(2020, 11, 13),
        const_date(2021, 11, 12),
        const_date(2022, 11, 11),
        const_date(2023, 11, 17),
        const_date(2024, 11, 15),
    ],
    mountain_districts: &QUANG_NGAI_MOUNTAIN,
};

impl Profile {
    /// Whether a district (its code possibly suffixed "-k" by cloning) is in the mountains.
    pub fn is_mountain(&self, district_code: &str) -> bool {
        let base = district_code.split('-').next().unwrap_or(district_code);
        self.mountain_districts.contains(&base)
    }

    /// The rng seed of one province: the base seed mixed with the province code.
    pub fn province_seed(&self, province_code: &str) -> u64 {
        province_code.bytes().fold(self.seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }
}
