//! The mocks' generated code: progenitor's httpmock generator, written to
//! `crates/gaussdb-backup-httpmock/src/generated_httpmock.rs`, against the
//! client crate's `raw` module.

use anyhow::Result;

use super::{Output, client, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-httpmock/src/generated_httpmock.rs";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = client::run(&client::settings(), &spec.openapi, |generator, openapi| {
        generator.httpmock(openapi, "gaussdb_backup::raw")
    });
    Ok(vec![rust_output(
        spec,
        OUTPUT_PATH,
        "mocks",
        tokens,
        client::replacements_from_outside,
    )?])
}
