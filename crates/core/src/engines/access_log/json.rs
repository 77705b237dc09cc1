//! JSON access-log lines, read straight into an [`AccessLogRecord`] with a
//! serde visitor: no intermediate `serde_json::Value`, borrowed strings where
//! the input allows (this is the hot path of the 1 M-line benchmark).

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::format::AccessLogFormat;
use super::vars::{assign, assign_to};
use crate::domain::AccessLogRecord;

/// Fill `rec` from a JSON line. Errors leave `rec` partly filled; the caller
/// starts over with the template matcher.
pub(crate) fn parse_json(
    format: &AccessLogFormat,
    line: &str,
    rec: &mut AccessLogRecord,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(line);
    ObjectSeed {
        format,
        rec,
        prefix: "",
    }
    .deserialize(&mut de)?;
    de.end()
}

struct ObjectSeed<'a> {
    format: &'a AccessLogFormat,
    rec: &'a mut AccessLogRecord,
    prefix: &'a str,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let path_buf;
            let path = if self.prefix.is_empty() {
                key.as_str()
            } else {
                path_buf = format!("{}.{}", self.prefix, key.as_str());
                &path_buf
            };
            map.next_value_seed(ValueSeed {
                format: self.format,
                rec: &mut *self.rec,
                path,
            })?;
        }
        Ok(())
    }
}

struct ValueSeed<'a> {
    format: &'a AccessLogFormat,
    rec: &'a mut AccessLogRecord,
    path: &'a str,
}

impl ValueSeed<'_> {
    fn store(self, value: &str) {
        if let Some(slot) = self.format.slots.get(self.path) {
            return assign_to(self.rec, slot, value);
        }
        // Keys the format does not map are kept under their own name.
        let var = self
            .format
            .json_keys
            .get(self.path)
            .map_or(self.path, String::as_str);
        assign(self.rec, var, value);
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.store(v);
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.store(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.store(&v.to_string());
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.store(&v.to_string());
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.store(&v.to_string());
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ObjectSeed {
            format: self.format,
            rec: self.rec,
            prefix: self.path,
        }
        .visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// A key, borrowed from the input when it has no escapes.
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}
