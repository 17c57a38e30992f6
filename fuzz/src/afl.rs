//! The loop every target binary runs.
//!
//! Built with `--cfg fuzzing` (by `make fuzz`, see `fuzz.mk`), the binary is instrumented with
//! rustc's stable SanitizerCoverage flags and linked with the `afl-compiler-rt.o` runtime of
//! Debian's `afl++` package: it runs in AFL++'s persistent mode, reading one input from stdin per
//! iteration, and turns a panic into an abort so that AFL++ records it as a crash.
//!
//! Built normally, the same binary replays inputs: every file named on the command line (or found
//! in a directory named there), else stdin once. `fuzz/tests/replay.rs` replays the seed corpora
//! and `fuzz/regressions/` the same way in `cargo test`.

use std::io::Read;
use std::path::{Path, PathBuf};

#[cfg(fuzzing)]
mod runtime {
    unsafe extern "C" {
        pub fn __afl_persistent_loop(counter: u32) -> i32;
        pub fn __afl_manual_init();
    }
    // afl-fuzz looks for these markers in the binary to enable persistent mode and the deferred
    // fork server.
    #[used]
    pub static PERSISTENT_MARKER: [u8; 23] = *b"##SIG_AFL_PERSISTENT##\0";
    #[used]
    pub static DEFERRED_MARKER: [u8; 26] = *b"##SIG_AFL_DEFER_FORKSRV##\0";
}

/// Run `target` the way the build asks for (see the module docs).
pub fn main(target: fn(&[u8])) {
    #[cfg(fuzzing)]
    {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("{info}");
            std::process::abort();
        }));
        // SAFETY: both functions come from the AFL++ runtime linked into this binary; they take
        // plain integers and are called from the main thread as the runtime expects.
        unsafe { runtime::__afl_manual_init() };
        let mut input = Vec::new();
        while unsafe { runtime::__afl_persistent_loop(10_000) } != 0 {
            input.clear();
            if std::io::stdin().lock().read_to_end(&mut input).is_ok() {
                target(&input);
            }
        }
    }
    #[cfg(not(fuzzing))]
    {
        let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
        if args.is_empty() {
            let mut input = Vec::new();
            std::io::stdin().read_to_end(&mut input).expect("stdin");
            target(&input);
            return;
        }
        let mut count = 0;
        for path in args {
            for file in files_under(&path) {
                target(&std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
                count += 1;
            }
        }
        eprintln!("replayed {count} inputs");
    }
}

/// Every file at or under `path`, sorted (a missing path has none).
pub fn files_under(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if path.is_file() {
        out.push(path.to_owned());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            out.extend(files_under(&entry.path()));
        }
    }
    out.sort();
    out
}
