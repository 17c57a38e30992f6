//! `meshauth-fuzz-seeds DIR`: write each target's seed corpus, built from `testdata/`, to
//! `DIR/<target>/seed-NNNN`.

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: meshauth-fuzz-seeds DIR"));
    for (name, _) in meshauth_fuzz::TARGETS {
        let out = dir.join(name);
        std::fs::create_dir_all(&out).expect("create the seed directory");
        let seeds = meshauth_fuzz::seeds::seeds(name);
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(out.join(format!("seed-{i:04}")), seed).expect("write a seed");
        }
        println!("{name}: {} seeds", seeds.len());
    }
}
