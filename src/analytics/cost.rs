//! The second step of the gate: an upper bound on the rows each FROM clause builds,
//! from table sizes and column statistics, checked before the engine runs. For an
//! equi-join `A.x = B.y`, `|A ⋈ B| ≤ |A| · maxfreq_B(y)` (and `≤ |B| · maxfreq_A(x)` when
//! A is one table); a cross join or any other condition costs the product; outer joins
//! add their unmatched side. Derived tables and CTEs count as the bound of their FROM
//! (filters, grouping and LIMIT are ignored: the bound only ever over-estimates).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;

use polars::prelude::*;
use sqlparser::ast::{
    BinaryOperator, Expr, Ident, JoinConstraint, JoinOperator, Query, SetExpr, Statement,
    TableFactor, TableWithJoins, Visit, Visitor,
};

use super::guard::{Refusal, last_part};
use crate::dataset::Dataset;

/// Table sizes and column statistics.
pub trait Stats {
    /// Rows of a registered table.
    fn rows(&self, table: &str) -> Option<u64>;
    /// How often the most frequent value of `column` occurs (None: no such column).
    fn max_freq(&self, table: &str, column: &str) -> Option<u64>;
}

/// [`Stats`] over a dataset's frames, computed when first asked.
pub struct FrameStats<'a> {
    dataset: &'a Dataset,
    freq: RefCell<HashMap<(String, String), Option<u64>>>,
}

impl<'a> FrameStats<'a> {
    /// Statistics of `dataset`.
    pub fn new(dataset: &'a Dataset) -> Self {
        Self {
            dataset,
            freq: RefCell::default(),
        }
    }
}

impl Stats for FrameStats<'_> {
    fn rows(&self, table: &str) -> Option<u64> {
        self.dataset.table(table).ok().map(|f| f.height() as u64)
    }

    fn max_freq(&self, table: &str, column: &str) -> Option<u64> {
        let key = (table.to_owned(), column.to_owned());
        if let Some(known) = self.freq.borrow().get(&key) {
            return *known;
        }
        let frame = self.dataset.table(table).ok()?;
        let found = frame.column(column).is_ok().then(|| {
            frame
                .clone()
                .lazy()
                .group_by([col(column)])
                .agg([len().alias("n")])
                .select([col("n").max()])
                .collect()
                .ok()
                .and_then(|f| f.column("n").ok()?.get(0).ok()?.extract::<u64>())
                // Unknown: count every row as one value (the product bound).
                .unwrap_or(frame.height() as u64)
        });
        self.freq.borrow_mut().insert(key, found);
        found
    }
}

/// Refuses `statement` when a FROM clause of it may build more than `max_rows` rows.
pub fn check(statement: &Statement, stats: &dyn Stats, max_rows: u64) -> Result<(), Refusal> {
    let mut estimator = Estimator {
        stats,
        max_rows,
        ctes: HashMap::new(),
        bounds: HashMap::new(),
    };
    match statement.visit(&mut estimator) {
        ControlFlow::Break(refusal) => Err(refusal),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// A registered table in a FROM clause, by the name its columns are qualified with.
#[derive(Clone)]
struct Base {
    alias: String,
    table: String,
}

/// The bound of a FROM item and the registered tables it is made of.
struct Part {
    rows: u64,
    bases: Vec<Base>,
}

struct Estimator<'a> {
    stats: &'a dyn Stats,
    max_rows: u64,
    /// CTE name to its query (by address: queries are visited children first).
    ctes: HashMap<String, usize>,
    /// Bound of each query visited so far, by address.
    bounds: HashMap<usize, u64>,
}

fn address(query: &Query) -> usize {
    std::ptr::from_ref(query) as usize
}

fn ident(i: &Ident) -> String {
    i.value.to_ascii_lowercase()
}

impl Visitor for Estimator<'_> {
    type Break = Refusal;

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Refusal> {
        for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
            self.ctes
                .insert(ident(&cte.alias.name), address(&cte.query));
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &Query) -> ControlFlow<Refusal> {
        let rows = self.set_expr(&query.body)?;
        self.bounds.insert(address(query), rows);
        ControlFlow::Continue(())
    }
}

