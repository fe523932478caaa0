//! The emulator logs every request, and never a token: the log carries
//! method, path, status, request ID and timing, not headers or bodies.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use gaussdb_backup_emulator::Config;
use support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn logs_name_requests_but_never_tokens() {
    let captured = Captured::default();
    tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .init();
    const TOKEN: &str = "MIIZ-emulator-log-secret";
    let emulator = start(Config {
        tokens: [TOKEN.to_owned()].into(),
        ..Config::default()
    })
    .await;
    tracing::info!(config = ?Config { tokens: [TOKEN.to_owned()].into(), ..Config::default() }, "config");
    client(&emulator, TOKEN)
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap();
    client(&emulator, "MIIZ-wrong-secret")
        .create_backup(INSTANCE, "backup-2")
        .send()
        .await
        .unwrap_err();
    emulator.shutdown().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("status=201"), "{log}");
    assert!(log.contains("status=401"), "{log}");
    assert!(log.contains("request_id="), "{log}");
    assert!(
        !log.contains(TOKEN),
        "the token leaked into the log:\n{log}"
    );
    assert!(
        !log.contains("MIIZ-wrong-secret"),
        "a rejected token leaked:\n{log}"
    );
}
