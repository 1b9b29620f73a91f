//! Lists of plain objects answered in one pass. async-graphql resolves every field of
//! every object as a future of its own (boxed, joined, its value inserted into the
//! object's map): about 1,500 instructions a field, 30 allocations an object of the
//! indicator values, where the value itself is a read of a struct field. A type whose
//! fields are all such reads ([`PlainObject`]) is served as a [`PlainList`]: the
//! resolver returns it like a `Vec`, the schema sees the same list type, and its answer
//! is built by walking the validated selection set once per object (aliases, repeated
//! response keys merged, fragments, `__typename`), with no future per field.
//!
//! Where the walk meets anything it does not answer (a directive other than `@skip`
//! and `@include`, which the executor has already applied; a fragment on another type),
//! the whole list goes the general way, `Vec<T>`'s, so an answer never depends on which
//! way it took. The unit tests hold the two ways to the same bytes.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::resolve_list;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};

/// An object type whose fields are answered without waiting on anything.
pub trait PlainObject: Send + Sync {
    /// The GraphQL type's name (for `__typename` and fragments' type conditions).
    const TYPE: &'static str;

    /// The value of `field` (a field of the type: the document is validated), or `None`
    /// when this field is not answered in a plain pass (then the whole list is resolved
    /// the general way). A field of an object type answers through
    /// [`Walk::object`].
    fn field(&self, field: &Field, walk: &Walk<'_>) -> Option<Value>;
}

/// The walk of one answer: the request's context, for data and fragments.
pub struct Walk<'a> {
    ctx: &'a ContextSelectionSet<'a>,
}

impl<'a> Walk<'a> {
    /// The request's context (its data: configuration, the caller).
    pub fn ctx(&self) -> &'a ContextSelectionSet<'a> {
        self.ctx
    }

    /// `object` answering `field`'s selection set.
    pub fn object<T: PlainObject>(&self, object: &T, field: &Field) -> Option<Value> {
        self.answer(object, &field.selection_set.node)
    }

    fn answer<T: PlainObject>(&self, object: &T, set: &SelectionSet) -> Option<Value> {
        let mut map = IndexMap::with_capacity(set.items.len());
        self.collect(object, set, &mut map)?;
        // As async-graphql answers an object none of whose fields applied.
        Some(if map.is_empty() {
            Value::Null
        } else {
            Value::Object(map)
        })
    }

    fn collect<T: PlainObject>(
        &self,
        object: &T,
        set: &SelectionSet,
        map: &mut IndexMap<Name, Value>,
    ) -> Option<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if !field.directives.iter().all(|d| executed(&d.node.name.node)) {
                        return None;
                    }
                    let value = if field.name.node == "__typename" {
                        Value::String(T::TYPE.to_owned())
                    } else {
                        object.field(field, self)?
                    };
                    insert(map, field.response_key().node.clone(), value);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let fragment = &self.ctx.query_env.fragments.get(name)?.node;
                    if !spread
                        .node
                        .directives
                        .iter()
                        .all(|d| executed(&d.node.name.node))
                        || fragment.type_condition.node.on.node != T::TYPE
                    {
                        return None;
                    }
                    self.collect(object, &fragment.selection_set.node, map)?;
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let applies = inline
                        .type_condition
                        .as_ref()
                        .is_none_or(|c| c.node.on.node == T::TYPE);
                    if !applies
                        || !inline
                            .directives
                            .iter()
                            .all(|d| executed(&d.node.name.node))
                    {
                        return None;
                    }
                    self.collect(object, &inline.selection_set.node, map)?;
                }
            }
        }
        Some(())
    }
}

/// The directives the executor applies before resolving (it removes what they skip).
fn executed(name: &str) -> bool {
    matches!(name, "skip" | "include")
}

/// Enters a field's value under its response key; a key selected again merges objects
/// (as async-graphql's `insert_value` does: the first value of a leaf stays).
fn insert(map: &mut IndexMap<Name, Value>, key: Name, value: Value) {
    match map.entry(key) {
        async_graphql::indexmap::map::Entry::Vacant(entry) => {
            entry.insert(value);
        }
        async_graphql::indexmap::map::Entry::Occupied(mut entry) => {
            if let (Value::Object(kept), Value::Object(more)) = (entry.get_mut(), value) {
                for (key, value) in more {
                    insert(kept, key, value);
                }
            }
        }
    }
}

/// A list of plain objects: in the schema the same as `Vec<T>`.
pub struct PlainList<T>(pub Vec<T>);

/// Request data that sends every plain list the general way (the tests' comparison).
pub struct General;

