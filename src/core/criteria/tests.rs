use super::*;
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: &str = "2026-11-23T12:00:00Z";

fn context() -> Context {
    let mut context = Context {
        now_ms: parse_date_ms(NOW).unwrap(),
        ..Context::default()
    };
    context.set("plan", "pro");
    context.set("seats", 12.0);
    context.set("seats_text", "12");
    context.set("page.path", "/app/settings/billing");
    context.set("tags", json!(["beta", "eu"]));
    context.set("signed_up", "2026-08-01");
    context.set("last_order", "2026-11-20T09:30:00+01:00");
    context.set("vip", true);
    context
}

fn parse_value(value: Value) -> Result<Criteria, PathError> {
    Criteria::parse(&value.into())
}

fn leaf(attr: &str, op: &str, value: Value) -> Criteria {
    parse_value(json!({"attr": attr, "op": op, "value": value})).expect("valid leaf")
}

/// Every op: (attr, op, value, holds for the context above).
/// Rows per op: a match, a non-match, a missing attribute, and a wrongly typed attribute.
#[test]
fn every_op_matches_mismatches_and_handles_missing_and_wrongly_typed_attributes() {
    let table: &[(&str, &str, Value, bool)] = &[
        ("plan", "eq", json!("pro"), true),
        ("plan", "eq", json!("free"), false),
        ("missing", "eq", json!("pro"), false),
        ("seats", "eq", json!(12), true),
        ("seats_text", "eq", json!(12), true),
        ("seats_text", "eq", json!("12.0"), false),
        ("vip", "eq", json!(true), true),
        ("plan", "ne", json!("free"), true),
        ("plan", "ne", json!("pro"), false),
        ("missing", "ne", json!("pro"), true),
        ("plan", "in", json!(["pro", "enterprise"]), true),
        ("plan", "in", json!(["free"]), false),
        ("missing", "in", json!(["pro"]), false),
        ("seats", "in", json!([1, 12]), true),
        ("plan", "not_in", json!(["free"]), true),
        ("plan", "not_in", json!(["pro"]), false),
        ("missing", "not_in", json!(["pro"]), true),
        ("page.path", "contains", json!("settings"), true),
        ("page.path", "contains", json!("admin"), false),
        ("tags", "contains", json!("beta"), true),
        ("tags", "contains", json!("bet"), false),
        ("missing", "contains", json!("x"), false),
        ("page.path", "not_contains", json!("admin"), true),
        ("tags", "not_contains", json!("beta"), false),
        ("missing", "not_contains", json!("x"), true),
        ("page.path", "starts_with", json!("/app"), true),
        ("page.path", "starts_with", json!("/blog"), false),
        ("missing", "starts_with", json!("/app"), false),
        ("tags", "starts_with", json!("beta"), false),
        ("page.path", "ends_with", json!("/billing"), true),
        ("page.path", "ends_with", json!("/team"), false),
        ("missing", "ends_with", json!("/billing"), false),
        ("page.path", "matches", json!("/app/*/billing"), true),
        ("page.path", "matches", json!("/app/*"), true),
        ("page.path", "matches", json!("/app"), false),
        ("missing", "matches", json!("*"), false),
        ("tags", "matches", json!("*"), false),
        ("plan", "exists", Value::Null, true),
        ("missing", "exists", Value::Null, false),
        ("plan", "not_exists", Value::Null, false),
        ("missing", "not_exists", Value::Null, true),
        ("seats", "gt", json!(10), true),
        ("seats", "gt", json!(12), false),
        ("seats_text", "gt", json!(10), true),
        ("plan", "gt", json!(10), false),
        ("missing", "gt", json!(10), false),
        ("seats", "gte", json!(12), true),
        ("seats", "gte", json!(13), false),
        ("seats", "lt", json!(13), true),
        ("seats", "lt", json!(12), false),
        ("seats", "lte", json!(12), true),
        ("seats", "lte", json!(11), false),
        ("signed_up", "gt", json!("2026-07-31"), true),
        ("signed_up", "lt", json!("2026-07-31"), false),
        ("last_order", "gte", json!("2026-11-20T08:30:00Z"), true),
        ("last_order", "gt", json!("2026-11-20T08:30:00Z"), false),
        ("plan", "lt", json!("2026-01-01"), false),
        ("signed_up", "older_than_days", json!(90), true),
        ("signed_up", "older_than_days", json!(120), false),
        ("missing", "older_than_days", json!(1), false),
        ("plan", "older_than_days", json!(1), false),
        ("last_order", "newer_than_days", json!(7), true),
        ("signed_up", "newer_than_days", json!(7), false),
        ("missing", "newer_than_days", json!(7), false),
    ];
    let context = context();
    let mut ops_seen = std::collections::BTreeSet::new();
    for (attr, op, value, expected) in table {
        ops_seen.insert(*op);
        let criteria = leaf(attr, op, value.clone());
        assert_eq!(
            criteria.evaluate(&context).is_ok(),
            *expected,
            "{attr} {op} {value}"
        );
    }
    assert_eq!(ops_seen.len(), OPS.len(), "the table covers every op");
}

