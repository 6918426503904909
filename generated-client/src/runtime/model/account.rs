//! What did not fit, and where: each generated struct's [`Extra`] (the keys
//! it keeps as sent, and the account of what did not fit in it), and the
//! [`Mismatch`]es of that account, each with its path.
//!
//! Decoding an answer never fails for its shape (see `object`): a field
//! whose value does not fit its type is left empty (`None`, or for a plain
//! field a placeholder that is never written back) and its value is kept in
//! the struct's [`Extra`] under its key, exactly as sent, with a
//! [`Mismatch`] for it.
//!
//! Paths are made while decoding, not by looking for mismatches afterwards:
//! a mismatch is recorded on a thread-local list with its path from the
//! struct that found it; whoever read that struct (a field of another
//! struct, an array's element, the whole result) puts its own step in
//! front of the paths recorded while it read. Each struct keeps the
//! mismatches found inside it, with paths from itself, and the caller of
//! a decode takes those of the whole result. Nothing is recorded, and the
//! list is never touched, while everything fits.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::{Deref, DerefMut};

use serde_json::{Map, Value};

/// What a generated struct keeps beside its typed fields: the keys it does
/// not declare, and those of its fields whose value did not fit the field's
/// type, each exactly as sent; and an account of what did not fit.
///
/// It dereferences to the map of those keys, so `record.extra.get("x")` and
/// `record.extra.insert(..)` work as on a `serde_json::Map`. Two values are
/// equal when their kept keys (and a whole value kept as sent) are: the
/// account of what did not fit, and which optional fields came as `null`,
/// are not compared.
#[derive(Clone, Default)]
pub struct Extra {
    keys: Map<String, Value>,
    account: Option<Box<Account>>,
}

/// The account of a struct read from an answer, when anything in it did
/// not fit, or an optional field came as `null`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Account {
    /// What did not fit in this struct and in the values inside it, with
    /// paths from the struct.
    pub(crate) mismatches: Vec<Mismatch>,
    /// Optional fields sent as `null`: written back as `null`.
    pub(crate) nulls: Vec<&'static str>,
    /// Plain fields that hold a placeholder (their key was missing, or its
    /// value is kept in `keys`): not written back while they still do.
    pub(crate) placeholders: Vec<&'static str>,
    /// The value as sent, when it was not an object at all.
    pub(crate) whole: Option<Value>,
}

impl Extra {
    /// No keys, nothing to account for.
    pub fn new() -> Extra {
        Extra::default()
    }

    /// Every place in this struct, and in the values inside it, where the
    /// answer did not fit the type, with its path from the struct
    /// (`.meta.source`, `.tags[2]`); empty when everything fit. It says what
    /// was decoded, and does not follow later changes to the value.
    pub fn mismatches(&self) -> &[Mismatch] {
        self.account.as_ref().map_or(&[], |a| &a.mismatches)
    }

    /// The value as sent when it was not an object at all (a string where
    /// this struct was expected, say): every field is then empty, and this
    /// value is what the struct serializes back to.
    pub fn as_sent(&self) -> Option<&Value> {
        self.account.as_ref().and_then(|a| a.whole.as_ref())
    }

    /// Whether this struct's fields, and every value inside them, fit their
    /// types.
    pub fn fits(&self) -> bool {
        self.mismatches().is_empty()
    }

    /// The kept keys.
    pub fn into_map(self) -> Map<String, Value> {
        self.keys
    }

    pub(crate) fn account(&self) -> Option<&Account> {
        self.account.as_deref()
    }

