//! Between the gate ([`super::guard`]) and the worker: the checked statement rewritten
//! around a known fault of polars' SQL engine, when it has the shape that trips it. The
//! worker is sent the statement as printed back from the rewritten tree; a statement
//! that needs no rewrite goes as the analyst wrote it.
//!
//! The fault (polars 0.55): after a join of tables sharing a column name, grouping by
//! a qualified column that the projection also selects under an alias,
//! `SELECT d.name AS district, count(*) FROM units u JOIN districts d … GROUP BY d.name`,
//! fails with "unable to find column `name:d`": the group key is renamed before the
//! projection reads it. Grouping by the projection's position (`GROUP BY 1`) is the
//! same query and runs, so each such key becomes its position.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, GroupByExpr, Query, Select, SelectItem, SetExpr, Statement, Value, VisitMut, VisitorMut,
};

/// The text to send for `statement`: `None` when it needs no rewrite, else the rewritten
/// statement printed.
pub fn around_engine_faults(statement: &Statement) -> Option<String> {
    let mut rewritten = statement.clone();
    let mut keys = Keys { changed: false };
    let _ = rewritten.visit(&mut keys);
    keys.changed.then(|| rewritten.to_string())
}

/// Replaces qualified group keys selected under an alias by their position.
struct Keys {
    changed: bool,
}

impl VisitorMut for Keys {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.changed |= in_body(query.body.as_mut());
        ControlFlow::Continue(())
    }
}

/// Rewrites the SELECTs of a query body (set operations included; nested queries are
/// visited on their own); whether any key changed.
fn in_body(body: &mut SetExpr) -> bool {
    match body {
        SetExpr::Select(select) => in_select(select),
        SetExpr::SetOperation { left, right, .. } => {
            let left = in_body(left);
            in_body(right) || left
        }
        _ => false,
    }
}

/// Rewrites one SELECT's group keys; whether any changed. One pass over the projection
/// and one over the keys (a statement at the size limit has thousands of each).
fn in_select(select: &mut Select) -> bool {
    let Select {
        projection,
        group_by,
        ..
    } = select;
    let GroupByExpr::Expressions(keys, _) = group_by else {
        return false;
    };
    let mut aliased: HashMap<&Expr, usize> = HashMap::new();
    for (i, item) in projection.iter().enumerate() {
        if let SelectItem::ExprWithAlias { expr, .. } = item
            && matches!(expr, Expr::CompoundIdentifier(_))
        {
            aliased.entry(expr).or_insert(i + 1);
        }
    }
    let mut changed = false;
    for key in keys.iter_mut() {
        if let Some(position) = aliased.get(&*key) {
            *key = Expr::value(Value::Number(position.to_string(), false));
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;

    use super::*;

    fn rewrite(sql: &str) -> Option<String> {
        let statement = Parser::parse_sql(&GenericDialect {}, sql)
            .unwrap()
            .remove(0);
        around_engine_faults(&statement)
    }

    #[test]
    fn aliased_qualified_keys_become_positions_and_nothing_else_changes() {
        assert_eq!(
            rewrite(
                "SELECT u.kind, d.name AS district, count(*) FROM units u \
                 JOIN districts d ON u.district_code = d.code GROUP BY u.kind, d.name"
            )
            .as_deref(),
            Some(
                "SELECT u.kind, d.name AS district, count(*) FROM units u \
                 JOIN districts d ON u.district_code = d.code GROUP BY u.kind, 2"
            )
        );
        // in a subquery and on both sides of a UNION
        let nested = rewrite(
            "SELECT * FROM (SELECT d.name AS n FROM districts d GROUP BY d.name) AS x \
             UNION ALL SELECT d.name AS n FROM districts d GROUP BY d.name",
        )
        .unwrap();
        assert_eq!(nested.matches("GROUP BY 1").count(), 2, "{nested}");
        for unchanged in [
            "SELECT d.name, count(*) FROM districts d GROUP BY d.name",
            "SELECT name AS n FROM districts GROUP BY name",
            "SELECT d.name AS n FROM districts d GROUP BY n",
            "SELECT count(*) FROM districts",
        ] {
            assert_eq!(rewrite(unchanged), None, "{unchanged}");
        }
    }
}
