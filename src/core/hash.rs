//! FNV-1a, the one small non-cryptographic hash of the widget: survey versions and sampling
//! (64 bits over bytes), and the config fingerprint the loader computes too (32 bits over UTF-16
//! code units, as JavaScript strings are).

/// FNV-1a, 64 bits: a small, stable, non-cryptographic hash.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A 32-bit FNV-1a hash of a text's UTF-16 code units, as hex: the loader computes the same in
/// JavaScript to tell whether a stored "quiet until" belongs to the config it has.
pub fn fingerprint32(text: &str) -> String {
    let hash = text.encode_utf16().fold(0x811c_9dc5_u32, |hash, unit| {
        (hash ^ u32::from(unit)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_has_the_published_test_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_config_fingerprint_matches_the_loaders() {
        // Same values as the loader's JavaScript (Math.imul over UTF-16 code units).
        assert_eq!(fingerprint32(""), "811c9dc5");
        assert_eq!(fingerprint32("a"), "e40c292c");
        assert_eq!(fingerprint32("é€"), "fdca1138");
    }
}
