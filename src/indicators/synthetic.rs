//! Synthetic records for benchmarks, before the engine in the data flow: deterministic
//! (seeded) rows of any number of units with officers, seats, headquarters and dated
//! records spread over a history, built without a database. Optionally the units merge
//! on a day ([`Merger`]), in groups, into the first of each group, which keeps its code
//! (a second period of the code), as on 1/7/2025: the postings in force move to it, its
//! predecessors' other chiefs become deputies, their committee seats end. (The seeded
//! national tier, `seed::national`, has the real structures; this one has their shape.)

use chrono::{Days, NaiveDate};
use polars::prelude::PolarsResult;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::frames::{Frames, TOPICS};
use super::rows::{
    ActivityRow, AwardRow, DirectiveRow, DistrictRow, HeadquartersRow, MembershipRow, OfficerRow,
    QuestionRow, Rows, UnitRow,
};

/// The shape of a synthetic data set.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthetic {
    /// Units in all.
    pub units: usize,
    /// Units per district.
    pub units_per_district: usize,
    /// Districts per province.
    pub districts_per_province: usize,
    /// Mean officers in post per unit (about 6.6 in the article).
    pub officers_per_unit: f64,
    /// First day of the history.
    pub history_from: NaiveDate,
    /// Last day of the history.
    pub history_to: NaiveDate,
    /// Seed of the generator: the same seed gives the same rows.
    pub seed: u64,
    /// A restructuring after the history, if any.
    pub merger: Option<Merger>,
}

/// Units merging on a day, `group` consecutive units of a district (or what is left of
/// it) into the first of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merger {
    /// The first day of the merged units.
    pub on: NaiveDate,
    /// Units per merged unit.
    pub group: usize,
}

impl Synthetic {
    /// The national tier: 10,595 units in 63 provinces, about 70k officers, 72 months
    /// of history (2019-2024).
    pub fn national() -> Self {
        Self {
            units: 10_595,
            units_per_district: 15,
            districts_per_province: 12,
            officers_per_unit: 6.6,
            history_from: date(2019, 1, 1),
            history_to: date(2024, 12, 31),
            seed: 2024,
            merger: None,
        }
    }

    /// The national tier merged on 1/7/2025 three units into one (10,595 → 3,532 units,
    /// about the 3,321 of the real change).
    pub fn national_merged() -> Self {
        Self {
            merger: Some(Merger {
                on: date(2025, 7, 1),
                group: 3,
            }),
            ..Self::national()
        }
    }

    /// A province-sized tier (173 units).
    pub fn province() -> Self {
        Self {
            units: 173,
            units_per_district: 13,
            districts_per_province: 14,
            ..Self::national()
        }
    }
}

/// A known-good date (the generator only builds valid ones).
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The rows of a synthetic data set.
pub fn bench_rows(spec: &Synthetic) -> Rows {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(spec.seed),
        spec,
        rows: Rows::default(),
        next_id: 1,
    };
    for i in 0..spec.units {
        g.unit(i);
    }
    g.districts();
    g.province_records();
    if let Some(m) = spec.merger {
        g.merge(m);
    }
    g.rows
}

/// The frames of a synthetic data set.
pub fn bench_frames(spec: &Synthetic) -> PolarsResult<Frames> {
    Frames::from_rows(&bench_rows(spec))
}

/// The generator's state.
struct Gen<'a> {
    rng: ChaCha8Rng,
    spec: &'a Synthetic,
    rows: Rows,
    next_id: i32,
}

