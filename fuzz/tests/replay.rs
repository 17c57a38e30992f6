//! Every target over its seed corpus (built from `testdata/`) and over `fuzz/regressions/<target>/`,
//! where each crash, hang or panic AFL++ found is kept once fixed. A short smoke of each target
//! without the fuzzer; `make fuzz` runs the coverage-guided campaigns.

use std::path::Path;
use std::time::{Duration, Instant};

use meshauth_fuzz::{afl::files_under, seeds::seeds, TARGETS};

/// Far above what one input takes (microseconds to a few milliseconds): an input slower than this
/// is a hang.
const SLOW: Duration = Duration::from_secs(2);

#[test]
fn seeds_and_regressions_pass_every_target() {
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    for (name, target) in TARGETS {
        let seeds = seeds(name);
        assert!(seeds.len() >= 3, "{name}: only {} seeds", seeds.len());
        let found: Vec<Vec<u8>> =
            files_under(&regressions.join(name)).iter().map(|f| std::fs::read(f).expect("read")).collect();
        // (Only `<target>/` subdirectories hold inputs; the README beside them is not one.)
        for input in seeds.iter().chain(&found) {
            let start = Instant::now();
            target(input);
            assert!(start.elapsed() < SLOW, "{name}: an input took {:?}", start.elapsed());
        }
        eprintln!("{name}: {} seeds, {} regressions", seeds.len(), found.len());
    }
}

#[test]
fn seeds_reach_acceptance() {
    // The seeds are useful only if some of them pass: a seed corpus of refusals teaches the fuzzer
    // nothing about the accepting paths.
    let v = meshauth::Validator::from_json(&meshauth_fuzz::seeds::corpus_case("rs256_valid")["config"].to_string())
        .expect("valid");
    let accepted =
        seeds("validate").iter().filter(|t| v.validate_bytes_at(t, meshauth_fuzz::targets::NOW).is_ok()).count();
    assert!(accepted >= 10, "only {accepted} seed tokens validate");
}
