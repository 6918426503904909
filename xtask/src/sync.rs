//! The one place that decides whether generated files on disk match what the
//! generator produces, and (in write mode) makes them match, all or nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Write the files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// How the folder on disk differs from the generated files.
#[derive(Debug, Default)]
pub struct Report {
    /// Files whose text differs: (name, on disk, expected).
    pub stale: Vec<(String, String, String)>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Report {
    /// `true` when nothing differs.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    /// How many files differ in any way.
    pub fn changed(&self) -> usize {
        self.stale.len() + self.missing.len() + self.extra.len()
    }

    /// A unified diff of every stale file, then the lists.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, actual, expected) in &self.stale {
            let diff = similar::TextDiff::from_lines(actual.as_str(), expected.as_str());
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            );
        }
        let mut list = |label: &str, names: &[String]| {
            if !names.is_empty() {
                let _ = writeln!(out, "{label}: {}", names.join(", "));
            }
        };
        list(
            "stale",
            &self
                .stale
                .iter()
                .map(|(n, _, _)| n.clone())
                .collect::<Vec<_>>(),
        );
        list("missing", &self.missing);
        list("extra (not generated, would be deleted)", &self.extra);
        out
    }
}

/// Compares the generated files of a crate with `files` (path relative to
/// `root` → text). The generator owns the folder `dir` (relative to `root`)
/// wholly, so a file in it that `files` lacks is extra; files outside it
/// (such as `API.md`) are owned one by one.
///
/// In [`Mode::Write`], when anything differs, everything is first written
/// beside its target (a fresh sibling folder for `dir`, a sibling file for
/// each other file), then swapped in by renames; a failure at any point
/// rolls the renames back, so the crate is either wholly old or wholly new.
pub fn sync(
    root: &Path,
    dir: &str,
    files: &BTreeMap<String, &str>,
    mode: Mode,
) -> io::Result<Report> {
    let mut report = Report::default();
    let prefix = format!("{dir}/");
    let on_disk: BTreeMap<String, PathBuf> = list_files(&root.join(dir))?
        .into_iter()
        .map(|(name, path)| (format!("{prefix}{name}"), path))
        .collect();
    for (name, expected) in files {
        let path = match on_disk.get(name) {
            Some(path) => path.clone(),
            None if name.starts_with(&prefix) => {
                report.missing.push(name.clone());
                continue;
            }
            None => root.join(name),
        };
        let actual = match std::fs::read(&path) {
            Ok(actual) => actual,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                report.missing.push(name.clone());
                continue;
            }
            Err(err) => return Err(err),
        };
        if actual != expected.as_bytes() {
            let actual = String::from_utf8_lossy(&actual).into_owned();
            report
                .stale
                .push((name.clone(), actual, (*expected).to_owned()));
        }
    }
    report.extra = on_disk
        .keys()
        .filter(|name| !files.contains_key(*name))
        .cloned()
        .collect();
    if mode == Mode::Write && !report.is_clean() {
        replace(root, dir, files)?;
    }
    Ok(report)
}

/// Every file below `dir`, keyed by its `/`-separated relative path.
fn list_files(dir: &Path) -> io::Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                out.insert(relative.to_string_lossy().replace('\\', "/"), path);
            }
        }
    }
    Ok(out)
}

/// A folder or file being replaced: the new version is written to `staged`,
/// and the old one, if any, waits in `backup` until every swap succeeded.
struct Swap {
    target: PathBuf,
    staged: PathBuf,
    backup: PathBuf,
    had_old: bool,
}

impl Swap {
    fn beside(target: PathBuf) -> Self {
        let pid = std::process::id();
        let parent = target.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = target
            .file_name()
            .map_or_else(|| "generated".into(), |n| n.to_string_lossy().into_owned());
        Self {
            staged: parent.join(format!(".{name}.new-{pid}")),
            backup: parent.join(format!(".{name}.old-{pid}")),
            target,
            had_old: false,
        }
    }

    fn discard_staged(&self) {
        let _ = std::fs::remove_dir_all(&self.staged);
        let _ = std::fs::remove_file(&self.staged);
    }

    /// Moves the old version aside and the new one in.
    fn commit(&mut self) -> io::Result<()> {
        self.had_old = self.target.exists();
        if self.had_old {
            std::fs::rename(&self.target, &self.backup)?;
        }
        if let Err(err) = std::fs::rename(&self.staged, &self.target) {
            if self.had_old {
                let _ = std::fs::rename(&self.backup, &self.target);
            }
            return Err(err);
        }
        Ok(())
    }

    /// Undoes a successful [`Swap::commit`].
    fn roll_back(&self) {
        let _ = std::fs::remove_dir_all(&self.target);
        let _ = std::fs::remove_file(&self.target);
        if self.had_old {
            let _ = std::fs::rename(&self.backup, &self.target);
        }
    }

    fn drop_backup(&self) {
        if self.had_old {
            let _ = std::fs::remove_dir_all(&self.backup);
            let _ = std::fs::remove_file(&self.backup);
        }
    }
}

