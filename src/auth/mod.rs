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

/// The part of the data a caller may see: everything, or one district's units and
/// everything hanging off them (plus province-wide records that belong to no unit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The district code, when the caller is limited to one district.
    pub district: Option<String>,
}

impl Scope {
    /// No restriction.
    pub fn all() -> Self {
        Self::default()
    }

    /// Limited to one district.
    pub fn district(code: impl Into<String>) -> Self {
        Self {
            district: Some(code.into()),
        }
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
