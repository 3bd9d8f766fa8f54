//! "Did you mean ...?" for config keys: a typo such as `triger` names the key it was meant to
//! be, so an owner fixes it at once instead of wondering why the trigger is ignored.

/// The message for an unknown field `key` where only `allowed` are valid: the nearest valid key
/// as a suggestion when one is close enough, else the list of valid keys.
pub fn unknown_field(key: &str, allowed: &[&str]) -> String {
    // Appended rather than `format!`ted: the wasm stays smaller.
    let mut message = String::from("unknown field");
    match nearest(key, allowed) {
        Some(near) => {
            message += "; did you mean `";
            message += near;
            message += "`?";
        }
        None => {
            message += " (use ";
            message += &allowed.join(", ");
            message += ")";
        }
    }
    message
}

/// The candidate closest to `key` in edit distance (ignoring case, `-` for `_`), if it is within
/// a third of the key's length (at least 2 edits); ties go to the earlier candidate.
pub fn nearest<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // Bytes, not chars: valid keys are ASCII, and a non-ASCII typo is far from all of them.
    let normalize = |text: &str| -> Vec<u8> {
        text.bytes()
            .map(|b| {
                if b == b'-' {
                    b'_'
                } else {
                    b.to_ascii_lowercase()
                }
            })
            .collect()
    };
    let key = normalize(key);
    let limit = (key.len() / 3).max(2);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&key, &normalize(candidate));
        if distance <= limit && best.is_none_or(|(shortest, _)| distance < shortest) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance: insertions, deletions and substitutions (one row at a time).
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &from) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &to) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(from != to));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SURVEY_KEYS: [&str; 5] = ["trigger", "segment", "text", "max_shows", "priority"];

    #[test]
    fn a_typo_names_the_key_it_was_meant_to_be() {
        assert_eq!(
            unknown_field("triger", &SURVEY_KEYS),
            "unknown field; did you mean `trigger`?"
        );
        assert_eq!(nearest("segmnet", &SURVEY_KEYS), Some("segment"));
        assert_eq!(nearest("max-shows", &SURVEY_KEYS), Some("max_shows"));
        assert_eq!(nearest("Priority", &SURVEY_KEYS), Some("priority"));
        assert_eq!(nearest("texts", &SURVEY_KEYS), Some("text"));
    }

    #[test]
    fn a_key_like_none_of_them_lists_the_valid_ones() {
        assert_eq!(nearest("colour", &SURVEY_KEYS), None);
        assert_eq!(
            unknown_field("x", &["a_long_key", "another"]),
            "unknown field (use a_long_key, another)"
        );
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        let distance = |a: &str, b: &str| edit_distance(a.as_bytes(), b.as_bytes());
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ab", "ba"), 2);
        assert_eq!(
            nearest("priortiy", &SURVEY_KEYS),
            Some("priority"),
            "a swap is two edits"
        );
        assert_eq!(distance("same", "same"), 0);
    }
}
