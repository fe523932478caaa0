//! How the command line reports every kind of answer, against a scripted
//! server on loopback: every command goes through the client library, so an
//! answer means the same thing (message and exit code) whichever command or
//! flag asked for it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use assert_cmd::Command;
use serde_json::Value;

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";
const JOB: &str = "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7";

/// The 201 body of the reference page exactly as published: the comma after
/// `"Manual backup"` is missing, so it is not JSON.
const PAGE_201: &str = r#"{ "backup" : { "id" : "2f4ddb93-b901-4b08-93d8-1d2e472f30fe", "name" : "backup-1", "description": "Manual backup" "begin_time" : "2020-07-07T01:17:05+0800", "status" : "BUILDING", "type" : "manual", "instance_id" : "07033b125fd94a8a96896f8bcfee6ddain07" }, "job_id" : "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7" }"#;

/// One canned answer.
#[derive(Clone)]
struct Answer {
    status: u16,
    content_type: &'static str,
    body: String,
}

fn answer(status: u16, content_type: &'static str, body: &str) -> Answer {
    Answer {
        status,
        content_type,
        body: body.to_owned(),
    }
}

/// A server on loopback that gives every request (whatever its method and
/// path) the answer `reply` makes from its request line; it lives as long
/// as the test process. Nothing but the standard library.
fn serve(reply: impl Fn(&str) -> Answer + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let Answer {
                status,
                content_type,
                body,
            } = reply(&request_line);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Scripted\r\nContent-Type: {content_type}\r\nX-Request-Id: req-0123\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn cli(url: &str) -> Command {
    let mut cmd = Command::cargo_bin("gaussdb-backup").unwrap();
    for var in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "GAUSSDB_BACKUP_REGION",
        "GAUSSDB_BACKUP_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HUAWEICLOUD_TOKEN", "any-token")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .env("GAUSSDB_BACKUP_ENDPOINT", url);
    cmd
}

/// Every command, with the arguments it needs.
fn every_command() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "backup-1",
        ],
        vec!["show-job", "--job-id", JOB],
        vec!["list-backups"],
        vec!["list-backups", "--all"],
        vec!["delete-backup", "--backup-id", "b1"],
    ]
}

