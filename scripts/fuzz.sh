#!/usr/bin/env bash
# Run meshauth's fuzz targets under AFL++, one after the other, each for FUZZ_SECONDS.
#
#   scripts/fuzz.sh BIN_DIR WORK_DIR SECONDS TARGET...
#
# Seeds come from testdata/ (meshauth-fuzz-seeds). Afterwards each target's execs/s, coverage and
# findings are printed; every crash or hang is copied to fuzz/regressions/<target>/ (replayed by
# `cargo test -p meshauth-fuzz`) and the script fails, so that a finding is never lost.
set -euo pipefail

bin_dir=$1
work=$2
seconds=$3
shift 3
root=$(cd "$(dirname "$0")/.." && pwd)

# A shared machine: no CPU binding, no frequency checks, no core-dump checks, a plain log.
export AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_QUIET=1
nice_level=${FUZZ_NICE:-19}

mkdir -p "$work"
"$bin_dir/meshauth-fuzz-seeds" "$work/seeds" >/dev/null

found=0
summary=()
for target in "$@"; do
	out="$work/out/$target"
	rm -rf "$out"
	mkdir -p "$out"
	echo "fuzz: $target for ${seconds}s" >&2
	# -t: an input running over 1 s is a hang; -m none: the Rust allocator reserves freely.
	nice -n "$nice_level" afl-fuzz -i "$work/seeds/$target" -o "$out" -V "$seconds" -t 1000 -m none \
		-- "$bin_dir/$target" >"$out/afl.log" 2>&1 || {
		echo "fuzz: afl-fuzz failed for $target; its log:" >&2
		tail -n 30 "$out/afl.log" >&2
		exit 1
	}
	stats="$out/default/fuzzer_stats"
	stat() { sed -n "s/^$1 *: *//p" "$stats"; }
	line=$(printf '%-15s %8ss  %9s execs  %8s execs/s  edges %s/%s (%s of the map)  corpus %s  crashes %s  hangs %s' \
		"$target" "$(stat run_time)" "$(stat execs_done)" "$(stat execs_per_sec)" "$(stat edges_found)" \
		"$(stat total_edges)" "$(stat bitmap_cvg)" "$(stat corpus_count)" "$(stat saved_crashes)" "$(stat saved_hangs)")
	summary+=("$line")
	for kind in crashes hangs; do
		for f in "$out"/default/$kind/id:*; do
			[ -e "$f" ] || continue
			dest="$root/fuzz/regressions/$target"
			mkdir -p "$dest"
			cp "$f" "$dest/$kind-$(sha256sum "$f" | cut -c1-16)"
			found=$((found + 1))
		done
	done
done

printf '%s\n' "${summary[@]}"
if [ "$found" -gt 0 ]; then
	echo "fuzz: $found finding(s) copied to fuzz/regressions/: fix them, then commit the files (cargo test -p meshauth-fuzz replays them)" >&2
	exit 1
fi
