//! The client's overhead over a hand-written `reqwest` call of the same
//! request, on loopback, in one run: `cargo bench -p gaussdb-backup-tests
//! --bench client_overhead`.
//!
//! A local axum server answers the documented 201. Both sides send the same
//! create request (same body, same headers, one connection pool each) in
//! interleaved rounds, so load on the machine hits both alike. Each round
//! times both sides back to back; the report is the median of the per-round
//! ratios (with their interquartile range), so a slow stretch of the machine
//! moves both sides of a ratio instead of the ratio, and the medians of the
//! per-call times. The client does more
//! per call (validation, the query rewrite, the hook's bounded body capture,
//! decoding into the generated types and error conversion): that is what is
//! measured. Both use the same timeouts.
//!
//! `-- --only client|bare [CALLS]` runs one side alone (after the same
//! warm-up) and prints nothing else: for an instruction count under
//! `valgrind --tool=callgrind`, which does not depend on the machine's load
//! (`bench/client_instructions.sh` runs both sides and prints the ratio).

use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use gaussdb_backup::{Client, Credentials};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";
const CREATED: &str = r#"{"backup":{"id":"2f4ddb93-b901-4b08-93d8-1d2e472f30fe","name":"backup-1","description":"Manual backup","begin_time":"2020-07-07T01:17:05+0800","status":"BUILDING","type":"manual","instance_id":"07033b125fd94a8a96896f8bcfee6ddain07"},"job_id":"e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7"}"#;

// About 4 s in all: long enough for the paired median to settle (30 rounds
// gave 1.10× to 1.22× in three back-to-back runs on an idle machine).
const ROUNDS: usize = 201;
const CALLS_PER_ROUND: usize = 200;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let app = Router::new().route(
        "/v3/{project}/backups/create",
        post(|| async {
            (
                StatusCode::CREATED,
                [("content-type", "application/json")],
                CREATED,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let client = Client::builder()
        .endpoint_url(&url)
        .project_id(PROJECT)
        .credentials(Credentials::token("token"))
        .build()
        .unwrap();
    // The same safety settings as the client's defaults: a fair baseline is
    // the request a careful hand-written caller would make.
    let bare = reqwest::Client::builder()
        .timeout(gaussdb_backup::DEFAULT_TIMEOUT)
        .connect_timeout(gaussdb_backup::DEFAULT_CONNECT_TIMEOUT)
        .build()
        .unwrap();
    let bare_url = format!("{url}/v3/{PROJECT}/backups/create");
    let body = format!(
        r#"{{"instance_id":"{INSTANCE}","name":"backup-1","description":"Manual backup"}}"#
    );

    let sdk_call = || async {
        let created = client
            .create_backup(INSTANCE, "backup-1")
            .description("Manual backup")
            .send()
            .await
            .unwrap();
        assert_eq!(created.job_id.len(), 36);
    };
    let bare_call = || async {
        let response = bare
            .post(&bare_url)
            .header("X-Auth-Token", "token")
            .header("Content-Type", "application/json;charset=UTF-8")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let value: serde_json::Value = response.json().await.unwrap();
        assert_eq!(value["job_id"].as_str().unwrap().len(), 36);
    };

    // Warm both pools.
    for _ in 0..50 {
        sdk_call().await;
        bare_call().await;
    }
    if let Some((side, calls)) = only() {
        for _ in 0..calls {
            if side == "client" {
                sdk_call().await;
            } else {
                bare_call().await;
            }
        }
        return;
    }
    let mut sdk = Vec::with_capacity(ROUNDS);
    let mut plain = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        // Alternate which goes first, so neither always runs warmer.
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for is_sdk in order {
            let start = Instant::now();
            for _ in 0..CALLS_PER_ROUND {
                if is_sdk {
                    sdk_call().await;
                } else {
                    bare_call().await;
                }
            }
            let took = start.elapsed();
            if is_sdk {
                sdk.push(took)
            } else {
                plain.push(took)
            }
        }
    }
    let ratios: Vec<f64> = sdk
        .iter()
        .zip(&plain)
        .map(|(s, p)| s.as_secs_f64() / p.as_secs_f64())
        .collect();
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (s, p) = (median(&mut sdk), median(&mut plain));
    let (low, mid, high) = quartiles(ratios);
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / CALLS_PER_ROUND as f64;
    println!(
        "client {:.1} µs/call, bare reqwest {:.1} µs/call: ratio {mid:.3}× (interquartile {low:.3}–{high:.3}; {ROUNDS} paired rounds of {CALLS_PER_ROUND} calls, medians)",
        per_call(s),
        per_call(p),
    );
}

/// The first quartile, the median and the third quartile.
fn quartiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: usize| v[(v.len() - 1) * q / 4];
    (at(1), at(2), at(3))
}

/// `--only client|bare [CALLS]`: which side to run alone, and how often.
fn only() -> Option<(String, usize)> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == "--only")?;
    let side = args.get(at + 1).cloned().unwrap_or_default();
    assert!(
        side == "client" || side == "bare",
        "--only takes `client` or `bare`, not {side:?}"
    );
    let calls = args.get(at + 2).map_or(1000, |n| {
        n.parse()
            .unwrap_or_else(|_| panic!("CALLS must be a count, not {n:?}"))
    });
    Some((side, calls))
}
