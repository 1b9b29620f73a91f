//! `District`: a district of the province.

use std::sync::Arc;

use async_graphql::{ID, Object};
use chrono::NaiveDate;
use entity::district;

use crate::graphql::node::{Kind, global};

/// A district (huyện, thị xã, thành phố thuộc tỉnh, quận). The row is shared with the
/// loader that fetched it (every unit of a page names one of a few districts).
pub struct District(pub Arc<district::Model>);

impl From<district::Model> for District {
    fn from(row: district::Model) -> Self {
        Self(Arc::new(row))
    }
}

#[Object]
impl District {
    /// Global id (`node(id:)` fetches the district by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::District, &self.0.code)
    }
    /// District code, e.g. "522".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name, e.g. "Thành phố Quảng Ngãi".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind, as the statistics office writes it (e.g. "huyện").
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Province code.
    async fn province_code(&self) -> &str {
        &self.0.province_code
    }
    /// First day the district exists.
    async fn valid_from(&self) -> NaiveDate {
        self.0.valid_from
    }
    /// Day the district stopped existing, if it has.
    async fn valid_to(&self) -> Option<NaiveDate> {
        self.0.valid_to
    }
}