    pub(crate) fn account_mut(&mut self) -> &mut Account {
        self.account.get_or_insert_with(Box::default)
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        &self.keys
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.keys
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(keys: Map<String, Value>) -> Extra {
        Extra {
            keys,
            account: None,
        }
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        self.keys == other.keys && self.as_sent() == other.as_sent()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.account {
            // The common case reads as the map it holds.
            None => self.keys.fmt(f),
            Some(account) => {
                let mut out = f.debug_struct("Extra");
                out.field("keys", &self.keys);
                if let Some(whole) = &account.whole {
                    out.field("as_sent", whole);
                }
                if !account.mismatches.is_empty() {
                    out.field("mismatches", &account.mismatches);
                }
                out.finish()
            }
        }
    }
}

/// A place in a JSON value where what was sent did not fit the type that
/// holds it: its path, what the type expected there, and what came.
///
/// Its value, as sent, is kept: under its key in the `extra` of the struct
/// that declares the field, or, when a struct was sent something other than
/// an object, as that struct's [`Extra::as_sent`].
///
/// Displayed as ``.meta.source: expected a string, found a number``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    path: Vec<Segment>,
    expected: Cow<'static, str>,
    found: Found,
}

/// One step of a [`Mismatch`]'s path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object's key.
    Key(Cow<'static, str>),
    /// An array's element.
    Index(usize),
}

/// What was sent where a [`Mismatch`] is: the kind of JSON value, never the
/// value itself (which may be a secret; it is kept where the mismatch
/// says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Found {
    /// The key is missing: a field every answer was expected to have.
    Missing,
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number (`1.5` where an integer was expected, or too large).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Found {
    /// The kind of `value`.
    pub fn of(value: &Value) -> Found {
        match value {
            Value::Null => Found::Null,
            Value::Bool(_) => Found::Boolean,
            Value::Number(_) => Found::Number,
            Value::String(_) => Found::String,
            Value::Array(_) => Found::Array,
            Value::Object(_) => Found::Object,
        }
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Found::Missing => "nothing (the key is missing)",
            Found::Null => "null",
            Found::Boolean => "a boolean",
            Found::Number => "a number",
            Found::String => "a string",
            Found::Array => "an array",
            Found::Object => "an object",
        })
    }
}

impl Mismatch {
    pub(crate) fn new(
        path: Vec<Segment>,
        expected: impl Into<Cow<'static, str>>,
        found: Found,
    ) -> Mismatch {
        Mismatch {
            path,
            expected: expected.into(),
            found,
        }
    }

    /// The path from the value the list was made for, in jq's notation:
    /// `.` for that value itself, `.meta.source`, `.tags[2]`,
    /// `.settings["ipv4-only"]`.
    pub fn path(&self) -> String {
        if self.path.is_empty() {
            return ".".to_owned();
        }
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Index(i) if out.is_empty() => out.push_str(&format!(".[{i}]")),
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                Segment::Key(key) if is_plain_key(key) => {
                    out.push('.');
                    out.push_str(key);
                }
                Segment::Key(key) => {
                    out.push_str(&format!(".[{}]", Value::String(key.to_string())));
                }
            }
        }
        out
    }

    /// The same path as a JSON Pointer (RFC 6901), for
    /// [`serde_json::Value::pointer`]: `` for the value itself, `/meta/source`.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            out.push('/');
            match segment {
                Segment::Index(i) => out.push_str(&i.to_string()),
                Segment::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            }
        }
        out
    }

    /// The path, step by step.
    pub fn segments(&self) -> &[Segment] {
        &self.path
    }

    /// What the type expected there (`a string`, `an object (DnsRecordMeta)`).
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What was sent there.
    pub fn found(&self) -> Found {
        self.found
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, found {}",
            self.path(),
            self.expected,
            self.found
        )
    }
}

fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

thread_local! {
    /// Mismatches recorded by the reads in progress on this thread, each
    /// with its path from the value that is reading it so far.
    static PENDING: RefCell<Vec<Mismatch>> = const { RefCell::new(Vec::new()) };
    /// How many [`Scope`]s are open on this thread.
    static OPEN: Cell<usize> = const { Cell::new(0) };
}

/// How many mismatches are pending: compare before and after reading a
/// value to know whether anything in it did not fit.
pub(crate) fn pending() -> usize {
    PENDING.with(|pending| pending.borrow().len())
}

