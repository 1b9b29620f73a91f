//! API tokens: create (the secret is returned once, only its hash is stored),
//! authenticate a bearer secret, list and revoke.

use chrono::Utc;
use entity::api_token;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::{Result, ServiceError};
use crate::auth::{Principal, Scope, hash_secret, new_secret};
use crate::domain::Role;

/// Creates a token, optionally limited to an area (which must exist); returns its row
/// and the secret (shown once, never stored).
pub async fn create(
    db: &impl ConnectionTrait,
    role: Role,
    area_code: Option<String>,
    name: &str,
) -> Result<(api_token::Model, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid("name", "must be 1 to 100 characters"));
    }
    if let Some(code) = &area_code {
        super::areas::check_exists(db, code, "areaCode").await?;
    }
    let secret = new_secret();
    let row = api_token::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role.code().to_owned()),
        area_code: Set(area_code),
        token_hash: Set(hash_secret(&secret)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    };
    Ok((row.insert(db).await?, secret))
}

/// The principal a bearer secret stands for, if it is a live token (one statement;
/// requests go through [`super::token_cache::TokenCache`] instead).
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Option<Principal>> {
    authenticate_hash(db, &hash_secret(secret)).await
}

/// The principal of the token whose secret hashes to `hash`, if it is live.
pub async fn authenticate_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<Principal>> {
    let row = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    row.map(principal).transpose()
}

/// Every token, newest first (hashes are never returned by the API).
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes a token.
pub async fn revoke(db: &impl ConnectionTrait, id: i32) -> Result<api_token::Model> {
    let row = api_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("token", id))?;
    let mut active: api_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(active.update(db).await?)
}

fn principal(row: api_token::Model) -> Result<Principal> {
    let role = super::error::parse_code("role", &row.role, Role::from_code)?;
    Ok(Principal {
        token_id: row.id,
        name: row.name,
        role,
        scope: Scope {
            area: row.area_code,
        },
    })
}