impl<T: PlainObject + OutputType> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        if ctx.data_opt::<General>().is_none() {
            let walk = Walk { ctx };
            let plain: Option<Vec<Value>> = self
                .0
                .iter()
                .map(|object| walk.answer(object, &ctx.item.node))
                .collect();
            if let Some(values) = plain {
                #[cfg(test)]
                tests::TAKEN.with(|n| n.set(n.get() + 1));
                return Ok(Value::List(values));
            }
        }
        resolve_list(ctx, field, &self.0, Some(self.0.len())).await
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Request, Schema, SimpleObject};

    use super::*;

    thread_local! {
        /// Plain answers given on this thread.
        pub(crate) static TAKEN: Cell<usize> = const { Cell::new(0) };
    }

    /// Answers `document` both ways (the plain walk must be taken the first time) and
    /// checks the two answers are the same bytes; returns the answer.
    pub(crate) async fn both_ways<Q>(
        schema: &Schema<Q, EmptyMutation, EmptySubscription>,
        document: &str,
        variables: serde_json::Value,
    ) -> String
    where
        Q: async_graphql::ObjectType + 'static,
    {
        let request = |general: bool| {
            let r = Request::new(document)
                .variables(async_graphql::Variables::from_json(variables.clone()));
            if general { r.data(General) } else { r }
        };
        let before = TAKEN.with(Cell::get);
        let plain = serde_json::to_string(&schema.execute(request(false)).await).unwrap();
        assert_eq!(
            TAKEN.with(Cell::get),
            before + 1,
            "the plain walk answered {document}"
        );
        let general = serde_json::to_string(&schema.execute(request(true)).await).unwrap();
        assert_eq!(
            TAKEN.with(Cell::get),
            before + 1,
            "the general way answered {document}"
        );
        assert_eq!(plain, general, "{document}");
        plain
    }

    #[derive(SimpleObject)]
    struct Pair {
        left: String,
        right: Option<i32>,
    }

    impl PlainObject for Pair {
        const TYPE: &'static str = "Pair";
        fn field(&self, field: &Field, _: &Walk<'_>) -> Option<Value> {
            Some(match field.name.node.as_str() {
                "left" => Value::String(self.left.clone()),
                "right" => self.right.map_or(Value::Null, Value::from),
                _ => return None,
            })
        }
    }

    struct Row {
        id: i32,
        pair: Pair,
    }

    #[Object]
    impl Row {
        async fn id(&self) -> i32 {
            self.id
        }
        async fn pair(&self) -> &Pair {
            &self.pair
        }
        async fn twice(&self, by: i32) -> i32 {
            self.id * by
        }
    }

    impl PlainObject for Row {
        const TYPE: &'static str = "Row";
        fn field(&self, field: &Field, walk: &Walk<'_>) -> Option<Value> {
            match field.name.node.as_str() {
                "id" => Some(Value::from(self.id)),
                "pair" => walk.object(&self.pair, field),
                // A field with an argument: not plain here, so the list goes the general way.
                _ => None,
            }
        }
    }

    struct Query;

    #[Object]
    impl Query {
        async fn rows(&self) -> PlainList<Row> {
            PlainList(
                (0..3)
                    .map(|id| Row {
                        id,
                        pair: Pair {
                            left: format!("l{id}"),
                            right: (id % 2 == 0).then_some(id),
                        },
                    })
                    .collect(),
            )
        }
    }

    fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::new(Query, EmptyMutation, EmptySubscription)
    }

    #[tokio::test]
    async fn a_plain_list_answers_as_the_general_way_does() {
        let schema = schema();
        let answer = both_ways(
            &schema,
            "{ rows { id pair { left right } } }",
            serde_json::json!({}),
        )
        .await;
        assert_eq!(
            answer,
            r#"{"data":{"rows":[{"id":0,"pair":{"left":"l0","right":0}},{"id":1,"pair":{"left":"l1","right":null}},{"id":2,"pair":{"left":"l2","right":2}}]}}"#
        );
        for document in [
            // Aliases, the order asked, a key selected twice (leaf and object, merged).
            "{ rows { b: id a: pair { right } id pair { left } pair { right } } }",
            // __typename at both levels.
            "{ rows { __typename pair { __typename left } } }",
            // Fragments, named and inline, with and without a type condition.
            "query { rows { ...R ... on Row { pair { ...P } } ... { id } } } fragment R on Row { id } fragment P on Pair { left }",
            // Directives the executor applies.
            "query($yes: Boolean!) { rows { id @include(if: $yes) pair @skip(if: $yes) { left } left: id @skip(if: false) } }",
        ] {
            both_ways(&schema, document, serde_json::json!({ "yes": true })).await;
        }
    }

    #[tokio::test]
    async fn a_field_the_walk_does_not_answer_sends_the_list_the_general_way() {
        let schema = schema();
        let before = TAKEN.with(Cell::get);
        let answer = schema.execute("{ rows { id twice(by: 3) } }").await;
        assert_eq!(TAKEN.with(Cell::get), before, "the general way");
        assert_eq!(
            serde_json::to_string(&answer).unwrap(),
            r#"{"data":{"rows":[{"id":0,"twice":0},{"id":1,"twice":3},{"id":2,"twice":6}]}}"#
        );
    }
}
