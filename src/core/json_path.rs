//! JSON paths in error messages (`surveys[1].segment.all[0].op`), and the one error type of
//! everything that validates JSON: where, and what is wrong.

/// A problem at a JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// The path, e.g. `all[0].op` (empty for the root of what was validated).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl PathError {
    /// A problem with `message` at `path`.
    pub fn new(path: String, message: String) -> PathError {
        PathError { path, message }
    }
}

/// Appends `part` (`name` or `[i]`) to a JSON path (`a.b`), with a dot where one is needed.
pub(crate) fn join(path: &str, part: &str) -> String {
    match (path.is_empty(), part.starts_with('[')) {
        _ if part.is_empty() => path.to_string(),
        (true, _) => part.trim_start_matches('.').to_string(),
        (false, true) => format!("{path}{part}"),
        (false, false) => format!("{path}.{part}"),
    }
}
