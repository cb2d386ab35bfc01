#!/bin/bash
# test/fuzz/run.sh - build and run the libFuzzer targets (one per parser of outside data).
#
#   test/fuzz/run.sh corpus          each target over its checked-in corpus (make test; fails on a crash)
#   test/fuzz/run.sh fuzz [NAME...]  fuzz each target FUZZ_SECONDS (default 60) s; new inputs go to
#                                    build/work/NAME (not the checked-in corpus), crashes to
#                                    build/crashes/; prints executions, coverage and crashes per target
#
# NAME.dict (libFuzzer dictionary), when present, is used while fuzzing.
#
# FUZZ_JOBS=N runs N targets at a time in `fuzz` mode (default 1).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
ALL=(feature_vector spotify csv http tokenfile oauth callback publish enrich catalog)
mode=${1:-corpus}
shift || true
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${ALL[@]}")

# Inputs larger than this are cut by libFuzzer while fuzzing (JSON pages need room).
max_len() {
	case $1 in
	spotify | enrich) echo 65536 ;;
	feature_vector | csv | catalog) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

make -s -j2 all >/dev/null || { echo "fuzz: build failed (needs clang and libclang-rt-14-dev; run tools/install-deps.sh)" >&2; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ "$mode" = corpus ]; then
	rc=0
	for n in "${names[@]}"; do
		files=(corpus/"$n"/*)
		if out=$(build/fuzz_"$n" -max_len="$(max_len "$n")" "${files[@]}" 2>&1); then
			echo "fuzz_$n: ${#files[@]} corpus inputs ok"
		else
			echo "$out" | grep -v '^Running: \|^Executed ' | tail -40
			echo "fuzz_$n: FAILED on its corpus"
			rc=1
		fi
	done
	exit $rc
fi

[ "$mode" = fuzz ] || { echo "usage: $0 corpus|fuzz [NAME...]" >&2; exit 2; }
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
mkdir -p build/work build/crashes build/logs

fuzz_one() {
	local n=$1
	mkdir -p build/work/"$n"
	local dict=()
	[ -f "$n.dict" ] && dict=(-dict="$n.dict")
	build/fuzz_"$n" -max_total_time="$secs" -max_len="$(max_len "$n")" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=build/crashes/"$n"- "${dict[@]}" \
		build/work/"$n" corpus/"$n" >build/logs/"$n".log 2>&1
	local rc=$?
	local runs cov ft
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/logs/"$n".log | tail -1)
	cov=$(grep -o 'cov: [0-9]*' build/logs/"$n".log | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' build/logs/"$n".log | tail -1 | cut -d' ' -f2)
	if [ $rc -eq 0 ]; then
		printf 'fuzz_%-15s %6s s  %10s execs  cov %5s  ft %6s  no crash\n' "$n" "$secs" "${runs:-?}" "${cov:-?}" "${ft:-?}"
	else
		printf 'fuzz_%-15s CRASH after %s execs (log: test/fuzz/build/logs/%s.log)\n' "$n" "${runs:-?}" "$n"
		grep -m1 -E 'ERROR: |runtime error|check failed' build/logs/"$n".log
		ls build/crashes/"$n"-* 2>/dev/null | sed 's/^/  input: test\/fuzz\//'
	fi
	return $rc
}

rc=0
pids=()
for n in "${names[@]}"; do
	fuzz_one "$n" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || rc=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
