//! Reading a restructuring plan, the first step of `restructure apply`: CSV text in
//! one of three shapes, parsed into [`PlanLine`]s (one predecessor → successor link
//! each) without touching the database. Malformed lines become [`PlanError`]s with
//! their line number; checking against the stored units is `check`'s job.
//!
//! Shapes (the header decides):
//! - a mapping file as shipped (`qn_2024_to_2025-01-01.csv`, ...): the predecessor is
//!   the first column whose name starts with `code_`, the successor the last one;
//!   `name_<suffix>`, `type_<suffix>`, `province_code_<suffix>` of the successor's
//!   column describe a successor to create;
//! - a plain plan: `from_code,to_code` with optional `to_name,to_type,to_province_code`;
//! - a unit list (`qn_units_2025-07-01.csv`): one line per successor (`code_*`, `name`,
//!   `type`) with its `predecessor_codes` separated by `;`, `(part)` marking a part.
//!
//! Optional in every shape: `share` (`full`/`whole` or `part`; default whole),
//! `resolution`, a column starting with `clause`, `effective_date`, `note`, `change`,
//! and `district_code` (the commune-less district of a line without a predecessor code,
//! as Lý Sơn's).

use chrono::NaiveDate;

use super::error::PlanError;

/// At most this many data lines in a plan (the national reform had about 10,600).
pub const MAX_LINES: usize = 20_000;

/// Whole or part of the predecessor goes to the successor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// All of it.
    Whole,
    /// A part of it (a split).
    Part,
}

impl Share {
    /// The stored code (`unit_lineage.share`).
    pub fn code(self) -> &'static str {
        match self {
            Share::Whole => "whole",
            Share::Part => "part",
        }
    }
}

/// One predecessor → successor link of a plan.
#[derive(Clone, Debug)]
pub struct PlanLine {
    /// The line of the CSV text (the header is line 1).
    pub line: usize,
    /// The predecessor's code; none for a line from a commune-less district.
    pub from: Option<String>,
    /// The commune-less district of a line without predecessor code.
    pub from_district: Option<String>,
    /// The successor's code; none when not known.
    pub to: Option<String>,
    /// Whole or part.
    pub share: Share,
    /// The successor's name, type label and province, to create it when missing.
    pub to_name: Option<String>,
    /// Type label (`xã`, `phường`, `thị trấn`, `đặc khu`) or code (`xa`, ...).
    pub to_kind: Option<String>,
    /// Province code of the successor.
    pub to_province: Option<String>,
    /// The act, its clause, the stated day and a note, kept on the lineage link.
    pub resolution: Option<String>,
    /// Clause of the act.
    pub clause: Option<String>,
    /// The `effective_date` column, checked against the day given.
    pub effective: Option<NaiveDate>,
    /// Free text.
    pub note: Option<String>,
    /// The kind of change as the file states it (`merged`, ...), if any.
    pub change: Option<String>,
}

/// Column positions of one shape.
struct Columns {
    from: usize,
    to: usize,
    list: bool,
    name: Option<usize>,
    kind: Option<usize>,
    province: Option<usize>,
    share: Option<usize>,
    resolution: Option<usize>,
    clause: Option<usize>,
    effective: Option<usize>,
    note: Option<usize>,
    change: Option<usize>,
    district: Option<usize>,
}

fn find(h: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| h.iter().position(|c| c == n))
}

fn columns(h: &[String]) -> Result<Columns, String> {
    let codes: Vec<usize> = (0..h.len())
        .filter(|&i| h[i].starts_with("code_"))
        .collect();
    let list = find(h, &["predecessor_codes"]);
    let (from, to, suffix) =
        if let (Some(f), Some(t)) = (find(h, &["from_code"]), find(h, &["to_code"])) {
            (f, t, "to".to_owned())
        } else if let (Some(l), Some(&t)) = (list, codes.last()) {
            (l, t, String::new())
        } else if let (Some(&f), Some(&t)) = (codes.first(), codes.last()) {
            if f == t {
                return Err(
                    "a plan needs two `code_*` columns (predecessor first, successor last), \
                 `from_code,to_code`, or `predecessor_codes` and a `code_*` column"
                        .into(),
                );
            }
            (f, t, h[t].trim_start_matches("code").to_owned())
        } else {
            return Err(
                "no predecessor and successor code columns: use `from_code,to_code` or the \
             shipped mapping files' `code_*` columns"
                    .into(),
            );
        };
    let named = |base: &str| -> Option<usize> {
        if suffix == "to" {
            find(h, &[&format!("to_{base}")])
        } else if suffix.is_empty() {
            find(h, &[base])
        } else {
            find(h, &[&format!("{base}{suffix}")])
        }
    };
    Ok(Columns {
        from,
        to,
        list: list == Some(from),
        name: named("name"),
        kind: named("type"),
        province: named("province_code"),
        share: find(h, &["share"]),
        resolution: find(h, &["resolution", "resolutions"]),
        clause: h.iter().position(|c| c.starts_with("clause")),
        effective: find(h, &["effective_date"]),
        note: find(h, &["note"]),
        change: find(h, &["change"]),
        district: find(h, &["district_code", "from_district_code"]),
    })
}

