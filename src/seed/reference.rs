//! Reference data, the first input of the seed flow: the embedded statistics-office
//! CSVs parsed into a province > district > unit tree, kept in file order.

use serde::Deserialize;

use super::error::SeedError;
use crate::domain::UnitKind;

const QUANG_NGAI_CSV: &str = include_str!("../../data/units/quang_ngai_units_2024.csv");
const NATIONAL_CSV: &str = include_str!("../../data/units/vn_commune_units_2024-05-01.csv");

/// Which embedded list of commune-level units to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferenceSet {
    /// The 173 units of Quảng Ngãi (province 51) in 2020-2024.
    QuangNgai,
    /// The 10,595 units of Vietnam on 1 May 2024.
    National,
}

impl ReferenceSet {
    /// The embedded CSV text (header row, UTF-8, codes with leading zeros).
    pub fn csv(self) -> &'static str {
        match self {
            ReferenceSet::QuangNgai => QUANG_NGAI_CSV,
            ReferenceSet::National => NATIONAL_CSV,
        }
    }
}

/// One CSV row; the columns not named here are ignored.
#[derive(Deserialize)]
struct Row {
    province_code: String,
    province_name: String,
    province_type: String,
    district_code: String,
    district_name: String,
    district_type: String,
    ward_code: String,
    ward_name: String,
    ward_type: String,
    ward_name_en: String,
}

/// A province and its districts.
#[derive(Clone, Debug)]
pub(crate) struct RefProvince {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub districts: Vec<RefDistrict>,
}

/// A district and its commune-level units.
#[derive(Clone, Debug)]
pub(crate) struct RefDistrict {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub units: Vec<RefUnit>,
}

/// A commune-level unit.
#[derive(Clone, Debug)]
pub(crate) struct RefUnit {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub kind: UnitKind,
}

/// Parses a reference set into provinces, in file order.
pub(crate) fn load(set: ReferenceSet) -> Result<Vec<RefProvince>, SeedError> {
    let mut reader = csv::Reader::from_reader(set.csv().as_bytes());
    let mut provinces = Vec::new();
    for (index, row) in reader.deserialize::<Row>().enumerate() {
        let row = row.map_err(|e| invalid(index, &e.to_string()))?;
        add(&mut provinces, row, index)?;
    }
    Ok(provinces)
}

fn invalid(index: usize, why: &str) -> SeedError {
    SeedError::InvalidReference(format!("data row {}: {why}", index + 1))
}

fn add(provinces: &mut Vec<RefProvince>, row: Row, index: usize) -> Result<(), SeedError> {
    let kind = UnitKind::from_vi(&row.ward_type)
        .ok_or_else(|| invalid(index, &format!("unknown ward_type `{}`", row.ward_type)))?;
    let province = find_or_push(provinces, &row.province_code, |code| RefProvince {
        code,
        name: row.province_name,
        kind: row.province_type,
        districts: Vec::new(),
    });
    let district = find_or_push(&mut province.districts, &row.district_code, |code| {
        RefDistrict {
            code,
            name: row.district_name,
            kind: row.district_type,
            units: Vec::new(),
        }
    });
    district.units.push(RefUnit {
        code: row.ward_code,
        name: row.ward_name,
        name_en: row.ward_name_en,
        kind,
    });
    Ok(())
}

/// Something keyed by a code.
trait Coded {
    fn code(&self) -> &str;
}

impl Coded for RefProvince {
    fn code(&self) -> &str {
        &self.code
    }
}

impl Coded for RefDistrict {
    fn code(&self) -> &str {
        &self.code
    }
}

/// The item with `code`, appended by `make` when missing (searching from the end:
/// rows of one district are adjacent in the files).
fn find_or_push<'a, T: Coded>(
    items: &'a mut Vec<T>,
    code: &str,
    make: impl FnOnce(String) -> T,
) -> &'a mut T {
    let index = match items.iter().rposition(|item| item.code() == code) {
        Some(index) => index,
        None => {
            items.push(make(code.to_owned()));
            items.len() - 1
        }
    };
    &mut items[index]
}

/// The provinces whose code is in `codes`, in file order.
pub(crate) fn select(provinces: Vec<RefProvince>, codes: &[&str]) -> Vec<RefProvince> {
    provinces
        .into_iter()
        .filter(|p| codes.contains(&p.code.as_str()))
        .collect()
}

/// Each province with its districts and units repeated `copies` times: copy `k >= 1`
/// gets codes suffixed `-k` ("00001" -> "00001-1"); names stay as they are.
pub(crate) fn multiply(provinces: Vec<RefProvince>, copies: u32) -> Vec<RefProvince> {
    provinces
        .into_iter()
        .map(|mut p| {
            let originals = std::mem::take(&mut p.districts);
            p.districts = (0..copies.max(1))
                .flat_map(|k| originals.iter().map(move |d| suffixed(d, k)))
                .collect();
            p
        })
        .collect()
}

fn suffixed(district: &RefDistrict, k: u32) -> RefDistrict {
    let mut copy = district.clone();
    if k > 0 {
        copy.code = format!("{}-{k}", district.code);
        for unit in &mut copy.units {
            unit.code = format!("{}-{k}", unit.code);
        }
    }
    copy
}