fn replace(root: &Path, dir: &str, files: &BTreeMap<String, &str>) -> io::Result<()> {
    let prefix = format!("{dir}/");
    // The folder first, then the single files.
    let mut swaps = vec![Swap::beside(root.join(dir))];
    swaps.extend(
        files
            .keys()
            .filter(|name| !name.starts_with(&prefix))
            .map(|name| Swap::beside(root.join(name))),
    );
    if let Err(err) = stage(root, &prefix, files, &swaps) {
        swaps.iter().for_each(Swap::discard_staged);
        return Err(err);
    }
    for at in 0..swaps.len() {
        if let Err(err) = swaps[at].commit() {
            swaps[..at].iter().rev().for_each(Swap::roll_back);
            swaps.iter().for_each(Swap::discard_staged);
            return Err(err);
        }
    }
    // Everything new is in place; leftover backups are only clutter.
    swaps.iter().for_each(Swap::drop_backup);
    Ok(())
}

/// Writes every file to its swap's staging place.
fn stage(
    root: &Path,
    prefix: &str,
    files: &BTreeMap<String, &str>,
    swaps: &[Swap],
) -> io::Result<()> {
    swaps.iter().for_each(Swap::discard_staged);
    let folder = &swaps[0].staged;
    std::fs::create_dir_all(folder)?;
    for (name, text) in files {
        let path = match name.strip_prefix(prefix) {
            Some(inside) => folder.join(inside),
            None => Swap::beside(root.join(name)).staged,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files<'a>(pairs: &[(&str, &'a str)]) -> BTreeMap<String, &'a str> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-sync-{name}-{}", std::process::id()));
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
    fn reports_stale_missing_and_extra_then_writes_everything() {
        let root = scratch("report");
        let dir = root.join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.rs"), "old\n").unwrap();
        std::fs::write(dir.join("extra.rs"), "x\n").unwrap();
        std::fs::write(root.join("API.md"), "old api\n").unwrap();
        let wanted = files(&[
            ("generated/a.rs", "new\n"),
            ("generated/mod.rs", "pub mod a;\n"),
            ("API.md", "new api\n"),
            ("NOTES.md", "notes\n"),
        ]);

        let report = sync(&root, "generated", &wanted, Mode::Check).unwrap();
        let stale: Vec<&str> = report.stale.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(stale, ["API.md", "generated/a.rs"]);
        assert_eq!(report.missing, ["NOTES.md", "generated/mod.rs"]);
        assert_eq!(report.extra, ["generated/extra.rs"]);
        let rendered = report.render();
        assert!(rendered.contains("-old\n+new\n"), "{rendered}");
        assert!(rendered.contains("+++ b/API.md"), "{rendered}");
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "old\n");

        let report = sync(&root, "generated", &wanted, Mode::Write).unwrap();
        assert_eq!(report.changed(), 5);
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "new\n");
        assert_eq!(
            std::fs::read_to_string(root.join("API.md")).unwrap(),
            "new api\n"
        );
        assert!(!dir.join("extra.rs").exists());
        assert!(
            sync(&root, "generated", &wanted, Mode::Check)
                .unwrap()
                .is_clean()
        );
        // Nothing but the targets is left behind.
        assert_eq!(names(&root), ["API.md", "NOTES.md", "generated"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_everything_untouched() {
        let root = scratch("atomic");
        let dir = root.join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.rs"), "old\n").unwrap();
        std::fs::write(root.join("API.md"), "old api\n").unwrap();
        // A file name that cannot be created (a path through a file being
        // written) makes staging fail after other files were written.
        let wanted = files(&[
            ("API.md", "new api\n"),
            ("generated/a.rs", "new\n"),
            ("generated/a.rs/b.rs", "x\n"),
        ]);
        assert!(sync(&root, "generated", &wanted, Mode::Write).is_err());
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "old\n");
        assert_eq!(
            std::fs::read_to_string(root.join("API.md")).unwrap(),
            "old api\n"
        );
        assert_eq!(names(&root), ["API.md", "generated"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_failed_swap_is_rolled_back() {
        let root = scratch("rollback");
        let dir = root.join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.rs"), "old\n").unwrap();
        std::fs::write(root.join("API.md"), "old api\n").unwrap();
        // A non-empty folder where the old `API.md` would be moved aside
        // makes that swap fail after the folder was already swapped in.
        let blocker = format!(".API.md.old-{}", std::process::id());
        std::fs::create_dir_all(root.join(&blocker).join("in-the-way")).unwrap();
        let wanted = files(&[("API.md", "new api\n"), ("generated/a.rs", "new\n")]);
        assert!(sync(&root, "generated", &wanted, Mode::Write).is_err());
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "old\n");
        assert_eq!(
            std::fs::read_to_string(root.join("API.md")).unwrap(),
            "old api\n"
        );
        assert_eq!(names(&root), [blocker.as_str(), "API.md", "generated"]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
