//! Segment criteria (SPEC 3.4): a tree of `all` / `any` / `not` over leaves
//! `{"attr", "op", "value"}`, validated at config load and evaluated against a visitor [`Context`].
//!
//! Typed comparison: numbers compare as numbers (an attribute string such as `"42"` counts as a
//! number), dates (`YYYY-MM-DD` or RFC 3339) as dates, everything else as exact strings.
//!
//! **Missing attributes**: a leaf whose attribute the visitor does not have is false for every op
//! except the negative ones, `not_exists`, `ne`, `not_in` and `not_contains`, which are true
//! ("plan ne free" holds for a visitor with no plan). An attribute of the wrong type (e.g. `gt`
//! on a non-numeric string) is false.

use crate::core::dates::{parse_date_ms, MS_PER_DAY};
use crate::core::glob::glob_match;
use crate::core::json::Json;
use crate::core::json_path::{join, PathError};
use crate::core::map::Map;
use std::fmt;

mod parse;

/// A validated criteria tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Criteria {
    /// Every child holds.
    All(Vec<Criteria>),
    /// At least one child holds.
    Any(Vec<Criteria>),
    /// The child does not hold.
    Not(Box<Criteria>),
    /// One comparison.
    Leaf(Condition),
}

/// One comparison of a visitor attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// Attribute name: `visitor.id`, `cookie.NAME`, `page.path`, ..., or a plain name.
    pub attr: String,
    /// The operator.
    pub op: Op,
    /// The operand (`Null` for `exists` / `not_exists`).
    pub value: Json,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Op {
    Eq,
    Ne,
    In,
    NotIn,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Matches,
    Exists,
    NotExists,
    Gt,
    Gte,
    Lt,
    Lte,
    OlderThanDays,
    NewerThanDays,
}

const OPS: [(&str, Op); 17] = [
    ("eq", Op::Eq),
    ("ne", Op::Ne),
    ("in", Op::In),
    ("not_in", Op::NotIn),
    ("contains", Op::Contains),
    ("not_contains", Op::NotContains),
    ("starts_with", Op::StartsWith),
    ("ends_with", Op::EndsWith),
    ("matches", Op::Matches),
    ("exists", Op::Exists),
    ("not_exists", Op::NotExists),
    ("gt", Op::Gt),
    ("gte", Op::Gte),
    ("lt", Op::Lt),
    ("lte", Op::Lte),
    ("older_than_days", Op::OlderThanDays),
    ("newer_than_days", Op::NewerThanDays),
];

impl Op {
    /// The op's name in config.
    pub fn name(self) -> &'static str {
        OPS.iter()
            .find(|(_, op)| *op == self)
            .map_or("?", |(name, _)| name)
    }
}

impl Criteria {
    /// Parses and validates a criteria tree from config JSON.
    pub fn parse(value: &Json) -> Result<Criteria, PathError> {
        parse::parse_node(value, "")
    }

    /// Names `NAME` of every `cookie.NAME` attribute the tree reads (so only those are read).
    pub fn cookie_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.visit(&mut |c| {
            if let Some(name) = c.attr.strip_prefix("cookie.") {
                names.push(name.to_string());
            }
        });
        names
    }

    fn visit(&self, f: &mut impl FnMut(&Condition)) {
        match self {
            Criteria::All(children) | Criteria::Any(children) => {
                children.iter().for_each(|c| c.visit(f))
            }
            Criteria::Not(child) => child.visit(f),
            Criteria::Leaf(condition) => f(condition),
        }
    }

    /// Evaluates the tree; on failure names the path of the deciding node and why.
    pub fn evaluate(&self, context: &Context) -> Result<(), Mismatch> {
        self.eval_at(context, "")
    }

    fn eval_at(&self, context: &Context, path: &str) -> Result<(), Mismatch> {
        match self {
            Criteria::All(children) => children.iter().enumerate().try_for_each(|(i, child)| {
                child.eval_at(context, &join(path, &format!("all[{i}]")))
            }),
            Criteria::Any(children) => {
                let mut first_failure = None;
                for (i, child) in children.iter().enumerate() {
                    match child.eval_at(context, &join(path, &format!("any[{i}]"))) {
                        Ok(()) => return Ok(()),
                        Err(mismatch) => {
                            first_failure.get_or_insert(mismatch);
                        }
                    }
                }
                Err(Mismatch {
                    path: join(path, "any"),
                    detail: match first_failure {
                        Some(m) => format!("no alternative holds (first: {})", m.detail),
                        None => "an empty \"any\" never holds".into(),
                    },
                })
            }
            Criteria::Not(child) => match child.eval_at(context, &join(path, "not")) {
                Ok(()) => Err(Mismatch {
                    path: join(path, "not"),
                    detail: "the negated condition holds".into(),
                }),
                Err(_) => Ok(()),
            },
            Criteria::Leaf(condition) => {
                if condition.holds(context) {
                    Ok(())
                } else {
                    Err(Mismatch {
                        path: path.to_string(),
                        detail: condition.describe(context),
                    })
                }
            }
        }
    }
}

