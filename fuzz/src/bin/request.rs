//! Fuzz target `request` (see `meshauth_fuzz::targets::request`). Under AFL++ with `--cfg fuzzing`, or
//! replaying the files named on the command line.

fn main() {
    meshauth_fuzz::afl::main(meshauth_fuzz::targets::request);
}
