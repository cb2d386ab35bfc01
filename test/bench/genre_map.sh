#!/bin/bash
# genre_map over 1,000,000 genre strings against, in the same run, the same
# lookup written in SQL: normalisation with lower/translate/regexp_replace and
# two CASEs of LIKE tests generated from listen_wiseer.genre_rules (highest
# priority first, longer patterns first), inline in the query.  Genres are the curated Spotify
# genres with regional/era prefixes and case variants (~5,000 distinct, like
# Spotify's vocabulary).  Serial plans so the ratio compares work per row.
# genre_map remembers its answer per distinct string (a library has a few
# thousand genres); the "all distinct" line shows the rule matching itself.
# Also: the track-level view over a generated library (TRACKS, default 200,000).
set -euo pipefail
ROWS=${ROWS:-1000000}
TRACKS=${TRACKS:-200000}
DB=bench_genre_map
CURATED="$(cd "$(dirname "$0")/../genres" && pwd)/curated.csv"
psql -X -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE TABLE curated (genre text, family text, genre_group text)" \
	-c "\\copy curated FROM '$CURATED' CSV HEADER"
psql -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" -v tracks="$TRACKS" <<'SQL' >/dev/null
SET client_min_messages = warning;
CREATE EXTENSION listen_wiseer;
CREATE TABLE prefixes (p text);
INSERT INTO prefixes VALUES (''), ('french '), ('turkish '), ('deep '), ('classic '), ('modern '),
	('brazilian '), ('uk '), ('Swedish '), ('indonesian '), ('MINNEAPOLIS '), ('Vintage ');
CREATE TABLE vocab AS SELECT row_number() OVER () AS id, p || genre AS genre FROM prefixes, curated;
CREATE TABLE genres AS
SELECT i, v.genre FROM generate_series(1, :rows) i
JOIN vocab v ON v.id = 1 + (hashint4(i) & 2147483647) % (SELECT count(*) FROM vocab);
VACUUM ANALYZE genres;

