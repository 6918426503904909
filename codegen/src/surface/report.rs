//! An API change report: the classified changes between two surfaces, and
//! its three renderings (terminal text, Markdown for release notes, JSON).
//!
//! Rendering only: what counts as breaking is decided in `diff`.

use std::fmt::Write as _;

/// What kind of item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Area,
    Method,
    Type,
    Field,
    /// A value of an open enum.
    Value,
    /// A variant of a union.
    Variant,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Method => "method",
            Self::Type => "type",
            Self::Field => "field",
            Self::Value => "enum value",
            Self::Variant => "union variant",
        }
    }
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Removed,
    Renamed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Renamed => "renamed",
            Self::Changed => "changed",
        }
    }
}

/// One change to the API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The area's module (its new name when it was renamed).
    pub area: String,
    /// The item's Rust path: the new one, or the old one when removed.
    pub path: String,
    pub item: ItemKind,
    pub kind: ChangeKind,
    /// What changed, in a few words (`result typed`, `made required`), or
    /// empty when the kind says it all.
    pub reason: String,
    /// The relevant attribute before (a signature, a type, the old name).
    pub old: Option<String>,
    /// The relevant attribute after.
    pub new: Option<String>,
    /// Whether code that compiled and worked against the old client may
    /// fail to compile, or call something else, against the new one.
    pub breaking: bool,
}

impl Change {
    /// One line: ``field `a::T::x`: made required: `Option<i64>` → `i64` ``.
    pub fn describe(&self) -> String {
        let Self {
            path,
            item,
            kind,
            reason,
            old,
            new,
            ..
        } = self;
        let mut out = format!("{} `{path}`", item.as_str());
        let reason = if reason.is_empty() {
            String::new()
        } else {
            format!(" ({reason})")
        };
        let _ = match (kind, old, new) {
            (ChangeKind::Added, _, Some(new)) => write!(out, " added{reason}: `{new}`"),
            (ChangeKind::Removed, Some(old), _) => write!(out, " removed{reason}, was `{old}`"),
            (ChangeKind::Renamed, Some(old), _) => write!(out, " renamed from `{old}`{reason}"),
            (ChangeKind::Changed, Some(old), Some(new)) => {
                write!(out, ": {}: `{old}` → `{new}`", self.reason)
            }
            (ChangeKind::Changed, _, _) => write!(out, ": {}", self.reason),
            (kind, _, _) => write!(out, " {}{reason}", kind.as_str()),
        };
        out
    }
}

/// The changes between two versions of the API, sorted by area and path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

/// How the crate's version must move for a report. While the version is
/// 0.x, Cargo reads each part one place lower: breaking is a minor bump,
/// additive a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Something breaks: a major version (minor while 0.x).
    Major,
    /// Only additions: a minor version (patch while 0.x).
    Minor,
    /// No API change: a patch version.
    Patch,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Major => "major",
            Self::Minor => "minor",
            Self::Patch => "patch",
        }
    }

    /// What the bump is while the version is 0.x, if different.
    fn while_zero(self) -> Option<&'static str> {
        match self {
            Self::Major => Some("minor"),
            Self::Minor => Some("patch"),
            Self::Patch => None,
        }
    }

    /// `major, or minor while 0.x`.
    fn describe(self) -> String {
        match self.while_zero() {
            Some(zero) => format!("{}, or {zero} while 0.x", self.as_str()),
            None => self.as_str().to_owned(),
        }
    }
}

impl Report {
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    pub fn breaking_count(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    pub fn additive_count(&self) -> usize {
        self.changes.len() - self.breaking_count()
    }

    /// The version bump the changes call for.
    pub fn bump(&self) -> Bump {
        if self.is_breaking() {
            Bump::Major
        } else if self.changes.is_empty() {
            Bump::Patch
        } else {
            Bump::Minor
        }
    }

    /// One line: how many changes of each class, and the bump.
    pub fn headline(&self) -> String {
        if self.changes.is_empty() {
            return "API changes: none (version bump: patch)".to_owned();
        }
        format!(
            "API changes: {} breaking, {} additive (version bump: {})",
            self.breaking_count(),
            self.additive_count(),
            self.bump().describe()
        )
    }

    /// For a terminal: the headline, then one line per change, breaking
    /// first. At most `limit` changes are listed; the rest are counted.
    pub fn to_text(&self, limit: usize) -> String {
        let mut out = self.headline();
        out.push('\n');
        let ordered = self
            .changes
            .iter()
            .filter(|c| c.breaking)
            .chain(self.changes.iter().filter(|c| !c.breaking));
        for change in ordered.clone().take(limit) {
            let class = if change.breaking {
                "breaking"
            } else {
                "additive"
            };
            let _ = writeln!(out, "  {class}: {}", change.describe());
        }
        if self.changes.len() > limit {
            let _ = writeln!(
                out,
                "  … and {} more (`cargo xtask diff` lists them all)",
                self.changes.len() - limit
            );
        }
        out
    }

    /// For release notes: `### Breaking` and `### Additive`, each grouped
    /// by area.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("## API changes\n\n");
        if self.changes.is_empty() {
            out.push_str("None: the API is unchanged (version bump: patch).\n");
            return out;
        }
        let bump = self.bump();
        let _ = writeln!(
            out,
            "{} breaking, {} additive. Version bump: **{}**{}.",
            self.breaking_count(),
            self.additive_count(),
            bump.as_str(),
            bump.while_zero()
                .map(|zero| format!(" ({zero} while 0.x)"))
                .unwrap_or_default()
        );
        for (title, breaking) in [("Breaking", true), ("Additive", false)] {
            let changes: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.breaking == breaking)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let _ = write!(out, "\n### {title}\n");
            let mut area = None;
            for change in changes {
                if area != Some(&change.area) {
                    let _ = write!(out, "\n#### `{}`\n\n", change.area);
                    area = Some(&change.area);
                }
                let _ = writeln!(out, "- {}", change.describe());
            }
        }
        out
    }

    /// For machines: stable keys, sorted; `old` and `new` are `null` when
    /// they do not apply.
    pub fn to_json(&self) -> String {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "area": c.area,
                    "path": c.path,
                    "item": c.item.as_str(),
                    "change": c.kind.as_str(),
                    "reason": c.reason,
                    "old": c.old,
                    "new": c.new,
                    "breaking": c.breaking,
                })
            })
            .collect();
        let report = serde_json::json!({
            "breaking": self.breaking_count(),
            "additive": self.additive_count(),
            "bump": self.bump().as_str(),
            "changes": changes,
        });
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        text
    }
}
