#!/usr/bin/env bash
# The system (Debian/Ubuntu) packages that make targets need, in one place. Idempotent: installs only
# what is missing, and does nothing when everything is there. `scripts/system-packages.sh` installs
# the whole list; `scripts/system-packages.sh tmux` only the packages named (from the list).
set -euo pipefail

PACKAGES=(
  tmux # make test-cli-terminal: the meshauth command in a real terminal
)

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${PACKAGES[@]}")
missing=()
for p in "${wanted[@]}"; do
  case " ${PACKAGES[*]} " in *" $p "*) ;; *) echo "system-packages: $p is not in the list of $0" >&2; exit 2 ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "system-packages: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