-- The SQL baseline, generated from the rules table.
CREATE FUNCTION sql_normalize(g text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN ' ' || trim(regexp_replace(replace(translate(lower(g), 'áàâäãåçéèêëíìîïñóòôöõøúùûüýÿ''.', 'aaaaaaceeeeiiiinoooooouuuuyy'),
	                                          '&', ' and '), '[^a-z0-9]+', ' ', 'g')) || ' ';
-- 'hip hop' -> '% hip hop %', '*core' -> '% %core %', 'electro*' -> '% electro% %'
CREATE FUNCTION like_pattern(p text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
	RETURN (SELECT '% ' || string_agg(CASE WHEN w LIKE '*%' THEN '%' || substr(w, 2)
	                                       WHEN w LIKE '%*' THEN left(w, -1) || '%' ELSE w END, ' ' ORDER BY o) || ' %'
	        FROM unnest(string_to_array(p, ' ')) WITH ORDINALITY AS u(w, o));
DO $$
DECLARE
	fam text;
	grp text;
BEGIN
	SELECT string_agg(format('WHEN n LIKE %L THEN %L', like_pattern(r.pattern), r.family), ' '
	                  ORDER BY r.priority DESC, length(r.pattern) DESC, r.pattern)
	  INTO fam
	  FROM listen_wiseer.genre_rules r
	 WHERE r.enabled AND r.family IS NOT NULL;
	SELECT string_agg(format('WHEN n LIKE %L THEN %L', like_pattern(r.pattern), coalesce(r.genre_group, f.genre_group)),
	                  ' ' ORDER BY r.priority DESC, length(r.pattern) DESC, r.pattern)
	  INTO grp
	  FROM listen_wiseer.genre_rules r
	  LEFT JOIN listen_wiseer.genre_families f ON f.family = r.family
	 WHERE r.enabled;
	-- the CASEs are written inline (a SQL function holding them is not inlined
	-- and re-initialises its executor on every call: far slower still)
	EXECUTE format('CREATE VIEW sql_map_genres AS SELECT genre, CASE %s END AS family, CASE %s END AS genre_group
	                FROM (SELECT genre, sql_normalize(genre) AS n FROM genres OFFSET 0) s', fam, grp);
	EXECUTE format('CREATE VIEW sql_map_vocab AS SELECT genre, CASE %s END AS family, CASE %s END AS genre_group
	                FROM (SELECT genre, sql_normalize(genre) AS n FROM vocab OFFSET 0) s', fam, grp);
END $$;

-- best of N runs, in milliseconds
CREATE FUNCTION time_query(q text, n int DEFAULT 3) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; r record;
BEGIN
	FOR k IN 1..n LOOP
		t0 := clock_timestamp();
		EXECUTE q INTO r;
		best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
	RETURN best;
END $$;

-- A library for the track-level view: artists with 1-4 genres from the
-- vocabulary, tracks with 1-3 artists.
INSERT INTO listen_wiseer.artists (artist_id, name, genres)
SELECT 'a' || i, 'artist ' || i,
       ARRAY(SELECT v.genre FROM generate_series(1, 1 + (hashint4(i) & 3)) k
             JOIN vocab v ON v.id = 1 + (hashint4(i * 7 + k) & 2147483647) % (SELECT count(*) FROM vocab))
FROM generate_series(1, :tracks / 5) i;
INSERT INTO listen_wiseer.tracks (track_id, name) SELECT 't' || i, 'track ' || i FROM generate_series(1, :tracks) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 't' || i, k - 1, 'a' || (1 + (hashint4(i * 3 + k) & 2147483647) % (:tracks / 5))
FROM generate_series(1, :tracks) i, generate_series(1, 1 + (hashint4(i) & 1) + (hashint4(i + 1) & 1)) k;
VACUUM ANALYZE listen_wiseer.artists, listen_wiseer.tracks, listen_wiseer.track_artists;
SQL
psql -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" -v tracks="$TRACKS" <<'SQL'
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT count(*) FROM genres \g /dev/null
SELECT format('genres: %s rows, %s distinct; rules: %s', (SELECT count(*) FROM genres),
              (SELECT count(DISTINCT genre) FROM genres), (SELECT count(*) FROM listen_wiseer.genre_rules)) AS setup;
-- how often the SQL CASE/LIKE baseline gives the same answer (it has no
-- head-noun position, aliases or overrides)
SELECT format('SQL baseline agrees with genre_map on %s%% of the distinct genres',
              round(100.0 * count(*) FILTER (WHERE (c.family, c.genre_group) IS NOT DISTINCT FROM (s.family, s.genre_group))
                    / count(*), 1)) AS agreement
FROM sql_map_vocab s, genre_map(s.genre) c;
WITH t AS (
	SELECT time_query('SELECT count(genre) FROM genres') AS bare,
	       time_query('SELECT count(m.family), count(m.genre_group) FROM genres g, genre_map(g.genre) m') AS c_map,
	       time_query('SELECT count(genre_family(genre)) FROM genres') AS c_family,
	       time_query('SELECT count(genre_family(genre || '' '' || i)) FROM genres') AS c_distinct,
	       time_query('SELECT count(family), count(genre_group) FROM sql_map_genres', 1) AS sql_map,
	       time_query('SELECT count(family) FROM listen_wiseer.track_genre') AS track_view
)
SELECT format('%-52s %10s %10s', 'query (' || :rows || ' genre strings)', 'ms', 'ratio') AS result
UNION ALL SELECT format('%-52s %10s %10s', 'bare scan: count(genre)', round(bare::numeric, 1), '') FROM t
UNION ALL SELECT format('%-52s %10s %10s', 'genre_map(genre) (C, cached rules)', round(c_map::numeric, 1), '1.00') FROM t
UNION ALL SELECT format('%-52s %10s %10s', 'genre_family(genre) (C, scalar)', round(c_family::numeric, 1),
                        round((c_family / c_map)::numeric, 2) || 'x') FROM t
UNION ALL SELECT format('%-52s %10s %10s', 'genre_family(genre || i): all distinct, no memo hits', round(c_distinct::numeric, 1),
                        round((c_distinct / c_map)::numeric, 2) || 'x') FROM t
UNION ALL SELECT format('%-52s %10s %10s', 'SQL CASE/LIKE baseline / genre_map', round(sql_map::numeric, 1),
                        round((sql_map / c_map)::numeric, 1) || 'x') FROM t
UNION ALL SELECT format('%-52s %10s %10s', 'track_genre view over ' || :tracks || ' tracks', round(track_view::numeric, 1), '') FROM t
UNION ALL SELECT 'target: genre_map at least 10x faster than the SQL baseline';
SQL
psql -X -q -d postgres -c "DROP DATABASE $DB"
