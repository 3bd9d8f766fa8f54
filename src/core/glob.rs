//! Page globs (`trigger.pages`, `exclude_pages`, the `glob` operator): `*` matches any run of
//! characters; everything else is literal.

/// Glob match where `*` matches any run of characters (including none); everything else is
/// literal. Linear-time two-pointer algorithm, no regex.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ti = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_match_as_documented() {
        assert!(glob_match("*", ""));
        assert!(glob_match("/app/*", "/app/"));
        assert!(glob_match("*.pdf", "/files/a.b.pdf"));
        assert!(glob_match("/a*b*c", "/aXbYbZc"));
        assert!(!glob_match("/a*b*c", "/aXbYbZ"));
        assert!(!glob_match("/app", "/app/x"));
    }
}