impl Gen<'_> {
    /// A fresh id.
    fn id(&mut self) -> i32 {
        self.next_id += 1;
        self.next_id
    }

    /// A day in `from..=to` (`from` when the range is empty).
    fn day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + Days::new(self.rng.random_range(0..=span))
    }

    /// A day of the history.
    fn history_day(&mut self) -> NaiveDate {
        self.day(self.spec.history_from, self.spec.history_to)
    }

    /// `d` plus `lo..=hi` days.
    fn after(&mut self, d: NaiveDate, lo: u64, hi: u64) -> NaiveDate {
        d + Days::new(self.rng.random_range(lo..=hi))
    }

    /// One unit with its officers, seats, headquarters and unit records.
    fn unit(&mut self, i: usize) {
        let district = i / self.spec.units_per_district;
        let province = district / self.spec.districts_per_province;
        let kind = match i % 10 {
            7 | 8 => "phuong",
            9 => "thi_tran",
            _ => "xa",
        };
        let code = format!("{:05}", i + 1);
        let early = date(2003, 1, 1);
        let (valid_from, valid_to) = match self.rng.random_range(0..100) {
            0 | 1 => (self.history_day(), None),
            2 | 3 => (early, Some(self.history_day())),
            _ => (early, None),
        };
        self.rows.units.push(UnitRow {
            code: code.clone(),
            name: format!("Xã {}", i + 1),
            district_code: format!("{:03}", district + 1),
            province_code: format!("{:02}", province + 1),
            kind: kind.into(),
            valid_from,
            valid_to,
        });
        self.staff(&code, kind);
        self.headquarters(&code);
        self.unit_records(&code);
    }

    /// The officers of a unit: a chief (sometimes after an earlier one), deputies and
    /// officers, some of them gone.
    fn staff(&mut self, unit: &str, kind: &str) {
        let extra = if kind == "phuong" { 2.0 } else { 0.0 };
        let mean = self.spec.officers_per_unit + extra - 0.5;
        let n = (mean + self.rng.random_range(-2.0..2.0)).round().max(2.0) as usize;
        if self.rng.random_bool(0.2) {
            let from = self.day(date(2017, 1, 1), date(2020, 12, 31));
            let to = self.after(from, 200, 1200);
            self.officer(unit, "chief", from, Some(to));
        }
        let chief_from = self.day(date(2018, 1, 1), date(2023, 12, 31));
        self.officer(unit, "chief", chief_from, None);
        for k in 1..n {
            let position = if k <= 2 { "deputy" } else { "officer" };
            let from = self.day(date(2017, 1, 1), self.spec.history_to);
            let to = self
                .rng
                .random_bool(0.12)
                .then(|| self.after(from, 90, 1500));
            self.officer(unit, position, from, to);
        }
    }

    /// One officer, and the seats of a chief or deputy.
    fn officer(&mut self, unit: &str, position: &str, from: NaiveDate, to: Option<NaiveDate>) {
        let id = self.id();
        self.rows.officers.push(OfficerRow {
            id,
            unit_code: unit.into(),
            position: position.into(),
            posted_from: from,
            posted_to: to,
        });
        let executive = position == "chief" || self.rng.random_bool(0.4);
        if position == "officer" || !executive {
            return;
        }
        let start = self.after(from, 0, 240);
        self.seat(id, unit, "executive", start, to);
        if position == "chief" && self.rng.random_bool(0.33) {
            let start = self.after(start, 0, 365);
            self.seat(id, unit, "standing", start, to);
        }
    }

    /// One committee seat.
    fn seat(&mut self, id: i32, unit: &str, body: &str, start: NaiveDate, end: Option<NaiveDate>) {
        self.rows.memberships.push(MembershipRow {
            officer_id: id,
            unit_code: unit.into(),
            body: body.into(),
            started_on: start,
            ended_on: end,
        });
    }

    /// The unit's current premises and, for about a third, a new building in use (the
    /// others with a new building planned, approved or under construction).
    fn headquarters(&mut self, unit: &str) {
        let models = ["legacy", "temporary", "shared"];
        let old_model = models[self.rng.random_range(0..models.len())];
        let built = self.rng.random_bool(0.35);
        let in_use = built.then(|| self.history_day());
        self.rows.headquarters.push(HeadquartersRow {
            unit_code: unit.into(),
            model: old_model.into(),
            approved_on: None,
            construction_started_on: None,
            in_use_on: Some(date(2018, 7, 1)),
            closed_on: in_use,
            target_date: None,
        });
        let stage = self.rng.random_range(0..3);
        let approved = self.day(date(2021, 1, 1), date(2024, 6, 30));
        let started = self.after(approved, 60, 240);
        let target = self.day(date(2024, 7, 1), date(2025, 12, 31));
        self.rows.headquarters.push(HeadquartersRow {
            unit_code: unit.into(),
            model: "new".into(),
            approved_on: (built || stage > 0).then_some(approved),
            construction_started_on: (built || stage > 1).then_some(started),
            in_use_on: in_use,
            closed_on: None,
            target_date: Some(in_use.unwrap_or(target)),
        });
    }

    /// Activities and awards of a unit.
    fn unit_records(&mut self, unit: &str) {
        if self.rng.random_bool(0.3) {
            self.activity(Some(unit.into()), "volunteer_activity");
        }
        if self.rng.random_bool(0.05) {
            self.activity(Some(unit.into()), "work_or_model");
        }
        if self.rng.random_bool(0.2) {
            let on = self.history_day();
            let id = self.id();
            let collective = self.rng.random_bool(0.5);
            self.rows.awards.push(AwardRow {
                id,
                form: if collective {
                    "certificate_of_merit"
                } else {
                    "certificate_of_commendation"
                }
                .into(),
                issuer: ["minister", "provincial_chairman", "director"]
                    [self.rng.random_range(0..3)]
                .into(),
                recipient_kind: if collective {
                    "collective"
                } else {
                    "individual"
                }
                .into(),
                unit_code: unit.into(),
                awarded_on: on,
            });
        }
    }

    /// One union activity.
    fn activity(&mut self, unit: Option<String>, kind: &str) {
        let started_on = self.history_day();
        let ended_on = self
            .rng
            .random_bool(0.2)
            .then(|| self.after(started_on, 30, 700));
        let id = self.id();
        self.rows.activities.push(ActivityRow {
            id,
            kind: kind.into(),
            organisation: if id % 2 == 0 {
                "youth_union"
            } else {
                "womens_association"
            }
            .into(),
            unit_code: unit,
            started_on,
            ended_on,
            maintained: kind == "work_or_model" && self.rng.random_bool(0.85),
        });
    }

    /// Every group of `m.group` units of a district merges into its first on `m.on`.
    fn merge(&mut self, m: Merger) {
        use std::collections::HashMap;
        let mut home: HashMap<String, String> = HashMap::new();
        let mut kept = Vec::new();
        let in_force = |u: &UnitRow| u.valid_from < m.on && u.valid_to.is_none_or(|t| t > m.on);
        for district in self
            .rows
            .units
            .chunk_by(|a, b| a.district_code == b.district_code)
        {
            let live: Vec<&UnitRow> = district.iter().filter(|u| in_force(u)).collect();
            for group in live.chunks(m.group.max(1)) {
                let Some(first) = group.first() else { continue };
                kept.push(UnitRow {
                    valid_from: m.on,
                    valid_to: None,
                    ..(*first).clone()
                });
                for u in group {
                    home.insert(u.code.clone(), first.code.clone());
                }
            }
        }
        for u in self
            .rows
            .units
            .iter_mut()
            .filter(|u| home.contains_key(&u.code))
        {
            u.valid_to = Some(m.on);
        }
        self.rows.units.extend(kept);
        let mut moved = Vec::new();
        for o in &mut self.rows.officers {
            let Some(to) = home.get(&o.unit_code) else {
                continue;
            };
            if o.posted_from >= m.on || o.posted_to.is_some_and(|t| t <= m.on) {
                continue;
            }
            let position = if o.position == "chief" && o.unit_code != *to {
                "deputy".to_owned()
            } else {
                o.position.clone()
            };
            moved.push(OfficerRow {
                id: 0,
                unit_code: to.clone(),
                position,
                posted_from: m.on,
                posted_to: o.posted_to,
            });
            o.posted_to = Some(m.on);
        }
        for mut o in moved {
            o.id = self.id();
            self.rows.officers.push(o);
        }
        for s in &mut self.rows.memberships {
            if home.contains_key(&s.unit_code) && s.ended_on.is_none_or(|e| e > m.on) {
                s.ended_on = Some(m.on);
            }
        }
    }

    /// The districts of the units.
    fn districts(&mut self) {
        let mut seen = std::collections::BTreeMap::new();
        for u in &self.rows.units {
            seen.entry(u.district_code.clone())
                .or_insert_with(|| u.province_code.clone());
        }
        self.rows.districts = seen
            .into_iter()
            .map(|(code, province_code)| DistrictRow {
                name: format!("Huyện {code}"),
                code,
                province_code,
            })
            .collect();
    }

    /// Documents, province-wide activities and dialogue questions (not per unit).
    fn province_records(&mut self) {
        let provinces = self
            .spec
            .units
            .div_ceil((self.spec.units_per_district * self.spec.districts_per_province).max(1));
        for _ in 0..provinces {
            for _ in 0..16 {
                let id = self.id();
                let issued_on = self.history_day();
                self.rows.directives.push(DirectiveRow {
                    id,
                    kind: "plan".into(),
                    issuer: "police_department".into(),
                    issued_on,
                });
            }
            for _ in 0..20 {
                self.activity(None, "volunteer_activity");
            }
            self.questions(31);
        }
    }

    /// Dialogue questions, some asked by units.
    fn questions(&mut self, n: usize) {
        for k in 0..n {
            let id = self.id();
            let asked_on = self.history_day();
            let units = self.rows.units.len();
            let asker = if units > 0 && self.rng.random_bool(0.6) {
                let k = self.rng.random_range(0..units);
                self.rows.units.get(k).map(|u| u.code.clone())
            } else {
                None
            };
            let answered = self.rng.random_bool(0.8);
            let answered_on = if answered {
                Some(self.after(asked_on, 0, 30))
            } else {
                None
            };
            self.rows.questions.push(QuestionRow {
                id,
                topic: TOPICS[k % TOPICS.len()].into(),
                asker_unit_code: asker,
                status: if answered { "answered" } else { "open" }.into(),
                asked_on,
                answered_on,
            });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_merger_ends_the_units_and_moves_their_postings() {
        let on = date(2025, 7, 1);
        let spec = Synthetic {
            merger: Some(Merger { on, group: 3 }),
            ..Synthetic::province()
        };
        let rows = bench_rows(&spec);
        assert_eq!(rows, bench_rows(&spec));
        let live = |d: NaiveDate| -> Vec<&UnitRow> {
            let of = |u: &&UnitRow| u.valid_from <= d && u.valid_to.is_none_or(|t| t > d);
            rows.units.iter().filter(of).collect()
        };
        let before = live(on.pred_opt().unwrap()).len();
        let after = live(on);
        assert!(after.len() * 3 >= before && after.len() * 3 < before + 3 * 14);
        let codes: Vec<&str> = after.iter().map(|u| u.code.as_str()).collect();
        // no posting held at a unit out of force after the day; one chief per unit at most
        for o in &rows.officers {
            if o.posted_to.is_none_or(|t| t > on) && o.posted_from <= on {
                assert!(codes.contains(&o.unit_code.as_str()), "{o:?}");
            }
        }
        for c in &codes {
            let chiefs = rows.officers.iter().filter(|o| {
                o.unit_code == *c
                    && o.position == "chief"
                    && o.posted_from <= on
                    && o.posted_to.is_none_or(|t| t > on)
            });
            assert!(chiefs.count() <= 1, "{c}");
        }
    }
}
