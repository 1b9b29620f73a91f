//! Walking a list page by page the way a client does, with writes between pages.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// One list query: its field, the id of its nodes, how it takes an order, and a filter.
pub struct List {
    pub field: &'static str,
    /// The node field that identifies a row (`id` or `code`).
    pub id: &'static str,
    /// `(argument, GraphQL type)` of the order, e.g. `("orderBy", "OfficerSort")`.
    pub order: Option<(&'static str, &'static str)>,
    /// The filter argument, written into the document (e.g. `{ activeOn: "2026-01-01" }`).
    pub filter: String,
}

impl List {
    fn document(&self) -> String {
        let (decl, arg) = match self.order {
            Some((name, ty)) => (format!(", $order: {ty}"), format!(", {name}: $order")),
            None => (String::new(), String::new()),
        };
        let filter = match self.filter.is_empty() {
            true => String::new(),
            false => format!(", filter: {}", self.filter),
        };
        format!(
            "query($first: Int, $after: String{decl}) {{ {f}(first: $first, after: $after{arg}{filter}) {{ totalCount edges {{ cursor node {{ {id} }} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}",
            f = self.field,
            id = self.id,
        )
    }

    /// One page: the ids on it, its end cursor and whether more follow.
    pub async fn page(
        &self,
        app: &TestApp,
        order: &Value,
        first: usize,
        after: &Value,
    ) -> (Vec<String>, Value, bool) {
        let vars = json!({ "first": first, "after": after, "order": order });
        let data = app.data(&app.admin, &self.document(), vars).await;
        let conn = &data[self.field];
        let ids = conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"][self.id].to_string())
            .collect();
        let info = &conn["pageInfo"];
        assert_eq!(info["hasPreviousPage"], json!(!after.is_null()));
        (
            ids,
            info["endCursor"].clone(),
            info["hasNextPage"].as_bool().unwrap(),
        )
    }

    /// Every row in `order`, by pages of 500, without writes; checked against `totalCount`.
    pub async fn all(&self, app: &TestApp, order: &Value) -> Vec<String> {
        let (mut all, mut after) = (Vec::new(), Value::Null);
        loop {
            let (ids, end, more) = self.page(app, order, 500, &after).await;
            all.extend(ids);
            if !more {
                break;
            }
            after = end;
        }
        let vars = json!({ "first": 0, "order": order });
        let data = app.data(&app.admin, &self.document(), vars).await;
        assert_eq!(data[self.field]["totalCount"], json!(all.len()));
        all
    }
}

/// What a walk saw: the rows in page order.
pub struct Walked {
    pub ids: Vec<String>,
    pub pages: usize,
}

/// Walks `list` in `order` by pages of `first`, calling `write(step, page)` between
/// pages; `write` answers the rows it removed from the list.
pub async fn walk_with_writes<W>(
    app: &TestApp,
    list: &List,
    order: &Value,
    first: usize,
    mut write: W,
) -> (Walked, HashSet<String>)
where
    W: AsyncFnMut(usize, &[String]) -> Vec<String>,
{
    let (mut ids, mut removed, mut after, mut pages) = (Vec::new(), HashSet::new(), Value::Null, 0);
    loop {
        let (page, end, more) = list.page(app, order, first, &after).await;
        pages += 1;
        ids.extend(page.iter().cloned());
        if !more {
            return (Walked { ids, pages }, removed);
        }
        removed.extend(write(pages, &page).await);
        after = end;
    }
}

/// Walks `list` in every order while `write` changes it, and checks that every row that
/// existed throughout was seen exactly once, no row twice, in the order a fresh walk gives.
pub async fn check_every_order<W>(app: &TestApp, list: &List, orders: &[Value], mut write: W)
where
    W: AsyncFnMut(usize, &[String]) -> Vec<String>,
{
    for order in orders {
        let before = list.all(app, order).await;
        let first = (before.len() / 5).max(2);
        let (walked, removed) = walk_with_writes(app, list, order, first, &mut write).await;
        let what = format!("{} {order}", list.field);
        assert!(walked.pages >= 3, "{what}: only {} pages", walked.pages);
        let mut seen = HashSet::new();
        for id in &walked.ids {
            assert!(seen.insert(id), "{what}: row {id} on two pages");
        }
        let kept: Vec<&String> = before.iter().filter(|id| !removed.contains(*id)).collect();
        for id in &kept {
            assert!(seen.contains(id), "{what}: row {id} skipped");
        }
        let kept: HashSet<&String> = kept.into_iter().collect();
        let fresh = list.all(app, order).await;
        let in_walk: Vec<_> = walked.ids.iter().filter(|id| kept.contains(id)).collect();
        let in_fresh: Vec<_> = fresh.iter().filter(|id| kept.contains(id)).collect();
        assert_eq!(
            in_walk, in_fresh,
            "{what}: the walk's order is the list's order"
        );
    }
}

/// Orders `{ field, direction }` for every field, both directions.
pub fn sorts(fields: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for f in fields {
        for d in ["ASC", "DESC"] {
            out.push(json!({ "field": f, "direction": d }));
        }
    }
    out
}

/// Both directions, for lists ordered by one field.
pub fn directions() -> Vec<Value> {
    vec![json!("ASC"), json!("DESC")]
}