impl Estimator<'_> {
    fn set_expr(&self, body: &SetExpr) -> ControlFlow<Refusal, u64> {
        ControlFlow::Continue(match body {
            SetExpr::Select(select) => {
                // Tables listed with commas are joined by the equalities of the WHERE
                // clause, if any link them (else it is a cross join).
                let linking = select
                    .selection
                    .as_ref()
                    .map(equalities)
                    .unwrap_or_default();
                let mut items = select.from.iter();
                let Some(first) = items.next() else {
                    return ControlFlow::Continue(1);
                };
                let mut left = self.joined(first)?;
                for item in items {
                    let right = self.joined(item)?;
                    let rows = self.pairs_bound(&left, &right, &linking);
                    left.rows = self.within(rows, "a cross join")?;
                    left.bases.extend(right.bases);
                }
                left.rows
            }
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left)?.saturating_add(self.set_expr(right)?)
            }
            SetExpr::Values(v) => v.rows.len() as u64,
            _ => 1,
        })
    }

    /// The bound of a query already visited (the product of everything when unknown).
    fn query(&self, query: &Query) -> u64 {
        self.bounds
            .get(&address(query))
            .copied()
            .unwrap_or(u64::MAX)
    }

    fn within(&self, rows: u64, what: &str) -> ControlFlow<Refusal, u64> {
        if rows <= self.max_rows {
            return ControlFlow::Continue(rows);
        }
        let shown = if rows == u64::MAX {
            "more than 10^19".to_owned()
        } else {
            rows.to_string()
        };
        ControlFlow::Break(Refusal::TooExpensive(format!(
            "{what} may build {shown} rows; the limit is {} (COSO_ANALYTICS_MAX_JOIN_ROWS): \
             join on a key (e.g. o.unit_code = u.code), filter first, or aggregate in a subquery",
            self.max_rows
        )))
    }

    fn factor(&self, factor: &TableFactor) -> ControlFlow<Refusal, Part> {
        let alias = |a: &Option<sqlparser::ast::TableAlias>| a.as_ref().map(|a| ident(&a.name));
        ControlFlow::Continue(match factor {
            TableFactor::Table { name, alias: a, .. } => {
                let table = last_part(name);
                match self.ctes.get(&table) {
                    Some(&q) => Part {
                        rows: self.bounds.get(&q).copied().unwrap_or(u64::MAX),
                        bases: Vec::new(),
                    },
                    None => Part {
                        rows: self.stats.rows(&table).unwrap_or(u64::MAX),
                        bases: vec![Base {
                            alias: alias(a).unwrap_or_else(|| table.clone()),
                            table,
                        }],
                    },
                }
            }
            TableFactor::Derived { subquery, .. } => Part {
                rows: self.query(subquery),
                bases: Vec::new(),
            },
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => self.joined(table_with_joins)?,
            _ => Part {
                rows: u64::MAX,
                bases: Vec::new(),
            },
        })
    }

    fn joined(&self, item: &TableWithJoins) -> ControlFlow<Refusal, Part> {
        let mut left = self.factor(&item.relation)?;
        for join in &item.joins {
            let right = self.factor(&join.relation)?;
            let rows = self.join_rows(&left, &right, &join.join_operator);
            let rows = self.within(rows, "a join")?;
            left.bases.extend(right.bases);
            left.rows = rows;
        }
        ControlFlow::Continue(left)
    }

    fn join_rows(&self, left: &Part, right: &Part, op: &JoinOperator) -> u64 {
        use JoinOperator as J;
        let (l, r) = (left.rows, right.rows);
        let inner = |c: &JoinConstraint| self.inner(left, right, c);
        match op {
            J::Join(c) | J::Inner(c) | J::StraightJoin(c) => inner(c),
            J::Left(c) | J::LeftOuter(c) => inner(c).saturating_add(l),
            J::Right(c) | J::RightOuter(c) => inner(c).saturating_add(r),
            J::FullOuter(c) => inner(c).saturating_add(l).saturating_add(r),
            J::Semi(_) | J::LeftSemi(_) | J::Anti(_) | J::LeftAnti(_) => l,
            J::RightSemi(_) | J::RightAnti(_) => r,
            _ => l.saturating_mul(r),
        }
    }

    /// The inner-join bound: the smallest equi-join bound among the ANDed conditions,
    /// else the product.
    fn inner(&self, left: &Part, right: &Part, constraint: &JoinConstraint) -> u64 {
        let pairs: Vec<(ColumnRef, ColumnRef)> = match constraint {
            JoinConstraint::On(expr) => equalities(expr),
            JoinConstraint::Using(columns) => columns
                .iter()
                .map(|c| {
                    let name = last_part(c);
                    (ColumnRef(None, name.clone()), ColumnRef(None, name))
                })
                .collect(),
            _ => Vec::new(),
        };
        self.pairs_bound(left, right, &pairs)
    }

    /// The smallest equi-join bound among `pairs` that link `left` and `right`, else the
    /// product.
    fn pairs_bound(&self, left: &Part, right: &Part, pairs: &[(ColumnRef, ColumnRef)]) -> u64 {
        let product = left.rows.saturating_mul(right.rows);
        pairs
            .iter()
            .flat_map(|(a, b)| [(a, b), (b, a)])
            .filter_map(|(x, y)| self.pair_bound(left, right, x, y))
            .min()
            .unwrap_or(product)
            .min(product)
    }

    /// The bound given `x` (a left column) equals `y` (a right column), if known.
    fn pair_bound(&self, left: &Part, right: &Part, x: &ColumnRef, y: &ColumnRef) -> Option<u64> {
        let lx = self.resolve(x, &left.bases, &right.bases)?;
        let ry = self.resolve(y, &right.bases, &left.bases)?;
        let by_right = self
            .stats
            .max_freq(&ry.table, &y.1)
            .map(|f| left.rows.saturating_mul(f));
        // Only when the left side is that one table, unjoined, does its frequency bound it.
        let by_left = (left.bases.len() == 1 && self.stats.rows(&lx.table) == Some(left.rows))
            .then(|| self.stats.max_freq(&lx.table, &x.1))
            .flatten()
            .map(|f| right.rows.saturating_mul(f));
        [by_right, by_left].into_iter().flatten().min()
    }

    /// The base table of `side` a column belongs to: by its qualifier, or (unqualified)
    /// the one table of `side` having it when `other` has no such column.
    fn resolve<'b>(&self, c: &ColumnRef, side: &'b [Base], other: &[Base]) -> Option<&'b Base> {
        let has = |b: &Base| self.stats.max_freq(&b.table, &c.1).is_some();
        match &c.0 {
            Some(q) => side.iter().find(|b| &b.alias == q).filter(|b| has(b)),
            None => {
                let mut found = side.iter().filter(|b| has(b));
                let one = found.next()?;
                (found.next().is_none() && !other.iter().any(has)).then_some(one)
            }
        }
    }
}

