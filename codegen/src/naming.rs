//! Every Rust name the generator makes comes from here: case conversion,
//! keywords, leading digits, punctuation and uniqueness; method names from
//! endpoint titles (imperative, without articles or trailing prose), type
//! names from what the titles say the thing is, acronym-aware field names.
//! This is the only module that uses heck.
//!
//! Each rule is a pure function of its input, so names are deterministic
//! and a table-driven test shows every rule at work.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition (strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_` instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// snake_case of a human title, aware of acronyms: `List PCAPs Bucket
/// Ownership` → `list_pcaps_bucket_ownership`, `IPv4` → `ipv4`, `mTLS` →
/// `mtls`, while camelCase words still split (`zoneId` → `zone_id`).
/// Returns an empty string when the title has no letters or digits.
pub fn title_snake(title: &str) -> String {
    let cleaned: String = title.chars().filter(|&c| c != '\'' && c != '’').collect();
    cleaned
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(word_snake)
        .collect::<Vec<_>>()
        .join("_")
}

fn word_snake(word: &str) -> String {
    let core = match word.strip_suffix('s') {
        Some(core) if core.ends_with(|c: char| c.is_ascii_uppercase()) => core,
        _ => word,
    };
    let first_upper = word.find(|c: char| c.is_ascii_uppercase());
    let lower_whole = !core.chars().any(|c| c.is_ascii_lowercase())
        || word.starts_with(|c: char| c.is_ascii_uppercase())
        || first_upper.is_some_and(|i| !word[i..].chars().any(|c| c.is_ascii_lowercase()));
    if lower_whole {
        word.to_ascii_lowercase()
    } else {
        word.to_snake_case()
    }
}

/// snake_case of a wire name (JSON key, path parameter), aware of
/// acronyms: `accountId` → `account_id`, `requireSignedURLs` →
/// `require_signed_urls`, `uniqIPs` → `uniq_ips`, `IPv4` → `ipv4`,
/// `TLSv1.2` → `tls_v1_2`, `$metadata` → `metadata`, `a.b/c d` → `a_b_c_d`.
fn wire_snake(wire: &str) -> String {
    wire.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|chunk| !chunk.is_empty())
        .flat_map(camel_words)
        .collect::<Vec<_>>()
        .join("_")
}

/// Splits one alphanumeric chunk at its word boundaries, lower-cased.
fn camel_words(chunk: &str) -> Vec<String> {
    let c: Vec<char> = chunk.chars().collect();
    let upper = |i: usize| c.get(i).is_some_and(char::is_ascii_uppercase);
    let lower = |i: usize| c.get(i).is_some_and(char::is_ascii_lowercase);
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    // `v4` after capitals is a version: `TLSv1` → `tls` `v1`, but `IPv4` is
    // one word, as everybody writes it.
    let version = |i: usize| c.get(i) == Some(&'v') && digit(i + 1);
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..c.len() {
        let run_start = (0..i).rev().take_while(|&j| upper(j)).last().unwrap_or(i);
        let boundary = (lower(i - 1) && upper(i))
            // `HTTPServer` → `HTTP` `Server`, but `URLs` stays a plural.
            || (upper(i - 1)
                && upper(i)
                && lower(i + 1)
                && (c[i + 1] != 's' || lower(i + 2))
                && !version(i + 1))
            || (upper(i - 1) && version(i) && i - run_start >= 2 && c[run_start..i] != ['I', 'P'])
            || (digit(i - 1) && upper(i) && lower(i + 1));
        if boundary {
            words.push(c[start..i].iter().collect::<String>().to_ascii_lowercase());
            start = i;
        }
    }
    words.push(c[start..].iter().collect::<String>().to_ascii_lowercase());
    words
}

