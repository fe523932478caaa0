//! Parse, validate, locate and render arbitrary input, as YAML and as JSON:
//! nothing may panic, hang or blow up memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openapi_check::{Options, OutputFormat, Source, check_source, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["fuzz.yaml", "fuzz.json"] {
        let report = check_source(Source::new(name, text), &Options::default());
        for finding in &report.findings {
            assert!(!finding.rule.is_empty());
        }
        let reports = [report];
        let _ = render(&reports, OutputFormat::Human, false);
        let _ = render(&reports, OutputFormat::Sarif, false);
    }
});
