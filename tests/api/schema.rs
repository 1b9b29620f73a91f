//! The committed `schema.graphql` is the live schema: any API change shows in review.

#[test]
fn committed_sdl_matches_the_live_schema() {
    let live = coso::graphql::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(path, &live).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == live,
        "schema.graphql differs from the live schema: run `UPDATE_SCHEMA=1 cargo test schema` and review the diff"
    );
}
