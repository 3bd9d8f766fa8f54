//! Reading a criteria tree from config JSON: every node checked, every error with its path.

use super::{Condition, Criteria, Op, OPS};
use crate::core::dates::parse_date_ms;
use crate::core::json::Json;
use crate::core::json_path::{join, PathError};
use crate::core::suggest::unknown_field;

/// The keys of a criteria node: three group keys, then a leaf's.
const NODE_KEYS: [&str; 6] = ["all", "any", "not", "attr", "op", "value"];

pub(super) fn parse_node(value: &Json, path: &str) -> Result<Criteria, PathError> {
    let error = |at: &str, message: String| {
        Err(PathError {
            path: join(path, at),
            message,
        })
    };
    if value.as_object().is_none() {
        return error("", "must be an object: {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}} or {\"attr\", \"op\", \"value\"}".into());
    }
    // A node is a group ({"all": [...]}, {"any": [...]}, {"not": {...}}) or a leaf
    // ({"attr", "op", "value"}); any other key is a typo that would change what matches.
    let group = NODE_KEYS[..3].iter().find(|key| value.get(key).is_some());
    let allowed = group.map_or(&NODE_KEYS[3..], std::slice::from_ref);
    let fields = value.as_object().unwrap_or_default();
    if let Some((key, _)) = fields
        .iter()
        .find(|(key, _)| !allowed.contains(&key.as_str()))
    {
        let message = match group {
            Some(group) if NODE_KEYS.contains(&key.as_str()) => {
                format!("cannot be combined with \"{group}\" in one rule")
            }
            _ => unknown_field(key, &NODE_KEYS),
        };
        return error(key, message);
    }
    let list = |key: &str, items: &Json| -> Result<Vec<Criteria>, PathError> {
        let Some(items) = items.as_array() else {
            return Err(PathError {
                path: join(path, key),
                message: "must be a list".into(),
            });
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_node(item, &join(path, &format!("{key}[{i}]"))))
            .collect()
    };
    if let Some(items) = value.get("all") {
        return list("all", items).map(Criteria::All);
    }
    if let Some(items) = value.get("any") {
        return list("any", items).map(Criteria::Any);
    }
    if let Some(child) = value.get("not") {
        return parse_node(child, &join(path, "not")).map(|c| Criteria::Not(Box::new(c)));
    }
    let attr = match value.get("attr").and_then(Json::as_str) {
        Some(attr) if !attr.trim().is_empty() => attr.trim().to_string(),
        _ => {
            return error(
                "attr",
                "must be a non-empty string (e.g. \"plan\" or \"page.path\")".into(),
            )
        }
    };
    let op_name = value.get("op").and_then(Json::as_str).unwrap_or_default();
    let Some(op) = OPS
        .iter()
        .find(|(name, _)| *name == op_name)
        .map(|(_, op)| *op)
    else {
        let names: Vec<&str> = OPS.iter().map(|(name, _)| *name).collect();
        return error(
            "op",
            format!("unknown op \"{op_name}\" (use one of {})", names.join(", ")),
        );
    };
    let value = value.get("value").cloned().unwrap_or_default();
    if let Err(message) = check_operand(op, &value) {
        return error("value", message);
    }
    Ok(Criteria::Leaf(Condition { attr, op, value }))
}

fn is_scalar(value: &Json) -> bool {
    matches!(value, Json::String(_) | Json::Number(_) | Json::Bool(_))
}

fn check_operand(op: Op, value: &Json) -> Result<(), String> {
    let ok = match op {
        Op::Eq | Op::Ne => is_scalar(value),
        Op::In | Op::NotIn => value
            .as_array()
            .is_some_and(|items| !items.is_empty() && items.iter().all(is_scalar)),
        Op::Contains | Op::NotContains => is_scalar(value),
        Op::StartsWith | Op::EndsWith => value.as_str().is_some(),
        Op::Matches => return check_glob(value),
        Op::Exists | Op::NotExists => value.is_null(),
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            value.as_f64().is_some() || value.as_str().is_some_and(|s| parse_date_ms(s).is_some())
        }
        Op::OlderThanDays | Op::NewerThanDays => value.as_f64().is_some_and(|days| days >= 0.0),
    };
    if ok {
        return Ok(());
    }
    Err(match op {
        Op::Eq | Op::Ne | Op::Contains | Op::NotContains => {
            "must be a string, number or boolean".into()
        }
        Op::In | Op::NotIn => "must be a non-empty list of strings or numbers".into(),
        Op::StartsWith | Op::EndsWith => "must be a string".into(),
        Op::Exists | Op::NotExists => format!("{} takes no value", op.name()),
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            "must be a number or a date (YYYY-MM-DD or RFC 3339)".into()
        }
        _ => "must be a number of days >= 0".into(),
    })
}

fn check_glob(value: &Json) -> Result<(), String> {
    match value.as_str() {
        Some(pattern) if !pattern.is_empty() => Ok(()),
        _ => Err("must be a non-empty glob pattern such as \"/app/*\"".into()),
    }
}