/// Records a mismatch, with its path from the value being read. Outside any
/// scope (a tagged union decoded on its own) it has nowhere to go: the
/// value itself shows it (`Other`).
pub(crate) fn record(mismatch: Mismatch) {
    if OPEN.with(Cell::get) > 0 {
        PENDING.with(|pending| pending.borrow_mut().push(mismatch));
    }
}

/// Puts `step` in front of the paths of the mismatches recorded since
/// there were `from`: those of the value just read at that step.
pub(crate) fn prefix(from: usize, step: impl Fn() -> Segment) {
    PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        for mismatch in pending.iter_mut().skip(from) {
            mismatch.path.insert(0, step());
        }
    });
}

/// A value being read that keeps the mismatches found inside it: a
/// generated struct, or a whole result. The outermost scope on a thread
/// takes its mismatches off the pending list when it closes; an inner one
/// leaves them there, for the scope around it to prefix and keep too.
pub(crate) struct Scope {
    mark: usize,
    open: bool,
}

impl Scope {
    pub(crate) fn open() -> Scope {
        OPEN.with(|open| open.set(open.get() + 1));
        Scope {
            mark: pending(),
            open: true,
        }
    }

    /// The mismatches recorded while this scope was open, with their paths
    /// from its value.
    pub(crate) fn close(mut self) -> Vec<Mismatch> {
        self.open = false;
        let outermost = OPEN.with(|open| {
            open.set(open.get() - 1);
            open.get() == 0
        });
        PENDING.with(|pending| {
            let mut pending = pending.borrow_mut();
            let mark = self.mark.min(pending.len());
            if outermost {
                pending.split_off(mark)
            } else {
                pending[mark..].to_vec()
            }
        })
    }

    /// Forgets the mismatches recorded while this scope was open (a
    /// candidate that was not chosen).
    pub(crate) fn discard(mut self) {
        self.open = false;
        OPEN.with(|open| open.set(open.get() - 1));
        truncate(self.mark);
    }
}

impl Drop for Scope {
    /// A read that failed (the input is not JSON): its scope closes
    /// without keeping anything.
    fn drop(&mut self) {
        if self.open {
            let outermost = OPEN.with(|open| {
                open.set(open.get() - 1);
                open.get() == 0
            });
            if outermost {
                truncate(self.mark);
            }
        }
    }
}

fn truncate(mark: usize) {
    PENDING.with(|pending| pending.borrow_mut().truncate(mark));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_jq_and_as_pointers() {
        let m = Mismatch::new(
            vec![
                Segment::Key("result".into()),
                Segment::Index(3),
                Segment::Key("ipv4-only".into()),
                Segment::Key("a/b~".into()),
            ],
            "a string",
            Found::Number,
        );
        assert_eq!(m.path(), r#".result[3].["ipv4-only"].["a/b~"]"#);
        assert_eq!(m.pointer(), "/result/3/ipv4-only/a~1b~0");
        assert_eq!(
            m.to_string(),
            r#".result[3].["ipv4-only"].["a/b~"]: expected a string, found a number"#
        );
        let root = Mismatch::new(Vec::new(), "an object (Zone)", Found::Array);
        assert_eq!(root.path(), ".");
        assert_eq!(root.pointer(), "");
    }

    #[test]
    fn extra_reads_as_its_map() {
        let mut extra = Extra::new();
        extra.insert("k".into(), Value::from(1));
        assert_eq!(extra.get("k"), Some(&Value::from(1)));
        assert!(extra.fits());
        assert_eq!(format!("{extra:?}"), r#"{"k": Number(1)}"#);
        extra.account_mut().nulls.push("comment");
        // Which optional fields came as null is not part of equality.
        let plain: Extra = extra.clone().into_map().into();
        assert_eq!(extra, plain);
        assert!(extra.fits());
    }
}
