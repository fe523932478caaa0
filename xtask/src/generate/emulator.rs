//! The emulator serves the spec (`/openapi/gaussdb-backup.yaml`). A packaged
//! crate can only include files inside itself, so the emulator gets a
//! byte-for-byte copy, kept in step here (and by `--check`).
//!
//! The copy carries no header: the emulator serves it as the spec, and it
//! must equal the spec exactly.

use anyhow::{Context, Result};

use super::Output;
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-emulator/openapi/gaussdb-backup.yaml";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let path = crate::project_root().join(spec.rel_path);
    let contents = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the spec {}", path.display()))?;
    Ok(vec![Output {
        path: OUTPUT_PATH.into(),
        contents,
    }])
}
