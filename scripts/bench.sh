#!/usr/bin/env bash
# Throughput of certmap against nginx on the same machine, load generator and PKI (SPEC §10).
#
#   scripts/bench.sh                 # release build, then the full comparison (a few minutes)
#   scripts/bench.sh --no-build      # reuse .build-release
#   BENCH_REQUESTS=50000 BENCH_HANDSHAKES=3000 BENCH_CONCURRENCY=16 BENCH_ROUNDS=3 scripts/bench.sh
#
# Servers, all on 127.0.0.1 with ephemeral ports and the demo PKI of a temporary home:
#   nginx          ssl_verify_client on + the demo CA bundle, `return 200` with a fixed
#                  146-byte body (certmap's allowed body is 146 bytes too); one worker per core.
#   certmap        certmap serve --mode per-request --no-journal --no-proxies --log-format none:
#                  every request re-mapped, every event published on the bus, nothing printed.
#   certmap+json   the same with --log-format json > /dev/null: every event JSON-encoded.
#   nginx-log      nginx with an access log; certmap-journal is certmap with its defaults (the
#                  journal on, no stdout): defaults against defaults.
#   nginx-gw       gateway set-up: nginx with ssl_verify_client on in front of an application
#                  (a second nginx, plain HTTP, `return 200`), proxy_pass with kept-alive upstream
#                  connections; certmap-gw is `certmap serve --upstream` in front of the same
#                  application. Their CPU counts the gateway and the application together.
#   bare           the honest ceiling of certmap's stack: a SwiftNIO + NIOSSL server requiring and
#                  verifying the client certificate, the same fixed body, nothing else
#                  (Benchmarks/, built with `swift build -c release --package-path Benchmarks
#                  --scratch-path .build-bench`; left out when not built).
#   hummingbird    hummingbird 2 with HummingbirdTLS, the same answer (Benchmarks/ too); keep-alive
#                  only: it does not close an HTTP/1.0 connection that asked for no keep-alive, so
#                  ab's one-request-per-connection run would wait for ever.
#   certmap-before, certmap-before-journal: with BENCH_BASELINE=/path/to/an/older/certmap, that
#                  binary as certmap and certmap-journal are run, in the same rounds (A/B).
#   BENCH_SERVERS="nginx-gw certmap-gw" scripts/bench.sh --no-build measures only those.
# Load: ApacheBench (`ab -E client.pem`, alice's certificate and key), keep-alive (-k) and a
# new TLS handshake per request (no -k; ab does not resume sessions), after a warm-up. The
# servers run one after another, never at the same time, each round in the same order.
#
# Reported per server and mode: req/s, ab's p50/p99 (whole milliseconds), server CPU per
# request (utime+stime of the server's processes from /proc before/after the measured run),
# and certmap/nginx ratios. Each cell is the median of BENCH_ROUNDS rounds. Not run by
# `swift test`; numbers and their caveats are in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${BENCH_REQUESTS:-50000}
handshakes=${BENCH_HANDSHAKES:-3000}
concurrency=${BENCH_CONCURRENCY:-16}
rounds=${BENCH_ROUNDS:-3}
build=1
[ "${1:-}" = "--no-build" ] && build=0

for tool in ab /usr/sbin/nginx python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install apache2-utils nginx python3)" >&2; exit 1; }
done

if [ $build = 1 ]; then
    if ! swift build -c release --product certmap --scratch-path .build-release >"${TMPDIR:-/tmp}/certmap-bench-build.log" 2>&1; then
        grep -E "error" "${TMPDIR:-/tmp}/certmap-bench-build.log" >&2 || cat "${TMPDIR:-/tmp}/certmap-bench-build.log" >&2
        exit 1
    fi
fi
certmap=${BENCH_CERTMAP:-$PWD/.build-release/release/certmap}
baseline=${BENCH_BASELINE:-}
bench_bin=$PWD/.build-bench/release

work=$(mktemp -d /tmp/certmap-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_listening() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "bench: nothing listens on 127.0.0.1:$1" >&2
    exit 1
}

# utime+stime in clock ticks of processes and their children (nginx workers); a reverse-proxy
# set-up counts the proxy and the certmap server behind it.
cpu_ticks() {
    local total=0 root pid
    for root in "$@"; do
        for pid in "$root" $(cat "/proc/$root/task/$root/children" 2>/dev/null); do
            [ -r "/proc/$pid/stat" ] || continue
            total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
        done
    done
    echo "$total"
}

