#!/usr/bin/env bash
# The load on each engine (`make bench-engines`, issue 17): the same citecheck-bench run against
# one app server on SQLite, one on PostgreSQL and two on one PostgreSQL database (the requests
# taking the two in turn, as behind a load balancer), one after the other in one run, each on a
# fresh database. PostgreSQL is a throwaway server with fsync on (store/pgtest/with-postgres), so
# that its commits are as durable as SQLite's. CLIENTS, DURATION, SIZE and CLAIMS override the
# defaults; it needs `make build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${CITECHECK_BENCH_INNER:-}" ]; then
	CITECHECK_PG_FSYNC=on CITECHECK_BENCH_INNER=1 exec store/pgtest/with-postgres "$0" "$@"
fi
clients=${CLIENTS:-12} duration=${DURATION:-30s} size=${SIZE:-100000} claims=${CLAIMS:-500}
dir=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
# pgdb NAME: a new database on the throwaway server, and its URL.
pgdb() {
	psql -qX "$CITECHECK_TEST_POSTGRES" -c "CREATE DATABASE $1" >/dev/null
	local u=$CITECHECK_TEST_POSTGRES # postgres://USER@/postgres?host=DIR
	echo "${u%%/postgres\?*}/$1?${u#*\?}"
}
# serve DB PORT: start `citecheck serve`, wait until it answers.
serve() {
	bin/citecheck serve --db "$1" --addr "127.0.0.1:$2" >"$dir/serve-$2.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 200); do
		curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return
		sleep 0.1
	done
	echo "server on port $2 did not start:" >&2
	cat "$dir/serve-$2.log" >&2
	exit 1
}
# load NAME DB URLS: the users and tokens on DB, then the bench against URLS.
load() {
	printf 'editor password\n' | bin/citecheck user add --db "$2" --name ed --role editor --password-stdin >/dev/null
	printf 'rita password\n' | bin/citecheck user add --db "$2" --name rita --role reviewer --password-stdin >/dev/null
	local rita ed
	rita=$(bin/citecheck token create --db "$2" --user rita)
	ed=$(bin/citecheck token create --db "$2" --user ed)
	echo
	echo "== $1"
	CITECHECK_BENCH_PASSWORD='editor password' bin/citecheck-bench --url "$3" --token "$rita" \
		--editor-token "$ed" --user ed --clients "$clients" --duration "$duration" \
		--doc-size "$size" --claims "$claims"
}
base=$((20000 + RANDOM % 20000))
serve "$dir/bench.db" $base
load "1 app server, SQLite" "$dir/bench.db" "http://127.0.0.1:$base"
one=$(pgdb bench_one)
serve "$one" $((base + 1))
load "1 app server, PostgreSQL" "$one" "http://127.0.0.1:$((base + 1))"
two=$(pgdb bench_two)
serve "$two" $((base + 2))
serve "$two" $((base + 3))
load "2 app servers, one PostgreSQL database" "$two" "http://127.0.0.1:$((base + 2)),http://127.0.0.1:$((base + 3))"
