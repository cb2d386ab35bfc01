#!/bin/bash
# recommend() latency on a library of 1,000,000 tracks with audio features,
# against, in the same run, brute-force SQL over the same vectors
# (ORDER BY v <=> profile LIMIT 20) and recommend() with its genre-tier
# pruning switched off (the exhaustive scan of the same score, which also
# checks that the pruning returns exactly the same tracks).
#
# The library is generated in SQL: 40 themes, each with 5 Spotify-style genres
# and its own centre in feature space; 50,000 artists (1-3 genres of their
# theme, a fifth with a genre of the next theme); 40 playlists of 50 to 500
# members of one theme.  Timings are server-side (clock_timestamp), over every
# playlist, after one warm-up call each.
#
#   ROWS=n        library size (default 1000000)
#   KEEP=1        keep the database bench_recommend afterwards
set -euo pipefail
ROWS=${ROWS:-1000000}
DB=bench_recommend
HERE=$(cd "$(dirname "$0")" && pwd)

psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export PGDATABASE=$DB
[ -z "${KEEP:-}" ] && trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

start=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" -f "$HERE/recommend_library.sql"
echo "library: $ROWS tracks generated, loaded, vectors and candidate pool built in $((SECONDS - start)) s"

psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/recommend_timing.sql"

# Where the time goes: auto_explain of every statement inside one call on the
# largest playlist (statements over 1 ms, with their main plan nodes), after
# six calls, as in a session that has called recommend() before (PL/pgSQL
# keeps its statements' plans from the sixth call on).
echo "Where the time goes (auto_explain inside recommend() on the largest playlist, 7th call of the session):"
psql -X -q -v ON_ERROR_STOP=1 2>&1 >/dev/null <<'SQL' |
LOAD 'auto_explain';
DO $$ BEGIN
	FOR i IN 1..6 LOOP
		PERFORM count(*) FROM recommend((SELECT playlist_id FROM listen_wiseer.playlist_tracks
		                                  GROUP BY playlist_id ORDER BY count(*) DESC, playlist_id LIMIT 1), 20);
	END LOOP;
END $$;
SET auto_explain.log_min_duration = 1;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET client_min_messages = log;
SELECT count(*) FROM recommend((SELECT playlist_id FROM listen_wiseer.playlist_tracks
                                 GROUP BY playlist_id ORDER BY count(*) DESC, playlist_id LIMIT 1), 20);
SQL
awk '
	/^LOG:  duration:/ { ms = $3; want = 1; next }
	want && /^Query Text:/ { sub(/^Query Text: */, ""); q = substr($0, 1, 70); want = 0;
		if (q !~ /^SELECT count\(\*\) FROM recommend/) printf "  %8.1f ms  %s\n", ms, q; else printf "  %8.1f ms  (the whole call)\n", ms; next }
	/(Bitmap Heap Scan|Bitmap Index Scan|Seq Scan|Index Scan|Sort|Limit) .*actual time/ && !/loops=[0-9][0-9]/ {
		match($0, /actual time=[0-9.]+\.\.[0-9.]+ rows=[0-9]+/); node = $0; sub(/^ *(->)? */, "", node); sub(/  \(cost.*/, "", node);
		printf "               %-45s %s\n", substr(node, 1, 45), substr($0, RSTART, RLENGTH) }
'