/// Parses a plan: the well-formed links and the problems of the other lines (so that
/// the links can still be checked and every problem reported at once).
pub fn parse(text: &str) -> (Vec<PlanLine>, Vec<PlanError>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_owned())
            .collect(),
        Err(e) => {
            let error = PlanError::invalid(1, format!("unreadable header: {e}"));
            return (Vec::new(), vec![error]);
        }
    };
    let cols = match columns(&header) {
        Ok(c) => c,
        Err(m) => return (Vec::new(), vec![PlanError::invalid(1, m)]),
    };
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if i >= MAX_LINES {
            errors.push(PlanError::invalid(
                line,
                format!("more than {MAX_LINES} lines"),
            ));
            break;
        }
        match record {
            Ok(r) => {
                let line = r.position().map_or(line, |p| p.line() as usize);
                match read_line(&cols, &r, line) {
                    Ok(mut l) => lines.append(&mut l),
                    Err(e) => errors.push(e),
                }
            }
            Err(e) => errors.push(PlanError::invalid(line, format!("unreadable line: {e}"))),
        }
    }
    if lines.is_empty() && errors.is_empty() {
        errors.push(PlanError::invalid(1, "the plan has no line".into()));
    }
    (lines, errors)
}

fn field(r: &csv::StringRecord, i: Option<usize>) -> Option<String> {
    let v = r.get(i?)?.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn share(s: Option<String>, line: usize) -> Result<Share, PlanError> {
    match s.as_deref() {
        None | Some("full") | Some("whole") => Ok(Share::Whole),
        Some("part") => Ok(Share::Part),
        Some(other) => Err(PlanError::invalid(
            line,
            format!("share `{other}`: expected full, whole or part"),
        )),
    }
}

fn code(s: Option<String>, what: &str, line: usize) -> Result<Option<String>, PlanError> {
    match s {
        Some(c) if c.len() > 8 || !c.chars().all(|ch| ch.is_ascii_digit()) => Err(
            PlanError::invalid(line, format!("{what} code `{c}`: expected up to 8 digits")),
        ),
        other => Ok(other),
    }
}

/// The links of one CSV line (several for a unit-list line).
fn read_line(c: &Columns, r: &csv::StringRecord, line: usize) -> Result<Vec<PlanLine>, PlanError> {
    let effective = match field(r, c.effective) {
        None => None,
        Some(d) => Some(d.parse::<NaiveDate>().map_err(|_| {
            PlanError::invalid(line, format!("effective_date `{d}`: expected YYYY-MM-DD"))
        })?),
    };
    let base = PlanLine {
        line,
        from: None,
        from_district: code(field(r, c.district), "district", line)?,
        to: code(field(r, Some(c.to)), "successor", line)?,
        share: share(field(r, c.share), line)?,
        to_name: field(r, c.name),
        to_kind: field(r, c.kind),
        to_province: code(field(r, c.province), "province", line)?,
        resolution: field(r, c.resolution),
        clause: field(r, c.clause),
        effective,
        note: field(r, c.note),
        change: field(r, c.change),
    };
    if !c.list {
        let from = code(field(r, Some(c.from)), "predecessor", line)?;
        if from.is_none() && base.from_district.is_none() {
            return Err(PlanError::invalid(
                line,
                "no predecessor code (nor district)".into(),
            ));
        }
        if from.is_none() && base.to.is_none() {
            return Err(PlanError::invalid(
                line,
                "neither predecessor nor successor".into(),
            ));
        }
        let from_district = if from.is_some() {
            None
        } else {
            base.from_district.clone()
        };
        return Ok(vec![PlanLine {
            from,
            from_district,
            ..base
        }]);
    }
    if base.to.is_none() {
        return Err(PlanError::invalid(
            line,
            "a unit list line needs its code".into(),
        ));
    }
    let list = field(r, Some(c.from)).unwrap_or_default();
    let mut out = Vec::new();
    for item in list.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (code_, share_) = match item.strip_suffix("(part)") {
            Some(c) => (c.trim(), Share::Part),
            None => (item, Share::Whole),
        };
        let from = code(Some(code_.to_owned()), "predecessor", line)?;
        out.push(PlanLine {
            from,
            from_district: None,
            share: share_,
            ..base.clone()
        });
    }
    if out.is_empty() {
        return Err(PlanError::invalid(line, "no predecessor code".into()));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_shapes_are_read() {
        let jan = include_str!("../../data/units/restructuring/qn_2024_to_2025-01-01.csv");
        let (lines, errors) = parse(jan);
        assert!(errors.is_empty());
        assert_eq!(lines.len(), 175);
        let unknown = lines.iter().find(|l| l.to.is_none()).unwrap();
        assert_eq!(unknown.from.as_deref(), Some("21286"));
        assert_eq!(unknown.line, 89);
        let jul = include_str!("../../data/units/restructuring/qn_2025-01-01_to_2025-07-01.csv");
        let (lines, _) = parse(jul);
        assert_eq!(lines.len(), 172);
        let ly_son = lines.iter().find(|l| l.from.is_none()).unwrap();
        assert_eq!(ly_son.from_district.as_deref(), Some("536"));
        assert_eq!(ly_son.to_kind.as_deref(), Some("đặc khu"));
        let units = include_str!("../../data/units/restructuring/qn_units_2025-07-01.csv");
        let (lines, _) = parse(units);
        let tra_bui: Vec<_> = lines
            .iter()
            .filter(|l| l.from.as_deref() == Some("21142"))
            .collect();
        assert_eq!(tra_bui.len(), 2);
        assert!(tra_bui.iter().all(|l| l.share == Share::Part));
    }

    #[test]
    fn malformed_lines_are_all_reported_with_their_line() {
        let text = "from_code,to_code,share\n21010,21028,full\nabc,21028,full\n21013,21028,half\n";
        let (lines, errors) = parse(text);
        assert_eq!(lines.len(), 1);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(errors.iter().all(|e| e.code == "PLAN_INVALID"));
        assert!(!parse("a,b\n1,2\n").1.is_empty());
    }
}
