//! `cargo xtask overlay`: drafts or refreshes `spec/<area>.openapi.overlay.md`
//! from an OpenAPI description (`codegen::import` does the work; this file
//! reads and writes).
//!
//! Hand overlays (`<area>.overlay.md`) are read, never written. Every file
//! is written through a temporary file beside it and renamed into place,
//! stale drafts are removed the same way, and a failure part way puts every
//! file back: all or nothing.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen::import::{AreaInput, Counts, Description, draft};
use codegen::{DRAFTED_OVERLAY_SUFFIX as DRAFT_SUFFIX, OVERLAY_SUFFIX, SourceFile};

/// Options of `overlay`.
#[derive(Debug)]
pub(crate) struct OverlayArgs {
    pub openapi: PathBuf,
    /// Only these areas (document stems); empty for all.
    pub areas: Vec<String>,
    pub spec: PathBuf,
}

/// Reads `overlay`'s options (after the command name).
pub(crate) fn parse_args(options: &[String], root: &Path) -> Result<Option<OverlayArgs>, String> {
    let mut openapi = None;
    let mut areas = Vec::new();
    let mut spec = root.join("spec");
    let mut iter = options.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--openapi" => openapi = Some(PathBuf::from(value("--openapi")?)),
            "--area" => areas.push(value("--area")?),
            "--spec" => spec = value("--spec")?.into(),
            other => return Err(format!("unknown option `{other}` for `overlay`")),
        }
    }
    let openapi = openapi.ok_or("`overlay` needs `--openapi FILE`")?;
    Ok(Some(OverlayArgs {
        openapi,
        areas,
        spec,
    }))
}

/// A change to one file of the spec folder.
#[derive(Debug)]
enum Change {
    Write(PathBuf, String),
    Remove(PathBuf),
}

pub(crate) fn run(args: &OverlayArgs) -> Result<(), String> {
    let started = Instant::now();
    let shown = crate::display_path(&args.openapi);
    let text = std::fs::read_to_string(&args.openapi)
        .map_err(|err| format!("error: cannot read {shown}: {err}"))?;
    let description = Description::parse(&text).map_err(|err| format!("error: {shown}: {err}"))?;
    let sources = crate::read_sources(&args.spec)?;
    let name_of = |source: &SourceFile| -> String {
        source
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let mut docs: Vec<(String, &SourceFile)> = Vec::new();
    let mut hands: Vec<(String, &SourceFile)> = Vec::new();
    for source in &sources {
        let name = name_of(source);
        if name.ends_with(DRAFT_SUFFIX) {
            continue;
        } else if let Some(stem) = name.strip_suffix(OVERLAY_SUFFIX) {
            hands.push((stem.to_owned(), source));
        } else if let Some(stem) = name.strip_suffix(".md") {
            docs.push((stem.to_owned(), source));
        }
    }
    for area in &args.areas {
        if !docs.iter().any(|(stem, _)| stem == area) {
            return Err(format!(
                "error: --area `{area}`: there is no document {}",
                crate::display_path(&args.spec.join(format!("{area}.md")))
            ));
        }
    }
    let inputs: Vec<AreaInput<'_>> = docs
        .iter()
        .map(|(stem, doc)| AreaInput {
            area: stem,
            doc,
            hand: hands.iter().find(|(h, _)| h == stem).map(|(_, s)| *s),
        })
        .collect();
    let drafts = draft(&description, &inputs);

    let selected = |area: &str| args.areas.is_empty() || args.areas.iter().any(|a| a == area);
    let mut changes = Vec::new();
    let mut totals = Counts::default();
    let mut unchanged = 0;
    for area in drafts.areas.iter().filter(|d| selected(&d.area)) {
        totals += area.counts;
        for note in &area.notes {
            // The first line: where, and what was decided.
            let text = note.to_string();
            eprintln!("{}", text.lines().next().unwrap_or_default());
        }
        let path = args.spec.join(format!("{}{DRAFT_SUFFIX}", area.area));
        match &area.text {
            Some(text) => match std::fs::read(&path) {
                Ok(old) if old == text.as_bytes() => unchanged += 1,
                _ => changes.push(Change::Write(path, text.clone())),
            },
            None if path.exists() => changes.push(Change::Remove(path)),
            None => {}
        }
    }
    if args.areas.is_empty() {
        // A draft whose document is gone is stale too.
        for path in existing_drafts(&args.spec)? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let stem = name.strip_suffix(DRAFT_SUFFIX).unwrap_or_default();
            if !docs.iter().any(|(doc, _)| doc == stem) {
                changes.push(Change::Remove(path));
            }
        }
    }
    apply(&changes).map_err(|err| format!("error: {err}; nothing was written"))?;

    let written = changes
        .iter()
        .filter(|c| matches!(c, Change::Write(..)))
        .count();
    let removed = changes.len() - written;
    let documented: usize = totals.endpoints + drafts.undescribed;
    let c = totals;
    eprintln!(
        "drafted overlays from {shown}: {} operations, in {:.2} s",
        description.operation_count(),
        started.elapsed().as_secs_f64()
    );
    for (label, line) in [
        (
            "areas",
            format!(
                "{} with a draft ({written} written, {unchanged} unchanged, {removed} removed)",
                c.areas
            ),
        ),
        (
            "endpoints",
            format!(
                "{} of {documented} matched; {} operations no document has",
                c.endpoints,
                drafts.unmatched.len()
            ),
        ),
        (
            "request bodies",
            format!(
                "{} of {} JSON-body operations ({} as a one of); {} give no field (an empty object, or no schema nor example)",
                c.json_bodies, c.json_body_operations, c.one_of_bodies, c.untyped_bodies
            ),
        ),
        (
            "multipart bodies",
            format!("{} of {}", c.multipart_bodies, c.multipart_operations),
        ),
        (
            "other bodies (bytes, NDJSON)",
            format!("{} of {}", c.other_bodies, c.other_body_operations),
        ),
        (
            "queries",
            format!(
                "{} of {} query-parameter operations",
                c.queries, c.query_operations
            ),
        ),
        ("responses typed", c.responses.to_string()),
        ("Accepts", c.accepts.to_string()),
        ("conflicts widened to any JSON", c.conflicts.to_string()),
        (
            "document kept",
            format!(
                "{} whole result(s) the description says nothing specific of (notes above)",
                c.document_wins
            ),
        ),
        (
            "left to hand overlays",
            format!("{} section(s)", c.left_to_hand),
        ),
    ] {
        eprintln!("  {label:<30} {line}");
    }
    Ok(())
}

