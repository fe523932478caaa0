use anyhow::Result;
use std::path::Path;
pub fn run(_root: &Path, _base: &str, _out: &Path, _repo: Option<&str>) -> Result<()> {
    anyhow::bail!("todo")
}
