//! [`Text`]: the string type of log records. Logs hold millions of short
//! values (methods, stages, status words, request ids) and a few long ones
//! repeated on every line (route keys, error texts, user agents, log group
//! names), so a value is either stored inline (up to 22 bytes, no heap at
//! all) or shared behind an `Arc<str>` that [`Interner`] hands out once per
//! distinct value. Either way a `Text` is 24 bytes, like a `String`.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const INLINE: usize = 22;

#[derive(Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Shared(Arc<str>),
}

/// An immutable string: inline when short, shared when long.
#[derive(Clone)]
pub struct Text(Repr);

impl Text {
    pub fn new(s: &str) -> Text {
        if s.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            Text(Repr::Inline {
                len: s.len() as u8,
                buf,
            })
        } else {
            Text(Repr::Shared(Arc::from(s)))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only ever filled from a `&str` of exactly `len` bytes.
            Repr::Inline { len, buf } => std::str::from_utf8(&buf[..*len as usize]).unwrap_or(""),
            Repr::Shared(s) => s,
        }
    }

    /// True when both are the same shared allocation (interned values).
    pub fn ptr_eq(&self, other: &Text) -> bool {
        matches!((&self.0, &other.0), (Repr::Shared(a), Repr::Shared(b)) if Arc::ptr_eq(a, b))
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::new(&s)
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::new(s)
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_string()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}
impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}
impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Text {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Same as `str`, so `HashMap<Text, _>` can be looked up by `&str`.
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Text::new(&s))
    }
}

thread_local! {
    static INTERNER: std::cell::RefCell<Interner> = std::cell::RefCell::new(Interner::default());
}

/// `s` through this thread's interner: for values that repeat across
/// records (route keys, error texts, log group names). Parsers on several
/// threads each share within their own thread.
pub(crate) fn intern(s: &str) -> Text {
    if s.len() <= INLINE {
        return Text::new(s);
    }
    INTERNER.with(|i| i.borrow_mut().intern(s))
}

/// Hands out one shared copy per distinct long value. Bounded: past
/// `max` distinct values it starts over (values already handed out stay
/// valid; only later duplicates stop being shared).
#[derive(Debug, Clone)]
pub(crate) struct Interner {
    seen: HashSet<Arc<str>, foldhash::fast::RandomState>,
    max: usize,
}

impl Default for Interner {
    fn default() -> Self {
        Interner::new(4096)
    }
}

impl Interner {
    pub fn new(max: usize) -> Self {
        Interner {
            seen: HashSet::default(),
            max: max.max(1),
        }
    }

    pub(crate) fn intern(&mut self, s: &str) -> Text {
        if s.len() <= INLINE {
            return Text::new(s);
        }
        if let Some(a) = self.seen.get(s) {
            return Text(Repr::Shared(a.clone()));
        }
        if self.seen.len() >= self.max {
            self.seen.clear();
        }
        let a: Arc<str> = Arc::from(s);
        self.seen.insert(a.clone());
        Text(Repr::Shared(a))
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_inline_and_long_ones_shared_once() {
        assert_eq!(std::mem::size_of::<Text>(), 24);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 24);
        let t = Text::new("GET /pets/{id}");
        assert!(matches!(t.0, Repr::Inline { .. }));
        assert_eq!(t, "GET /pets/{id}");
        let mut i = Interner::new(2);
        let e = "The Lambda function returned the following error: boom";
        let (a, b) = (i.intern(e), i.intern(e));
        assert!(a.ptr_eq(&b));
        assert_eq!(a.as_str(), e);
        // Full: starts over, old handles stay good.
        i.intern("another value longer than twenty-two");
        i.intern("a third value longer than twenty-two b");
        assert_eq!(i.len(), 1);
        assert_eq!(a.as_str(), e);
    }

    #[test]
    fn behaves_like_a_str_for_maps_order_and_json() {
        let mut m = std::collections::HashMap::new();
        m.insert(Text::new("a-rather-long-request-id-value-0001"), 1);
        assert_eq!(m.get("a-rather-long-request-id-value-0001"), Some(&1));
        assert!(Text::new("a") < Text::new("b"));
        let j = serde_json::to_string(&Text::new("x\u{7}")).unwrap();
        assert_eq!(j, "\"x\\u0007\"");
        let back: Text = serde_json::from_str(&j).unwrap();
        assert_eq!(back, "x\u{7}");
        assert_eq!(Text::new(&"é".repeat(15)).len(), 30);
    }
}
