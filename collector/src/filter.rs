//! The report filter: `?from=YYYY-MM-DD&to=YYYY-MM-DD&category=C&q=TEXT&by=ATTRIBUTE`, shared
//! by the JSON report, the HTML page and the CSV export (`by` adds a breakdown to reports). Empty parameters (as an HTML form sends them) are
//! absent ones.

use chrono::{Days, NaiveDate};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Deserialize;
use survey_widget::core::event::is_attribute_name;
use survey_widget::core::metric::Category;

/// Longest comment search, in characters: a search costs time in proportion to its length.
pub const MAX_Q_CHARS: usize = 200;

/// The query string as received.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FilterQuery {
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
    q: Option<String>,
    by: Option<String>,
}

/// A parsed filter. The dates select every figure (UTC days, both inclusive); `category` and
/// `q` select only the listed comments and the exported responses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
    /// Only responses of this category (`promoter`, ...).
    pub category: Option<String>,
    /// Only responses whose comment contains this text, ignoring case.
    pub q: Option<String>,
    /// Break the report down by this attribute (`plan`, `device`, `utm_source`...).
    pub by: Option<String>,
}

impl Filter {
    /// Parses the query; the error names the parameter at fault.
    pub fn parse(query: FilterQuery) -> Result<Filter, String> {
        let date = |name: &str, value: Option<String>| -> Result<Option<NaiveDate>, String> {
            non_empty(value)
                .map(|text| {
                    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                        .map_err(|_| format!("{name}: {text:?} is not a date like 2026-11-23"))
                })
                .transpose()
        };
        let category = non_empty(query.category);
        if let Some(category) = &category {
            if Category::from_key(category).is_none() {
                return Err(format!(
                    "category: {category:?} is not a category (promoter, detractor, ...)"
                ));
            }
        }
        let q = non_empty(query.q);
        if let Some(q) = &q {
            let chars = q.chars().count();
            if chars > MAX_Q_CHARS {
                return Err(format!(
                    "q: {chars} characters, at most {MAX_Q_CHARS} allowed"
                ));
            }
            if q.chars().any(char::is_control) {
                return Err("q: control characters are not allowed".into());
            }
        }
        let by = non_empty(query.by);
        if let Some(by) = &by {
            if !is_attribute_name(by) {
                return Err(format!("by: {by:?} is not an attribute name"));
            }
        }
        Ok(Filter {
            from: date("from", query.from)?,
            to: date("to", query.to)?,
            category,
            q,
            by,
        })
    }

    /// `[start, end)` in Unix milliseconds: from 00:00 UTC of `from` to the end of `to`.
    pub fn range_ms(&self) -> (i64, i64) {
        let midnight = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_millis())
        };
        let start = self.from.and_then(midnight).unwrap_or(i64::MIN);
        let end = self
            .to
            .and_then(|day| day.checked_add_days(Days::new(1)))
            .and_then(midnight)
            .unwrap_or(i64::MAX);
        (start, end)
    }

    /// The period of the same length just before `from`..`to` (both set), for comparisons.
    pub fn previous_period(&self) -> Option<(NaiveDate, NaiveDate)> {
        let (from, to) = (self.from?, self.to?);
        let days = (to - from).num_days().checked_add(1).filter(|d| *d > 0)?;
        let previous_to = from.pred_opt()?;
        let previous_from =
            previous_to.checked_sub_days(Days::new(u64::try_from(days - 1).ok()?))?;
        Some((previous_from, previous_to))
    }

    /// The `LIKE` pattern (escape character `\`) matching a lower-case comment containing `q`.
    pub fn like_pattern(&self) -> Option<String> {
        let q = self.q.as_deref()?.to_lowercase();
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Some(format!("%{escaped}%"))
    }

    /// The filter as a query string (`?from=...`, empty when nothing is set), for links.
    pub fn query_string(&self) -> String {
        let dates = [("from", self.from), ("to", self.to)]
            .map(|(name, day)| (name, day.map(|d| d.to_string())));
        let texts = [
            ("category", self.category.clone()),
            ("q", self.q.clone()),
            ("by", self.by.clone()),
        ];
        let pairs: Vec<String> = dates
            .into_iter()
            .chain(texts)
            .filter_map(|(name, value)| {
                Some(format!(
                    "{name}={}",
                    utf8_percent_encode(&value?, NON_ALPHANUMERIC)
                ))
            })
            .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// `None` for a missing or blank parameter, else the trimmed text.
fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(from: &str, to: &str, q: &str) -> Result<Filter, String> {
        let text = |s: &str| Some(s.to_owned());
        Filter::parse(FilterQuery {
            from: text(from),
            to: text(to),
            category: text(""),
            q: text(q),
            by: None,
        })
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        let week = parse("2026-11-16", "2026-11-22", "").unwrap();
        let (from, to) = week.previous_period().unwrap();
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-11-09".into(), "2026-11-15".into())
        );
        assert_eq!(parse("2026-11-16", "", "").unwrap().previous_period(), None);
    }

    #[test]
    fn dates_cover_whole_utc_days_and_blanks_are_absent() {
        let filter = parse("2026-11-23", "2026-11-23", "").unwrap();
        // 2026-11-23T00:00:00Z and 2026-11-24T00:00:00Z.
        assert_eq!(filter.range_ms(), (1_795_392_000_000, 1_795_478_400_000));
        assert_eq!(filter.category, None);
        assert_eq!(parse("", "", "").unwrap().range_ms(), (i64::MIN, i64::MAX));
        assert_eq!(
            parse("23.11.2026", "", "").unwrap_err(),
            "from: \"23.11.2026\" is not a date like 2026-11-23"
        );
    }

    #[test]
    fn search_is_lower_case_with_wildcards_escaped() {
        let filter = parse("", "2026-12-01", " 100% Ärger_ ").unwrap();
        assert_eq!(filter.like_pattern().as_deref(), Some("%100\\% ärger\\_%"));
        assert_eq!(
            filter.query_string(),
            "?to=2026%2D12%2D01&q=100%25%20%C3%84rger%5F"
        );
        assert_eq!(Filter::default().query_string(), "");
    }
}
