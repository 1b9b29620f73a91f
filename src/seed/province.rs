//! The generator of the seed flow for one province: reference rows first, then every
//! fact, all from one rng seeded by the profile and the province code, so a province
//! comes out the same whichever other provinces are seeded with it.

use entity::{district, province, unit};

use super::batch::{Batch, Gen, Ids};
use super::error::SeedError;
use super::profile::Profile;
use super::reference::RefProvince;
use super::{awards, dialogue, documents, premises, staff, unions};
use crate::text::fold;

/// All rows of one province, with ids continuing from `ids`.
pub(crate) fn generate(
    profile: &Profile,
    province: &RefProvince,
    ids: &mut Ids,
) -> Result<Batch, SeedError> {
    let mut g = Gen::new(profile, province, ids);
    reference_rows(&mut g);
    if !g.slots.is_empty() {
        staff::generate(&mut g)?;
        premises::generate(&mut g);
        documents::generate(&mut g);
        unions::generate(&mut g);
        dialogue::generate(&mut g);
        awards::generate(&mut g);
    }
    Ok(g.batch)
}

/// The province, its districts and units, valid from the profile's start, still valid.
fn reference_rows(g: &mut Gen<'_>) {
    let p = g.province;
    let valid_from = g.profile.valid_from;
    g.batch.provinces.push(province::Model {
        code: p.code.clone(),
        name: p.name.clone(),
        kind: p.kind.clone(),
    });
    for d in &p.districts {
        g.batch.districts.push(district::Model {
            code: d.code.clone(),
            province_code: p.code.clone(),
            name: d.name.clone(),
            kind: d.kind.clone(),
            valid_from,
            valid_to: None,
        });
    }
    for s in &g.slots {
        g.batch.units.push(unit::Model {
            code: s.unit.code.clone(),
            district_code: s.district.code.clone(),
            province_code: p.code.clone(),
            name: s.unit.name.clone(),
            name_en: s.unit.name_en.clone(),
            search_name: fold(&s.unit.name),
            kind: s.unit.kind.code().to_owned(),
            valid_from,
            valid_to: None,
        });
    }
}
