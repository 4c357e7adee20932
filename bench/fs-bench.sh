#!/usr/bin/env bash
# Times `vigil ios check-fs` on a generated filesystem dump of ENTRIES entries (default 500,000),
# as a .tar and as a .tar.gz, with every public indicator file of ../shared/iocs loaded, and
# prints wall time, CPU time and peak RSS (GNU time) for each.
#
# Usage: bench/fs-bench.sh [ENTRIES]
# Env:   BENCH_DIR (default target/bench; the generated dumps are kept there and reused),
#        VIGIL_JAVA_OPTS (JVM options for the check; default: the launcher's)
set -euo pipefail
cd "$(dirname "$0")/.."
entries="${1:-500000}"
work="${BENCH_DIR:-target/bench}"
iocs="../shared/iocs"
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time: apt-get install time)" >&2; exit 1; }

echo "== building"
mvn -B -q -DskipTests package >/dev/null
mvn -B -q test-compile >/dev/null
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"

ioc_args=()
if [ -d "$iocs" ]; then ioc_args=(--iocs "$iocs"); else echo "(no $iocs: running without indicators)"; fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

for ext in tar tar.gz; do
  dump="$work/fsdump-$entries.$ext"
  if [ ! -f "$dump" ]; then
    echo "== generating $dump"
    java -cp "$cp" org.vigil.bench.FsDumpGenerator "$dump" "$entries"
  fi
  ls -l "$dump" | awk '{printf "dump size: %.1f MiB\n", $5 / 1048576}'
  echo "== vigil ios check-fs $dump"
  rm -rf "$work/fs-out-$ext"
  /usr/bin/time -v ./vigil ios check-fs "${ioc_args[@]}" -o "$work/fs-out-$ext" "$dump" \
    > "$work/fs-check-$ext.log" 2> "$work/fs-time-$ext.txt" || { cat "$work/fs-check-$ext.log" "$work/fs-time-$ext.txt"; exit 1; }
  tail -n 8 "$work/fs-check-$ext.log"
  wall=$(grep "Elapsed (wall clock)" "$work/fs-time-$ext.txt" | awk '{print $NF}')
  user=$(grep "User time" "$work/fs-time-$ext.txt" | awk '{print $NF}')
  sys=$(grep "System time" "$work/fs-time-$ext.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/fs-time-$ext.txt" | awk '{print $NF}')
  records=$(grep -o '"path"' "$work/fs-out-$ext/filesystem.json" | wc -l)
  echo "== result ($ext, $entries entries requested, $records filesystem records)"
  awk -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" 'BEGIN {
    n = split(wall, p, ":"); secs = 0; for (i = 1; i <= n; i++) secs = secs * 60 + p[i];
    printf "check wall time: %.2f s\ncheck CPU time:  %.2f s (user %s + sys %s)\npeak RSS:        %.0f MiB\n", secs, user + sys, user, sys, rss / 1024 }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
