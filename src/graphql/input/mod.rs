//! GraphQL arguments: the filters, sort orders and inputs the API accepts, declared here
//! (client → `input`) and turned into the service layer's plain structs and enums before
//! a resolver calls a service (`input` → `service`). One module per service module.

pub mod activities;
pub mod audit;
pub mod awards;
pub mod dialogue;
pub mod directives;
pub mod districts;
pub mod headquarters;
pub mod memberships;
pub mod officers;
pub mod page;
pub mod schedules;
pub mod units;

pub use crate::graphql::mirror::ToDomain;

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::ToDomain;
    use super::headquarters::{
        HeadquartersFilter, HeadquartersSort, HeadquartersSortField, UpdateHeadquartersInput,
    };
    use super::page::{DateRange, IntRange, SortDirection};
    use crate::domain::HqModel;
    use crate::service::{headquarters, page};

    #[test]
    fn arguments_reach_the_service_field_for_field() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 1);
        let filter = HeadquartersFilter {
            unit_code: Some("21010".to_owned()),
            unit_code_in: None,
            district_code: None,
            model: None,
            model_in: Some(vec![HqModel::New]),
            status: None,
            status_on: day,
            in_use_on: Some(DateRange {
                from: day,
                to: None,
            }),
            target_date: None,
            budget_million_vnd: Some(IntRange {
                min: None,
                max: Some(9),
            }),
            held_on: None,
        }
        .to_domain();
        assert_eq!(filter.unit_code.as_deref(), Some("21010"));
        assert_eq!(filter.model_in, Some(vec![HqModel::New]));
        assert_eq!(filter.status_on, day);
        assert_eq!(filter.in_use_on.map(|r| (r.from, r.to)), Some((day, None)));
        assert_eq!(filter.budget_million_vnd.and_then(|r| r.max), Some(9));

        let sort = headquarters::HeadquartersSort::from(HeadquartersSort {
            field: HeadquartersSortField::Budget,
            direction: SortDirection::Desc,
        });
        assert_eq!(sort.field, headquarters::HeadquartersSortField::Budget);
        assert_eq!(sort.direction, page::SortDirection::Desc);

        let update = headquarters::UpdateHeadquartersInput::from(UpdateHeadquartersInput {
            address: Some("Số 1".to_owned()),
            budget_million_vnd: None,
            floor_area_m2: Some(120.5),
            target_date: None,
            approved_on: day,
            construction_started_on: None,
            in_use_on: None,
        });
        assert_eq!(update.address.as_deref(), Some("Số 1"));
        assert_eq!(update.floor_area_m2, Some(120.5));
        assert_eq!(update.approved_on, day);
    }
}
