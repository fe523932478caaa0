//! The mocks' generated code: progenitor's httpmock generator, written to
//! `crates/gaussdb-backup-httpmock/src/generated_httpmock.rs`, against the
//! client crate's `raw` module.

use anyhow::{Result, anyhow};

use super::{Output, client, rust_header, rustfmt};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-httpmock/src/generated_httpmock.rs";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = client::run(&client::settings(), &spec.openapi, |generator, openapi| {
        generator.httpmock(openapi, "gaussdb_backup::raw")
    })
    .map_err(|err| {
        anyhow!(
            "{}: progenitor cannot generate the mocks: {err}",
            spec.rel_path
        )
    })?;
    let source = format!("{}{}", rust_header(spec), tokens);
    Ok(vec![Output {
        path: OUTPUT_PATH.into(),
        contents: rustfmt::format(&source)?,
    }])
}