home=$work/home
"$certmap" pki init --home "$home" >/dev/null
pki=$home/pki
cat "$pki/alice.crt" "$pki/alice.key" >"$work/client.pem"

# nginx: same certificates, client verification on, a fixed body as long as certmap's.
nginx_port=$(free_port)
nginx_log_port=$(free_port)
certmap_port=$(free_port)
nginx_rp_port=$(free_port)
nginx_gw_port=$(free_port)
app_port=$(free_port)
mkdir -p "$work/nginx" "$work/app"
body=$(printf 'x%.0s' $(seq 145))
# The part of an nginx.conf both nginx instances share: no daemon, files in their own directory.
nginx_preamble() { # directory workers
    cat <<EOF
daemon off;
master_process on;
worker_processes $2;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $1/body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
    keepalive_requests 10000000;
EOF
}
# The demo server certificate, client certificates required and verified against the demo CA.
mtls="ssl_certificate $pki/server.crt;
        ssl_certificate_key $pki/server.key;
        ssl_client_certificate $pki/ca-bundle.pem;
        ssl_verify_client on;
        ssl_verify_depth 3;"
# An mTLS server answering every request with the fixed body; $2: extra directives.
fixed_body_server() { # port extra
    cat <<EOF
    server {
        listen 127.0.0.1:$1 ssl;
        $2
        $mtls
        location / {
            default_type text/plain;
            return 200 "$body\n";
        }
    }
EOF
}
{ nginx_preamble "$work/nginx" "$(nproc)"; fixed_body_server "$nginx_port" ""
# The same with an access log: what certmap's defaults (journal on) are compared with.
fixed_body_server "$nginx_log_port" "access_log $work/nginx/access.log;"; cat <<EOF
    # nginx as the TLS-terminating reverse proxy in front of the certmap server, like certmap's
    # own: the client certificate forwarded as \$ssl_client_escaped_cert, kept-alive upstream TLS
    # connections from 127.0.0.3 with the proxy certificate (a trusted, pinned proxy).
    upstream certmap_upstream {
        server 127.0.0.1:$certmap_port;
        keepalive 32;
    }
    # nginx as an mTLS gateway in front of the application: what certmap-gw is compared with.
    upstream app_upstream {
        server 127.0.0.1:$app_port;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$nginx_gw_port ssl;
        $mtls
        location / {
            proxy_pass http://app_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-SSL-Client-Subject \$ssl_client_s_dn;
        }
    }
    server {
        listen 127.0.0.1:$nginx_rp_port ssl;
        ssl_certificate $pki/server.crt;
        ssl_certificate_key $pki/server.key;
        ssl_client_certificate $pki/ca-bundle.pem;
        ssl_verify_client optional_no_ca;
        location / {
            proxy_pass https://certmap_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-SSL-Client-Cert \$ssl_client_escaped_cert;
            proxy_bind 127.0.0.3;
            proxy_ssl_certificate $pki/proxy.crt;
            proxy_ssl_certificate_key $pki/proxy.key;
            proxy_ssl_trusted_certificate $pki/ca-bundle.pem;
            proxy_ssl_verify on;
            proxy_ssl_name localhost;
            proxy_ssl_session_reuse on;
        }
    }
}
EOF
} >"$work/nginx/nginx.conf"
/usr/sbin/nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/error.log" &
nginx_pid=$!
pids+=("$nginx_pid")
# The application both gateways stand in front of: its own nginx, plain HTTP, one worker.
{ nginx_preamble "$work/app" 1; cat <<EOF
    server {
        listen 127.0.0.1:$app_port;
        location / {
            default_type text/plain;
            return 200 "$body\n";
        }
    }
}
EOF
} >"$work/app/nginx.conf"
/usr/sbin/nginx -c "$work/app/nginx.conf" -p "$work/app" -e "$work/app/error.log" &
app_pid=$!
pids+=("$app_pid")
gw_port=$(free_port)
"$certmap" serve --home "$home" --listen "127.0.0.1:$gw_port" --mode per-request --no-journal --no-proxies --log-format none \
    --upstream "http://127.0.0.1:$app_port" >/dev/null 2>"$work/certmap-gw.err" &
gw_pid=$!
pids+=("$gw_pid")

"$certmap" serve --home "$home" --listen "127.0.0.1:$certmap_port" --mode per-request --no-journal --no-proxies --log-format none \
    >/dev/null 2>"$work/certmap-none.err" &
