//! `cargo xtask diff`: the API change report between two versions of the
//! docs. This file only reads them (a folder, or a folder at a git
//! revision); `codegen::surface` builds both surfaces and classifies.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use codegen::SourceFile;
use codegen::surface::{Report, Surface};

/// Where the old docs come from.
#[derive(Debug)]
pub enum Old {
    /// The `--spec` folder as committed at this git revision.
    Base(String),
    /// Another folder.
    Dir(PathBuf),
    /// The API listing (`API.md`) as committed at this git revision: what
    /// users had, whatever generator wrote it.
    Listing(String),
}

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl Format {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "text" => Self::Text,
            "markdown" | "md" => Self::Markdown,
            "json" => Self::Json,
            _ => return None,
        })
    }
}

/// Options of `diff`.
#[derive(Debug)]
pub struct DiffArgs {
    pub old: Old,
    pub spec: PathBuf,
    /// The client's `API.md`, for [`Old::Listing`].
    pub listing: PathBuf,
    pub format: Format,
}

/// Prints the report on stdout; `Ok(true)` when something breaks.
pub fn run(args: &DiffArgs) -> Result<bool, String> {
    let old = match &args.old {
        Old::Base(revision) => surface(&read_at_revision(&args.spec, revision)?, "old")?,
        Old::Dir(dir) => surface(&crate::read_sources(dir)?, "old")?,
        Old::Listing(revision) => listing_at_revision(&args.listing, revision)?,
    };
    let new = surface(&crate::read_sources(&args.spec)?, "new")?;
    let report = codegen::surface::diff(&old, &new);
    let text = match args.format {
        Format::Text => report.to_text(usize::MAX),
        Format::Markdown => report.to_markdown(),
        Format::Json => report.to_json(),
    };
    print!("{text}");
    Ok(report.is_breaking())
}

fn surface(sources: &[SourceFile], side: &str) -> Result<Surface, String> {
    let (api, _warnings) = codegen::build_ir(sources).map_err(|diags| {
        format!(
            "{diags}\n\nerror: the {side} docs do not generate ({} error(s)), so there is no API to compare",
            diags.error_count()
        )
    })?;
    Ok(Surface::of(&api))
}

/// The summary `cargo xtask check` prints above its diff: what the stale
/// checked-in listing says the API was, against what it will be.
pub fn check_summary(listing: &Path, old: Option<&str>, new: &str) -> String {
    let shown = crate::display_path(listing);
    let Some(old) = old else {
        return format!("{shown} is missing, so there is no API change report\n");
    };
    let old = Surface::parse(&SourceFile::new(shown.clone(), old));
    let new = Surface::parse(&SourceFile::new(shown.clone(), new));
    match (old, new) {
        (Ok(old), Ok(new)) => {
            let report: Report = codegen::surface::diff(&old, &new);
            report.to_text(20)
        }
        (Err(diags), _) => format!(
            "{shown} does not read ({} error(s), the first: {}), so there is no API change report\n",
            diags.error_count(),
            diags
                .0
                .first()
                .map(|d| d.message.as_str())
                .unwrap_or_default()
        ),
        (_, Err(diags)) => format!("internal error: the new API listing does not read:\n{diags}\n"),
    }
}

/// The API listing `listing` as committed at `revision`, read back.
fn listing_at_revision(listing: &Path, revision: &str) -> Result<Surface, String> {
    let shown = crate::display_path(listing);
    let dir = listing.parent().unwrap_or(Path::new("."));
    let name = listing
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = git(dir, &["show", &format!("{revision}:./{name}")], None)
        .map_err(|err| format!("error: cannot read {shown} at `{revision}`: {err}"))?;
    let source =
        SourceFile::from_bytes(format!("{revision}:{shown}"), &text).map_err(|d| d.to_string())?;
    Surface::parse(&source).map_err(|diags| format!("{diags}"))
}

/// Reads the `*.md` documents of `dir` as committed at `revision`, with
/// three git processes whatever their number: `rev-parse` finds the folder
/// in the repository, `ls-tree` lists the documents, `cat-file --batch`
/// prints them all.
fn read_at_revision(dir: &Path, revision: &str) -> Result<Vec<SourceFile>, String> {
    let shown = crate::display_path(dir);
    // Diagnostics name documents as git does: `REVISION:spec/x.md`.
    let prefix = git(dir, &["rev-parse", "--show-prefix"], None)
        .map_err(|err| format!("error: {shown} is not in a git repository: {err}"))?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_owned();
    let listing = git(dir, &["ls-tree", "-z", revision, "--", "."], None)
        .map_err(|err| format!("error: cannot list {shown} at `{revision}`: {err}"))?;
    let mut blobs: Vec<(String, String)> = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        // `<mode> <type> <object>\t<name>`, the name relative to `dir`.
        let Some((meta, name)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (Some(_), Some("blob"), Some(object)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        if name.ends_with(".md") && !name.contains('/') {
            blobs.push((name.to_owned(), object.to_owned()));
        }
    }
    if blobs.is_empty() {
        return Err(format!(
            "error: no `*.md` documents in {shown} at `{revision}`"
        ));
    }
    blobs.sort();
    let request: String = blobs
        .iter()
        .map(|(_, object)| format!("{object}\n"))
        .collect();
    let contents = git(dir, &["cat-file", "--batch"], Some(&request))
        .map_err(|err| format!("error: cannot read {shown} at `{revision}`: {err}"))?;
    let mut rest = contents.as_slice();
    let mut sources = Vec::with_capacity(blobs.len());
    let mut errors = Vec::new();
    for (name, _) in &blobs {
        // Each object: `<object> blob <size>\n<bytes>\n`.
        let header_end = rest.iter().position(|&b| b == b'\n').ok_or("truncated")?;
        let header = String::from_utf8_lossy(&rest[..header_end]);
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("error: unexpected output from `git cat-file`: {header}"))?;
        let body = rest
            .get(header_end + 1..header_end + 1 + size)
            .ok_or("error: truncated output from `git cat-file`")?;
        rest = rest.get(header_end + 2 + size..).unwrap_or_default();
        match SourceFile::from_bytes(format!("{revision}:{prefix}{name}"), body) {
            Ok(source) => sources.push(source),
            Err(diagnostic) => errors.push(diagnostic.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(errors.join("\n\n"))
    }
}

/// Runs git in `dir`, feeding it `input`; its stdout, or what went wrong.
fn git(dir: &Path, args: &[&str], input: Option<&str>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run git: {err}"))?;
    // Write from another thread: git answers while it reads, and a full
    // pipe on both sides would wait forever.
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.unwrap_or_default().to_owned();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()))
    });
    let output = child
        .wait_with_output()
        .map_err(|err| format!("git: {err}"))?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}