/// Turns a snake-ish name into a valid identifier: a leading digit gets a `_`
/// prefix; keywords become raw identifiers (`r#type`) or, where Rust forbids
/// that, get a trailing `_` (`self_`).
fn identifier(name: String, fallback: &str) -> String {
    let name = if name.is_empty() {
        fallback.to_owned()
    } else {
        name
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Method name for an endpoint title; `None` when the title holds no letters
/// or digits. The title is read as a name, not as prose: a trailing clause
/// (after `.`, `:`, `;`, ` - ` or in parentheses) is cut, articles are
/// dropped, the verb is put in the imperative (`Lists` → `list`, `Retrieves`
/// → `get`) and `new` after `create` or `all` after `list` says nothing.
pub fn method_name(title: &str) -> Option<String> {
    let mut words = title_words(title);
    if let Some(first) = words.first_mut() {
        *first = imperative(first);
    }
    words.retain(|w| !ARTICLES.contains(&w.as_str()) && !VAGUE.contains(&w.as_str()));
    // `get information about X`, `get details for X` say `get X`.
    if words.len() > 3
        && matches!(
            words[1].as_str(),
            "information" | "info" | "details" | "data"
        )
        && matches!(words[2].as_str(), "about" | "for" | "of" | "on")
    {
        words.drain(1..3);
    }
    // `create new X`, `list all X`: the verb says it already.
    if words.len() > 2
        && ((words[1] == "new" && matches!(words[0].as_str(), "create" | "add"))
            || (words[1] == "all" && matches!(words[0].as_str(), "list" | "get")))
    {
        words.remove(1);
    }
    // `… for zone`, `… in account`: the path says where.
    if let [.., preposition, place] = words.as_slice() {
        if words.len() > 3
            && matches!(preposition.as_str(), "for" | "on" | "in" | "within")
            && matches!(place.as_str(), "zone" | "zones" | "account" | "accounts")
        {
            words.truncate(words.len() - 2);
        }
    }
    let snake = words.join("_");
    (!snake.is_empty()).then(|| identifier(snake, ""))
}

/// Words that only make a title read like a sentence: `the given zone`,
/// `a specific account`.
const VAGUE: &[&str] = &["given", "specific", "single", "current", "this", "existing"];

/// The words of a title, snake-cased and acronym-aware, after cutting what
/// reads as prose rather than as the name: a clause after `.`, `:`, `;`,
/// ` - `, ` — `, and anything in parentheses.
fn title_words(title: &str) -> Vec<String> {
    let mut cut = title.len();
    for marker in [". ", ": ", "; ", " - ", " — ", " – ", "("] {
        if let Some(at) = title.find(marker) {
            cut = cut.min(at);
        }
    }
    let name = title[..cut].trim_end_matches(['.', ':', ';', ' ']);
    let name = if name.trim().is_empty() { title } else { name };
    // A possessive names its owner: `a Namespace's Keys` → `namespace keys`.
    let name = name.replace("'s ", " ").replace("’s ", " ");
    title_snake(&name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that say nothing in a name.
const ARTICLES: &[&str] = &["a", "an", "the"];

/// Verbs that open endpoint titles, in the imperative.
const VERBS: &[&str] = &[
    "abort",
    "acknowledge",
    "activate",
    "add",
    "aggregate",
    "analyze",
    "begin",
    "clean",
    "execute",
    "force",
    "grant",
    "initialize",
    "kick",
    "leave",
    "mute",
    "open",
    "prepare",
    "protect",
    "pull",
    "push",
    "reactivate",
    "respond",
    "retry",
    "review",
    "revert",
    "rollback",
    "scrape",
    "unprotect",
    "apply",
    "approve",
    "archive",
    "assign",
    "attach",
    "batch",
    "block",
    "bulk",
    "calculate",
    "cancel",
    "change",
    "check",
    "clear",
    "clone",
    "commit",
    "compute",
    "configure",
    "confirm",
    "connect",
    "convert",
    "copy",
    "count",
    "create",
    "deactivate",
    "delete",
    "deploy",
    "describe",
    "detach",
    "disable",
    "download",
    "duplicate",
    "edit",
    "enable",
    "export",
    "fetch",
    "filter",
    "find",
    "generate",
    "get",
    "import",
    "initiate",
    "insert",
    "install",
    "invalidate",
    "invite",
    "issue",
    "list",
    "lock",
    "lookup",
    "mark",
    "migrate",
    "modify",
    "move",
    "order",
    "overwrite",
    "patch",
    "pause",
    "populate",
    "post",
    "preview",
    "publish",
    "purge",
    "put",
    "query",
    "read",
    "reauthenticate",
    "refresh",
    "register",
    "reject",
    "release",
    "reload",
    "remove",
    "rename",
    "renew",
    "reorder",
    "replace",
    "reprioritize",
    "request",
    "rerun",
    "reset",
    "resolve",
    "restart",
    "restore",
    "resume",
    "retrieve",
    "return",
    "revoke",
    "roll",
    "rotate",
    "run",
    "save",
    "scan",
    "schedule",
    "search",
    "send",
    "set",
    "show",
    "sign",
    "start",
    "stop",
    "submit",
    "subscribe",
    "suspend",
    "sync",
    "test",
    "toggle",
    "transfer",
    "trigger",
    "unblock",
    "unlock",
    "unpublish",
    "unrevoke",
    "unsubscribe",
    "update",
    "upload",
    "upsert",
    "validate",
    "verify",
    "view",
    "write",
];

/// A title's first word in the imperative: `lists` → `list`, `patches` →
/// `patch`, `retrieves` → `get`. Other words are left alone.
fn imperative(word: &str) -> String {
    let base = if VERBS.contains(&word) {
        word.to_owned()
    } else {
        let stems = [
            word.strip_suffix("ies").map(|s| format!("{s}y")),
            word.strip_suffix("es").map(str::to_owned),
            word.strip_suffix('s').map(str::to_owned),
        ];
        match stems
            .into_iter()
            .flatten()
            .find(|s| VERBS.contains(&s.as_str()))
        {
            Some(stem) => stem,
            None => return word.to_owned(),
        }
    };
    match base.as_str() {
        "retrieve" | "fetch" | "return" => "get".to_owned(),
        _ => base,
    }
}

/// What a title says an endpoint's result is, as PascalCase words:
/// `Create DNS Record`, `DNS Record Details` → `DnsRecord`; `List DNS
/// Records` → `DnsRecord` when `element` (the result is a list of them).
/// The verb, articles, words like `new` or `all`, a trailing `details` and
/// what follows a preposition are dropped. `None` when nothing is left, or
/// when the verb is an action (`Delete`, `Purge`) whose answer is not the
/// thing named.
pub fn noun_of_title(title: &str, element: bool) -> Option<String> {
    let mut words = title_words(title);
    if let Some(first) = words.first() {
        let verb = imperative(first);
        if RESOURCE_VERBS.contains(&verb.as_str()) {
            words.remove(0);
        } else if VERBS.contains(&verb.as_str()) {
            // `Delete Zone` answers with the outcome of the deletion, not
            // with a zone: the title says nothing about what it returns.
            return None;
        }
    }
    let mut noun: Vec<String> = Vec::new();
    for word in words {
        if PREPOSITIONS.contains(&word.as_str()) {
            break;
        }
        if !ARTICLES.contains(&word.as_str()) && !FILLER.contains(&word.as_str()) {
            noun.push(word);
        }
    }
    while noun
        .last()
        .is_some_and(|w| matches!(w.as_str(), "details" | "detail" | "info" | "information"))
    {
        noun.pop();
    }
    if element {
        if let Some(last) = noun.last_mut() {
            *last = singular(last);
        }
    }
    let snake = noun.join("_");
    (!snake.is_empty() && snake.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then(|| type_name(&snake))
}

/// Verbs whose endpoints answer with the thing the title names.
const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "create",
    "update",
    "edit",
    "patch",
    "put",
    "overwrite",
    "replace",
    "set",
    "modify",
    "rename",
    "add",
    "upsert",
    "read",
    "view",
    "show",
    "describe",
];

/// Words that end the noun of a title: what follows says where or which.
const PREPOSITIONS: &[&str] = &[
    "of", "for", "by", "in", "on", "from", "with", "to", "within", "under", "into", "at", "via",
    "using", "as", "across",
];

/// Words that say nothing about what a thing is.
const FILLER: &[&str] = &[
    "new", "all", "existing", "specific", "single", "given", "current", "multiple", "one",
];

/// The singular of an English plural, as far as API nouns go: `records` →
/// `record`, `policies` → `policy`, `addresses` → `address`, `pcaps` →
/// `pcap`; words that only look plural (`status`, `dns`, `analytics`) stay.
pub fn singular(word: &str) -> String {
    const SAME: &[&str] = &[
        "dns",
        "tls",
        "ssl",
        "status",
        "analytics",
        "settings",
        "news",
        "access",
        "sms",
        "alias",
        "bypass",
        "canvas",
        "series",
        "species",
        "https",
        "ddos",
        "waf",
        "aws",
        "gcs",
        "cors",
        "kvs",
        "stats",
        "metrics",
        "logs",
        "address",
    ];
    if SAME.contains(&word) || word.len() <= 3 && !word.ends_with("ps") {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for ending in ["sses", "shes", "ches", "xes", "zzes", "uses"] {
        if let Some(stem) = word.strip_suffix(ending) {
            return format!("{stem}{}", &ending[..ending.len() - 2]);
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') && !stem.ends_with('u') && !stem.ends_with('i') => {
            stem.to_owned()
        }
        _ => word.to_owned(),
    }
}

/// A PascalCase name with its last word in the singular: `TopPools` →
/// `TopPool`.
pub fn singular_name(name: &str) -> String {
    let at = name.rfind(|c: char| c.is_ascii_uppercase()).unwrap_or(0);
    let (head, last) = name.split_at(at);
    let lower = last.to_ascii_lowercase();
    let one = singular(&lower);
    if one == lower {
        return name.to_owned();
    }
    format!("{head}{}", type_name(&one))
}

/// A one-word type name made specific to its area: the module's words
/// (up to a preposition or `and`, without `deprecated` or `other`) in front,
/// the last of them standing for the name when it is that word
/// (`waf_rules`, `Rule` → `WafRule`; `zone`, `Status` → `ZoneStatus`;
/// `zone`, `Zone` → `Zone`).
pub fn area_specific(name: &str, module: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    for word in module.trim_start_matches("r#").split('_') {
        if PREPOSITIONS.contains(&word) || ARTICLES.contains(&word) || word == "and" {
            break;
        }
        if !matches!(word, "deprecated" | "other" | "s" | "") {
            words.push(word);
        }
    }
    let lower = name.to_ascii_lowercase();
    if let Some(last) = words.last() {
        let stem = |w: &str| singular(w).trim_end_matches('s').to_owned();
        if stem(last) == stem(&lower) {
            let mut words: Vec<&str> = words.clone();
            words.pop();
            words.push(&lower);
            return type_name(&words.join("_"));
        }
    }
    format!("{}{name}", type_name(&words.join("_")))
}

/// `name` without the module's words in front, when they are there and
/// more than one word remains: in `zone`, `ZonePlanLimits` →
/// `PlanLimits`; `Zone` stays (nothing would remain), and so do `ZoneMeta`
/// and `ZoneItem` (a bare `Meta` would say nothing, and clash with every
/// other area's): one word left is made [`area_specific`] (in `dex_rules`,
/// `DexRulesRule` → `DexRule`).
pub fn strip_module(name: &str, module: &str) -> String {
    let module_snake = module;
    let module = type_name(module);
    match name.strip_prefix(module.as_str()) {
        Some(rest)
            if rest.starts_with(|c: char| c.is_ascii_uppercase())
                && rest.chars().filter(char::is_ascii_uppercase).count() > 1 =>
        {
            rest.to_owned()
        }
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => {
            area_specific(rest, module_snake)
        }
        _ => name.to_owned(),
    }
}

/// Literal path segments of `path` that `other` lacks, snake-cased: what
/// tells two endpoints with one title apart (`/smart_shield/…`).
pub fn path_difference(path: &str, other: &str) -> Vec<String> {
    let literals = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty() && !s.contains('{'))
            .map(wire_snake)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let theirs = literals(other);
    literals(path)
        .into_iter()
        .filter(|s| !theirs.contains(s))
        .collect()
}

/// `base` with the verb an HTTP method stands for in place of its first
/// word when that is a verb, else in front: what tells apart two endpoints
/// with one title and one path (`update_queue` by PUT, then
/// `edit_queue` by PATCH, as Cloudflare's own SDKs say). GET reads (`get`),
/// PUT replaces, PATCH edits, POST creates, DELETE deletes.
pub fn with_method_verb(base: &str, http_method: &str) -> String {
    let verb = match http_method {
        "GET" => "get",
        "PUT" => "replace",
        "PATCH" => "edit",
        "POST" => "create",
        "DELETE" => "delete",
        other => return format!("{base}_{}", other.to_ascii_lowercase()),
    };
    let bare = base.trim_start_matches("r#");
    let rest = match bare.split_once('_') {
        Some((first, rest)) if VERBS.contains(&first) => rest,
        None if VERBS.contains(&bare) => "",
        _ => bare,
    };
    if rest.is_empty() {
        verb.to_owned()
    } else {
        format!("{verb}_{rest}")
    }
}

/// What several methods share a type for, as PascalCase words: the words
/// every method's name has, in order, after its verb (compared in the
/// singular), without prepositions. `create_access_policy` and
/// `update_access_policy` → `AccessPolicy`; `insert_vectors`,
/// `upsert_vectors` and `delete_vectors_by_identifier` → `Vectors`;
/// `get_top_ases_by_http_requests` and
/// `get_top_ases_by_http_requests_for_bot_class` → `TopAsesHttpRequests`.
/// `None` when they share no word. The methods are taken in sorted order,
/// so the order of the document decides nothing.
pub fn shared_entity(methods: &[&str]) -> Option<String> {
    let mut sorted: Vec<&str> = methods.to_vec();
    sorted.sort_unstable();
    let words = |method: &str| -> Vec<String> {
        let mut words: Vec<String> = method
            .trim_start_matches("r#")
            .split('_')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        if words.len() > 1 && VERBS.contains(&imperative(&words[0]).as_str()) {
            words.remove(0);
        }
        words
    };
    let mut common = words(sorted.first()?);
    for method in &sorted[1..] {
        common = common_words(&common, &words(method));
    }
    common.retain(|w| !PREPOSITIONS.contains(&w.as_str()) && !ARTICLES.contains(&w.as_str()));
    let snake = common.join("_");
    (!snake.is_empty() && snake.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then(|| type_name(&snake))
}

/// The longest common subsequence of two lists of words, compared in the
/// singular, with the words of `a`.
fn common_words(a: &[String], b: &[String]) -> Vec<String> {
    let same = |x: &String, y: &String| singular(x) == singular(y);
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if same(&a[i], &b[j]) {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if same(&a[i], &b[j]) {
            out.push(a[i].clone());
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Module name for an area title; `None` when the title gives no identifier.
pub fn module_name(title: &str) -> Option<String> {
    let snake = title_snake(title);
    (!snake.is_empty()).then(|| identifier(snake, ""))
}

/// The cargo feature of an area, from its module name:
/// `magic_pcap_collection` → `magic-pcap-collection`, `r#match` → `match`,
/// `_2fa` → `2fa`.
pub fn feature_name(module: &str) -> String {
    module
        .trim_start_matches("r#")
        .trim_matches('_')
        .replace('_', "-")
}

/// The command-line name of a method or area, from its snake_case Rust
/// name: `list_dns_records` → `list-dns-records`, `r#match` → `match`
/// (what the `cloudflare` command is called with). The same rule as
/// [`feature_name`], so an area's command is its cargo feature.
pub fn command_name(snake: &str) -> String {
    feature_name(snake)
}

/// The placeholder a path parameter is shown as on the command line:
/// `zone_id` → `ZONE_ID`, `accountId` → `ACCOUNT_ID`.
pub fn value_name(wire: &str) -> String {
    param_name(wire)
        .trim_start_matches("r#")
        .trim_matches('_')
        .to_ascii_uppercase()
}

/// Struct field name for a JSON key.
pub fn field_name(wire: &str) -> String {
    identifier(wire_snake(wire), "field")
}

/// Argument name for a path parameter.
pub fn param_name(wire: &str) -> String {
    identifier(wire_snake(wire), "param")
}

/// The handle type of an area (`client.zone()` returns a `ZoneApi`): the
/// module's name with `Api`, which leaves the plain noun (`Zone`) to the
/// area's data.
pub fn handle_name(module: &str) -> String {
    let name = type_name(module);
    if name.ends_with("Api") {
        name
    } else {
        format!("{name}Api")
    }
}

/// PascalCase type name from any name this module made (or a title).
pub fn type_name(name: &str) -> String {
    let bare = name.trim_start_matches("r#");
    let pascal = bare.to_upper_camel_case();
    if pascal.is_empty() {
        "Type".to_owned()
    } else if pascal.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{pascal}")
    } else if pascal == "Self" {
        "Self_".to_owned()
    } else {
        pascal
    }
}

/// A set of names already taken in one namespace.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `true` when `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `base`, or `base` + `suffix`, or that followed by `2`, `3`, …:
    /// the first that is free. Deterministic for a given sequence of claims.
    pub fn claim(&mut self, base: &str, suffix: &str) -> String {
        let join = |s: &str| {
            if base.ends_with('_') || base.is_empty() {
                format!("{base}{s}")
            } else if base.starts_with(|c: char| c.is_ascii_uppercase()) {
                format!("{base}{}", type_name(s))
            } else {
                format!("{base}_{s}")
            }
        };
        let mut candidates = vec![base.to_owned()];
        if !suffix.is_empty() {
            candidates.push(join(suffix));
        }
        let last = candidates.last().cloned().unwrap_or_default();
        for candidate in candidates {
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        (2..)
            .map(|n| {
                if last.starts_with("r#") {
                    format!("{}{n}", last.trim_start_matches("r#"))
                } else if last.ends_with(|c: char| c.is_ascii_digit()) {
                    format!("{last}_{n}")
                } else {
                    format!("{last}{n}")
                }
            })
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_method_names() {
        let table = [
            ("Create PCAP request", "create_pcap_request"),
            ("List PCAPs Bucket Ownership", "list_pcaps_bucket_ownership"),
            ("Download Simple PCAP", "download_simple_pcap"),
            ("Get IPv4 prefixes", "get_ipv4_prefixes"),
            ("Update mTLS settings", "update_mtls_settings"),
            ("List URLs", "list_urls"),
            ("Get zoneId", "get_zone_id"),
            ("Zone's DNSSEC", "zone_dnssec"),
            (
                "Open Websocket connection with @cf/deepgram/nova-3 model.",
                "open_websocket_connection_with_cf_deepgram_nova_3_model",
            ),
            ("GitHub OAuth", "github_oauth"),
            ("Match", "r#match"),
            ("Self", "self_"),
            ("2FA status", "_2fa_status"),
            // Articles go, the verb is imperative, prose is cut.
            ("Create an Access group", "create_access_group"),
            ("Delete a specific account", "delete_account"),
            (
                "Retrieves countries information for all countries",
                "get_countries_information_for_all_countries",
            ),
            (
                "Get the current status of a given Access policy test",
                "get_status_of_access_policy_test",
            ),
            (
                "Retrieve information about all schemas on a zone",
                "get_schemas",
            ),
            (
                "Get Automatic SSL/TLS enrollment status for the given zone",
                "get_automatic_ssl_tls_enrollment_status",
            ),
            ("List zones in account", "list_zones"),
            ("Lists all packet captures", "list_packet_captures"),
            (
                "Updates the attributes of a single document fingerprint.",
                "update_attributes_of_document_fingerprint",
            ),
            (
                "Creates a new document fingerprint.",
                "create_document_fingerprint",
            ),
            (
                "List all AI Gateway Dynamic Routes.",
                "list_ai_gateway_dynamic_routes",
            ),
            (
                "Get account audit logs (Version 2, Beta release)",
                "get_account_audit_logs",
            ),
            (
                "Delete Custom Hostname (and any issued SSL certificates)",
                "delete_custom_hostname",
            ),
            (
                "Reset device settings for a Zero Trust account with defaults. This turns off all proxying.",
                "reset_device_settings_for_zero_trust_account_with_defaults",
            ),
            ("Patches a rule", "patch_rule"),
            (
                "Returns account commands usage, quota, and reset time",
                "get_account_commands_usage_quota_and_reset_time",
            ),
            (
                "List an account entry point ruleset's versions",
                "list_account_entry_point_ruleset_versions",
            ),
            ("DNS Record Details", "dns_record_details"),
        ];
        for (title, expected) in table {
            assert_eq!(method_name(title).as_deref(), Some(expected), "{title}");
        }
        assert_eq!(method_name("???"), None);
        assert_eq!(method_name(""), None);
    }

    #[test]
    fn wire_names_become_fields() {
        let table = [
            ("destination_conf", "destination_conf"),
            ("type", "r#type"),
            ("ref", "r#ref"),
            ("self", "self_"),
            ("camelCase", "camel_case"),
            ("with space", "with_space"),
            ("a/b", "a_b"),
            ("a.b", "a_b"),
            ("x-request-id", "x_request_id"),
            ("123", "_123"),
            ("$metadata", "metadata"),
            ("_private", "private"),
            ("", "field"),
            ("$", "field"),
            // Acronyms stay whole.
            ("IPv4", "ipv4"),
            ("ipv6_cidr", "ipv6_cidr"),
            ("requireSignedURLs", "require_signed_urls"),
            ("TLSv1.2", "tls_v1_2"),
            ("uniqIPs", "uniq_ips"),
            ("userID", "user_id"),
            ("HTTPServer", "http_server"),
            ("APIKeys", "api_keys"),
            ("sha256Hash", "sha256_hash"),
            ("HTTP2", "http2"),
            ("DNSSEC", "dnssec"),
        ];
        for (wire, expected) in table {
            assert_eq!(field_name(wire), expected, "{wire}");
        }
    }

    #[test]
    fn titles_say_what_a_result_is() {
        let table = [
            ("Create DNS Record", false, Some("DnsRecord")),
            ("DNS Record Details", false, Some("DnsRecord")),
            ("List DNS Records", true, Some("DnsRecord")),
            ("List Zones", true, Some("Zone")),
            ("Zone Details", false, Some("Zone")),
            ("Get an Access group", false, Some("AccessGroup")),
            ("List Access groups", true, Some("AccessGroup")),
            ("List a Namespace's Keys", true, Some("NamespaceKey")),
            (
                "Get the current status of a given Access policy test",
                false,
                Some("Status"),
            ),
            ("List Policies", true, Some("Policy")),
            (
                "List PCAPs Bucket Ownership",
                true,
                Some("PcapsBucketOwnership"),
            ),
            ("List Zone Settings", false, Some("ZoneSettings")),
            ("List Addresses", true, Some("Address")),
            ("List statuses", true, Some("Status")),
            ("List", true, None),
            ("Get 2FA", false, None),
            ("Delete Zone", false, None),
            ("Purge Cached Content", false, None),
            ("Get DNS Record Usage", false, Some("DnsRecordUsage")),
        ];
        for (title, element, expected) in table {
            assert_eq!(
                noun_of_title(title, element).as_deref(),
                expected,
                "{title}"
            );
        }
        assert_eq!(strip_module("ZoneMeta", "zone"), "ZoneMeta");
        assert_eq!(strip_module("ZonePlanLimits", "zone"), "PlanLimits");
        assert_eq!(strip_module("DexRulesRule", "dex_rules"), "DexRule");
        assert_eq!(strip_module("Zone", "zone"), "Zone");
        assert_eq!(strip_module("ZoneItem", "zone"), "ZoneItem");
        assert_eq!(strip_module("Zones", "zone"), "Zones");
        assert_eq!(
            strip_module("DnsRecordMeta", "dns_records_for_a_zone"),
            "DnsRecordMeta"
        );
        assert_eq!(
            path_difference(
                "/zones/{zone_id}/smart_shield/healthchecks/{id}",
                "/zones/{zone_id}/healthchecks/{id}"
            ),
            ["smart_shield"]
        );
        assert!(path_difference("/a/{b}", "/a/{c}").is_empty());
        assert_eq!(
            shared_entity(&["update_access_policy", "create_access_policy"]).as_deref(),
            Some("AccessPolicy")
        );
        assert_eq!(
            shared_entity(&[
                "insert_vectors",
                "upsert_vectors",
                "delete_vectors_by_identifier"
            ])
            .as_deref(),
            Some("Vectors")
        );
        assert_eq!(
            shared_entity(&[
                "get_top_ases_by_http_requests",
                "get_top_ases_by_http_requests_for_bot_class"
            ])
            .as_deref(),
            Some("TopAsesHttpRequests")
        );
        assert_eq!(
            shared_entity(&["list_policies", "convert_policy_to_reusable_policy"]).as_deref(),
            Some("Policy")
        );
        assert_eq!(shared_entity(&["get_a", "list_b"]), None);
        assert_eq!(singular_name("TopPools"), "TopPool");
        assert_eq!(area_specific("Rule", "waf_rules"), "WafRule");
        assert_eq!(area_specific("Status", "zone"), "ZoneStatus");
        assert_eq!(area_specific("Zone", "zone"), "Zone");
        assert_eq!(
            area_specific("Setting", "dns_settings_for_a_zone"),
            "DnsSetting"
        );
        assert_eq!(
            area_specific("Status", "zone_analytics_deprecated"),
            "ZoneAnalyticsStatus"
        );
        assert_eq!(singular_name("DnsSettings"), "DnsSettings");
        assert_eq!(with_method_verb("update_queue", "PATCH"), "edit_queue");
        assert_eq!(with_method_verb("update_queue", "PUT"), "replace_queue");
        assert_eq!(with_method_verb("read_event", "GET"), "get_event");
        assert_eq!(with_method_verb("zone_dnssec", "GET"), "get_zone_dnssec");
    }

    #[test]
    fn type_names() {
        let table = [
            ("list_pcaps_bucket_ownership", "ListPcapsBucketOwnership"),
            ("r#type", "Type"),
            ("_123", "N123"),
            ("self_", "Self_"),
        ];
        for (name, expected) in table {
            assert_eq!(type_name(name), expected, "{name}");
        }
    }

    #[test]
    fn command_line_names() {
        let table = [
            ("list_dns_records", "list-dns-records"),
            ("r#match", "match"),
            ("_2fa", "2fa"),
        ];
        for (name, expected) in table {
            assert_eq!(command_name(name), expected, "{name}");
        }
        let table = [
            ("zone_id", "ZONE_ID"),
            ("accountId", "ACCOUNT_ID"),
            ("type", "TYPE"),
            ("TLSv1.2", "TLS_V1_2"),
        ];
        for (wire, expected) in table {
            assert_eq!(value_name(wire), expected, "{wire}");
        }
    }

    #[test]
    fn namespace_claims_are_unique_and_deterministic() {
        let mut ns = Namespace::with_reserved(&["client"]);
        assert_eq!(ns.claim("update_rule", "patch"), "update_rule");
        assert_eq!(ns.claim("update_rule", "patch"), "update_rule_patch");
        assert_eq!(ns.claim("update_rule", "patch"), "update_rule_patch2");
        assert_eq!(ns.claim("client", ""), "client2");
        assert_eq!(ns.claim("r#type", ""), "r#type");
        assert_eq!(ns.claim("r#type", ""), "type2");
        let mut types = Namespace::default();
        assert_eq!(types.claim("Item", ""), "Item");
        assert_eq!(types.claim("Item", ""), "Item2");
        assert_eq!(types.claim("V1", ""), "V1");
        assert_eq!(types.claim("V1", ""), "V1_2");
    }
}
