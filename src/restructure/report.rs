//! What a restructuring changes (or would change, in a dry run), the last step of
//! `restructure apply`: per successor (officers moved, chief chosen and by which rule,
//! chiefs who became deputies, seats ended or moved, headquarters passed), the units'
//! side (periods, lineage, editions) and notes on splits and unknown successors. The
//! command line prints [`Report::text`]; the mutation returns the same fields; the
//! audit row keeps [`Report::summary`].

use chrono::NaiveDate;
use std::fmt::Write;

use super::facts::{FactChanges, SuccessorChange};
use super::structure::StructureChanges;

/// The outcome of one run.
#[derive(Clone, Debug)]
pub struct Report {
    /// The effective day.
    pub effective: NaiveDate,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// The plan's links.
    pub lines: usize,
    /// The units' side.
    pub structure: StructureChanges,
    /// The facts' side.
    pub facts: FactChanges,
}

impl Report {
    /// Whether the run changes (or would change) anything.
    pub fn changed(&self) -> bool {
        self.structure.any() || self.facts.successors.iter().any(SuccessorChange::any)
    }

    fn total(&self, f: impl Fn(&SuccessorChange) -> usize) -> usize {
        self.facts.successors.iter().map(f).sum()
    }

    /// One line: the counts (what the audit row keeps).
    pub fn summary(&self) -> String {
        if !self.changed() {
            return format!(
                "restructuring of {}: nothing to change (the units, lineage and facts are already as the plan says){}",
                self.effective,
                if self.dry_run { ", dry run" } else { "" }
            );
        }
        format!(
            "restructuring of {}{}: {} successors ({} mergers), {} officers moved, {} chiefs made deputies, \
             {} seats ended, {} seats moved, {} headquarters passed; {} periods created, {} ended, \
             {} lineage links added, {} editions created",
            self.effective,
            if self.dry_run {
                " (dry run, nothing written)"
            } else {
                ""
            },
            self.facts.successors.len(),
            self.facts.successors.iter().filter(|s| s.merger).count(),
            self.total(|s| s.officers_moved),
            self.total(|s| s.deputies.len()),
            self.total(|s| s.seats_ended),
            self.total(|s| s.seats_moved),
            self.total(|s| s.headquarters_passed),
            self.structure.periods_created.len(),
            self.structure.periods_ended.len(),
            self.structure.links_added,
            self.structure.editions_created.len(),
        )
    }

    /// The report for a person: the summary, then one block per successor that changes.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.summary());
        for p in &self.structure.periods_created {
            let _ = writeln!(out, "  new unit {p} from {}", self.effective);
        }
        for s in self.facts.successors.iter().filter(|s| s.any()) {
            let _ = writeln!(
                out,
                "{} {} <- {}{}",
                s.code,
                s.name,
                s.predecessors.join(", "),
                if s.merger { " (merger)" } else { "" }
            );
            if s.officers_moved > 0 {
                let _ = writeln!(out, "  officers moved: {}", s.officers_moved);
            }
            if let Some(c) = &s.chief {
                let _ = writeln!(
                    out,
                    "  chief: officer #{} of {} ({})",
                    c.officer_id, c.from_code, c.rule
                );
            }
            if !s.deputies.is_empty() {
                let ids: Vec<String> = s.deputies.iter().map(|i| format!("#{i}")).collect();
                let _ = writeln!(out, "  chiefs who become deputies: {}", ids.join(", "));
            }
            if s.seats_ended > 0 {
                let _ = writeln!(out, "  seats ended: {}", s.seats_ended);
            }
            if s.seats_moved > 0 {
                let _ = writeln!(out, "  seats moved: {}", s.seats_moved);
            }
            if s.headquarters_passed > 0 {
                let _ = writeln!(out, "  headquarters passed: {}", s.headquarters_passed);
            }
        }
        for n in &self.facts.notes {
            let _ = writeln!(out, "note: {n}");
        }
        out
    }
}