/// Why criteria did not hold: where in the tree, and a sentence for the site owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Path below the criteria root (`all[0]`).
    pub path: String,
    /// E.g. `plan in ["pro","enterprise"] is false: plan is "free"`.
    pub detail: String,
}

/// Everything criteria can ask about a visitor, by attribute name, and the time of the question.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    /// Attribute values by name (`page.path`, `cookie.theme`, `plan`, ...).
    pub attributes: Map<String, Json>,
    /// Now, in milliseconds since the Unix epoch (for `older_than_days` / `newer_than_days`).
    pub now_ms: f64,
}

impl Context {
    /// Sets one attribute.
    pub fn set(&mut self, name: &str, value: impl Into<Json>) {
        self.attributes.insert(name.to_string(), value.into());
    }
}

impl Condition {
    /// Whether this condition holds for `context` (see the module docs for missing attributes).
    pub fn holds(&self, context: &Context) -> bool {
        let actual = context.attributes.get(&self.attr).filter(|v| !v.is_null());
        let Some(actual) = actual else {
            return matches!(
                self.op,
                Op::NotExists | Op::Ne | Op::NotIn | Op::NotContains
            );
        };
        match self.op {
            Op::Exists => true,
            Op::NotExists => false,
            Op::Eq => loosely_equal(actual, &self.value),
            Op::Ne => !loosely_equal(actual, &self.value),
            Op::In => self
                .value
                .as_array()
                .is_some_and(|items| items.iter().any(|item| loosely_equal(actual, item))),
            Op::NotIn => !self
                .value
                .as_array()
                .is_some_and(|items| items.iter().any(|item| loosely_equal(actual, item))),
            Op::Contains => contains(actual, &self.value),
            Op::NotContains => !contains(actual, &self.value),
            Op::StartsWith => text(actual)
                .zip(self.value.as_str())
                .is_some_and(|(a, v)| a.starts_with(v)),
            Op::EndsWith => text(actual)
                .zip(self.value.as_str())
                .is_some_and(|(a, v)| a.ends_with(v)),
            Op::Matches => text(actual)
                .zip(self.value.as_str())
                .is_some_and(|(a, p)| glob_match(p, &a)),
            Op::Gt => compare(actual, &self.value).is_some_and(|o| o.is_gt()),
            Op::Gte => compare(actual, &self.value).is_some_and(|o| o.is_ge()),
            Op::Lt => compare(actual, &self.value).is_some_and(|o| o.is_lt()),
            Op::Lte => compare(actual, &self.value).is_some_and(|o| o.is_le()),
            Op::OlderThanDays | Op::NewerThanDays => {
                let (Some(date), Some(days)) = (
                    text(actual).and_then(|t| parse_date_ms(&t)),
                    self.value.as_f64(),
                ) else {
                    return false;
                };
                let age_days = (context.now_ms - date) / MS_PER_DAY;
                if self.op == Op::OlderThanDays {
                    age_days > days
                } else {
                    age_days < days
                }
            }
        }
    }

    /// A sentence saying what this condition wanted and what the visitor has.
    fn describe(&self, context: &Context) -> String {
        let wanted = format!(
            "{} {} {}",
            self.attr,
            self.op.name(),
            if self.value.is_null() {
                String::new()
            } else {
                self.value.to_text()
            }
        );
        match context.attributes.get(&self.attr).filter(|v| !v.is_null()) {
            Some(actual) => format!(
                "{} is false: {} is {}",
                wanted.trim_end(),
                self.attr,
                actual.to_text()
            ),
            None => format!(
                "{} is false: the visitor has no {}",
                wanted.trim_end(),
                self.attr
            ),
        }
    }
}

/// A scalar as text (numbers and booleans in their JSON form).
fn text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(_) | Json::Bool(_) => Some(value.to_text()),
        _ => None,
    }
}

fn number(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => Some(*n),
        Json::String(s) => crate::core::number::parse_number(s),
        _ => None,
    }
}

fn loosely_equal(actual: &Json, expected: &Json) -> bool {
    if let Json::Array(items) = actual {
        return items.iter().any(|item| loosely_equal(item, expected));
    }
    match (number(actual), number(expected)) {
        (Some(a), Some(b)) if actual.as_f64().is_some() || expected.as_f64().is_some() => a == b,
        _ => text(actual).is_some_and(|a| Some(a) == text(expected)),
    }
}

fn contains(actual: &Json, needle: &Json) -> bool {
    match actual {
        Json::Array(items) => items.iter().any(|item| loosely_equal(item, needle)),
        _ => text(actual)
            .zip(text(needle))
            .is_some_and(|(a, n)| a.contains(&n)),
    }
}

fn compare(actual: &Json, expected: &Json) -> Option<std::cmp::Ordering> {
    if expected.as_f64().is_some() {
        return number(actual)?.partial_cmp(&number(expected)?);
    }
    let expected = parse_date_ms(expected.as_str()?)?;
    parse_date_ms(&text(actual)?)?.partial_cmp(&expected)
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.detail)
    }
}

#[cfg(test)]
mod tests;
