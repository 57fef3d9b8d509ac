#!/usr/bin/env bash
# Coverage-guided fuzzing of certmap's parsers with libFuzzer (see Fuzz/README.md).
#
#   scripts/fuzz.sh list                      # the targets and what each feeds
#   scripts/fuzz.sh TARGET SECONDS [OPTION...] # build if needed, fuzz TARGET for SECONDS
#   scripts/fuzz.sh build [TARGET]            # build one target, or all of them
#   scripts/fuzz.sh repro TARGET FILE...      # run inputs once (a crash reproduces)
#   scripts/fuzz.sh minimize TARGET FILE      # shrink a crashing input (-minimize_crash=1)
#
# Everything is built into .build-fuzz (FUZZ_SCRATCH), never .build: release, libFuzzer and
# AddressSanitizer on all Swift code (-sanitize=fuzzer,address), coverage-only instrumentation of
# the C code (BoringSSL). The first build compiles swift-crypto's BoringSSL and takes a while.
# Builds run one compile job at a time (FUZZ_JOBS) and everything runs under `nice`.
#
# Seeds come from Fuzz/Corpus/TARGET (committed, never written); inputs libFuzzer finds go to
# .build-fuzz/corpus/TARGET, crashes, timeouts and OOMs to .build-fuzz/crashes/TARGET/.
# OPTIONs go to libFuzzer as they are, e.g. -seed=1 or -only_ascii=1.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=${FUZZ_SCRATCH:-.build-fuzz}
jobs=${FUZZ_JOBS:-1}

# name|module|what it feeds
targets='forwarded-headers|FuzzForwardedHeaders|forwarded-certificate headers (RFC 9440, XFCC, nginx escaped PEM, HAProxy base64 DER), "Name: value" lines, through ForwardedCertificateParser.parse(headers:)
certificate-loader|FuzzCertificateLoader|certificate files (PEM bundle or DER) through CertificateLoader.certificates(from:source:), then names, SANs and rule values
crl|FuzzCRL|CRL files (PEM or DER) as TrustConfiguration loads them, fields, signature check, re-serialisation
config|FuzzConfig|config.json through ConfigCodec.decode (ConfigValidator included), snapshot compile, decisions, IIS export
iis|FuzzIIS|IIS applicationHost.config through IISConfigurationReader.read, merge, validation, export
journal|FuzzJournal|journal JSONL, line by line as JournalReader decodes it, then text, diagnosis, session selection
journal-gzip|FuzzJournalGzip|journal segments of earlier versions (gzip members) through Gzip.decompress, then the lines as events
journal-zstd|FuzzJournalZstd|compressed journal segments (zstd frames) through Zstd.decompress, then the lines as events
har|FuzzHAR|HAR files through HARDocument decoding and HARConversion, exported again
filter|FuzzFilter|the console filter language through FilterParser.parse, matched against two requests
small-parsers|FuzzSmallParsers|RuleSyntax, SubjectParser, ThemeParser, ListenAddress, IPAddress(Range), Fingerprint(hex:), SerialNumberText, WildcardPattern, IISSSLFlags (first byte picks)'

usage() {
    cat >&2 <<'EOF'
usage: scripts/fuzz.sh list
       scripts/fuzz.sh TARGET SECONDS [libFuzzer option...]
       scripts/fuzz.sh build [TARGET]
       scripts/fuzz.sh repro TARGET FILE...
       scripts/fuzz.sh minimize TARGET FILE
EOF
    echo "targets: $(echo "$targets" | cut -d'|' -f1 | tr '\n' ' ')" >&2
    exit 2
}

module_of() {
    local module
    module=$(echo "$targets" | awk -F'|' -v t="$1" '$1 == t { print $2 }')
    [ -n "$module" ] || { echo "fuzz: unknown target \"$1\"" >&2; usage; }
    echo "$module"
}

build() {
    # Keep the fuzz build on the same dependency versions as the main build.
    if [ ! -f Fuzz/Package.resolved ] && [ -f Package.resolved ]; then cp Package.resolved Fuzz/Package.resolved; fi
    local product=()
    [ $# -eq 0 ] || product=(--product "$1")
    echo "fuzz: building ${1:-all targets} into $scratch (first build: BoringSSL, expect 10+ minutes)" >&2
    nice -n 10 swift build --package-path Fuzz --scratch-path "$scratch" -c release -j "$jobs" \
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address "${product[@]}" >&2
}

# The engine reports a Swift trap (SIGILL) itself; Swift's own backtracer would race it under ASan.
# LeakSanitizer is off: Foundation's one-time allocations would be reported as leaks.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1}

[ $# -ge 1 ] || usage
case "$1" in
    -h|--help|help) usage ;;
    list)
        echo "$targets" | awk -F'|' '{ printf "%-20s %s\n", $1, $3 }'
        exit 0
        ;;
    build)
        [ $# -le 2 ] || usage
        if [ $# -eq 2 ]; then build "$(module_of "$2")"; else build; fi
        exit 0
        ;;
    repro)
        [ $# -ge 3 ] || usage
        module=$(module_of "$2"); shift 2
        build "$module"
        exec nice -n 10 "$scratch/release/$module" -detect_leaks=0 -rss_limit_mb=2048 -timeout=10 "$@"
        ;;
    minimize)
        [ $# -eq 3 ] || usage
        module=$(module_of "$2"); file=$3
        build "$module"
        mkdir -p "$scratch/crashes/$2"
        out="$scratch/crashes/$2/minimized-$(basename "$file")"
        nice -n 10 "$scratch/release/$module" -minimize_crash=1 -max_total_time=120 -detect_leaks=0 -timeout=10 \
            -exact_artifact_path="$out" "$file" >&2 || true
        echo "fuzz: minimized input: $out ($(wc -c <"$out") bytes)"
        exit 0
        ;;
esac

[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive whole number, got \"$seconds\"" >&2; usage; }
module=$(module_of "$target")
seeds=Fuzz/Corpus/$target
[ -d "$seeds" ] || { echo "fuzz: no seed corpus at $seeds" >&2; exit 1; }

build "$module"
corpus=$scratch/corpus/$target
crashes=$scratch/crashes/$target
logs=$scratch/logs
mkdir -p "$corpus" "$crashes" "$logs"
log=$logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log
before=$(find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)

echo "fuzz: $target for ${seconds}s (seeds $seeds, corpus $corpus, log $log)" >&2
set +e
nice -n 10 "$scratch/release/$module" "$corpus" "$seeds" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$@" >"$log" 2>&1
status=$?
set -e

final=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
stat() { grep -E "^stat::$1:" "$log" | awk '{ print $2 }' | tail -1; }
after=$(find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
echo "target:      $target"
echo "seconds:     $seconds"
echo "executions:  $(stat number_of_executed_units)"
echo "exec/s:      $(stat average_exec_per_sec)"
echo "coverage:    $(echo "$final" | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo '?')"
echo "corpus:      $(find "$corpus" -type f | wc -l) inputs, $(du -sk "$corpus" | cut -f1) KiB in $corpus (+ $(find "$seeds" -type f | wc -l) seeds)"
echo "peak RSS:    $(stat peak_rss_mb) MB"
echo "new crashes: $((after - before)) (timeouts and OOMs included) in $crashes/"
if [ "$status" -ne 0 ]; then
    grep -E 'ERROR: libFuzzer|Fatal error|SUMMARY|Test unit written|ERROR: AddressSanitizer' "$log" | head -8
    echo "fuzz: $target stopped with status $status; full output in $log" >&2
    exit 1
fi
echo "log:         $log"
