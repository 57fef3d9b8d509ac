#!/usr/bin/env bash
# Throughput of certmap against nginx on the same machine, the same load generator (ApacheBench,
# which presents a client certificate with -E), the same certificates and the same run:
#
#   scripts/bench.sh [requests] [concurrency]        # defaults: 20000 16
#
# Both servers require and check a client certificate and answer a small body; certmap also maps
# the certificate to an account on every request (per-request mode). Reported per server and
# mode (keep-alive, and a new TLS handshake per request): requests/s, p50 and p99 latency, and
# server CPU time per request, with the certmap/nginx ratio. Also the mapping decision latency.
# Needs: nginx, ab (apt-get install nginx apache2-utils), a release build (made here).
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-20000}
concurrency=${2:-16}
handshakes=$((requests / 4))

for tool in nginx ab openssl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install nginx apache2-utils openssl)" >&2; exit 2; }
done

echo "bench: building certmap (release)…" >&2
swift build -c release --product certmap --scratch-path .build-release >/dev/null
certmap=.build-release/release/certmap

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$certmap" pki init --home "$work/home" >/dev/null 2>&1
pki="$work/home/pki"
cat "$pki/alice.crt" "$pki/alice.key" > "$work/client.pem"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
nginx_port=$(free_port)
certmap_port=$(free_port)

mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $pki/server.crt;
        ssl_certificate_key $pki/server.key;
        ssl_client_certificate $pki/ca-bundle.pem;
        ssl_verify_client on;
        ssl_verify_depth 3;
        location / { return 200 "200 alice\n"; }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/nginx"
"$certmap" serve --home "$work/home" --listen "127.0.0.1:$certmap_port" --mode per-request --no-journal --no-proxies --log-format quiet &
pids+=($!)
certmap_pid=$!
for _ in $(seq 50); do
    curl -s -o /dev/null --cacert "$pki/ca-bundle.pem" --cert "$pki/alice.crt" --key "$pki/alice.key" "https://localhost:$certmap_port/" && break
    sleep 0.2
done

# CPU seconds (user+system) of a set of processes.
cpu() { local total=0; for pid in "$@"; do read -r -a f < "/proc/$pid/stat"; total=$((total + f[13] + f[14])); done; echo "$total"; }
nginx_pids() { pgrep -f "nginx: worker process" | tr '\n' ' '; }

# run NAME PORT KEEPALIVE(-k or empty) N -> "rps p50 p99 cpu_us_per_request"
run() {
    local port=$2 keep=$3 n=$4 pidlist
    if [ "$1" = nginx ]; then pidlist=$(nginx_pids); else pidlist=$certmap_pid; fi
    ab -q -n 1000 -c "$concurrency" $keep -E "$work/client.pem" "https://127.0.0.1:$port/" >/dev/null 2>&1 || true
    local before after ticks
    before=$(cpu $pidlist)
    ab -q -n "$n" -c "$concurrency" $keep -E "$work/client.pem" "https://127.0.0.1:$port/" > "$work/ab.txt" 2>&1
    after=$(cpu $pidlist)
    ticks=$(getconf CLK_TCK)
    local rps p50 p99 failed
    rps=$(awk '/Requests per second/ {print $4}' "$work/ab.txt")
    p50=$(awk '$1=="50%" {print $2}' "$work/ab.txt")
    p99=$(awk '$1=="99%" {print $2}' "$work/ab.txt")
    # ab counts a response whose length differs from the first as failed; certmap's bodies name
    # the trace id, whose length grows, so only connect/receive/exception failures matter.
    failed=$(awk -F'[:,)]' '/\(Connect:/ {s += $2 + $4 + $8} END {print s + 0}' "$work/ab.txt")
    [ "${failed:-0}" = 0 ] || { echo "bench: $1 had $failed failed requests" >&2; grep -A1 "Failed requests" "$work/ab.txt" >&2; }
    awk -v r="$rps" -v a="$p50" -v b="$p99" -v c="$(( (after - before) ))" -v t="$ticks" -v n="$n" \
        'BEGIN { printf "%s %s %s %.1f\n", r, a, b, c / t * 1e6 / n }'
}

printf "%-22s %-8s %10s %8s %8s %12s\n" mode server "req/s" "p50 ms" "p99 ms" "CPU µs/req"
for mode in keepalive handshake; do
    if [ $mode = keepalive ]; then keep=-k; n=$requests; else keep=; n=$handshakes; fi
    read -r n_rps n_p50 n_p99 n_cpu <<<"$(run nginx "$nginx_port" "$keep" "$n")"
    read -r c_rps c_p50 c_p99 c_cpu <<<"$(run certmap "$certmap_port" "$keep" "$n")"
    printf "%-22s %-8s %10s %8s %8s %12s\n" "$mode (c=$concurrency)" nginx "$n_rps" "$n_p50" "$n_p99" "$n_cpu"
    printf "%-22s %-8s %10s %8s %8s %12s\n" "$mode (c=$concurrency)" certmap "$c_rps" "$c_p50" "$c_p99" "$c_cpu"
    awk -v c="$c_rps" -v n="$n_rps" -v cc="$c_cpu" -v nc="$n_cpu" -v m="$mode" \
        'BEGIN { printf "%-22s ratio    %9.2fx %26.2fx CPU\n", m, c / n, cc / nc }'
done

echo
echo "mapping decision latency (in process):"
"$certmap" bench mapping --decisions 20000
