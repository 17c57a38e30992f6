//! Fuzz target `differential` (see `meshauth_fuzz::differential`): meshauth against jsonwebtoken.

fn main() {
    meshauth_fuzz::afl::main(meshauth_fuzz::differential::target);
}
