//! A small map that keeps insertion order, over a `Vec`. The widget's maps hold a handful of
//! keys (texts per language, history per survey, visitor attributes), where a linear lookup is
//! as quick as a tree and each `BTreeMap<K, V>` would add its own copy of the tree code to the
//! wasm.

use std::borrow::Borrow;

/// Keys in insertion order; inserting a known key replaces its value in place.
#[derive(Clone, Debug, PartialEq)]
pub struct Map<K, V>(Vec<(K, V)>);

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Map(Vec::new())
    }
}

impl<K: PartialEq, V> Map<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        Map(Vec::new())
    }

    /// The value of `key`.
    pub fn get<Q: PartialEq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0
            .iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// Sets `key` to `value`.
    pub fn insert(&mut self, key: K, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q: PartialEq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let index = self.0.iter().position(|(k, _)| k.borrow() == key)?;
        Some(self.0.remove(index).1)
    }

    /// The value of `key`, inserted as `V::default()` first if missing.
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let index = match self.0.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                self.0.push((key, V::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[index].1
    }

    /// Inserts every pair (later values win).
    pub fn extend(&mut self, pairs: impl IntoIterator<Item = (K, V)>) {
        for (key, value) in pairs {
            self.insert(key, value);
        }
    }

    /// The pairs, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Removes every pair.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<K: PartialEq, V> FromIterator<(K, V)> for Map<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = Map::new();
        map.extend(pairs);
        map
    }
}

impl<K, V> IntoIterator for Map<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// `map[key]` in tests only: it panics on a missing key, which the widget never may.
#[cfg(test)]
impl<K: PartialEq + Borrow<Q>, V, Q: PartialEq + ?Sized> std::ops::Index<&Q> for Map<K, V> {
    type Output = V;

    /// The value of `key`; panics when missing.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("key in map")
    }
}

#[cfg(test)]
mod tests {
    use super::Map;

    #[test]
    fn keeps_insertion_order_and_replaces_in_place() {
        let mut map: Map<String, u32> = [("b".to_string(), 1), ("a".to_string(), 2)]
            .into_iter()
            .collect();
        map.insert("b".into(), 3);
        *map.get_or_default("c".into()) += 4;
        *map.get_or_default("a".into()) += 1;
        let pairs: Vec<(&String, &u32)> = map.iter().collect();
        assert_eq!(
            pairs,
            [
                (&"b".to_string(), &3),
                (&"a".to_string(), &3),
                (&"c".to_string(), &4)
            ]
        );
        assert_eq!(map.remove("a"), Some(3));
        assert_eq!((map.get("a"), map["c"]), (None, 4));
        map.clear();
        assert_eq!(map.keys().count(), 0);
    }
}
