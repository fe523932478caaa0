//! One side of a diff: the document and the files its `$ref`s reach, all
//! loaded before comparing, and `$ref` resolution across them.
//!
//! Referenced files are read only inside the document's own folder (checked
//! on the path as written, then on the real path, so neither `..` nor a
//! symlink leads out), never over the network, at most [`MAX_FILES`] of them
//! and [`MAX_TOTAL_BYTES`] together, each bounded like the linter's. A `$ref` that cannot be followed is an
//! error when the comparison follows it, naming the file and the place of
//! the `$ref`: the differ never skips what it cannot read.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;
use crate::locate::{Located, locate};
use crate::parse::parse;
use crate::pointer;
use crate::rules::refs::{is_remote, missing_part, normalize, read_parsed};
use crate::rules::version_problem;
use crate::source::Source;
use crate::yaml::Positions;

/// How many files one side may reach through `$ref`s.
pub(super) const MAX_FILES: usize = 256;
/// How many bytes they may hold together (each is also bounded like the
/// linter's referenced files).
const MAX_TOTAL_BYTES: usize = 256 * 1024 * 1024;
/// How many `$ref`s a chain may follow before it reaches a value.
const MAX_HOPS: usize = 64;

/// A file of one side: 0 is the document itself.
pub(super) type FileId = usize;

/// A place in one side: a file and a JSON pointer in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Loc {
    pub file: FileId,
    pub ptr: String,
}

impl Loc {
    pub fn root(ptr: impl Into<String>) -> Loc {
        Loc {
            file: 0,
            ptr: ptr.into(),
        }
    }

    /// The child named `token` (escaped here).
    pub fn push(&self, token: &str) -> Loc {
        Loc {
            file: self.file,
            ptr: pointer::push(&self.ptr, token),
        }
    }
}

struct File {
    /// As shown in reports: the document's name, or the referenced file's
    /// path next to it.
    name: String,
    /// The path relative to the document's folder (`None` for a document
    /// that was not read from a file).
    relative: Option<PathBuf>,
    text: String,
    value: Value,
    /// For YAML, where each node is, from the one parse; JSON is scanned
    /// when a place is wanted.
    positions: Option<Positions>,
}

/// One side of a diff, loaded.
pub(super) struct Documents {
    files: Vec<File>,
    /// The document's folder, canonical; referenced files must be inside.
    root: Option<PathBuf>,
    by_path: HashMap<PathBuf, FileId>,
    /// Why a file part of a `$ref` written in a file cannot be read.
    broken: HashMap<(FileId, String), String>,
}

impl Documents {
    /// Parses the document, refuses versions the linter refuses, and loads
    /// the files its references reach.
    pub fn load(source: &Source) -> Result<Documents, Error> {
        let parsed = parse(&source.text, source.format).map_err(|error| Error::Diff {
            file: source.name.clone(),
            error,
        })?;
        let root = source.path.as_deref().and_then(|p| {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            dir.unwrap_or(Path::new(".")).canonicalize().ok()
        });
        let relative = source
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map(PathBuf::from);
        let mut docs = Documents {
            files: vec![File {
                name: source.name.clone(),
                relative,
                text: source.text.clone(),
                value: parsed.value,
                positions: parsed.positions,
            }],
            root,
            by_path: HashMap::new(),
            broken: HashMap::new(),
        };
        if let Some((ptr, message)) = version_problem(&docs.files[0].value) {
            return Err(docs.error(&Loc::root(ptr), message));
        }
        docs.load_references();
        Ok(docs)
    }

    /// Reads every file reachable through `$ref`s, breadth first.
    fn load_references(&mut self) {
        if let Some(path) = self.files[0].relative.clone()
            && let Some(root) = &self.root
        {
            self.by_path.insert(root.join(path), 0);
        }
        let mut queue = VecDeque::from([0]);
        while let Some(file) = queue.pop_front() {
            let mut refs = Vec::new();
            collect_refs(&self.files[file].value, &mut refs);
            for reference in refs {
                let file_part = reference.split('#').next().unwrap_or_default();
                if file_part.is_empty() || self.broken.contains_key(&(file, file_part.into())) {
                    continue;
                }
                match self.open(file, file_part) {
                    Ok(Some(id)) => queue.push_back(id),
                    Ok(None) => {}
                    Err(why) => {
                        self.broken.insert((file, file_part.into()), why);
                    }
                }
            }
        }
    }

