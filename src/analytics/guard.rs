//! The analytics sandbox's gate: a query is parsed with sqlparser before polars sees
//! it, and only a single SELECT over the registered tables passes. polars' SQL engine
//! alone is no sandbox (it reads files through `read_csv` and friends and accepts DDL
//! on its own table map), so everything else is refused here with a clear reason.
//! Before parsing, [`bounds`] checks the size and shape of the token stream, so nothing
//! here (parsing, visiting, printing or dropping the tree) recurses deeper than it allows.

use std::collections::HashSet;
use std::ops::ControlFlow;

use sqlparser::ast::{Expr, ObjectName, Query, SetExpr, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError};

use super::bounds::{self, Bounds};

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not parseable SQL.
    #[error("the query does not parse: {0}")]
    Syntax(String),
    /// More or fewer than one statement.
    #[error("give exactly one SELECT statement")]
    NotOneStatement,
    /// A statement other than a query (DDL, DML, SET, SHOW, EXPLAIN, ...).
    #[error("only SELECT queries are allowed")]
    NotSelect,
    /// A table function or file access (`read_csv(...)`, ...).
    #[error("table functions and file access are not allowed (`{0}`)")]
    TableFunction(String),
    /// A name that is not one of the registered tables.
    #[error("unknown table `{0}`; the tables are: {1}")]
    UnknownTable(String, String),
    /// Longer than the statement size limit.
    #[error("the query is {0} bytes long; the limit is {1} bytes (COSO_ANALYTICS_MAX_SQL_BYTES)")]
    TooLarge(usize, usize),
    /// Over an operator or nesting limit (the message names it).
    #[error("{0}")]
    TooComplex(String),
    /// A join whose estimated size is over the join bound (the message says by how much).
    #[error("{0}")]
    TooExpensive(String),
}

/// A statement that passed the gate, with the registered tables it reads.
#[derive(Debug)]
pub struct Checked {
    /// The parsed statement (one query).
    pub statement: Statement,
    /// The registered tables it reads, in order of first use.
    pub tables: Vec<String>,
}

/// Checks that `sql` is within `limits` and is one SELECT reading only `tables` (and its
/// own CTEs); returns the statement and the registered tables it reads.
pub fn check(sql: &str, tables: &[&str], limits: &Bounds) -> Result<Checked, Refusal> {
    bounds::check(sql, limits)?;
    let mut statements = Parser::new(&GenericDialect {})
        .with_recursion_limit(limits.recursion_limit())
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| match e {
            ParserError::RecursionLimitExceeded => {
                Refusal::TooComplex("the query nests too deeply".into())
            }
            other => Refusal::Syntax(other.to_string()),
        })?;
    let statement = match (statements.pop(), statements.is_empty()) {
        (Some(statement), true) => statement,
        _ => return Err(Refusal::NotOneStatement),
    };
    if !matches!(statement, Statement::Query(_)) {
        return Err(Refusal::NotSelect);
    }
    let mut gate = Gate {
        tables: tables.iter().map(|t| t.to_ascii_lowercase()).collect(),
        ctes: HashSet::new(),
        statements: 0,
        used: Vec::new(),
    };
    match statement.visit(&mut gate) {
        ControlFlow::Break(refusal) => Err(refusal),
        ControlFlow::Continue(()) => Ok(Checked {
            statement,
            tables: gate.used,
        }),
    }
}

struct Gate {
    tables: HashSet<String>,
    ctes: HashSet<String>,
    statements: usize,
    used: Vec<String>,
}

pub(crate) fn last_part(name: &ObjectName) -> String {
    name.to_string()
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .trim_matches('"')
        .to_ascii_lowercase()
}

impl Visitor for Gate {
    type Break = Refusal;

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<Refusal> {
        self.statements += 1;
        match statement {
            Statement::Query(_) if self.statements == 1 => ControlFlow::Continue(()),
            _ => ControlFlow::Break(Refusal::NotSelect),
        }
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Refusal> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.ctes.insert(cte.alias.name.value.to_ascii_lowercase());
            }
        }
        match query.body.as_ref() {
            SetExpr::Select(s) if s.into.is_some() => ControlFlow::Break(Refusal::NotSelect),
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                ControlFlow::Break(Refusal::NotSelect)
            }
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<Refusal> {
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => ControlFlow::Break(Refusal::TableFunction(name.to_string())),
            TableFactor::Table { .. }
            | TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(Refusal::TableFunction(other.to_string())),
        }
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<Refusal> {
        let name = last_part(relation);
        if relation.0.len() > 1 || !(self.tables.contains(&name) || self.ctes.contains(&name)) {
            let mut known: Vec<&str> = self.tables.iter().map(String::as_str).collect();
            known.sort_unstable();
            return ControlFlow::Break(Refusal::UnknownTable(
                relation.to_string(),
                known.join(", "),
            ));
        }
        if self.tables.contains(&name) && !self.used.contains(&name) {
            self.used.push(name);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<Refusal> {
        if let Expr::Function(f) = expr {
            let name = last_part(&f.name);
            if name.starts_with("read_") || name.starts_with("scan_") {
                return ControlFlow::Break(Refusal::TableFunction(f.name.to_string()));
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: &[&str] = &["units", "officers"];

    fn check(sql: &str, tables: &[&str]) -> Result<Vec<String>, Refusal> {
        super::check(sql, tables, &Bounds::default()).map(|c| c.tables)
    }

    #[test]
    fn allows_one_select_over_registered_tables_and_ctes() {
        let units = Ok(vec!["units".to_owned()]);
        assert_eq!(
            check("SELECT kind, COUNT(*) FROM units GROUP BY kind", TABLES),
            units
        );
        let join = "SELECT u.code FROM units u JOIN officers o ON o.unit_code = u.code";
        assert_eq!(check(join, TABLES).map(|t| t.len()), Ok(2));
        let cte = "WITH c AS (SELECT * FROM officers) SELECT COUNT(*) FROM c";
        assert_eq!(check(cte, TABLES), Ok(vec!["officers".to_owned()]));
        assert_eq!(
            check("SELECT * FROM (SELECT code FROM units) t", TABLES),
            units
        );
    }

    #[test]
    fn refuses_everything_else() {
        let refused = [
            ("DROP TABLE units", Refusal::NotSelect),
            ("CREATE TABLE x AS SELECT * FROM units", Refusal::NotSelect),
            ("SELECT 1; SELECT 2", Refusal::NotOneStatement),
            ("", Refusal::NotOneStatement),
        ];
        for (sql, want) in refused {
            assert_eq!(check(sql, TABLES), Err(want), "{sql}");
        }
        for sql in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM read_parquet('x.parquet')",
            "SELECT read_json('x')",
            "SELECT * FROM secrets",
            "SELECT * FROM api_token",
            "SELECT * FROM public.units",
            "SELECT * INTO copy FROM units",
            "INSERT INTO units VALUES ('1')",
            "SELEC * FROM units",
        ] {
            assert!(check(sql, TABLES).is_err(), "{sql} must be refused");
        }
    }
}
