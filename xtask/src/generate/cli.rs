//! The CLI's generated code: progenitor's CLI generator, written to
//! `crates/gaussdb-backup-cli/src/generated_cli.rs`, against the client
//! crate's `raw` module (the generated client, builders and types).

use anyhow::{Result, anyhow};

use super::{Output, client, rust_header, rustfmt};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-cli/src/generated_cli.rs";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = client::run(&client::settings(), &spec.openapi, |generator, openapi| {
        generator.cli(openapi, "gaussdb_backup::raw")
    })
    .map_err(|err| {
        anyhow!(
            "{}: progenitor cannot generate the CLI: {err}",
            spec.rel_path
        )
    })?;
    let source = format!("{}{}", rust_header(spec), tokens);
    Ok(vec![Output {
        path: OUTPUT_PATH.into(),
        contents: rustfmt::format(&source)?,
    }])
}