#[test]
fn nested_all_any_not_report_where_they_failed() {
    let criteria = parse_value(json!({"all": [
        {"attr": "plan", "op": "in", "value": ["pro", "enterprise"]},
        {"any": [
            {"attr": "seats", "op": "gt", "value": 100},
            {"not": {"attr": "tags", "op": "contains", "value": "eu"}}
        ]}
    ]}))
    .unwrap();
    let mismatch = criteria.evaluate(&context()).unwrap_err();
    assert_eq!(mismatch.path, "all[1].any");
    assert_eq!(
        mismatch.detail,
        "no alternative holds (first: seats gt 100 is false: seats is 12)"
    );

    let mut other = context();
    other.set("plan", "free");
    let mismatch = criteria.evaluate(&other).unwrap_err();
    assert_eq!(
        mismatch.to_string(),
        r#"all[0]: plan in ["pro","enterprise"] is false: plan is "free""#
    );

    other.set("plan", "enterprise");
    other.set("tags", json!(["us"]));
    assert_eq!(criteria.evaluate(&other), Ok(()));
    assert!(parse_value(json!({"any": []}))
        .unwrap()
        .evaluate(&other)
        .is_err());
    assert_eq!(
        parse_value(json!({"all": []})).unwrap().evaluate(&other),
        Ok(())
    );
}

#[test]
fn invalid_criteria_name_the_path_and_the_problem() {
    let cases = [
        (
            json!({"all": [{"attr": "plan", "op": "equal", "value": "pro"}]}),
            "all[0].op",
            "unknown op \"equal\"",
        ),
        (
            json!({"any": [{}, {"attr": "x", "op": "in", "value": "pro"}]}),
            "any[0].attr",
            "must be a non-empty string",
        ),
        (
            json!({"not": {"attr": "x", "op": "gt", "value": "soon"}}),
            "not.value",
            "must be a number or a date",
        ),
        (json!({"all": {"attr": "x"}}), "all", "must be a list"),
        (
            json!({"attr": "x", "op": "matches", "value": ""}),
            "value",
            "non-empty glob",
        ),
        (
            json!({"attr": "x", "op": "exists", "value": 1}),
            "value",
            "exists takes no value",
        ),
        (
            json!({"attr": "x", "op": "older_than_days", "value": -1}),
            "value",
            "days >= 0",
        ),
        (
            json!({"attr": "x", "op": "in", "value": []}),
            "value",
            "non-empty list",
        ),
        (json!([1]), "", "must be an object"),
    ];
    for (json, path, message) in cases {
        let error = parse_value(json.clone()).unwrap_err();
        assert_eq!(error.path, path, "{json}");
        assert!(error.message.contains(message), "{json}: {}", error.message);
    }
}

#[test]
fn cookie_names_lists_only_cookies_the_criteria_read() {
    let criteria = parse_value(json!({"any": [
        {"attr": "cookie.theme", "op": "eq", "value": "dark"},
        {"not": {"attr": "cookie.ab_group", "op": "exists"}},
        {"attr": "plan", "op": "exists"}
    ]}))
    .unwrap();
    assert_eq!(
        criteria.cookie_names(),
        vec!["theme".to_string(), "ab_group".to_string()]
    );
}

fn arbitrary_leaf() -> impl Strategy<Value = Criteria> {
    let attrs = prop::sample::select(vec![
        "plan",
        "seats",
        "tags",
        "missing",
        "signed_up",
        "page.path",
    ]);
    let ops = prop::sample::select(OPS.iter().map(|(name, _)| *name).collect::<Vec<_>>());
    let values = prop::sample::select(vec![
        json!("pro"),
        json!(12),
        json!("/app*"),
        json!(30),
        json!("2026-01-01"),
    ]);
    (attrs, ops, values).prop_filter_map("valid operand", |(attr, op, value)| {
        let value = if op.ends_with("exists") {
            Value::Null
        } else if op.ends_with("in") {
            json!([value])
        } else {
            value
        };
        parse_value(json!({"attr": attr, "op": op, "value": value})).ok()
    })
}

fn arbitrary_tree() -> impl Strategy<Value = Criteria> {
    arbitrary_leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Criteria::All),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Criteria::Any),
            inner.prop_map(|c| Criteria::Not(Box::new(c))),
        ]
    })
}

proptest! {
    #[test]
    fn not_inverts_any_tree(tree in arbitrary_tree()) {
        let context = context();
        let holds = tree.evaluate(&context).is_ok();
        prop_assert_eq!(Criteria::Not(Box::new(tree)).evaluate(&context).is_ok(), !holds);
    }
}
