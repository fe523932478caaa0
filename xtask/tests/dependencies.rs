//! The workspace's dependency direction (ARCHITECTURE.md, "Invariants"):
//! the client and openapi-check depend on no workspace crate; the
//! emulator, CLI and mocks depend on the client; nothing depends on xtask.
//! Dev-dependencies may use more (tests start the emulator, validate with
//! openapi-check).

use cargo_metadata::{DependencyKind, MetadataCommand};

#[test]
fn dependencies_run_one_way() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let metadata = MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .unwrap();
    let members: Vec<String> = metadata
        .workspace_packages()
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    let normal_deps_in_workspace = |name: &str| -> Vec<String> {
        let package = metadata
            .workspace_packages()
            .into_iter()
            .find(|p| p.name.as_str() == name)
            .unwrap_or_else(|| panic!("{name} is not a workspace member"));
        package
            .dependencies
            .iter()
            .filter(|d| d.kind != DependencyKind::Development)
            .map(|d| d.name.to_string())
            .filter(|d| members.contains(d))
            .collect()
    };
    assert_eq!(
        normal_deps_in_workspace("gaussdb-backup"),
        Vec::<String>::new()
    );
    assert_eq!(
        normal_deps_in_workspace("openapi-check"),
        Vec::<String>::new()
    );
    for dependent in [
        "gaussdb-backup-emulator",
        "gaussdb-backup-cli",
        "gaussdb-backup-httpmock",
    ] {
        assert_eq!(
            normal_deps_in_workspace(dependent),
            ["gaussdb-backup"],
            "{dependent}"
        );
    }
    for package in metadata.workspace_packages() {
        assert!(
            package
                .dependencies
                .iter()
                .all(|d| d.name.as_str() != "xtask"),
            "{} depends on xtask",
            package.name
        );
    }
}
