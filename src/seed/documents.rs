//! Leadership and direction documents of one province, in the generator of the seed
//! flow: the 16 fixed titles, each with a plausible number and a date in its window.

use entity::directive;
use rand::Rng;

use super::batch::{Gen, next};
use super::catalogue::DOCUMENTS;
use super::dates::Window;
use crate::domain::{DirectiveIssuer, DirectiveKind};
use crate::text::fold;

/// Adds the 16 documents.
pub(crate) fn generate(g: &mut Gen<'_>) {
    let history = g.profile.history;
    for template in &DOCUMENTS {
        let window = Window::new(
            history.clamp(template.issued.from),
            history.clamp(template.issued.to),
        );
        let row = directive::Model {
            id: next(&mut g.ids.directive),
            number: number(&mut g.rng, template.kind, template.issuer),
            kind: template.kind.code().to_owned(),
            issuer: template.issuer.code().to_owned(),
            title: template.title.to_owned(),
            search_title: fold(template.title),
            issued_on: window.pick(&mut g.rng),
        };
        g.batch.directives.push(row);
    }
}

/// A document number in the issuer's style: "15-CT/TU" for the Party committee,
/// "1785/QĐ-UBND" or "3456/UBND-NC" for the People's Committee, "120/KH-CAT" for the police.
fn number(rng: &mut impl Rng, kind: DirectiveKind, issuer: DirectiveIssuer) -> String {
    let (abbr, low, high) = match kind {
        DirectiveKind::Resolution => ("NQ", 1, 40),
        DirectiveKind::Directive => ("CT", 1, 40),
        DirectiveKind::Conclusion => ("KL", 100, 900),
        DirectiveKind::Plan => ("KH", 20, 300),
        DirectiveKind::Decision => ("QĐ", 100, 2800),
        DirectiveKind::OfficialLetter => ("CV", 1000, 6500),
    };
    let n: u32 = rng.random_range(low..=high);
    match (issuer, kind) {
        (DirectiveIssuer::ProvincialPartyCommittee, _) => format!("{n}-{abbr}/TU"),
        (DirectiveIssuer::ProvincialPeoplesCommittee, DirectiveKind::OfficialLetter) => {
            format!("{n}/UBND-NC")
        }
        (DirectiveIssuer::ProvincialPeoplesCommittee, _) => format!("{n}/{abbr}-UBND"),
        (DirectiveIssuer::PoliceDepartment, _) => format!("{n}/{abbr}-CAT"),
    }
}
