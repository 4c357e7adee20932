#!/usr/bin/env bash
# Indicator-check benchmark (JMH): loads every ../shared/iocs/*.stix2 (about 10,000 indicators)
# and measures checkUrl / checkDomain / checkProcess. Prints JMH's table (ns/op).
# Usage: bench/ioc-bench.sh [extra JMH options]   (default: -wi 2 -i 3 -f 1 -w 1s -r 1s)
set -euo pipefail
cd "$(dirname "$0")/.."
IOCS="${VIGIL_IOCS:-$(cd .. && pwd)/shared/iocs}"
mvn -B -q -o test-compile
CP_FILE=target/bench-classpath.txt
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="target/test-classes:target/classes:$(cat "$CP_FILE")"
if [ "$#" -eq 0 ]; then
  set -- -wi 2 -i 3 -f 1 -w 1s -r 1s
fi
LOGCONF="$(pwd)/bench/logback-bench.xml"
exec java -cp "$CP" -Dlogback.configurationFile="$LOGCONF" org.openjdk.jmh.Main \
  'org.vigil.bench.UrlCheckBenchmark' \
  -jvmArgs "-Dvigil.iocs=$IOCS -Dlogback.configurationFile=$LOGCONF" "$@"
