//! [`Fields`]: the access-log values without a typed slot, as a small map
//! sorted by key. A record holds a handful of them, so a sorted vector of
//! [`Text`] pairs (no per-node allocation, keys mostly inline) is much
//! smaller than a `BTreeMap<String, String>` and as quick to search.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::Text;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<(Text, Text)>);

impl Fields {
    pub fn new() -> Self {
        Fields(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&Text> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Set `key`; returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Text>) -> Option<Text> {
        let key = key.into();
        let value = value.into();
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Text> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Text, &Text)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Text> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Give back spare capacity (records are kept for long).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl<K: Into<Text>, V: Into<Text>> FromIterator<(K, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut f = Fields::new();
        for (k, v) in iter {
            f.insert(k, v);
        }
        f
    }
}

impl From<BTreeMap<String, String>> for Fields {
    fn from(m: BTreeMap<String, String>) -> Self {
        m.into_iter().collect()
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut out = Fields::new();
                while let Some((k, v)) = map.next_entry::<Text, Text>()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sorted_map_that_reads_and_writes_like_one() {
        let mut f = Fields::new();
        assert_eq!(f.insert("protocol", "HTTP/1.1"), None);
        f.insert("domainName", "abc.execute-api.eu-west-1.amazonaws.com");
        assert_eq!(f.insert("protocol", "HTTP/2"), Some(Text::new("HTTP/1.1")));
        assert_eq!(f.get("protocol").map(Text::as_str), Some("HTTP/2"));
        assert!(f.contains_key("domainName") && !f.contains_key("x"));
        let keys: Vec<&str> = f.keys().map(Text::as_str).collect();
        assert_eq!(keys, ["domainName", "protocol"]);
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(
            j,
            r#"{"domainName":"abc.execute-api.eu-west-1.amazonaws.com","protocol":"HTTP/2"}"#
        );
        assert_eq!(serde_json::from_str::<Fields>(&j).unwrap(), f);
        assert_eq!(f.remove("protocol").as_deref(), Some("HTTP/2"));
        assert_eq!(f.len(), 1);
    }
}
