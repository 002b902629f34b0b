#!/bin/sh
# Runs apkd_index_bench (3 repetitions, medians) and prints records/s, MB/s and how our writer
# compares with plain zlib compressing the same tar bytes in the same run.
#   bench/run_index_bench.sh [build-dir]      (default build/release)
# The raw Google Benchmark JSON is kept in <build-dir>/bench/index_bench.json.
set -eu

build_dir=${1:-build/release}
bin="$build_dir/bench/apkd_index_bench"
out="$build_dir/bench/index_bench.json"

if [ ! -x "$bin" ]; then
  echo "run_index_bench.sh: $bin not found; build the apkd_index_bench target first" >&2
  exit 1
fi

# Interleaving the repetitions spreads machine noise evenly over the benchmarks being compared.
"$bin" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true --benchmark_format=json >"$out"

if [ ! -s "$out" ]; then
  # The binary explains on stderr (fixture folder absent) and exits 0.
  echo "run_index_bench.sh: no benchmark ran; nothing to report"
  exit 0
fi

python3 - "$out" <<'EOF'
import json
import sys

with open(sys.argv[1]) as f:
    report = json.load(f)

order = ["read", "parse", "format", "write", "zlib_gzip_compress", "zlib_deflate",
         "zlib_deflate_sorted", "sign", "rebuild"]
medians, cvs = {}, {}
for b in report["benchmarks"]:
    if b.get("aggregate_name") == "median":
        medians[b["run_name"]] = b
    elif b.get("aggregate_name") == "cv":
        cvs[b["run_name"]] = b["cpu_time"]
if not medians:
    sys.exit("run_index_bench.sh: the JSON has no median aggregates")
names = [n for n in order if n in medians] + sorted(n for n in medians if n not in order)

ctx = report["context"]
print(f"fixture: {ctx.get('fixture')}  records: {ctx.get('records')}  "
      f"APKINDEX text: {ctx.get('apkindex_text_bytes')} bytes")
print(f"medians of {medians[names[0]].get('repetitions', 3)} repetitions, CPU time; "
      f"load average at start: {ctx.get('load_avg')}")
print(f"{'benchmark':<22}{'CPU ms':>10}{'cv %':>7}{'records/s':>14}{'MB/s':>10}{'out bytes':>12}")
for name in names:
    b = medians[name]
    ms = b["cpu_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    cv = cvs.get(name)
    out_bytes = b.get("out_bytes")
    print(f"{name:<22}{ms:>10.2f}{'' if cv is None else f'{cv * 100:.1f}':>7}"
          f"{b['items_per_second']:>14,.0f}{b['bytes_per_second'] / 1e6:>10.1f}"
          f"{'' if out_bytes is None else f'{out_bytes:,.0f}':>12}")

def ratio(a, b, what):
    if a in medians and b in medians:
        r = medians[a]["cpu_time"] / medians[b]["cpu_time"]
        print(f"  {a} / {b}: {r:.3f}  ({what})")

print("ratios of CPU time, same run (1.00 = as fast as zlib alone):")
ratio("write", "zlib_deflate", "tar + gzip of the text vs zlib deflate of the same tar")
ratio("write", "zlib_gzip_compress", "vs our GzipCompress on the same tar")
ratio("zlib_gzip_compress", "zlib_deflate", "our gzip wrapper vs one raw deflate call")
ratio("rebuild", "zlib_deflate_sorted", "sort + format + write + sign vs zlib of the tar it writes")
ratio("rebuild", "zlib_deflate", "the same, vs zlib of the shipped-order tar")
EOF
