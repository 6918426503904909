//! The IR: a validated, named API, as plain owned data.
//!
//! Lowering produces it; emitting consumes it. It holds no tokens and no
//! Markdown events. Every name keeps its wire form beside its Rust form.

/// The whole API: one area per input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    pub areas: Vec<Area>,
}

/// One document (`# Title`): a module, a handle type and its endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// Display path of the source document.
    pub source: String,
    /// The `#` title as written.
    pub title: String,
    /// The title made safe for rustdoc.
    pub title_doc: String,
    /// Module name and the `Client` accessor method, e.g.
    /// `magic_pcap_collection`, from the file name.
    pub module: String,
    /// The cargo feature that turns the area on, e.g. `magic-pcap-collection`.
    pub feature: String,
    /// Handle type, e.g. `MagicPcapCollection`.
    pub handle: String,
    /// Prose between the title and the first endpoint, rustdoc-safe.
    pub doc: String,
    pub endpoints: Vec<Endpoint>,
    /// Named types for response bodies, in first-use order.
    pub types: Vec<TypeDef>,
}

/// One `##` endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The `##` title as written.
    pub title: String,
    /// Method name on the handle, e.g. `list_pcaps_bucket_ownership`.
    pub rust_name: String,
    pub method: Method,
    pub path: PathTemplate,
    /// The description as written (Markdown, blank-line normalised).
    pub description: String,
    /// Title, `METHOD path` and description, made safe for rustdoc.
    pub doc: String,
    pub responses: Vec<Response>,
    /// What a call returns on success, decided from the responses.
    pub output: Output,
    /// A typed request body (from an overlay): a required argument.
    pub request_body: Option<TypeRef>,
    /// A `multipart/form-data` body (from an overlay): a required argument
    /// of its own type. An endpoint has this or `request_body`, not both.
    pub multipart: Option<MultipartBody>,
    /// A body that is not JSON (from an overlay's `> Content-Type`): a
    /// required argument. An endpoint has at most one kind of body.
    pub raw_body: Option<RawBody>,
    /// A typed query (from an overlay).
    pub query: Option<Query>,
    /// The `Accept` header to send (from an overlay).
    pub accept: Option<String>,
    /// The JSON body has a boolean `stream` field (in every variant): a
    /// second method, `<rust_name>_stream`, sets it and reads the answer
    /// as Server-Sent Events (Workers AI text generation).
    pub streams: bool,
}

/// A request body sent as its own media type rather than JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody {
    /// The `Content-Type` it is sent with, e.g. `application/octet-stream`.
    pub content_type: String,
    /// For newline-delimited JSON, the type of one line: the argument is
    /// the lines, written as they are sent. Otherwise the argument is the
    /// bytes (in memory, a file or a stream).
    pub lines: Option<TypeRef>,
}

/// An endpoint's query parameters, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// A struct of the area, one field per parameter.
    pub ty: TypeRef,
    /// Some parameter is required: the method takes the query as an
    /// argument. Otherwise it is passed with `.query(&…)`, when wanted.
    pub argument: bool,
}

/// A `multipart/form-data` request body: a type with a constructor taking
/// the required parts and a method per part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartBody {
    /// The body type's Rust name, e.g. `WorkerUpload`.
    pub name: String,
    /// What the body is, when the overlay says (rustdoc-safe).
    pub doc: String,
    /// In the order the overlay gives them, which is the order `new` adds
    /// the required ones in.
    pub parts: Vec<PartDef>,
}

/// One part of a [`MultipartBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartDef {
    pub name: PartName,
    /// The part's method, and its argument in `new` when it is required.
    pub rust_name: String,
    pub kind: PartKind,
    /// At least one such part is sent: `new` takes the first.
    pub required: bool,
    /// More than one may be sent: the method adds one each time it is called.
    pub repeated: bool,
    /// What the part holds, when the overlay says (rustdoc-safe).
    pub doc: String,
}

/// The name a part is sent under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartName {
    /// Always this wire name.
    Fixed(String),
    /// Whatever name the caller gives (a Worker's modules); `arg` is that
    /// argument's name in `new`.
    Any { arg: String },
}

/// What a part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartKind {
    /// A value of this type, sent as JSON.
    Json(TypeRef),
    /// A value written as text: a `String`, `Bool`, `I64`, `U64` or `F64`.
    Text(TypeRef),
    /// A file's content, from memory or from a path. The content types it
    /// may have; the first is sent when the caller gives none.
    File { content_types: Vec<String> },
}

/// HTTP methods the docs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    /// Upper-case wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
            Self::Options => "OPTIONS",
        }
    }

    /// Parses the upper-case wire form.
    pub fn from_wire(s: &str) -> Option<Self> {
        Some(match s {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            "HEAD" => Self::Head,
            "OPTIONS" => Self::Options,
            _ => return None,
        })
    }
}

/// A path such as `/zones/{zone_id}/scans/{scan_id}.png`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// As written.
    pub template: String,
    /// Literal text and parameters, in order.
    pub parts: Vec<PathPart>,
    /// Distinct parameters in order of first appearance: the method's arguments.
    pub params: Vec<Param>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into [`PathTemplate::params`]; a name used twice refers to one parameter.
    Param(usize),
}

