//! Fuzz target `discovery` (see `meshauth_fuzz::targets::discovery`). Under AFL++ with `--cfg fuzzing`, or
//! replaying the files named on the command line.

fn main() {
    meshauth_fuzz::afl::main(meshauth_fuzz::targets::discovery);
}
