//! What the stages after 2024 of the seed flow read back from the database inside the
//! seed transaction (unit periods, officers, open seats, headquarters) and keep in
//! memory while they add to it: who is in post at a unit code on a day, who is chief.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{headquarters, officer, party_membership, unit_period};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};

use crate::domain::Position;
use crate::seed::error::SeedError;

/// The unit periods of one edition, by code.
pub(super) async fn periods(
    txn: &DatabaseTransaction,
    province: &str,
    valid_from: NaiveDate,
) -> Result<Vec<unit_period::Model>, SeedError> {
    let rows = unit_period::Entity::find()
        .filter(unit_period::Column::ProvinceCode.eq(province))
        .filter(unit_period::Column::ValidFrom.eq(valid_from))
        .order_by_asc(unit_period::Column::Code)
        .all(txn)
        .await?;
    if rows.is_empty() {
        return Err(SeedError::InvalidPlan(format!(
            "no unit period of province {province} from {valid_from}"
        )));
    }
    Ok(rows)
}

/// A posting: an officer (a database id, or a negative key for one not written yet)
/// at a unit code over `[from, to)`.
#[derive(Clone, Debug)]
pub(super) struct Post {
    pub key: i32,
    pub code: String,
    pub position: Position,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Post {
    /// In post on `day` (the interval is half-open: `to` is the first day away).
    pub fn on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }
}

/// The officers and postings known to the stage, indexed by unit code.
#[derive(Debug, Default)]
pub(super) struct Staff {
    pub posts: Vec<Post>,
    by_code: HashMap<String, Vec<usize>>,
}

impl Staff {
    /// Every officer in the database.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, SeedError> {
        let mut staff = Staff::default();
        let rows = officer::Entity::find()
            .order_by_asc(officer::Column::Id)
            .all(db)
            .await?;
        for o in rows {
            staff.push(Post {
                key: o.id,
                position: Position::from_code(&o.position).unwrap_or(Position::Officer),
                code: o.unit_code,
                from: o.posted_from,
                to: o.posted_to,
            });
        }
        Ok(staff)
    }

    /// Adds a posting; returns its index.
    pub fn push(&mut self, post: Post) -> usize {
        let i = self.posts.len();
        self.by_code.entry(post.code.clone()).or_default().push(i);
        self.posts.push(post);
        i
    }

    /// Indexes of the postings at `code` held on `day`, in the order they were added.
    pub fn in_post(&self, code: &str, day: NaiveDate) -> Vec<usize> {
        self.by_code.get(code).map_or_else(Vec::new, |v| {
            v.iter()
                .copied()
                .filter(|&i| self.posts[i].on(day))
                .collect()
        })
    }

    /// How many hold `position` at `code` on `day`.
    pub fn count(&self, code: &str, day: NaiveDate, position: Option<Position>) -> usize {
        self.in_post(code, day)
            .into_iter()
            .filter(|&i| position.is_none_or(|p| self.posts[i].position == p))
            .count()
    }

    /// The chief in post at `code` on `day` (the first posted if there were two).
    pub fn chief(&self, code: &str, day: NaiveDate) -> Option<&Post> {
        self.in_post(code, day)
            .into_iter()
            .map(|i| &self.posts[i])
            .filter(|p| p.position == Position::Chief)
            .min_by_key(|p| (p.from, p.key))
    }
}

/// Every seat (for the congresses, which end the seats still open at a unit code).
pub(super) async fn seats(
    db: &impl ConnectionTrait,
) -> Result<Vec<party_membership::Model>, SeedError> {
    Ok(party_membership::Entity::find()
        .order_by_asc(party_membership::Column::Id)
        .all(db)
        .await?)
}

/// Every headquarters row (for the building plan).
pub(super) async fn premises(
    db: &impl ConnectionTrait,
) -> Result<Vec<headquarters::Model>, SeedError> {
    Ok(headquarters::Entity::find()
        .order_by_asc(headquarters::Column::Id)
        .all(db)
        .await?)
}