/// A path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: Status,
    pub description: String,
    /// The `> Data is at body["result"]` quote was present: the body is the
    /// `result` of a Cloudflare envelope.
    pub data_at_result: bool,
    /// `None` for an empty fence or no fence.
    pub body: Option<Shape>,
}

/// A response status as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// An exact code such as `200`.
    Code(u16),
    /// A class such as `4XX` (stored as its first digit).
    Class(u8),
    Default,
}

impl Status {
    /// `true` for 2xx codes and the `2XX` class.
    pub fn is_success(self) -> bool {
        match self {
            Self::Code(c) => (200..300).contains(&c),
            Self::Class(c) => c == 2,
            Self::Default => false,
        }
    }
}

/// A body shape from a JSON skeleton.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Shape {
    String,
    Integer,
    Number,
    Boolean,
    /// `null`: the docs do not say.
    Unknown,
    /// `{}`: an object without declared fields.
    EmptyObject,
    /// Fields in document order.
    Object(Vec<Field>),
    Array(Box<Shape>),
    /// Overlays only: a string with these values (more may come later).
    Enum(Vec<String>),
    /// Overlays only: a reference to a `## Type` of the overlay.
    Named(String),
    /// Overlays only (`"*any*"`): any JSON value, wider than whatever the
    /// document shows at that place.
    Any,
    /// Overlays only, as an array's element (`["*number*", null]`): the
    /// element or `null`.
    Nullable(Box<Shape>),
}

/// A field of an object shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub wire_name: String,
    pub shape: Shape,
    /// Overlays only: the field is always present.
    pub required: bool,
    /// Overlays only: what the field means (units, limits).
    pub doc: String,
}

/// What an endpoint method returns on success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Every success is `204`: `()`.
    NoContent,
    /// A success without a documented body: the raw, streamed response.
    Raw,
    /// A JSON body; `envelope` when the data is the envelope's `result`.
    Json { ty: TypeRef, envelope: bool },
}

/// A Rust type used by generated code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String,
    I64,
    /// `u64`: a count that is never negative (a query's page numbers, see
    /// `lower/merge.rs`); on the wire an integer like `I64`.
    U64,
    F64,
    Bool,
    /// `serde_json::Value`.
    Value,
    /// `serde_json::Map<String, Value>`.
    Map,
    Vec(Box<TypeRef>),
    /// `Option<T>`: an array element that may be `null`.
    Option(Box<TypeRef>),
    /// A struct of this area, by its Rust name.
    Named(String),
}

/// A generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
}

impl TypeDef {
    /// The type's Rust name.
    pub fn name(&self) -> &str {
        match self {
            Self::Struct(def) => &def.name,
            Self::Enum(def) => &def.name,
            Self::Union(def) => &def.name,
        }
    }
}

/// A struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructDef {
    pub name: String,
    /// What the type is, when an overlay says (rustdoc-safe).
    pub doc: String,
    pub fields: Vec<FieldDef>,
    /// Rust names of the endpoints whose bodies use this type.
    pub used_by: Vec<String>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub wire_name: String,
    /// A valid identifier, raw (`r#type`) where needed.
    pub rust_name: String,
    pub ty: TypeRef,
    /// Whether the field is there: plain, or an `Option`.
    pub presence: Presence,
    /// What the field means, when an overlay says.
    pub doc: String,
}

/// Whether a struct's field is always there, which decides its declared
/// type: plain only where every value of the type has it. Decided once the
/// area's types are known (`lower/presence.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Every value has it: declared plain, and `new` takes it. A required
    /// field of a type that only requests use (a body must send it), or an
    /// identity (`id`, `name`) that the description requires of an answer.
    Always,
    /// The description requires it, but answers do not always send it
    /// (the description is stricter than the API): an `Option`, which
    /// `new` still takes, so a body built with `new` sends it.
    Required,
    /// An `Option`, not in `new`.
    Optional,
}

impl Presence {
    /// Declared without `Option`.
    pub fn is_plain(self) -> bool {
        self == Presence::Always
    }

    /// Taken by `new`.
    pub fn in_constructor(self) -> bool {
        self != Presence::Optional
    }
}

/// A string enum that accepts values it does not know (`Other`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<EnumVariant>,
}

/// One known value of an [`EnumDef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    pub wire_name: String,
    pub rust_name: String,
}

/// One of several structs, told apart by a `tag` field when every variant
/// fixes it to its own single value, by shape otherwise. A tagged union
/// also has an `Other` variant (see [`UnionDef::keeps_unknown`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionDef {
    pub name: String,
    /// What the type is, when an overlay says (rustdoc-safe).
    pub doc: String,
    /// Wire name of the field that tells the variants apart.
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
}

impl UnionDef {
    /// Whether the union has an `Other` variant holding, whole, an object
    /// of a kind it does not know (or without the tag): every tagged union
    /// does, so that an API that adds a kind breaks no client, and a caller
    /// can send a kind the client does not know yet. No variant is called
    /// `Other` then. An untagged union has no way to tell an unknown kind
    /// from a malformed one, and no catch-all.
    pub fn keeps_unknown(&self) -> bool {
        self.tag.is_some()
    }
}

/// One variant of a [`UnionDef`]: a struct of the area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionVariant {
    pub rust_name: String,
    /// The tag's value for this variant.
    pub tag_value: Option<String>,
    /// The struct it wraps.
    pub ty: String,
}