fn run(url: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = cli(url).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_reference_pages_own_201_says_the_backup_may_have_started_and_exits_7() {
    let url = serve(|_| answer(201, "application/json", PAGE_201));
    for wait in [false, true] {
        let mut args = vec![
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "backup-1",
        ];
        if wait {
            args.push("--wait");
        }
        let (code, stdout, stderr) = run(&url, &args);
        assert_eq!(code, Some(7), "--wait {wait}: {stderr}");
        assert!(stderr.contains("may have been started"), "{stderr}");
        assert!(stderr.contains(JOB), "the job ID: {stderr}");
        assert!(
            stderr.contains(&format!("show-job --job-id {JOB}")),
            "how to check: {stderr}"
        );
        assert!(stdout.is_empty(), "{stdout}");
    }
}

#[test]
fn an_undocumented_status_with_the_error_body_shows_code_and_message_on_every_command() {
    let url = serve(|_| {
        answer(
            429,
            "application/json",
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}"#,
        )
    });
    for args in every_command() {
        let (code, stdout, stderr) = run(&url, &args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("429")
                && stderr.contains("APIGW.0308: The throttling threshold has been reached.")
                && stderr.contains("req-0123"),
            "{args:?}: {stderr}"
        );
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
}

#[test]
fn a_404_with_the_error_body_shows_code_and_message_on_every_command() {
    let url = serve(|_| {
        answer(
            404,
            "application/json",
            r#"{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment."}"#,
        )
    });
    for args in every_command() {
        let (code, _, stderr) = run(&url, &args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("404"), "{args:?}: {stderr}");
        assert!(stderr.contains("APIGW.0101"), "{args:?}: {stderr}");
    }
}

#[test]
fn an_error_status_without_the_error_body_exits_1_with_the_status_on_every_command() {
    // A proxy's HTML page: not the service's error, still an error status.
    let url = serve(|_| {
        answer(
            500,
            "text/html",
            "<html><body>502 upstream exploded</body></html>",
        )
    });
    for args in every_command() {
        let (code, stdout, stderr) = run(&url, &args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("HTTP 500") && stderr.contains("upstream exploded"),
            "{args:?}: {stderr}"
        );
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
}

#[test]
fn a_success_whose_body_cannot_be_read_exits_4_on_every_read_command() {
    let url = serve(|_| answer(200, "application/json", "{not json"));
    for args in every_command()
        .into_iter()
        .filter(|a| a[0] != "create-backup" && a[0] != "delete-backup")
    {
        let (code, stdout, stderr) = run(&url, &args);
        assert_eq!(code, Some(4), "{args:?}: {stderr}");
        assert!(stderr.contains("HTTP 200"), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
    // A delete answered 2xx happened, whatever its body says: a success.
    let (code, _, stderr) = run(&url, &["delete-backup", "--backup-id", "b1"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn an_empty_page_is_printed_with_its_backups() {
    // The service may leave out `backups` on an empty page.
    let url = serve(|_| answer(200, "application/json", r#"{"total_count": 0}"#));
    for args in [vec!["list-backups"], vec!["list-backups", "--all"]] {
        let (code, stdout, stderr) = run(&url, &args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        let page: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(page["backups"], serde_json::json!([]), "{args:?}: {stdout}");
        assert_eq!(page["total_count"], 0, "{args:?}: {stdout}");
    }
}

/// A query parameter of a request line (`GET /path?a=1&b=2 HTTP/1.1`).
fn param(request_line: &str, name: &str) -> Option<usize> {
    let target = request_line.split(' ').nth(1)?;
    let (_, query) = target.split_once('?')?;
    query
        .split('&')
        .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// A list of `total` backups served `limit` (default 2) at a time, with
/// `total_count` or without it.
fn paged(total: usize, with_total: bool) -> impl Fn(&str) -> Answer + Send + 'static {
    move |request_line| {
        let offset = param(request_line, "offset").unwrap_or(0);
        let limit = param(request_line, "limit").unwrap_or(2);
        let backups: Vec<Value> = (offset..total.min(offset + limit))
            .map(|i| serde_json::json!({"id": format!("b{i}"), "name": format!("backup-{i}")}))
            .collect();
        let body = if with_total {
            serde_json::json!({"backups": backups, "total_count": total})
        } else {
            serde_json::json!({ "backups": backups })
        };
        answer(200, "application/json", &body.to_string())
    }
}

#[test]
fn all_fails_rather_than_print_a_truncated_list_as_complete() {
    // Told by `total_count`, or found by paging (a service that gives none).
    for with_total in [true, false] {
        let url = serve(paged(7, with_total));
        let (code, stdout, stderr) = run(
            &url,
            &["list-backups", "--all", "--limit", "2", "--max-items", "5"],
        );
        assert_eq!(code, Some(8), "total_count {with_total}: {stderr}");
        assert!(stderr.contains("raise --max-items"), "{stderr}");
        assert!(stdout.is_empty(), "nothing printed: {stdout}");
    }
    // Exactly the bound: complete, and printed, with or without a count.
    for with_total in [true, false] {
        let url = serve(paged(7, with_total));
        let (code, stdout, stderr) = run(
            &url,
            &["list-backups", "--all", "--limit", "2", "--max-items", "7"],
        );
        assert_eq!(code, Some(0), "total_count {with_total}: {stderr}");
        let page: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(page["backups"].as_array().unwrap().len(), 7, "{stdout}");
        if with_total {
            assert_eq!(page["total_count"], 7);
        }
    }
}

#[test]
fn all_prints_the_services_total_count() {
    // From --offset 3, four backups are printed; seven match.
    let url = serve(paged(7, true));
    let (code, stdout, stderr) = run(
        &url,
        &["list-backups", "--all", "--limit", "2", "--offset", "3"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let page: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = page["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b3", "b4", "b5", "b6"], "{stdout}");
    assert_eq!(page["total_count"], 7, "{stdout}");
}

/// A server that takes every request and never answers: the client's
/// timeout fires however slow the machine is.
fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    url
}

#[test]
fn a_create_call_that_times_out_says_the_backup_may_have_started() {
    let url = silent_server();
    let (code, stdout, stderr) = run(
        &url,
        &[
            "--timeout",
            "1",
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "backup-1",
        ],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("may or may not have been started")
            && stderr.contains(&format!("list-backups --instance-id {INSTANCE}")),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "{stdout}");
}

/// A refused create says why and what to do, and only what fits the code:
/// "busy with another operation" (try later, or `--retry-while-busy`) is
/// not "a backup is already running" (it may be yours: look first), and an
/// ordinary refusal gets neither note.
#[test]
fn a_refused_create_gets_the_note_that_fits_its_code() {
    let refusal = |code: &str| {
        let body = format!(r#"{{"error_code":"{code}","error_msg":"Refused."}}"#);
        let url = serve(move |_| answer(409, "application/json", &body));
        run(&url, &every_command()[0]).2
    };
    let instance_busy = "busy with another operation";
    let backup_running = "already running";

    let busy = refusal("DBS.200019");
    assert!(
        busy.contains(instance_busy) && busy.contains("--retry-while-busy"),
        "{busy}"
    );
    assert!(!busy.contains(backup_running), "{busy}");

    let running = refusal("DBS.201205");
    assert!(running.contains(backup_running), "{running}");
    assert!(!running.contains(instance_busy), "{running}");

    let other = refusal("DBS.280404");
    assert!(other.contains("DBS.280404"), "{other}");
    for note in [instance_busy, backup_running, "note:"] {
        assert!(!other.contains(note), "{other}");
    }
}

/// A read that times out started nothing: no "may have been started"
/// warning, which only a create's timeout gets.
#[test]
fn a_read_that_times_out_does_not_warn_of_a_started_backup() {
    let url = silent_server();
    let (code, _, stderr) = run(&url, &["--timeout", "1", "show-job", "--job-id", JOB]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        !stderr.contains("may or may not have been started"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning:"), "{stderr}");
}

/// `--x-language` reaches the service as the `X-Language` header, on the
/// hand-written commands as on the others.
#[test]
fn x_language_is_sent_as_the_header() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (heads, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            while reader.read_line(&mut head).unwrap_or(0) > 2 && !head.ends_with("\r\n\r\n") {}
            let _ = heads.send(head);
            let body = r#"{"error_code":"DBS.280404","error_msg":"Refused."}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 400 Scripted\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    for command in [every_command()[0].clone(), every_command()[1].clone()] {
        let mut args = command.clone();
        args.extend(["--x-language", "zh-cn"]);
        let (code, _, stderr) = run(&url, &args);
        assert_eq!(code, Some(1), "{command:?}: {stderr}");
        // The server sends the head before it answers, and the command has
        // read the answer: the head is there, or no request was made.
        let head = received
            .try_recv()
            .unwrap_or_else(|_| panic!("{command:?} sent no request"))
            .to_ascii_lowercase();
        assert!(
            head.contains("\r\nx-language: zh-cn\r\n"),
            "{command:?}: {head}"
        );
    }
}
