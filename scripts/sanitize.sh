#!/usr/bin/env bash
# Runs the test suite under ThreadSanitizer or AddressSanitizer.
#
#   scripts/sanitize.sh thread                            # whole suite under TSan
#   scripts/sanitize.sh address --filter CertMapCoreTests  # one target under ASan
#
# Each sanitizer builds everything (dependencies included) into its own scratch path,
# .build-tsan or .build-asan, so it never invalidates the normal .build. The first run is a full
# build and takes a while; later runs are incremental. Extra arguments go to `swift test`.
# Any sanitizer report stops the run (halt_on_error) and makes the script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: scripts/sanitize.sh thread|address [swift test options, e.g. --filter CertMapCoreTests]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
kind=$1
shift
case "$kind" in
    thread)
        scratch=.build-tsan
        export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
        ;;
    address)
        scratch=.build-asan
        # LeakSanitizer reports one-time allocations of the Foundation and XCTest runtimes on Linux;
        # run with ASAN_OPTIONS=detect_leaks=1 to look for leaks anyway.
        export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:strict_string_checks=1}"
        ;;
    *)
        usage
        ;;
esac

echo "sanitize: swift test --sanitize=$kind --scratch-path $scratch $*" >&2
exec swift test --sanitize="$kind" --scratch-path "$scratch" "$@"
