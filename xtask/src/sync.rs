//! The one place that decides whether generated files on disk match what the
//! generator produces, and (in write mode) makes them match, all or nothing:
//! generated folders (the client's `src/generated/`, the command's
//! `cli/src/generated/`) and single files written with them.

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

/// A file outside the generated folder whose whole text is generated (or
/// spliced), written together with the folder.
#[derive(Debug, Clone)]
pub struct Single {
    /// How reports name it, e.g. `Cargo.toml`.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// A generated folder: every file in it is the generator's.
#[derive(Debug, Clone)]
pub struct Folder<'a> {
    /// Put before each file's name in reports (`cli/src/generated/`); empty
    /// for the client's own folder, whose files are named as they are.
    pub label: String,
    pub path: PathBuf,
    /// Relative path → text.
    pub files: &'a BTreeMap<String, String>,
}

/// Compares `dir` with `files` (relative path → text), and each of `singles`
/// with its file. In [`Mode::Write`], when anything differs, everything is
/// staged first (the folder in a fresh sibling, each single in a temporary
/// file beside it) and then put in place by renames; a failure at any point
/// leaves every file exactly as it was.
pub fn sync(
    dir: &Path,
    files: &BTreeMap<String, String>,
    singles: &[Single],
    mode: Mode,
) -> io::Result<Report> {
    let folder = Folder {
        label: String::new(),
        path: dir.to_path_buf(),
        files,
    };
    sync_all(&[folder], singles, mode)
}

/// [`sync`] for several folders at once: all of them and the singles are
/// written together, or none.
pub fn sync_all(folders: &[Folder<'_>], singles: &[Single], mode: Mode) -> io::Result<Report> {
    let mut report = Report::default();
    for folder in folders {
        let found = compare_dir(&folder.path, folder.files)?;
        let named = |name: String| format!("{}{name}", folder.label);
        report.stale.extend(
            found
                .stale
                .into_iter()
                .map(|(name, actual, expected)| (named(name), actual, expected)),
        );
        report.missing.extend(found.missing.into_iter().map(named));
        report.extra.extend(found.extra.into_iter().map(named));
    }
    for single in singles {
        match std::fs::read(&single.path) {
            Ok(actual) if actual == single.text.as_bytes() => {}
            Ok(actual) => report.stale.push((
                single.name.clone(),
                String::from_utf8_lossy(&actual).into_owned(),
                single.text.clone(),
            )),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                report.missing.push(single.name.clone())
            }
            Err(err) => return Err(err),
        }
    }
    if mode == Mode::Write && !report.is_clean() {
        write_all(folders, singles)?;
    }
    Ok(report)
}

/// [`sync`] with no single files.
pub fn sync_dir(dir: &Path, files: &BTreeMap<String, String>, mode: Mode) -> io::Result<Report> {
    sync(dir, files, &[], mode)
}