certmap_pid=$!
pids+=("$certmap_pid")
json_port=$(free_port)
"$certmap" serve --home "$home" --listen "127.0.0.1:$json_port" --mode per-request --no-journal --no-proxies --log-format json \
    >/dev/null 2>"$work/certmap-json.err" &
json_pid=$!
pids+=("$json_pid")
# certmap with its defaults: the journal on (its own home, so nothing else writes there).
journal_home=$work/journal-home
cp -r "$home" "$journal_home"
journal_port=$(free_port)
"$certmap" serve --home "$journal_home" --listen "127.0.0.1:$journal_port" --mode per-request --no-proxies --log-format none \
    >/dev/null 2>"$work/certmap-journal.err" &
journal_pid=$!
pids+=("$journal_pid")
# certmap's own reverse proxy (pool of 32, reuse always, escaped PEM) in front of its server.
rp_upstream_port=$(free_port)
certmap_rp_port=$(free_port)
"$certmap" serve --home "$home" --listen "127.0.0.1:$rp_upstream_port" --mode per-request --no-journal --log-format none \
    --reverse-proxy "127.0.0.1:$certmap_rp_port" --forward-proxy 127.0.0.1:0 --pool-size 32 --reuse always --forwarded-format escapedPEM \
    >/dev/null 2>"$work/certmap-rp.err" &
certmap_rp_pid=$!
pids+=("$certmap_rp_pid")
declare -A port pid
optional=()
if [ -x "$bench_bin/BareNIOServer" ]; then
    port[bare]=$(free_port)
    "$bench_bin/BareNIOServer" "${port[bare]}" "$pki/server.crt" "$pki/server.key" "$pki/ca-bundle.pem" >/dev/null 2>"$work/bare.err" &
    pid[bare]=$!; pids+=("$!"); optional+=(bare)
fi
if [ -x "$bench_bin/HummingbirdServer" ]; then
    port[hummingbird]=$(free_port)
    "$bench_bin/HummingbirdServer" "${port[hummingbird]}" "$pki/server.crt" "$pki/server.key" "$pki/ca-bundle.pem" >/dev/null 2>"$work/hummingbird.err" &
    pid[hummingbird]=$!; pids+=("$!"); optional+=(hummingbird)
fi
if [ -n "$baseline" ]; then
    port[certmap-before]=$(free_port)
    "$baseline" serve --home "$home" --listen "127.0.0.1:${port[certmap-before]}" --mode per-request --no-journal --no-proxies --log-format none --no-admin \
        >/dev/null 2>"$work/certmap-before.err" &
    pid[certmap-before]=$!; pids+=("$!")
    before_home=$work/before-home
    cp -r "$home" "$before_home"
    port[certmap-before-journal]=$(free_port)
    "$baseline" serve --home "$before_home" --listen "127.0.0.1:${port[certmap-before-journal]}" --mode per-request --no-proxies --log-format none --no-admin \
        >/dev/null 2>"$work/certmap-before-journal.err" &
    pid[certmap-before-journal]=$!; pids+=("$!")
    optional+=(certmap-before certmap-before-journal)
fi
for server in "${optional[@]}"; do wait_listening "${port[$server]}"; done
wait_listening "$nginx_port"
wait_listening "$certmap_port"
wait_listening "$json_port"
wait_listening "$journal_port"
wait_listening "$nginx_log_port"
wait_listening "$nginx_rp_port"
wait_listening "$certmap_rp_port"
wait_listening "$app_port"
wait_listening "$nginx_gw_port"
wait_listening "$gw_port"

servers=(${BENCH_SERVERS:-nginx ${optional[*]} certmap certmap+json nginx-log certmap-journal nginx-rp certmap-rp nginx-gw certmap-gw})
port+=([nginx]=$nginx_port [certmap]=$certmap_port [certmap+json]=$json_port [nginx-log]=$nginx_log_port [certmap-journal]=$journal_port [nginx-rp]=$nginx_rp_port [certmap-rp]=$certmap_rp_port
    [nginx-gw]=$nginx_gw_port [certmap-gw]=$gw_port)
pid+=([nginx]=$nginx_pid [certmap]=$certmap_pid [certmap+json]=$json_pid [nginx-log]=$nginx_pid [certmap-journal]=$journal_pid [nginx-rp]="$nginx_pid $certmap_pid" [certmap-rp]=$certmap_rp_pid
    [nginx-gw]="$nginx_pid $app_pid" [certmap-gw]="$gw_pid $app_pid")
ticks_per_second=$(getconf CLK_TCK)

