//! `gaussdb-backup create-backup` end to end against the emulator on
//! loopback: arguments, JSON output, errors and exit codes, credentials from
//! the environment or a config file.

use std::sync::OnceLock;

use assert_cmd::Command;
use gaussdb_backup_emulator::{Config, Emulator};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

/// One emulator for the whole file, on its own runtime thread.
fn emulator_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let emulator = Emulator::start(Config {
                    jobs: gaussdb_backup_emulator::JobSchedule::INSTANT,
                    ..Config::default()
                })
                .await
                .unwrap();
                tx.send(emulator.url()).unwrap();
                emulator.wait().await;
            });
        });
        rx.recv().unwrap()
    })
}

fn cli() -> Command {
    let mut cmd = Command::cargo_bin("gaussdb-backup").unwrap();
    for var in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "GAUSSDB_BACKUP_REGION",
        "GAUSSDB_BACKUP_ENDPOINT",
        "GAUSSDB_BACKUP_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn create_backup_with_aksk_from_the_environment() {
    let out = cli()
        .env("HUAWEICLOUD_SDK_AK", "AccessKey")
        .env("HUAWEICLOUD_SDK_SK", "SecretKey")
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args([
            "--instance-id",
            INSTANCE,
            "--name",
            "cli-backup",
            "--description",
            "From the CLI",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["backup"]["name"], "cli-backup");
    assert_eq!(json["backup"]["status"], "BUILDING");
    assert!(json["job_id"].is_string());
}

#[test]
fn a_token_and_the_project_from_a_config_file() {
    let dir = std::env::temp_dir().join(format!("gaussdb-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("endpoint = \"{}\"\nproject_id = \"{PROJECT}\"\n\n[credentials]\ntoken = \"file-token\"\n", emulator_url()),
    )
    .unwrap();
    let out = cli()
        .args([
            "--config",
            config.to_str().unwrap(),
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "from-file",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_service_error_exits_1_with_code_and_message_on_stderr() {
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args([
            "--instance-id",
            "00000000000000000000000000000000in07",
            "--name",
            "cli-backup",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DBS.200002") && stderr.contains("404"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_refused_signature_exits_1() {
    let out = cli()
        .env("HUAWEICLOUD_SDK_AK", "AccessKey")
        .env("HUAWEICLOUD_SDK_SK", "NotTheSecret")
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args(["--instance-id", INSTANCE, "--name", "cli-backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("APIGW.0301"), "{stderr}");
    assert!(!stderr.contains("NotTheSecret"), "{stderr}");
}

#[test]
fn usage_and_configuration_errors_exit_2_before_sending() {
    // An invalid name is refused by the argument parser, with the rule in words.
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args(["--instance-id", INSTANCE, "--name", "9x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be 4 to 64 characters"));
    // No credentials.
    let out = cli()
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args(["--instance-id", INSTANCE, "--name", "cli-backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no credentials"));
    // Plain HTTP to a non-loopback host.
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .args([
            "--endpoint",
            "http://gaussdb.example.com",
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args(["--instance-id", INSTANCE, "--name", "cli-backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unreachable_endpoint_exits_3() {
    // A port that was just bound and released refuses connections; no
    // assumption that some fixed port is closed on this machine.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .args([
            "--endpoint",
            closed.as_str(),
            "create-backup",
            "--project-id",
            PROJECT,
        ])
        .args(["--instance-id", INSTANCE, "--name", "cli-backup"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_offers_no_secret_flags() {
    let out = cli().args(["create-backup", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--instance-id") && help.contains("--name"),
        "{help}"
    );
    assert!(
        !help.contains("json-body-template") && !help.contains("XXX"),
        "{help}"
    );
    for secret in ["--token", "--sk", "--secret", "--ak"] {
        assert!(!help.contains(secret), "{secret} in help:\n{help}");
    }
    let top = cli().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&top.stdout).contains("HUAWEICLOUD_SDK_AK"));
}

/// A config file of its own for one test; removed with the returned guard.
struct ConfigFile(std::path::PathBuf);

impl ConfigFile {
    fn new(name: &str, text: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("gaussdb-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        ConfigFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

const CREATE: [&str; 5] = [
    "create-backup",
    "--instance-id",
    INSTANCE,
    "--name",
    "cli-backup",
];

#[test]
fn a_region_on_the_command_line_beats_an_endpoint_from_the_environment_or_the_file() {
    // An unknown region is refused (exit 2) when it is the one used; the
    // call would succeed against the endpoint if that one were used instead.
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .env("GAUSSDB_BACKUP_ENDPOINT", emulator_url())
        .args(["--region", "xx-nowhere-1"])
        .args(CREATE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("xx-nowhere-1"), "{stderr}");

    let file = ConfigFile::new(
        "region",
        &format!(
            "endpoint = \"{}\"\nproject_id = \"{PROJECT}\"\n",
            emulator_url()
        ),
    );
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .args(["--config", file.path()])
        .args(CREATE)
        .args(["--region", "xx-nowhere-1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("xx-nowhere-1"), "{stderr}");

    // The environment beats the file.
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .env("GAUSSDB_BACKUP_REGION", "xx-nowhere-1")
        .args(["--config", file.path()])
        .args(CREATE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("xx-nowhere-1"), "{stderr}");

    // An endpoint on the command line beats a region from the environment.
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .env("GAUSSDB_BACKUP_REGION", "xx-nowhere-1")
        .args(["--config", file.path(), "--endpoint", emulator_url()])
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn endpoint_and_region_both_on_the_command_line_is_a_usage_error() {
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint", emulator_url(), "--region", "ap-southeast-1"])
        .args(CREATE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--endpoint") && stderr.contains("--region"),
        "{stderr}"
    );
}

#[test]
fn a_mistyped_secret_in_the_config_file_is_never_echoed() {
    const SECRET: &str = "98765432109876543210";
    for (name, credentials, key, line) in [
        ("big", format!("sk = {SECRET}"), "sk", 6),
        ("small", "sk = 987654321098".to_owned(), "sk", 6),
        ("float", "sk = 98765.43210987".to_owned(), "sk", 6),
        ("array", format!("sk = [\"{SECRET}\"]"), "sk", 6),
        ("token", format!("token = {SECRET}"), "token", 6),
        ("inline", format!("sk = {{ v = \"{SECRET}\" }}"), "sk", 6),
    ] {
        let file = ConfigFile::new(
            name,
            &format!(
                "endpoint = \"{}\"\nproject_id = \"{PROJECT}\"\n\n[credentials]\nak = \"AccessKey\"\n{credentials}\n",
                emulator_url()
            ),
        );
        let out = cli()
            .args(["--config", file.path()])
            .args(CREATE)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        for part in [SECRET, "98765", "987654321098", "43210987"] {
            assert!(!stderr.contains(part), "{name}: {part} in {stderr}");
        }
        assert!(
            stderr.contains(&format!("[credentials] {key}"))
                && stderr.contains(&format!("line {line}"))
                && stderr.contains("column")
                && stderr.contains("string"),
            "{name}: {stderr}"
        );
    }
    // The whole table mistyped, and a value that is not TOML at all.
    for (name, text) in [
        ("table", format!("credentials = {SECRET}\n")),
        ("dotted", format!("credentials.sk = {SECRET}\n")),
        ("bare", format!("[credentials]\nsk = {SECRET}abc\n")),
        ("unterminated", format!("[credentials]\nsk = \"{SECRET}\n")),
    ] {
        let file = ConfigFile::new(name, &text);
        let out = cli()
            .env("GAUSSDB_BACKUP_ENDPOINT", emulator_url())
            .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
            .args(["--config", file.path()])
            .args(CREATE)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(!stderr.contains("98765"), "{name}: {stderr}");
        assert!(stderr.contains("line"), "{name}: {stderr}");
    }
}

#[test]
fn create_backup_with_the_body_from_a_file() {
    let body = ConfigFile::new(
        "body",
        &format!(
            r#"{{"instance_id": "{INSTANCE}", "name": "from-json", "description": "A file"}}"#
        ),
    );
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--json-body",
            body.path(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["backup"]["name"], "from-json");
    assert_eq!(json["backup"]["description"], "A file");

    // A body that breaks a rule is refused before sending.
    let bad = ConfigFile::new(
        "bad-body",
        &format!(r#"{{"instance_id": "{INSTANCE}", "name": "9x"}}"#),
    );
    let out = cli()
        .env("HUAWEICLOUD_TOKEN", "t")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args([
            "--endpoint",
            emulator_url(),
            "create-backup",
            "--json-body",
            bad.path(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Half an AK/SK pair in the environment is a mistake to report, not a
/// reason to fall back to another credential: the token beside it is not
/// used, and nothing is sent.
#[test]
fn half_an_aksk_pair_is_refused_not_replaced_by_a_token() {
    for (set, missing) in [
        ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"),
        ("HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_AK"),
    ] {
        let out = cli()
            .env(set, "half-of-a-pair")
            .env("HUAWEICLOUD_TOKEN", "a-token-that-would-work")
            .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
            .args(["--endpoint", emulator_url()])
            .args(CREATE)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{set}: {stderr}");
        assert!(
            stderr.contains(&format!("{missing} is not set")),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// An AK/SK pair in the config file signs the request (the emulator checks
/// the signature), with or without a security token.
#[test]
fn an_aksk_pair_from_the_config_file_signs_the_request() {
    for extra in ["", "security_token = \"session-token\"\n"] {
        let file = ConfigFile::new(
            &format!("aksk-{}", extra.len()),
            &format!(
                "endpoint = \"{}\"\nproject_id = \"{PROJECT}\"\n\n[credentials]\nak = \"AccessKey\"\nsk = \"SecretKey\"\n{extra}",
                emulator_url()
            ),
        );
        let out = cli()
            .args(["--config", file.path()])
            .args(CREATE)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {stderr}");
        let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(created["job_id"].is_string(), "{created}");
    }
}

/// `completions SHELL` prints a script that knows every command.
#[test]
fn completions_know_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = cli().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for command in ["create-backup", "list-backups", "show-job", "delete-backup"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
}

/// `__generate-man DIR` (what `cargo xtask generate` runs) writes a page
/// for the program and one for each command.
#[test]
fn generate_man_writes_a_page_per_command() {
    let dir = std::env::temp_dir().join(format!("gaussdb-cli-{}-man", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = cli().arg("__generate-man").arg(&dir).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in [
        "gaussdb-backup.1",
        "gaussdb-backup-create-backup.1",
        "gaussdb-backup-list-backups.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page} missing or not a man page");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
