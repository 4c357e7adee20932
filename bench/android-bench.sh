#!/usr/bin/env bash
# Times `vigil android check-bugreport` on a generated 200 MB bug report and
# `vigil android check-androidqf` on a generated androidqf folder whose files.json lists 50,000 files
# (also zipped, and zipped then age-encrypted), with every public indicator file of ../shared/iocs
# loaded; prints wall time, CPU time and peak RSS (GNU time) of each run.
#
# Usage: bench/android-bench.sh [DUMPSTATE_MB] [FILES]    (defaults: 200 and 50000)
# Env:   BENCH_DIR (default target/bench-android; generated inputs are kept there and reused),
#        VIGIL_JAVA_OPTS (JVM options for the checks; default: the launcher's)
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-200}"
files="${2:-50000}"
work="${BENCH_DIR:-target/bench-android}"
iocs="../shared/iocs"
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time: apt-get install time)" >&2; exit 1; }

echo "== building"
mvn -B -q -DskipTests package >/dev/null
mvn -B -q test-compile >/dev/null
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"
gen() { java -cp "$cp" org.vigil.bench.AndroidBenchGenerator "$@"; }

bugreport="$work/bugreport-$mb.zip"
if [ ! -f "$bugreport" ]; then
  echo "== generating a bug report with a $mb MB dumpstate"
  gen bugreport "$bugreport" "$mb"
fi
qf="$work/qf-$files"
if [ ! -f "$qf/androidqf/files.json" ]; then
  echo "== generating an androidqf folder with $files files in files.json"
  rm -rf "$qf" "$qf.zip" "$qf.zip.age"
  gen androidqf "$qf" "$files"
fi
[ -f "$qf.zip" ] || gen zip "$qf/androidqf" "$qf.zip"
[ -f "$qf.zip.age" ] || gen age "$qf.zip" "$qf.zip.age" "$work/key.txt"
ls -l "$bugreport" "$qf.zip" "$qf.zip.age" | awk '{printf "%s: %.1f MB\n", $NF, $5 / 1048576}'
unzip -l "$bugreport" | awk '/dumpstate.txt/ {printf "dumpstate.txt: %.1f MB\n", $1 / 1048576}'

ioc_args=()
if [ -d "$iocs" ]; then ioc_args=(--iocs "$iocs"); else echo "(no $iocs: running without indicators)"; fi
echo "== machine load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min), $(nproc) cores"

# run NAME ARGS...: one timed check; prints one result line
run() {
  local name="$1"; shift
  rm -rf "$work/out-$name"
  /usr/bin/time -v ./vigil "$@" "${ioc_args[@]}" -o "$work/out-$name" > "$work/$name.log" 2> "$work/$name.time" \
    || { cat "$work/$name.log" "$work/$name.time"; exit 1; }
  awk -v name="$name" '
    /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $NF } /System time/ { s = $NF } /Maximum resident set size/ { r = $NF }
    END { printf "%-22s wall %7.2f s   CPU %7.2f s (user %s + sys %s)   peak RSS %5.0f MiB\n", name, w, u + s, u, s, r / 1024 }' \
    "$work/$name.time"
  grep -E "^  Modules:|^  Alerts:" "$work/$name.log" | sed 's/^/    /'
}

echo "== results (dumpstate $mb MB, files.json $files entries)"
run check-bugreport android check-bugreport "$bugreport"
run androidqf-folder android check-androidqf "$qf/androidqf"
run androidqf-zip android check-androidqf "$qf.zip"
run androidqf-zip-age android check-androidqf --age-identity "$work/key.txt" "$qf.zip.age"
