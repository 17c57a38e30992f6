#!/usr/bin/env bash
# The one place that installs Debian packages for this repository's make targets.
#
#   scripts/system-packages.sh NAME...      NAME is a tool group below (e.g. `afl`)
#   scripts/system-packages.sh              every group
#
# Idempotent: a group whose commands are all present installs nothing, and
# `apt-get update` runs once, only when something is missing.
set -euo pipefail

# group -> "command:package ..." pairs (a command that, when absent, means the package is missing)
group_pairs() {
	case "$1" in
	afl) echo "afl-fuzz:afl++ clang:clang" ;;
	c) echo "pkg-config:pkg-config ${CC:-cc}:gcc ${CC:-cc}:libc6-dev" ;;
	java) echo "javac:openjdk-17-jdk-headless mvn:maven" ;;
	tmux) echo "tmux:tmux" ;;
	*)
		echo "system-packages.sh: unknown group '$1' (known: afl c java tmux)" >&2
		return 2
		;;
	esac
}

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(afl c java tmux)
missing=()
for group in "${groups[@]}"; do
	pairs=$(group_pairs "$group")
	for pair in $pairs; do
		cmd=${pair%%:*}
		pkg=${pair#*:}
		if ! command -v "$cmd" >/dev/null 2>&1; then
			missing+=("$pkg")
		fi
	done
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "system-packages.sh: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
