#!/usr/bin/env bash
# The big-document load of issue 12 (`make bench-big`): a 5 MB text with 25,000 claims and 20
# clients, against `citecheck serve` started here as its own process on a scratch database, so
# that the peak RSS (VmHWM) that citecheck-bench reads from /proc is the server's alone, not
# that of a test process holding the clients and the setup too. SIZE, CLAIMS, CLIENTS,
# DURATION and ADDR override the defaults; it needs `make build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${SIZE:-5000000} claims=${CLAIMS:-25000} clients=${CLIENTS:-20} duration=${DURATION:-60s}
addr=${ADDR:-127.0.0.1:$((20000 + RANDOM % 20000))}
dir=$(mktemp -d)
db=$dir/bench.db
pid=
cleanup() {
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
	rm -rf "$dir"
}
trap cleanup EXIT
printf 'editor password\n' | bin/citecheck user add --db "$db" --name ed --role editor --password-stdin
printf 'rita password\n' | bin/citecheck user add --db "$db" --name rita --role reviewer --password-stdin
rita=$(bin/citecheck token create --db "$db" --user rita)
ed=$(bin/citecheck token create --db "$db" --user ed)
bin/citecheck serve --db "$db" --addr "$addr" >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	curl -fsS "http://$addr/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
echo "server pid $pid on $addr, idle: $(grep VmRSS /proc/$pid/status)"
CITECHECK_BENCH_PASSWORD='editor password' bin/citecheck-bench --url "http://$addr" \
	--token "$rita" --editor-token "$ed" --user ed --clients "$clients" --duration "$duration" \
	--doc-size "$size" --claims "$claims" --pid "$pid"
