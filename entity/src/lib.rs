//! sea-orm entities: the rows of the tables the `migration` crate creates.
//! Enumerated values are stored as text codes (and rank as its ordinal), parsed into
//! domain enums by the service layer; these structs carry no API concerns.

pub mod api_token;
pub mod area;
pub mod area_member;
pub mod audit_log;
pub mod award;
pub mod data_version;
pub mod dialogue_question;
pub mod dialogue_session;
pub mod directive;
pub mod district;
pub mod headquarters;
pub mod import_record;
pub mod indicator_value;
pub mod officer;
pub mod party_membership;
pub mod province;
pub mod report_archive;
pub mod report_archive_file;
pub mod report_delivery;
pub mod report_recipient;
pub mod report_run;
pub mod report_schedule;
pub mod scope_version;
pub mod union_activity;
pub mod unit;
pub mod unit_edition;
pub mod unit_lineage;
pub mod unit_period;
