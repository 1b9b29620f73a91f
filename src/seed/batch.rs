//! The rows generated for one province (a `Batch`) and the state the generators share
//! while building it (`Gen`); the middle of the seed flow, between the reference tree
//! and the bulk insert.

use std::ops::Range;

use entity::{
    award, dialogue_question, dialogue_session, directive, district, headquarters, officer,
    party_membership, province, union_activity, unit,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::profile::Profile;
use super::reference::{RefDistrict, RefProvince, RefUnit};

/// Every row generated for one province, in foreign-key order.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub provinces: Vec<province::Model>,
    pub districts: Vec<district::Model>,
    pub units: Vec<unit::Model>,
    pub officers: Vec<officer::Model>,
    pub memberships: Vec<party_membership::Model>,
    pub headquarters: Vec<headquarters::Model>,
    pub directives: Vec<directive::Model>,
    pub activities: Vec<union_activity::Model>,
    pub sessions: Vec<dialogue_session::Model>,
    pub questions: Vec<dialogue_question::Model>,
    pub awards: Vec<award::Model>,
}

impl Batch {
    /// Rows in all tables.
    pub fn len(&self) -> usize {
        self.provinces.len()
            + self.districts.len()
            + self.units.len()
            + self.officers.len()
            + self.memberships.len()
            + self.headquarters.len()
            + self.directives.len()
            + self.activities.len()
            + self.sessions.len()
            + self.questions.len()
            + self.awards.len()
    }

    /// Moves every row of `other` to the end of this batch.
    pub fn append(&mut self, mut other: Batch) {
        self.provinces.append(&mut other.provinces);
        self.districts.append(&mut other.districts);
        self.units.append(&mut other.units);
        self.officers.append(&mut other.officers);
        self.memberships.append(&mut other.memberships);
        self.headquarters.append(&mut other.headquarters);
        self.directives.append(&mut other.directives);
        self.activities.append(&mut other.activities);
        self.sessions.append(&mut other.sessions);
        self.questions.append(&mut other.questions);
        self.awards.append(&mut other.awards);
    }
}

/// The last id used in each table with a generated key: ids are assigned here, so rows
/// can point at each other without reading anything back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ids {
    pub officer: i32,
    pub membership: i32,
    pub headquarters: i32,
    pub directive: i32,
    pub activity: i32,
    pub session: i32,
    pub question: i32,
    pub award: i32,
}

/// The next id after `last`.
pub(crate) fn next(last: &mut i32) -> i32 {
    *last += 1;
    *last
}

/// A unit with its district, as the generators walk them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot<'a> {
    pub district: &'a RefDistrict,
    pub unit: &'a RefUnit,
}

/// The state shared by the generators of one province.
pub(crate) struct Gen<'a> {
    pub profile: &'a Profile,
    pub province: &'a RefProvince,
    pub slots: Vec<Slot<'a>>,
    pub rng: ChaCha8Rng,
    pub ids: &'a mut Ids,
    pub batch: Batch,
    /// For each slot, its officers in `batch.officers`; the chief comes first.
    pub staff: Vec<Range<usize>>,
}

impl<'a> Gen<'a> {
    /// A generator for `province`, seeded from the profile and the province code.
    pub fn new(profile: &'a Profile, province: &'a RefProvince, ids: &'a mut Ids) -> Self {
        let slots = province
            .districts
            .iter()
            .flat_map(|district| {
                district
                    .units
                    .iter()
                    .map(move |unit| Slot { district, unit })
            })
            .collect();
        Gen {
            profile,
            province,
            slots,
            rng: ChaCha8Rng::seed_from_u64(profile.province_seed(&province.code)),
            ids,
            batch: Batch::default(),
            staff: Vec::new(),
        }
    }

    /// The chief of a slot (the first officer of its range).
    pub fn chief(&self, slot: usize) -> Option<&officer::Model> {
        let range = self.staff.get(slot)?;
        self.batch.officers.get(range.start)
    }
}