/// A column named in a join condition: qualifier and name, lower-cased.
struct ColumnRef(Option<String>, String);

fn column_ref(expr: &Expr) -> Option<ColumnRef> {
    match expr {
        Expr::Identifier(i) => Some(ColumnRef(None, ident(i))),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [q, c] => Some(ColumnRef(Some(ident(q)), ident(c))),
            _ => None,
        },
        Expr::Nested(inner) => column_ref(inner),
        _ => None,
    }
}

/// The `column = column` conditions ANDed at the top of a join condition.
fn equalities(expr: &Expr) -> Vec<(ColumnRef, ColumnRef)> {
    let mut pending = vec![expr];
    let mut found = Vec::new();
    while let Some(e) = pending.pop() {
        match e {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => pending.extend([left.as_ref(), right.as_ref()]),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => {
                if let (Some(a), Some(b)) = (column_ref(left), column_ref(right)) {
                    found.push((a, b));
                }
            }
            Expr::Nested(inner) => pending.push(inner),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::bounds::Bounds;
    use crate::analytics::guard;

    /// units: 100 rows, code unique; officers: 1,000 rows, 10 per unit_code, 500 per position.
    struct Fixed;

    impl Stats for Fixed {
        fn rows(&self, table: &str) -> Option<u64> {
            match table {
                "units" => Some(100),
                "officers" => Some(1_000),
                _ => None,
            }
        }
        fn max_freq(&self, table: &str, column: &str) -> Option<u64> {
            match (table, column) {
                ("units", "code") => Some(1),
                ("units", "kind") => Some(60),
                ("officers", "unit_code") => Some(10),
                ("officers", "position") => Some(500),
                ("officers", "id") => Some(1),
                _ => None,
            }
        }
    }

    fn estimate(sql: &str, max: u64) -> Result<(), Refusal> {
        let checked = guard::check(sql, &["units", "officers"], &Bounds::default())?;
        check(&checked.statement, &Fixed, max)
    }

    #[test]
    fn key_joins_pass_and_products_do_not() {
        let key = "SELECT * FROM officers o JOIN units u ON o.unit_code = u.code";
        assert!(estimate(key, 1_000).is_ok(), "1,000 × 1");
        let reversed = "SELECT * FROM units u JOIN officers o ON u.code = o.unit_code";
        assert!(estimate(reversed, 1_000).is_ok(), "100 × 10 or 1,000 × 1");
        let self_join = "SELECT * FROM officers a JOIN officers b ON a.position = b.position \
                         JOIN officers c ON b.position = c.position";
        let refused = estimate(self_join, 1_000_000);
        assert!(
            matches!(&refused, Err(Refusal::TooExpensive(m)) if m.contains("250000000")),
            "{refused:?}"
        );
        let cross = "SELECT * FROM units, officers a, officers b";
        assert!(matches!(
            estimate(cross, 1_000_000),
            Err(Refusal::TooExpensive(_))
        ));
        let non_equi = "SELECT * FROM officers a JOIN officers b ON a.id < b.id";
        assert!(matches!(
            estimate(non_equi, 999_999),
            Err(Refusal::TooExpensive(_))
        ));
        let cte = "WITH x AS (SELECT * FROM officers a JOIN officers b ON a.id < b.id) \
                   SELECT COUNT(*) FROM x JOIN units u ON x.unit_code = u.code";
        assert!(matches!(
            estimate(cte, 999_999),
            Err(Refusal::TooExpensive(_))
        ));
        let nested = "SELECT COUNT(*) FROM units WHERE code IN \
                      (SELECT a.unit_code FROM officers a, officers b)";
        assert!(matches!(
            estimate(nested, 999_999),
            Err(Refusal::TooExpensive(_))
        ));
        let implicit =
            "SELECT * FROM units u, officers o WHERE o.unit_code = u.code AND u.kind = 'xa'";
        assert!(
            estimate(implicit, 1_000).is_ok(),
            "joined by the WHERE equality"
        );
        let unlinked = "SELECT * FROM units u, officers o WHERE u.code = u.kind";
        assert!(matches!(
            estimate(unlinked, 99_999),
            Err(Refusal::TooExpensive(_))
        ));
        let left = "SELECT * FROM units u LEFT JOIN officers o USING (unit_code)";
        assert!(estimate(left, 200_000).is_ok());
    }
}
