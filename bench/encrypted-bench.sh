#!/usr/bin/env bash
# Encrypted backups: times `vigil ios check-backup` in place against the MVT workflow
# (`decrypt-backup` then `check-backup` on the copy), on the demo backup plus MEDIA_MB of media,
# encrypted with the real iteration counts. Both use --key-file (the key derivation, timed
# separately by `extract-key`, is the same for both). Prints wall times.
#
# Usage: bench/encrypted-bench.sh [MEDIA_MB]   (default 2048)
# Env:   BENCH_DIR (default target/bench-encrypted; the generated backup is kept and reused)
set -euo pipefail
cd "$(dirname "$0")/.."
media="${1:-2048}"
work="${BENCH_DIR:-target/bench-encrypted}/media-$media"
mkdir -p "$work"

echo "== building"
mvn -B -q -DskipTests package >/dev/null
mvn -B -q test-compile >/dev/null
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"

if [ ! -f "$work/backup.key" ]; then
  echo "== generating (demo backup + $media MB media, encrypted with real counts)"
  rm -rf "$work/plain" "$work/encrypted" "$work/iocs"
  java -cp "$cp" org.vigil.bench.EncryptedBackupGenerator "$work" "$media"
fi
du -sh "$work/encrypted" | awk '{print "encrypted backup size: " $1}'

secs() { local s e; s=$(date +%s.%N); "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", e - s }'; }

echo "== extract-key (password -> key: the derivation)"
t_key=$(secs ./vigil ios extract-key -p "bench password" "$work/encrypted")
echo "== check-backup in place (--key-file)"
rm -rf "$work/out-inplace"
t_inplace=$(secs ./vigil ios check-backup --key-file "$work/backup.key" --iocs "$work/iocs" -o "$work/out-inplace" "$work/encrypted")
echo "== decrypt-backup (--key-file) then check-backup on the copy"
rm -rf "$work/decrypted" "$work/out-copy"
t_decrypt=$(secs ./vigil ios decrypt-backup -k "$work/backup.key" -d "$work/decrypted" "$work/encrypted")
t_copy=$(secs ./vigil ios check-backup --iocs "$work/iocs" -o "$work/out-copy" "$work/decrypted")
cmp "$work/out-inplace/alerts.json" "$work/out-copy/alerts.json" && echo "same alerts.json"
echo "== result (media $media MB)"
printf "extract-key (derivation + unlock):   %6.2f s\n" "$t_key"
printf "check-backup in place:               %6.2f s\n" "$t_inplace"
printf "decrypt-backup:                      %6.2f s\n" "$t_decrypt"
printf "check-backup on the decrypted copy:  %6.2f s\n" "$t_copy"
printf "MVT workflow total:                  %6.2f s\n" "$(awk -v a="$t_decrypt" -v b="$t_copy" 'BEGIN { print a + b }')"
rm -rf "$work/decrypted"
