//! Reading one object of the config with the JSON path of each field, so that every error says
//! where it is (`surveys[1].trigger.delay_seconds: must be a number ...`).

use crate::core::dates::parse_date_ms;
use crate::core::json::Json;
use crate::core::json_path::{join, PathError};
use crate::core::suggest::unknown_field;

/// One object of the config being read, with its JSON path (for errors that say where).
pub(super) struct Object<'a> {
    value: &'a Json,
    path: String,
}

impl<'a> Object<'a> {
    pub(super) fn new(value: &'a Json, path: String) -> Result<Object<'a>, PathError> {
        match value {
            Json::Object(_) => Ok(Object { value, path }),
            other => Err(PathError::new(path, must_be("an object", other))),
        }
    }

    pub(super) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A field's value; `null` counts as absent.
    pub(super) fn get(&self, key: &str) -> Option<&'a Json> {
        self.value.get(key).filter(|value| !value.is_null())
    }

    pub(super) fn string(&self, key: &str, default: Option<&str>) -> Result<String, PathError> {
        match (self.get(key), default) {
            (Some(Json::String(s)), _) => Ok(s.clone()),
            (Some(other), _) => Err(PathError::new(self.path(key), must_be("a string", other))),
            (None, Some(default)) => Ok(default.to_string()),
            (None, None) => Err(PathError::new(self.path(key), "is required".into())),
        }
    }

    pub(super) fn optional_string(&self, key: &str) -> Result<Option<String>, PathError> {
        self.get(key).map(|_| self.string(key, None)).transpose()
    }

    pub(super) fn number(&self, key: &str, default: f64) -> Result<f64, PathError> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Number(n)) => Ok(*n),
            Some(other) => Err(PathError::new(self.path(key), must_be("a number", other))),
        }
    }

    pub(super) fn boolean(&self, key: &str, default: bool) -> Result<bool, PathError> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Bool(b)) => Ok(*b),
            Some(other) => Err(PathError::new(
                self.path(key),
                must_be("true or false", other),
            )),
        }
    }

    pub(super) fn object(&self, key: &str) -> Result<Option<Object<'a>>, PathError> {
        self.get(key)
            .map(|value| Object::new(value, self.path(key)))
            .transpose()
    }

    pub(super) fn list(&self, key: &str) -> Result<&'a [Json], PathError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(other) => Err(PathError::new(self.path(key), must_be("a list", other))),
        }
    }

    pub(super) fn strings(&self, key: &str) -> Result<Vec<String>, PathError> {
        let items = self.list(key)?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Json::String(s) => Ok(s.clone()),
                other => Err(PathError::new(
                    self.path(&format!("{key}[{i}]")),
                    must_be("a string", other),
                )),
            })
            .collect()
    }

    /// The fields, each as (key, its path, its value).
    pub(super) fn fields(&self) -> impl Iterator<Item = (&'a str, String, &'a Json)> + '_ {
        self.value
            .as_object()
            .unwrap_or_default()
            .iter()
            .map(|(key, value)| (key.as_str(), self.path(key), value))
    }

    /// Rejects fields other than `allowed` (a typo would otherwise be silently ignored), naming
    /// the nearest valid key.
    pub(super) fn only(&self, allowed: &[&str]) -> Result<(), PathError> {
        match self.fields().find(|(key, _, _)| !allowed.contains(key)) {
            Some((key, path, _)) => Err(PathError::new(path, unknown_field(key, allowed))),
            None => Ok(()),
        }
    }

    /// An optional string that must pass `valid`; `rule` says what it must be.
    pub(super) fn checked(
        &self,
        key: &str,
        valid: fn(&str) -> bool,
        rule: &str,
    ) -> Result<Option<String>, PathError> {
        match self.optional_string(key)? {
            Some(text) if !valid(&text) => Err(PathError::new(self.path(key), rule.into())),
            text => Ok(text),
        }
    }

    /// An optional RFC 3339 time, as ms since the epoch.
    pub(super) fn moment(&self, key: &str) -> Result<Option<f64>, PathError> {
        let rule = "must be an RFC 3339 time (e.g. 2026-12-01T09:00:00Z)";
        let text = self.checked(key, |text| parse_date_ms(text).is_some(), rule)?;
        Ok(text.and_then(|text| parse_date_ms(&text)))
    }
}

pub(super) fn must_be(wanted: &str, found: &Json) -> String {
    format!("must be {wanted}, not {}", found.type_name())
}

/// Each `(key, number, max)`: the number must lie in 0..=max.
pub(super) fn check_ranges(object: &Object, ranges: &[(&str, f64, f64)]) -> Result<(), PathError> {
    for &(key, number, max) in ranges {
        if !(number.is_finite() && (0.0..=max).contains(&number)) {
            return Err(PathError::new(
                object.path(key),
                format!(
                    "must be a number from 0 to {}",
                    crate::core::number::number_text(max)
                ),
            ));
        }
    }
    Ok(())
}
