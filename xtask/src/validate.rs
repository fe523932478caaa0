//! `cargo xtask validate`: openapi-check on the spec, nothing else. Warnings
//! fail too: the project's own spec is kept free of them.

use std::path::Path;

use anyhow::{Result, bail};

use crate::spec;

pub fn run(root: &Path) -> Result<()> {
    let validation = spec::validate(root)?;
    eprint!("{}", validation.rendered);
    if validation.errors + validation.warnings > 0 {
        bail!(
            "{}: {} error(s), {} warning(s)",
            spec::SPEC_PATH,
            validation.errors,
            validation.warnings
        );
    }
    Ok(())
}
