#!/usr/bin/env bash
# Server throughput with the console attached vs headless (SPEC §10, docs/benchmarks.md §4).
#
#   scripts/console-overhead.sh            # release build, 2 rounds of 30000 keep-alive requests
#
# The same release binary twice, one after the other, on 127.0.0.1 with ephemeral ports and the
# demo PKI of a temporary home, loaded by the same `ab -k -c 16 -E alice.pem`:
#   headless  certmap serve --no-proxies --no-journal --log-format none
#   console   certmap --no-proxies --no-demo --no-journal, in tmux at 120x40 (a real pty,
#             rendering at its 30 frames/s cap)
# Prints req/s per round and the ratio of medians. Env: BENCH_REQUESTS, BENCH_ROUNDS.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${BENCH_REQUESTS:-30000}
rounds=${BENCH_ROUNDS:-2}
for tool in ab tmux python3; do
    command -v "$tool" >/dev/null || { echo "console-overhead: $tool is missing (apt-get install apache2-utils tmux python3)" >&2; exit 1; }
done

echo "console-overhead: building release …" >&2
swift build -c release --product certmap --scratch-path .build-release >"${TMPDIR:-/tmp}/certmap-console-build.log" 2>&1 || {
    grep -E "error" "${TMPDIR:-/tmp}/certmap-console-build.log" >&2 || cat "${TMPDIR:-/tmp}/certmap-console-build.log" >&2
    exit 1
}
certmap=$PWD/.build-release/release/certmap

work=$(mktemp -d)
session=certmap-console-overhead-$$
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    [[ -n "${headless_pid:-}" ]] && kill "$headless_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

home=$work/home
"$certmap" pki init --home "$home" >/dev/null
cat "$home/pki/alice.crt" "$home/pki/alice.key" >"$work/client.pem"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_listening() {
    for _ in $(seq 100); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "console-overhead: nothing listens on 127.0.0.1:$1" >&2
    exit 1
}
# One ab run against a port; prints req/s.
load() {
    ab -q -k -c 16 -n 2000 -E "$work/client.pem" "https://127.0.0.1:$1/" >/dev/null 2>&1 || true
    ab -q -k -c 16 -n "$requests" -E "$work/client.pem" "https://127.0.0.1:$1/" 2>/dev/null | awk '/Requests per second/ {print $4}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

port=$(free_port)
"$certmap" serve --home "$home" --listen "127.0.0.1:$port" --mode per-request --no-journal --no-proxies --log-format none >/dev/null 2>&1 &
headless_pid=$!
wait_listening "$port"
for round in $(seq "$rounds"); do
    load "$port" | tee -a "$work/headless" | sed "s/^/headless round $round: /" >&2
done
kill "$headless_pid"
wait "$headless_pid" 2>/dev/null || true
headless_pid=

port=$(free_port)
tmux new-session -d -s "$session" -x 120 -y 40 \
    "TERM=xterm-256color LANG=C.UTF-8 '$certmap' --home '$home' --listen 127.0.0.1:$port --mode per-request --no-proxies --no-demo --no-journal"
wait_listening "$port"
for round in $(seq "$rounds"); do
    load "$port" | tee -a "$work/console" | sed "s/^/console round $round: /" >&2
done
echo "console-overhead: the console's status bar after the run:" >&2
tmux capture-pane -p -t "$session" | tail -2 >&2
tmux send-keys -t "$session" Q

headless=$(median <"$work/headless")
console=$(median <"$work/console")
printf 'headless  %s req/s\nconsole   %s req/s\nratio     %.2fx\n' "$headless" "$console" "$(python3 -c "print($console/$headless)")"
