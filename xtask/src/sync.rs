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

/// Compares `dir` with `files` (relative path → text). In [`Mode::Write`],
/// when anything differs, the files are written to a fresh sibling folder
/// which then replaces `dir` by renames, so a failure at any point leaves
/// `dir` exactly as it was.
pub fn sync_dir(dir: &Path, files: &BTreeMap<String, String>, mode: Mode) -> io::Result<Report> {
    let mut report = Report::default();
    let on_disk = list_files(dir)?;
    for (name, expected) in files {
        match on_disk.get(name) {
            None => report.missing.push(name.clone()),
            Some(path) => {
                let actual = std::fs::read(path)?;
                if actual != expected.as_bytes() {
                    let actual = String::from_utf8_lossy(&actual).into_owned();
                    report.stale.push((name.clone(), actual, expected.clone()));
                }
            }
        }
    }
    report.extra = on_disk
        .keys()
        .filter(|name| !files.contains_key(*name))
        .cloned()
        .collect();
    if mode == Mode::Write && !report.is_clean() {
        replace_dir(dir, files)?;
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

fn replace_dir(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("generated");
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.new-{pid}"));
    let backup = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);

    let written = (|| {
        for (relative, text) in files {
            let path = staging.join(relative);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)?;
            }
            std::fs::write(&path, text)?;
        }
        Ok::<_, io::Error>(())
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }

    let had_old = dir.exists();
    if had_old {
        if let Err(err) = std::fs::rename(dir, &backup) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(err);
        }
    }
    if let Err(err) = std::fs::rename(&staging, dir) {
        if had_old {
            let _ = std::fs::rename(&backup, dir);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    if had_old {
        // The new folder is in place; a leftover backup is only clutter.
        let _ = std::fs::remove_dir_all(&backup);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-sync-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reports_stale_missing_and_extra_then_writes_everything() {
        let root = scratch("report");
        let dir = root.join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.rs"), "old\n").unwrap();
        std::fs::write(dir.join("extra.rs"), "x\n").unwrap();
        let wanted = files(&[("a.rs", "new\n"), ("mod.rs", "pub mod a;\n")]);

        let report = sync_dir(&dir, &wanted, Mode::Check).unwrap();
        assert_eq!(report.stale.len(), 1);
        assert_eq!(report.missing, ["mod.rs"]);
        assert_eq!(report.extra, ["extra.rs"]);
        let rendered = report.render();
        assert!(rendered.contains("-old\n+new\n"), "{rendered}");
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "old\n");

        let report = sync_dir(&dir, &wanted, Mode::Write).unwrap();
        assert_eq!(report.changed(), 3);
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "new\n");
        assert!(!dir.join("extra.rs").exists());
        assert!(sync_dir(&dir, &wanted, Mode::Check).unwrap().is_clean());
        // Nothing but the target folder is left behind.
        let names: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["generated"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_folder_untouched() {
        let root = scratch("atomic");
        let dir = root.join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.rs"), "old\n").unwrap();
        // A file name that cannot be created (a path through an existing
        // file) makes the staging write fail half way.
        let wanted = files(&[("a.rs", "new\n"), ("a.rs/b.rs", "x\n")]);
        assert!(sync_dir(&dir, &wanted, Mode::Write).is_err());
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "old\n");
        let names: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["generated"]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
