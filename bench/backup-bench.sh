#!/usr/bin/env bash
# Times `vigil ios check-backup` on a large generated backup with every public indicator file of
# ../shared/iocs loaded, and prints wall time, CPU time and peak RSS (GNU time), next to the
# floor: the time sqlite-jdbc alone takes to read the same rows.
#
# Usage: bench/backup-bench.sh [SCALE]      (SCALE 1.0 = 1,000,000 SMS, 300,000 Safari visits,
#                                            100,000 Manifest rows, 3,000 processes, 300,000 WhatsApp)
# Env:   BENCH_DIR (default target/bench; the generated backup is kept there and reused),
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

echo "== floor (plain SELECT of the same rows through sqlite-jdbc)"
java -cp "$cp" org.vigil.bench.BenchFloor "$backup" | tee "$work/floor.txt"

ioc_args=()
if [ -d "$iocs" ]; then ioc_args=(--iocs "$iocs"); else echo "(no $iocs: running without indicators)"; fi
echo "== vigil ios check-backup"
rm -rf "$work/out"
/usr/bin/time -v ./vigil ios check-backup "${ioc_args[@]}" \
  -o "$work/out" "$backup" > "$work/check.log" 2> "$work/time.txt" || { cat "$work/check.log" "$work/time.txt"; exit 1; }
tail -n 12 "$work/check.log"
wall=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
user=$(grep "User time" "$work/time.txt" | awk '{print $NF}')
sys=$(grep "System time" "$work/time.txt" | awk '{print $NF}')
rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
floor=$(grep "floor total" "$work/floor.txt" | awk '{print $(NF-1)}')
echo "== result (scale $scale)"
awk -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" -v floor="$floor" 'BEGIN {
  n = split(wall, p, ":"); secs = 0; for (i = 1; i <= n; i++) secs = secs * 60 + p[i];
  printf "check wall time: %.2f s\ncheck CPU time:  %.2f s (user %s + sys %s)\npeak RSS:        %.0f MiB\n", secs, user + sys, user, sys, rss / 1024;
  printf "floor (SELECT):  %.2f s\nratio wall/floor: %.2f\n", floor, secs / floor }'
