#!/bin/sh
# Runs one libFuzzer target for a bounded time over a scratch corpus in the build tree: the
# committed seeds plus, when the fixture folder exists, the fixture files matching a pattern.
#   run_fuzzer.sh FUZZER SEED_DIR WORK_DIR FIXTURE_DIR PATTERN [libFuzzer flags...]
# APKD_FIXTURES overrides FIXTURE_DIR; an empty PATTERN adds no fixtures. New inputs the fuzzer
# finds stay in WORK_DIR/corpus (never in the source tree). On a crash it exits non-zero and
# prints the crashing input and the command that reproduces it.
set -u

if [ $# -lt 5 ]; then
  echo "usage: $0 FUZZER SEED_DIR WORK_DIR FIXTURE_DIR PATTERN [libFuzzer flags...]" >&2
  exit 2
fi
fuzzer=$1 seeds=$2 work=$3 fixtures=${APKD_FIXTURES:-$4} pattern=$5
shift 5

# Larger files would set libFuzzer's max_len, and slow every run, for little gain.
max_fixture_kib=32

# Absolute paths: the fuzzer runs inside WORK_DIR.
case $fuzzer in /*) ;; *) fuzzer=$PWD/$fuzzer ;; esac
mkdir -p "$work/corpus" "$work/artifacts" && work=$(cd "$work" && pwd) || exit 1
corpus=$work/corpus
artifacts=$work/artifacts
started=$work/.started  # artifacts newer than this belong to this run; older ones are kept
touch "$started" || exit 1

if [ -d "$seeds" ]; then
  cp "$seeds"/* "$corpus"/ 2>/dev/null
fi
if [ -n "$pattern" ]; then
  if [ -d "$fixtures" ]; then
    find "$fixtures" -type f -name "$pattern" -size -"$max_fixture_kib"k | sort |
      while IFS= read -r file; do
        # fixture-<path with / as _>: same-named files in different folders all stay.
        name=fixture-$(printf '%s' "${file#"$fixtures"/}" | tr '/' '_')
        cp "$file" "$corpus/$name"
      done
    count=$(find "$corpus" -type f -name 'fixture-*' | wc -l)
    echo "run_fuzzer.sh: added $count fixture file(s) matching '$pattern' from $fixtures"
  else
    echo "run_fuzzer.sh: fixture folder $fixtures is absent; fuzzing the committed seeds only"
  fi
fi

log=$work/fuzz-0.log
rm -f "$log"
# -jobs=1 -workers=1: libFuzzer runs one child and writes its output to fuzz-0.log in the
# current folder; when the child fails, the parent prints that log and exits non-zero.
(cd "$work" && "$fuzzer" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" "$corpus")
rc=$?

new_artifacts=$(find "$artifacts" -type f -newer "$started" | sort)
if [ $rc -ne 0 ] || [ -n "$new_artifacts" ]; then
  {
    echo "run_fuzzer.sh: $(basename "$fuzzer") FAILED (exit code $rc); its log: $log"
    for input in $new_artifacts; do
      echo "run_fuzzer.sh: crashing input: $input"
      echo "run_fuzzer.sh: reproduce with: $fuzzer $input"
    done
  } >&2
  [ $rc -ne 0 ] || rc=1
  exit $rc
fi
[ -f "$log" ] && grep -E '^(#[0-9]+ +DONE|stat::|Done [0-9]+ runs)' "$log"
echo "run_fuzzer.sh: $(basename "$fuzzer"): no crash; corpus $(find "$corpus" -type f | wc -l) inputs"
exit 0
