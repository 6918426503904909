//! Located diagnostics: every problem the generator finds points at a file, a
//! line and a column, and shows the offending line.
//!
//! Nothing here knows about Markdown; spans are byte ranges into a
//! [`SourceFile`], turned into `line:column` only when a diagnostic is made.

use std::fmt;
use std::ops::Range;

/// One input document: its display path (used in diagnostics and in the
/// `@generated` header) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    path: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Builds a source from text. Line endings are normalised to `\n` (CRLF
    /// documents just work) and a leading byte-order mark is dropped.
    pub fn new(path: impl Into<String>, text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_owned()
        };
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Builds a source from raw bytes, reporting invalid UTF-8 at the line and
    /// column of the first bad byte.
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> Result<Self, Diagnostic> {
        let path = path.into();
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Self::new(path, text)),
            Err(err) => {
                // Everything before the bad byte is valid, so it can locate it.
                let valid = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
                let source = Self::new(path, valid);
                let at = source.text.len();
                Err(source.error(
                    at..at,
                    format!(
                        "file is not valid UTF-8 (byte 0x{:02x} at offset {})",
                        bytes[err.valid_up_to()],
                        err.valid_up_to()
                    ),
                ))
            }
        }
    }

    /// The display path given at construction.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        (line + 1, column + 1)
    }

    /// The byte offset where 1-based `line` starts (clamped to the end).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        &self.text[start..end]
    }

    /// An error at `span`.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Error, span, message)
    }

    /// A note at `span`.
    pub fn note(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Note, span, message)
    }

    /// A warning of kind `lint` at `span`.
    pub fn warning(
        &self,
        lint: Lint,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            lint: Some(lint),
            ..self.diagnostic(Severity::Warning, span, message)
        }
    }

    fn diagnostic(
        &self,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_col(span.start);
        let source_line = self.line_text(line).to_owned();
        // The caret covers the span, but never runs past the end of its line.
        let (end_line, end_column) = self.line_col(span.end.max(span.start));
        let width = if end_line == line {
            end_column.saturating_sub(column).max(1)
        } else {
            source_line
                .chars()
                .count()
                .saturating_sub(column - 1)
                .max(1)
        };
        Diagnostic {
            severity,
            lint: None,
            file: self.path.clone(),
            line,
            column,
            message: message.into(),
            source_line,
            width,
        }
    }
}

/// The candidate closest to `word` (case-insensitively, within two edits,
/// counting a swap of neighbours as one), for "did you mean" hints.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    candidates
        .iter()
        .map(|c| {
            (
                edit_distance(&word, &c.to_lowercase().chars().collect::<Vec<_>>()),
                *c,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal string alignment distance.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something a tool decided that a maintainer may want to check
    /// (`cargo xtask overlay`'s "the document wins here").
    Note,
    /// Generation still succeeds (unless warnings are denied).
    Warning,
    /// Generation fails; nothing is written.
    Error,
}

/// What a warning is about: a document that documents less than it could,
/// or says something the generator reads in one particular way. Shown as
/// `warning[name]`, so warnings can be counted and searched by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lint {
    /// An endpoint without `### Responses`, or without a success response:
    /// its method returns the envelope's `result` as untyped JSON.
    UntypedResult,
    /// A document with a title and no endpoints: its module is empty.
    EmptyDocument,
    /// A literal value (`42`, `"text"`) where a placeholder was expected.
    LiteralValue,
    /// `required` on something that is not an object's field.
    MisplacedRequired,
    /// A status listed twice for one endpoint.
    RepeatedStatus,
    /// One `METHOD path` documented twice.
    RepeatedRoute,
    /// A quote under a status other than `> Data is at ...`.
    UnknownQuote,
}

impl Lint {
    /// Every kind, in a stable order.
    pub const ALL: [Lint; 7] = [
        Lint::UntypedResult,
        Lint::EmptyDocument,
        Lint::LiteralValue,
        Lint::MisplacedRequired,
        Lint::RepeatedStatus,
        Lint::RepeatedRoute,
        Lint::UnknownQuote,
    ];

    /// The kebab-case name shown in `warning[…]`.
    pub fn name(self) -> &'static str {
        match self {
            Lint::UntypedResult => "untyped-result",
            Lint::EmptyDocument => "empty-document",
            Lint::LiteralValue => "literal-value",
            Lint::MisplacedRequired => "misplaced-required",
            Lint::RepeatedStatus => "repeated-status",
            Lint::RepeatedRoute => "repeated-route",
            Lint::UnknownQuote => "unknown-quote",
        }
    }
}

/// One located message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The kind of a warning; errors have none.
    pub lint: Option<Lint>,
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    /// The whole offending line, shown under the message.
    pub source_line: String,
    /// How many characters the caret underlines.
    pub width: usize,
}

impl Diagnostic {
    /// `true` for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match (self.severity, self.lint) {
            (Severity::Warning, Some(lint)) => format!("warning[{}]", lint.name()),
            (Severity::Warning, None) => "warning".to_owned(),
            (Severity::Error, _) => "error".to_owned(),
            (Severity::Note, _) => "note".to_owned(),
        };
        writeln!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file, self.line, self.column, self.message
        )?;
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        // Control characters would garble a terminal; show them escaped.
        let shown: String = self
            .source_line
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {shown}")?;
        write!(
            f,
            "{gutter} | {}{}",
            " ".repeat(self.column - 1),
            "^".repeat(self.width)
        )
    }
}

/// Everything wrong with the input: every error of every file, plus warnings.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// `true` when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggestions() {
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        assert_eq!(closest("GTE", &methods), Some("GET"));
        assert_eq!(closest("get", &methods), Some("GET"));
        assert_eq!(closest("DELTE", &methods), Some("DELETE"));
        assert_eq!(closest("FETCH", &methods), Some("PATCH"));
        assert_eq!(closest("SUBSCRIBE", &methods), None);
        assert_eq!(closest("String", &["string", "integer"]), Some("string"));
    }
}