    /// Loads the file a `$ref` written in `from` names; `Ok(None)` when it
    /// was loaded already.
    fn open(&mut self, from: FileId, file_part: &str) -> Result<Option<FileId>, String> {
        if is_remote(file_part) {
            return Err("remote references are never fetched".into());
        }
        let (Some(root), Some(from_rel)) = (&self.root, &self.files[from].relative) else {
            return Err("the document was not read from a file, so its folder is unknown".into());
        };
        let joined = from_rel.parent().unwrap_or(Path::new("")).join(file_part);
        let relative = normalize(&joined).ok_or("it leaves the documents' folder")?;
        let canonical = root
            .join(&relative)
            .canonicalize()
            .map_err(|_| format!("the file {} does not exist", relative.display()))?;
        if !canonical.starts_with(root) {
            return Err("it resolves (through a link) outside the documents' folder".into());
        }
        if self.by_path.contains_key(&canonical) {
            return Ok(None);
        }
        if self.files.len() >= MAX_FILES {
            return Err(format!(
                "the documents refer to more than {MAX_FILES} files"
            ));
        }
        let (text, parsed) = read_parsed(&canonical)?;
        let total: usize = self.files.iter().map(|f| f.text.len()).sum::<usize>() + text.len();
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "the documents and the files they refer to exceed {MAX_TOTAL_BYTES} bytes together"
            ));
        }
        let shown = Path::new(&self.files[0].name)
            .parent()
            .unwrap_or(Path::new(""))
            .join(&relative);
        let id = self.files.len();
        self.files.push(File {
            name: shown.display().to_string(),
            relative: Some(relative),
            text,
            value: parsed.value,
            positions: parsed.positions,
        });
        self.by_path.insert(canonical, id);
        Ok(Some(id))
    }

    /// The document's value.
    pub fn root_value(&self) -> &Value {
        &self.files[0].value
    }

    /// The value at a place, if it exists.
    pub fn get(&self, at: &Loc) -> Option<&Value> {
        self.files.get(at.file)?.value.pointer(&at.ptr)
    }

    pub fn name(&self, file: FileId) -> &str {
        &self.files[file].name
    }

    /// Where the wanted pointers of a file are (see [`locate`]).
    pub fn locate(&self, file: FileId, wanted: &[&str]) -> HashMap<String, Located> {
        let file = &self.files[file];
        let yaml = file.positions.as_ref().map(|p| (p, &file.value));
        locate(&file.text, yaml, wanted)
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The value at a place with its `$ref`s followed (a missing place is
    /// `null`).
    pub fn resolve_at(&self, at: &Loc) -> Result<(&Value, Loc), Error> {
        match self.get(at) {
            Some(v) => self.resolve(v, at.clone()),
            None => Ok((&Value::Null, at.clone())),
        }
    }

    /// Follows a chain of `$ref`s from `value` (at `at`) to a value.
    pub fn resolve<'a>(&'a self, value: &'a Value, at: Loc) -> Result<(&'a Value, Loc), Error> {
        let (mut current, mut at) = (value, at);
        let mut visited: Vec<Loc> = Vec::new();
        for _ in 0..MAX_HOPS {
            let Some(reference) = current.get("$ref") else {
                return Ok((current, at));
            };
            let ref_at = at.push("$ref");
            let reference = reference
                .as_str()
                .ok_or_else(|| self.error(&ref_at, "`$ref` must be a string".into()))?;
            let (next, target) = self.follow(reference, &ref_at)?;
            if visited.contains(&next) {
                let message =
                    format!("{reference:?}: the references loop without reaching a value");
                return Err(self.error(&ref_at, message));
            }
            visited.push(next.clone());
            (current, at) = (target, next);
        }
        let message = format!("more than {MAX_HOPS} `$ref`s in a row");
        Err(self.error(&at, message))
    }

    /// One `$ref` written at `ref_at`: where it leads, and the value there.
    fn follow(&self, reference: &str, ref_at: &Loc) -> Result<(Loc, &Value), Error> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if file_part.is_empty() {
            ref_at.file
        } else {
            self.file_id(ref_at.file, file_part).map_err(|why| {
                self.error(ref_at, format!("{reference:?} cannot be followed: {why}"))
            })?
        };
        let ptr = pointer::from_fragment(fragment)
            .filter(|p| p.is_empty() || p.starts_with('/'))
            .ok_or_else(|| {
                self.error(
                    ref_at,
                    format!("{reference:?} is not a JSON pointer fragment"),
                )
            })?;
        let value = &self.files[file].value;
        let target = value.pointer(&ptr).ok_or_else(|| {
            let missing = missing_part(value, &ptr);
            self.error(ref_at, format!("{reference:?} does not resolve: {missing}"))
        })?;
        Ok((Loc { file, ptr }, target))
    }

    /// The loaded file a `$ref` in `from` names.
    fn file_id(&self, from: FileId, file_part: &str) -> Result<FileId, String> {
        if let Some(why) = self.broken.get(&(from, file_part.to_owned())) {
            return Err(why.clone());
        }
        let root = self
            .root
            .as_ref()
            .ok_or("the document's folder is unknown")?;
        let from_rel = self.files[from]
            .relative
            .as_deref()
            .unwrap_or(Path::new(""));
        let joined = from_rel.parent().unwrap_or(Path::new("")).join(file_part);
        normalize(&joined)
            .and_then(|rel| root.join(rel).canonicalize().ok())
            .and_then(|path| self.by_path.get(&path).copied())
            .ok_or_else(|| "the file was not loaded".into())
    }

    /// An error at a place, with its line and column.
    pub fn error(&self, at: &Loc, message: String) -> Error {
        let file = &self.files[at.file];
        let pos = self
            .locate(at.file, &[at.ptr.as_str()])
            .get(&at.ptr)
            .map(|l| l.key.unwrap_or(l.value).start);
        Error::DiffInput {
            file: file.name.clone(),
            pointer: at.ptr.clone(),
            pos,
            message,
        }
    }
}

/// Every `$ref` string in a value.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            for v in map.values() {
                collect_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
