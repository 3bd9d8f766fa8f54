//! Byte-level text encodings shared by the JSON writer, event ids, cookies and query strings:
//! lower-case hex digits, and `%XX` percent-decoding.

/// Appends `byte` as two lower-case hex digits.
pub(crate) fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0f)]));
}

/// Decodes `%XX` escapes (and, for query strings, `+` as a space) into bytes; a `%` not
/// followed by two hex digits stays as it is.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes.get(i + 1..i + 3))
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (b'+', _) if plus_is_space => out.push(b' '),
            (byte, _) => out.push(byte),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digits_are_lower_case_pairs() {
        let mut out = String::new();
        [0x00, 0x0f, 0xa5, 0xff]
            .iter()
            .for_each(|&b| push_hex(&mut out, b));
        assert_eq!(out, "000fa5ff");
    }

    #[test]
    fn percent_escapes_decode_and_broken_ones_stay() {
        assert_eq!(percent_decode("a%20b+c", false), b"a b+c");
        assert_eq!(percent_decode("a%20b+c", true), b"a b c");
        assert_eq!(percent_decode("%ZZ%4", false), b"%ZZ%4");
        assert_eq!(
            percent_decode("%+5%-1", true),
            b"% 5%-1",
            "a sign is not a hex digit"
        );
        assert_eq!(percent_decode("%e2%82%ac", false), "€".as_bytes());
    }
}