# One ab run; appends "rps p50 p99 cpu_us_per_request" to $work/<server>.<mode>.
measure() { # server mode count
    local server=$1 mode=$2 count=$3 keep=""
    [ "$mode" = keepalive ] && keep=-k
    local url="https://127.0.0.1:${port[$server]}/"
    ab -q -n $((count / 10)) -c "$concurrency" $keep -l -E "$work/client.pem" "$url" >/dev/null 2>&1 # warm-up
    local before after output
    before=$(cpu_ticks ${pid[$server]})
    output=$(ab -q -n "$count" -c "$concurrency" $keep -l -E "$work/client.pem" "$url" 2>&1)
    after=$(cpu_ticks ${pid[$server]})
    local failed non2xx rps p50 p99
    failed=$(awk '/^Failed requests:/ { print $3 }' <<<"$output")
    non2xx=$(awk '/^Non-2xx responses:/ { print $3 }' <<<"$output")
    if [ "${failed:-1}" != 0 ] || [ -n "$non2xx" ]; then
        echo "bench: $server $mode: failed=${failed:-?} non-2xx=${non2xx:-0}" >&2
        echo "$output" >&2
        exit 1
    fi
    rps=$(awk '/^Requests per second:/ { print $4 }' <<<"$output")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$output")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$output")
    local cpu
    cpu=$(python3 -c "print(round(($after - $before) / $ticks_per_second / $count * 1e6, 1))")
    echo "$rps $p50 $p99 $cpu" >>"$work/$server.$mode"
    printf 'bench: round %s %-13s %-9s %9.0f req/s  p50 %s ms  p99 %s ms  %s µs CPU/request\n' "$round" "$server" "$mode" "$rps" "$p50" "$p99" "$cpu" >&2
}

for round in $(seq "$rounds"); do
    for server in "${servers[@]}"; do
        measure "$server" keepalive "$requests"
        [ "$server" = hummingbird ] || measure "$server" handshake "$handshakes"
    done
done

python3 - "$work" "$rounds" "$concurrency" "$requests" "$handshakes" "${servers[*]}" <<'EOF'
import statistics, sys
work, rounds, concurrency, requests, handshakes, measured = sys.argv[1:]
servers = measured.split()
modes = [("keepalive", f"keep-alive mTLS, {requests} requests"), ("handshake", f"new handshake per request, {handshakes} requests")]
def load(server, mode):
    rows = [list(map(float, line.split())) for line in open(f"{work}/{server}.{mode}")]
    return [statistics.median(column) for column in zip(*rows)]
print(f"\nmedian of {rounds} rounds, ab -c {concurrency}, {open('/proc/cpuinfo').read().count('processor')} CPUs shared by server and ab\n")
for mode, title in modes:
    print(title)
    bare = load("bare", mode) if "bare" in servers else None
    print(f"  {'server':<22} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'CPU µs/req':>11} {'req/s vs nginx':>15} {'CPU vs nginx':>13} {'req/s vs bare':>14}")
    for server in servers:
        # Reverse-proxy set-ups compare with nginx as the reverse proxy in front of the same server.
        # Gateways compare with nginx as an mTLS gateway in front of the same application.
        # Defaults compare with defaults: certmap's journal with nginx's access log.
        kind = next((k for k in ("-rp", "-gw", "-log") if server.endswith(k)), "-log" if server.endswith("-journal") else "")
        try:
            rps, p50, p99, cpu = load(server, mode)
        except FileNotFoundError:
            continue
        # Without the matching nginx set-up in this run (certmap-journal without nginx-log),
        # plain nginx is the peer; the column says which.
        try:
            base = load("nginx" + kind, mode)
        except FileNotFoundError:
            base = load("nginx", mode)
            server += " (vs nginx)"
        versus_bare = f"{rps / bare[0]:>13.2f}×" if bare and kind in ("", "-log") else f"{'-':>14}"
        print(f"  {server:<22} {rps:>9.0f} {p50:>7.0f} {p99:>7.0f} {cpu:>11.1f} {rps / base[0]:>14.2f}× {cpu / base[3]:>12.2f}× {versus_bare}")
    print()
EOF
# certmap reports at shutdown how many events its printer dropped because it fell behind.
kill -TERM "$json_pid" && wait "$json_pid" 2>/dev/null || true
if [ -s "$work/certmap-json.err" ]; then
    echo "certmap+json (stderr at shutdown):"
    sed 's/^/  /' "$work/certmap-json.err"
fi
