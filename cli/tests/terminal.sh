#!/usr/bin/env bash
# make test-cli-terminal: the meshauth command in a real terminal (tmux, 80 columns), as a person
# sees it — colours on the terminal, none in a pipe or under NO_COLOR, nothing wider than 80
# columns, the stdin prompt when no token is given.
#
#   cli/tests/terminal.sh MESHAUTH_BINARY
set -euo pipefail
BIN=$(readlink -f "${1:?usage: terminal.sh MESHAUTH_BINARY}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/meshauth-terminal.XXXXXX")
SOCKET=meshauth-terminal-$$
ISSUER_PID=
cleanup() {
  tmux -L "$SOCKET" kill-server 2>/dev/null || true
  [ -z "$ISSUER_PID" ] || kill "$ISSUER_PID" 2>/dev/null || true
  # The shell inside tmux may still be exiting (it wrote into $WORK, its HOME): retry once.
  rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK"; }
}
trap cleanup EXIT
fail() { echo "terminal: FAIL: $*" >&2; [ ! -f "$WORK/screen" ] || cat -v "$WORK/screen" >&2; exit 1; }

# The development issuer and a token from it.
"$BIN" issuer --port 0 > "$WORK/issuer.out" 2> /dev/null &
ISSUER_PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/issuer.out" && break; sleep 0.1; done
URL=$(sed -n 's/^meshauth-issuer listening on //p' "$WORK/issuer.out")
[ -n "$URL" ] || fail "the issuer did not start"
printf 'orders-dev-secret\n' > "$WORK/secret"
TOKEN=$("$BIN" token --issuer "$URL" --client-id orders --client-secret-file "$WORK/secret" --audience inventory 2> /dev/null)
printf '%s' "$TOKEN" > "$WORK/token"

# Each scene is a small script, so that the typed command line itself stays short.
cat > "$WORK/inspect.sh" <<SH
"$BIN" inspect "\$(cat $WORK/token)"
SH
cat > "$WORK/refused.sh" <<SH
"$BIN" verify --issuer "$URL" --audience billing --discovery "\$(cat $WORK/token)"
SH
cat > "$WORK/piped.sh" <<SH
"$BIN" inspect "\$(cat $WORK/token)" | cat
SH
cat > "$WORK/no-color.sh" <<SH
NO_COLOR=1 "$BIN" verify --issuer "$URL" --audience billing --discovery "\$(cat $WORK/token)"
SH

tmux -L "$SOCKET" -f /dev/null new-session -d -x 80 -y 60 -s t "env -i PATH=/usr/bin:/bin TERM=xterm-256color HOME=$WORK HISTFILE=/dev/null PS1='$ ' bash --norc --noprofile"
tmux -L "$SOCKET" set-option -t t history-limit 5000 > /dev/null
n=0
# scene SCRIPT: clear the terminal, run it, wait for its end marker; the screen (with escapes) is
# in $WORK/screen, and without escapes, wrapped lines joined, in $WORK/joined.
scene() {
  n=$((n + 1))
  tmux -L "$SOCKET" send-keys -t t "clear; sh $1; echo END-$n" Enter
  for _ in $(seq 100); do
    tmux -L "$SOCKET" capture-pane -t t -p | grep -q "^END-$n\$" && break
    sleep 0.1
  done
  tmux -L "$SOCKET" capture-pane -t t -p -e > "$WORK/screen"
  tmux -L "$SOCKET" capture-pane -t t -p > "$WORK/plain"
  tmux -L "$SOCKET" capture-pane -t t -p -J > "$WORK/joined"
  grep -q "^END-$n\$" "$WORK/plain" || fail "scene $1 did not finish"
  # Nothing wrapped: joining wrapped lines changes nothing (the command line typed is short).
  sed -i 's/[[:space:]]*$//' "$WORK/plain" "$WORK/joined"
  diff -q "$WORK/plain" "$WORK/joined" > /dev/null || { diff "$WORK/plain" "$WORK/joined" >&2 || true; fail "$1: a line is wider than 80 columns"; }
}
has() { grep -qP -- "$1" "$WORK/screen" || fail "$2"; }
says() { grep -qP -- "$1" "$WORK/plain" || fail "$2"; }
hasnt() { if grep -qP -- "$1" "$WORK/screen"; then fail "$2"; fi; }

scene "$WORK/inspect.sh"
has '\x1b\[[0-9;]*33mNOT VERIFIED' "inspect: NOT VERIFIED is not yellow"
has '\x1b\[[0-9;]*1mHeader' "inspect: the Header title is not bold"
has '\x1b\[[0-9;]*36malg\x1b' "inspect: claim names are not cyan"
grep -qP '^  exp +[0-9]+  20[0-9-]+ [0-9:]+ UTC \(in [45] min\)$' "$WORK/plain" || fail "inspect: exp is not shown as a date relative to now"
has '\x1b\[[0-9;]*32mok' "inspect: 'ok' is not green"
echo "terminal: inspect — colours, dates, 80 columns"

scene "$WORK/refused.sh"
has '\x1b\[[0-9;]*31mrefused:' "verify: 'refused:' is not red"
says '^refused: invalid_audience$' "verify: no code"
says '^  WWW-Authenticate:$' "verify: no WWW-Authenticate"
says '^  configured audience: "billing"$' "verify: no explanation"
echo "terminal: verify refusal — red, the explanation, 80 columns"

scene "$WORK/piped.sh"
says '^NOT VERIFIED: decoded only' "piped: no output"
hasnt '\x1b\[[0-9;]*3[0-9]m' "piped: colour codes in a pipe"
echo "terminal: inspect | cat — no colour"

scene "$WORK/no-color.sh"
says '^refused: invalid_audience$' "NO_COLOR: no output"
hasnt '\x1b\[[0-9;]*3[0-9]m' "NO_COLOR: colour codes"
echo "terminal: NO_COLOR — no colour"

# No token argument on a terminal: a prompt on stderr, the token pasted, then Ctrl-D.
n=$((n + 1))
tmux -L "$SOCKET" send-keys -t t "clear; $BIN inspect; echo END-$n" Enter
for _ in $(seq 50); do tmux -L "$SOCKET" capture-pane -t t -p | grep -q 'paste it, then Ctrl-D' && break; sleep 0.1; done
tmux -L "$SOCKET" capture-pane -t t -p > "$WORK/screen"
grep -q 'reading the token from stdin (paste it, then Ctrl-D)' "$WORK/screen" || fail "no stdin prompt"
tmux -L "$SOCKET" send-keys -t t -l "$TOKEN"
tmux -L "$SOCKET" send-keys -t t Enter C-d
for _ in $(seq 100); do tmux -L "$SOCKET" capture-pane -t t -p | grep -q "^END-$n\$" && break; sleep 0.1; done
tmux -L "$SOCKET" capture-pane -t t -p -S - > "$WORK/screen"
grep -q 'NOT VERIFIED' "$WORK/screen" && grep -q '  client_id  orders' "$WORK/screen" || fail "the pasted token was not inspected"
echo "terminal: a token pasted on stdin — prompt, then inspected"
echo "terminal: all scenes passed"
