//! The CLI's generated code: progenitor's CLI generator, written to
//! `crates/gaussdb-backup-cli/src/generated_cli.rs`, against the client
//! crate's `raw` module (the generated client, builders and types).

use anyhow::Result;

use super::{Output, client, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-cli/src/generated_cli.rs";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = client::run(&client::settings(), &spec.openapi, |generator, openapi| {
        generator.cli(openapi, "gaussdb_backup::raw")
    });
    Ok(vec![rust_output(spec, OUTPUT_PATH, "CLI", tokens)?])
}