fn compare_dir(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<Report> {
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
    Ok(report)
}

/// Stages the singles, swaps each folder in, then renames each single into
/// place; if a folder or a single cannot be put in place, the old folders
/// come back.
fn write_all(folders: &[Folder<'_>], singles: &[Single]) -> io::Result<()> {
    let pid = std::process::id();
    let staged: Vec<(PathBuf, &Path)> = singles
        .iter()
        .map(|s| {
            let name = s
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("file");
            (
                s.path.with_file_name(format!(".{name}.new-{pid}")),
                s.path.as_path(),
            )
        })
        .collect();
    let cleanup = |staged: &[(PathBuf, &Path)]| {
        for (temp, _) in staged {
            let _ = std::fs::remove_file(temp);
        }
    };
    for (single, (temp, _)) in singles.iter().zip(&staged) {
        if let Err(err) = std::fs::write(temp, &single.text) {
            cleanup(&staged);
            return Err(err);
        }
    }
    let undo = |swapped: Vec<Swapped>| {
        for folder in swapped.into_iter().rev() {
            folder.undo();
        }
    };
    let mut swapped = Vec::with_capacity(folders.len());
    for folder in folders {
        match replace_dir(&folder.path, folder.files) {
            Ok(done) => swapped.push(done),
            Err(err) => {
                undo(swapped);
                cleanup(&staged);
                return Err(err);
            }
        }
    }
    for (i, (temp, path)) in staged.iter().enumerate() {
        if let Err(err) = std::fs::rename(temp, path) {
            // The singles already renamed keep their new text; the folders
            // and the rest go back, and the error says what happened.
            undo(swapped);
            cleanup(&staged[i..]);
            return Err(io::Error::new(
                err.kind(),
                format!("cannot write {}: {err}", path.display()),
            ));
        }
    }
    for folder in swapped {
        folder.finish();
    }
    Ok(())
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

/// A folder swapped in, whose old version is kept until [`Swapped::finish`].
struct Swapped {
    dir: PathBuf,
    backup: Option<PathBuf>,
}

impl Swapped {
    /// Puts the old folder back.
    fn undo(self) {
        if let Some(backup) = &self.backup {
            let _ = std::fs::remove_dir_all(&self.dir);
            let _ = std::fs::rename(backup, &self.dir);
        }
    }

    /// Drops the old folder: the new one stays.
    fn finish(self) {
        if let Some(backup) = &self.backup {
            // A leftover backup would only be clutter.
            let _ = std::fs::remove_dir_all(backup);
        }
    }
}

fn replace_dir(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<Swapped> {
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
    Ok(Swapped {
        dir: dir.to_path_buf(),
        backup: had_old.then_some(backup),
    })
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

    #[test]
    fn singles_are_written_with_the_folder_or_not_at_all() {
        let root = scratch("singles");
        let dir = root.join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.rs"), "old\n").unwrap();
        std::fs::write(root.join("Cargo.toml"), "old = []\n").unwrap();
        let manifest = |text: &str| Single {
            name: "Cargo.toml".to_owned(),
            path: root.join("Cargo.toml"),
            text: text.to_owned(),
        };
        let wanted = files(&[("a.rs", "new\n")]);

        let report = sync(&dir, &wanted, &[manifest("new = []\n")], Mode::Check).unwrap();
        assert_eq!(report.changed(), 2);
        assert!(report.render().contains("b/Cargo.toml"));

        // A folder write that fails leaves the manifest alone too.
        let broken = files(&[("a.rs", "new\n"), ("a.rs/b.rs", "x\n")]);
        assert!(sync(&dir, &broken, &[manifest("new = []\n")], Mode::Write).is_err());
        let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
        assert_eq!(read(root.join("Cargo.toml")), "old = []\n");
        assert_eq!(read(dir.join("a.rs")), "old\n");

        sync(&dir, &wanted, &[manifest("new = []\n")], Mode::Write).unwrap();
        assert_eq!(read(root.join("Cargo.toml")), "new = []\n");
        assert_eq!(read(dir.join("a.rs")), "new\n");
        let mut names: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["Cargo.toml", "generated"]);
        std::fs::remove_dir_all(&root).unwrap();
    }
    #[test]
    fn two_folders_are_written_together_or_not_at_all() {
        let root = scratch("folders");
        let client = root.join("client");
        let cli = root.join("cli");
        for dir in [&client, &cli] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("a"), "old\n").unwrap();
        }
        let new = files(&[("a", "new\n")]);
        let folder = |path: &PathBuf, label: &str, files| Folder {
            label: label.to_owned(),
            path: path.clone(),
            files,
        };
        let report = sync_all(
            &[folder(&client, "", &new), folder(&cli, "cli/", &new)],
            &[],
            Mode::Check,
        )
        .unwrap();
        let stale: Vec<&str> = report.stale.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(stale, ["a", "cli/a"]);

        // The second folder cannot be written: the first comes back too.
        let broken = files(&[("a", "new\n"), ("a/b", "x\n")]);
        assert!(
            sync_all(
                &[folder(&client, "", &new), folder(&cli, "cli/", &broken)],
                &[],
                Mode::Write,
            )
            .is_err()
        );
        let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
        assert_eq!(read(client.join("a")), "old\n");
        assert_eq!(read(cli.join("a")), "old\n");

        sync_all(
            &[folder(&client, "", &new), folder(&cli, "cli/", &new)],
            &[],
            Mode::Write,
        )
        .unwrap();
        assert_eq!(read(client.join("a")), "new\n");
        assert_eq!(read(cli.join("a")), "new\n");
        let mut names: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["cli", "client"]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
