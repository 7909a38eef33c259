//! A small deterministic generator of random inputs for property tests: strings over an
//! alphabet chosen to hit the parsers' special characters, and JSON values over a few keys
//! chosen to hit patch directives and schema fields. Seeded, so a failure reproduces.

use serde_json::{Map, Value};

/// SplitMix64: tiny, fast and good enough to explore inputs.
pub(crate) struct Gen(u64);

impl Gen {
    pub(crate) fn new(seed: u64) -> Gen {
        Gen(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Up to `max_len` pieces, each a character or a word from `pieces`.
    pub(crate) fn string(&mut self, pieces: &[&str], max_len: usize) -> String {
        let len = self.below(max_len + 1);
        (0..len).map(|_| *self.pick(pieces)).collect()
    }

    /// A JSON value nested at most `depth` deep, with object keys from `keys`.
    pub(crate) fn value(&mut self, keys: &[&str], depth: usize, nulls: bool) -> Value {
        let kinds = if depth == 0 { 4 } else { 6 };
        match self.below(kinds) {
            0 if nulls => Value::Null,
            0 | 1 => Value::from(*self.pick(&["a", "b", "s1", "s2", "delete", "replace", ""])),
            2 => Value::from(self.below(4) as i64),
            3 => Value::Bool(self.below(2) == 0),
            4 => Value::Array(
                (0..self.below(4))
                    .map(|_| self.value(keys, depth - 1, nulls))
                    .collect(),
            ),
            _ => Value::Object(self.object(keys, depth - 1, nulls)),
        }
    }

    pub(crate) fn object(
        &mut self,
        keys: &[&str],
        depth: usize,
        nulls: bool,
    ) -> Map<String, Value> {
        (0..self.below(5))
            .map(|_| {
                let key = (*self.pick(keys)).to_string();
                (key, self.value(keys, depth, nulls))
            })
            .collect()
    }
}

/// Removes every null and every key that starts with `$`, recursively.
pub(crate) fn without_nulls_and_directives(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| !v.is_null() && !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), without_nulls_and_directives(v)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(without_nulls_and_directives).collect())
        }
        other => other.clone(),
    }
}
