//! Access control: who is calling (a [`Principal`] resolved from the bearer token)
//! and what they may see. Every service call takes the principal's [`Scope`].

mod token;

pub use token::{hash_secret, new_secret};

use crate::domain::Role;

/// The authenticated caller of a request.
#[derive(Clone, Debug)]
pub struct Principal {
    /// Token id (for audit).
    pub token_id: i32,
    /// Token name (for audit and logs).
    pub name: String,
    /// What the token may do.
    pub role: Role,
    /// The data the token may see.
    pub scope: Scope,
}

/// The part of the data a caller may see: everything, or one area's units and
/// everything hanging off them on the days the area holds them (plus province-wide
/// records that belong to no unit). An area is a 2024 district (and its successors), a
/// set of units a province admin defined, or one unit (`service::areas`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The area code, when the caller is limited to one area.
    pub area: Option<String>,
}

impl Scope {
    /// No restriction.
    pub fn all() -> Self {
        Self::default()
    }

    /// Limited to one area.
    pub fn area(code: impl Into<String>) -> Self {
        Self {
            area: Some(code.into()),
        }
    }

    /// Whether the caller sees the whole database.
    pub fn is_all(&self) -> bool {
        self.area.is_none()
    }
}

impl Principal {
    /// Whether the caller may read officers' personal data (names, birth years).
    pub fn can_read_personal_data(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Analyst)
    }

    /// Whether the caller may write.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
