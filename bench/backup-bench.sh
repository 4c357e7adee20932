#!/usr/bin/env bash
# Times `vigil ios check-backup` on a large generated backup with every public indicator file of
# ../shared/iocs loaded, and prints wall time, CPU time and peak RSS (GNU time), next to the
# floor: the time sqlite-jdbc alone takes to read the same rows.
#
# Usage: bench/backup-bench.sh [SCALE]      (SCALE 1.0 = 1,000,000 SMS, 300,000 Safari visits,
#                                            100,000 Manifest rows, 3,000 processes, 300,000 WhatsApp)
# Env:   BENCH_DIR (default target/bench; the generated backup is kept there and reused),
#        RUNS (default 3: floor and check measured alternately, median ratio printed),
#        VIGIL_JAVA_OPTS (JVM options for the check; default: the launcher's)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
work="${BENCH_DIR:-target/bench}"
iocs="../shared/iocs"
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time: apt-get install time)" >&2; exit 1; }

echo "== building"
mvn -B -q -DskipTests package >/dev/null
mvn -B -q test-compile >/dev/null
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"

backup="$work/backup-$scale"
if [ ! -f "$backup/Manifest.db" ]; then
  echo "== generating backup (scale $scale)"
  rm -rf "$backup"
  java -cp "$cp" org.vigil.bench.LargeBackupGenerator "$backup" "$scale"
fi
du -sh "$backup" | awk '{print "backup size: " $1}'

ioc_args=()
if [ -d "$iocs" ]; then ioc_args=(--iocs "$iocs"); else echo "(no $iocs: running without indicators)"; fi

# The machine's speed varies between runs (shared hosts: +-20 %), so the floor and the check are
# measured alternately, RUNS times (default 3), and the median ratio is reported.
runs="${RUNS:-3}"
: > "$work/results.txt"
for i in $(seq 1 "$runs"); do
  echo "== run $i/$runs: floor (plain SELECT of the same rows through sqlite-jdbc)"
  java -cp "$cp" org.vigil.bench.BenchFloor "$backup" | tee "$work/floor.txt"
  floor=$(grep "floor total" "$work/floor.txt" | awk '{print $(NF-1)}')
  echo "== run $i/$runs: vigil ios check-backup"
  rm -rf "$work/out"
  /usr/bin/time -v ./vigil ios check-backup "${ioc_args[@]}" \
    -o "$work/out" "$backup" > "$work/check.log" 2> "$work/time.txt" || { cat "$work/check.log" "$work/time.txt"; exit 1; }
  grep -E "^\s+\[.*checked" "$work/check.log" || true
  # what writing that many bytes costs this machine now (the floor writes nothing; on virtual
  # machines the kernel's cost of new page-cache pages varies a lot between runs)
  out_mb=$(du -sm "$work/out" | awk '{print $1}')
  rm -rf "$work/out"
  ddsecs=$( { /usr/bin/time -f "%e" dd if=/dev/zero of="$work/dd-write-test" bs=1M count="$out_mb" status=none; } 2>&1 | tail -1)
  rm -f "$work/dd-write-test"
  wall=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
  user=$(grep "User time" "$work/time.txt" | awk '{print $NF}')
  sys=$(grep "System time" "$work/time.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
  awk -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" -v floor="$floor" -v i="$i" -v mb="$out_mb" -v dd="$ddsecs" 'BEGIN {
    n = split(wall, p, ":"); secs = 0; for (k = 1; k <= n; k++) secs = secs * 60 + p[k];
    printf "run %d: check %.2f s wall, %.2f s CPU (user %s + sys %s), peak RSS %.0f MiB, %d MB written (dd: %.1f s); floor %.2f s; ratio %.2f\n",
      i, secs, user + sys, user, sys, rss / 1024, mb, dd, floor, secs / floor }' | tee -a "$work/results.txt"
done
rm -rf "$work/out"
echo "== result (scale $scale, $runs runs, load average now $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$work/results.txt"
awk '{ print $NF }' "$work/results.txt" | sort -n | awk '{ r[NR] = $1 } END { printf "median ratio wall/floor: %.2f\n", (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }'
