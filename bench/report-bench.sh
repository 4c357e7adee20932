#!/usr/bin/env bash
# Times building report.html from a result folder with a large timeline.csv (default 1,000,000
# rows) and 5,000 alerts, and prints the page size and the peak RSS (GNU time).
#
# Usage: bench/report-bench.sh [ROWS]     Env: BENCH_DIR (default target/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="${BENCH_DIR:-target/bench}"
mkdir -p "$work"
mvn -B -q -DskipTests package >/dev/null
mvn -B -q test-compile >/dev/null
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"
dir="$work/report-$rows"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "wall %e s, peak RSS %M KB" java -Xmx512m -cp "$cp" org.vigil.bench.ReportBench "$dir" "$rows"
else
  java -Xmx512m -cp "$cp" org.vigil.bench.ReportBench "$dir" "$rows"
fi