/// Every `*.openapi.overlay.md` in the spec folder, sorted.
fn existing_drafts(spec: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(spec)
        .map_err(|err| format!("error: cannot read {}: {err}", spec.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(DRAFT_SUFFIX))
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// `.name.<tag>-<pid>` beside `path`.
fn beside(path: &Path, tag: &str) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    path.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Makes every change or none: new texts are staged beside their files
/// first; then each old file is moved aside and the new one renamed in; a
/// failure puts every old file back. The old files go last.
fn apply(changes: &[Change]) -> io::Result<()> {
    let mut staged: Vec<PathBuf> = Vec::new();
    for change in changes {
        if let Change::Write(path, text) = change {
            let temp = beside(path, "new");
            if let Err(err) = std::fs::write(&temp, text) {
                for temp in &staged {
                    let _ = std::fs::remove_file(temp);
                }
                let _ = std::fs::remove_file(&temp);
                return Err(io::Error::new(
                    err.kind(),
                    format!("cannot write {}: {err}", temp.display()),
                ));
            }
            staged.push(temp);
        }
    }
    // (target, its backup if it existed, whether the new file is in place)
    let mut done: Vec<(&Path, Option<PathBuf>, bool)> = Vec::new();
    let mut failure = None;
    for change in changes {
        let (Change::Write(path, _) | Change::Remove(path)) = change;
        let backup = beside(path, "old");
        let had_old = path.exists();
        if had_old {
            if let Err(err) = std::fs::rename(path, &backup) {
                failure = Some((path, err));
                break;
            }
        }
        let backup = had_old.then_some(backup);
        if let Change::Write(..) = change {
            if let Err(err) = std::fs::rename(beside(path, "new"), path) {
                done.push((path, backup, false));
                failure = Some((path, err));
                break;
            }
            done.push((path, backup, true));
        } else {
            done.push((path, backup, false));
        }
    }
    if let Some((path, err)) = failure {
        for (target, backup, placed) in done.into_iter().rev() {
            if placed {
                let _ = std::fs::remove_file(target);
            }
            if let Some(backup) = backup {
                let _ = std::fs::rename(backup, target);
            }
        }
        for temp in &staged {
            let _ = std::fs::remove_file(temp);
        }
        return Err(io::Error::new(
            err.kind(),
            format!("cannot replace {}: {err}", path.display()),
        ));
    }
    for (_, backup, _) in done {
        if let Some(backup) = backup {
            let _ = std::fs::remove_file(backup);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-overlay-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_removes_together() {
        let dir = scratch("apply");
        std::fs::write(dir.join("a.md"), "old a").unwrap();
        std::fs::write(dir.join("gone.md"), "stale").unwrap();
        let changes = [
            Change::Write(dir.join("a.md"), "new a".into()),
            Change::Write(dir.join("b.md"), "new b".into()),
            Change::Remove(dir.join("gone.md")),
        ];
        apply(&changes).unwrap();
        assert_eq!(names(&dir), ["a.md", "b.md"]);
        assert_eq!(std::fs::read_to_string(dir.join("a.md")).unwrap(), "new a");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failure_changes_nothing() {
        let dir = scratch("atomic");
        std::fs::write(dir.join("a.md"), "old a").unwrap();
        std::fs::write(dir.join("gone.md"), "stale").unwrap();
        // A file inside a folder that does not exist cannot be staged.
        let changes = [
            Change::Write(dir.join("a.md"), "new a".into()),
            Change::Remove(dir.join("gone.md")),
            Change::Write(dir.join("missing/b.md"), "new b".into()),
        ];
        assert!(apply(&changes).is_err());
        assert_eq!(names(&dir), ["a.md", "gone.md"]);
        assert_eq!(std::fs::read_to_string(dir.join("a.md")).unwrap(), "old a");

        // A target that cannot be moved aside (a folder holds its backup's
        // name) fails after other files were already swapped in: they are
        // put back.
        std::fs::write(dir.join("z.md"), "old z").unwrap();
        let blocker = beside(&dir.join("z.md"), "old");
        std::fs::create_dir_all(blocker.join("inner")).unwrap();
        let changes = [
            Change::Write(dir.join("a.md"), "new a".into()),
            Change::Remove(dir.join("gone.md")),
            Change::Write(dir.join("z.md"), "new z".into()),
        ];
        assert!(apply(&changes).is_err());
        std::fs::remove_dir_all(&blocker).unwrap();
        assert_eq!(names(&dir), ["a.md", "gone.md", "z.md"]);
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(read("a.md"), "old a");
        assert_eq!(read("gone.md"), "stale");
        assert_eq!(read("z.md"), "old z");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
