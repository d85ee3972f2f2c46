//! The file names of the browser bundle under `/pkg`. A release build names the JS, wasm
//! and CSS after their content (cargo-leptos `hash-files`: `appward.<hash>.wasm`) and writes
//! the hashes to a hash file beside the server (`hash.txt`, or `LEPTOS_HASH_FILE_NAME`),
//! which Leptos reads for its hydration scripts and Appward for its stylesheet links and
//! for caching: a hashed name never changes content, so browsers keep it for a year.
//! Without the hash file (a debug build, the tests) the names are plain and revalidated.
use std::path::{Path, PathBuf};

/// The output name of the bundle (`output-name` in `Cargo.toml`).
const OUTPUT_NAME: &str = "appward";

/// The names of the bundle's files, and the hash file they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleNames {
    /// The hash file read, if there was one.
    pub hash_file: Option<PathBuf>,
    /// The JS glue, e.g. `appward.3q2-….js`.
    pub js: String,
    /// The wasm, e.g. `appward.x9Zk….wasm`.
    pub wasm: String,
    /// The stylesheet, e.g. `appward.Qm4e….css`.
    pub css: String,
}

impl BundleNames {
    /// The plain names of a build without hashes.
    pub fn plain() -> Self {
        Self {
            hash_file: None,
            js: format!("{OUTPUT_NAME}.js"),
            wasm: format!("{OUTPUT_NAME}.wasm"),
            css: format!("{OUTPUT_NAME}.css"),
        }
    }

    /// The names the hash file gives (lines `js: <hash>`, `wasm: <hash>`, `css: <hash>`),
    /// or the plain names when there is no such file or it lacks one of them.
    pub fn read(hash_file: &Path) -> Self {
        let Ok(text) = std::fs::read_to_string(hash_file) else {
            return Self::plain();
        };
        let hash_of = |kind: &str| {
            text.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                let hash = hash.trim();
                let usable = !hash.is_empty()
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                (file.trim() == kind && usable).then(|| format!("{OUTPUT_NAME}.{hash}.{kind}"))
            })
        };
        match (hash_of("js"), hash_of("wasm"), hash_of("css")) {
            (Some(js), Some(wasm), Some(css)) => Self {
                hash_file: Some(hash_file.to_owned()),
                js,
                wasm,
                css,
            },
            _ => {
                tracing::error!(file = %hash_file.display(), "the hash file names no js, wasm and css: serving plain names");
                Self::plain()
            }
        }
    }

    /// Whether `file` (a name under `/pkg`, possibly with `.br` or `.gz`) carries a hash of
    /// its content and so never changes: the three named in the hash file, and in a hashed
    /// build any other file cargo-leptos named after its MD5 (`chunk_4.<22 characters>.wasm`,
    /// the split-out routes and their loader).
    pub fn is_immutable(&self, file: &str) -> bool {
        let file = file
            .strip_suffix(".br")
            .or_else(|| file.strip_suffix(".gz"))
            .unwrap_or(file);
        self.hash_file.is_some()
            && ([&self.js, &self.wasm, &self.css]
                .iter()
                .any(|name| *name == file)
                || has_md5_name(file))
    }
}

/// Whether a file name has, between its stem and its extension, the 22 characters of an
/// MD5 in unpadded URL-safe base64 (how cargo-leptos hashes names).
fn has_md5_name(file: &str) -> bool {
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Where the hash file is: `name` as it is when absolute, else beside the running server
/// (where cargo-leptos writes it, and where Leptos's hydration scripts look).
pub fn hash_file_path(name: &str) -> PathBuf {
    let name = Path::new(name);
    if name.is_absolute() {
        return name.to_owned();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_file_names_the_files_and_only_those_are_immutable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hash.txt");
        std::fs::write(&file, "js: AbC-1_x\nwasm: Zz9\ncss: q\n").unwrap();
        let names = BundleNames::read(&file);
        assert_eq!(names.js, "appward.AbC-1_x.js");
        assert_eq!(names.wasm, "appward.Zz9.wasm");
        assert_eq!(names.css, "appward.q.css");
        assert!(names.is_immutable("appward.Zz9.wasm"));
        assert!(names.is_immutable("appward.Zz9.wasm.br"));
        assert!(!names.is_immutable("appward.wasm"));
        assert!(!names.is_immutable("appward.d.ts"));
        assert!(names.is_immutable("chunk_4.EL3SnSj26v3KHrL4WzBPFw.wasm.gz"));
        assert!(names.is_immutable("__wasm_split.EL3SnSj26v3KHrL4WzBPFw.js"));
        assert!(!names.is_immutable("chunk_4.wasm"));
        assert!(!names.is_immutable("EL3SnSj26v3KHrL4WzBPFw.wasm"));
    }

    #[test]
    fn without_a_usable_hash_file_the_names_are_plain_and_revalidated() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            BundleNames::read(&dir.path().join("none.txt")),
            BundleNames::plain()
        );
        let file = dir.path().join("hash.txt");
        std::fs::write(&file, "js: a\nwasm: ../../etc\ncss: c\n").unwrap();
        assert_eq!(BundleNames::read(&file), BundleNames::plain());
        assert!(!BundleNames::plain().is_immutable("appward.wasm"));
        assert!(!BundleNames::plain().is_immutable("chunk_4.EL3SnSj26v3KHrL4WzBPFw.wasm"));
    }
}
