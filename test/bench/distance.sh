#!/bin/bash
# Distance kernels on 1,000,000 12-dim vectors: sum(v <=> q) and sum(v <-> q)
# against, in the same run, a bare scan (count(v)), the same distance as a plain
# SQL function over double precision[], and contrib cube's <->.
# Serial plans (no parallel workers) so the ratios compare work per row.
set -euo pipefail
ROWS=${ROWS:-1000000}
DB=bench_distance
psql -X -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 <<SQL >/dev/null
SET client_min_messages = warning;
CREATE EXTENSION listen_wiseer;
CREATE EXTENSION cube;
SELECT setseed(0.5);
CREATE TABLE vecs AS
SELECT i, a::feature_vector(12) AS v, a AS arr, cube(a) AS c
FROM (SELECT i, ARRAY(SELECT random() FROM generate_series(1, 12) WHERE i > 0) AS a
      FROM generate_series(1, $ROWS) i) s;
VACUUM ANALYZE vecs;
CREATE FUNCTION sql_euclidean(a float8[], b float8[]) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS 'SELECT sqrt(sum((x - y) ^ 2)) FROM unnest(a, b) AS u(x, y)';
-- best of N runs, in milliseconds
CREATE FUNCTION time_query(q text, n int DEFAULT 3) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; best float8 := 'Infinity'; r record;
BEGIN
	FOR k IN 1..n LOOP
		t0 := clock_timestamp();
		EXECUTE q INTO r;
		best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
	RETURN best;
END \$\$;
SQL
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT quote_literal('[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]') AS q,
       quote_literal('{0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5}') AS qa \gset
SELECT count(*) FROM vecs \g /dev/null
WITH t AS (
	SELECT time_query('SELECT count(v) FROM vecs') AS bare,
	       time_query('SELECT sum(v <=> ' || :'q' || '::feature_vector) FROM vecs') AS cosine,
	       time_query('SELECT sum(v <-> ' || :'q' || '::feature_vector) FROM vecs') AS euclid,
	       time_query('SELECT sum(c <-> cube(' || :'qa' || '::float8[])) FROM vecs') AS cube,
	       time_query('SELECT sum(sql_euclidean(arr, ' || :'qa' || '::float8[])) FROM vecs', 1) AS sqlfn
)
SELECT format('%-40s %10s %10s', 'query (1,000,000 rows, 12 dims)', 'ms', 'ratio') AS result
UNION ALL SELECT format('%-40s %10s %10s', 'bare scan: count(v)', round(bare::numeric, 1), '1.00') FROM t
UNION ALL SELECT format('%-40s %10s %10s', 'sum(v <=> q)  / bare scan', round(cosine::numeric, 1), round((cosine / bare)::numeric, 2) || 'x') FROM t
UNION ALL SELECT format('%-40s %10s %10s', 'sum(v <-> q)  / bare scan', round(euclid::numeric, 1), round((euclid / bare)::numeric, 2) || 'x') FROM t
UNION ALL SELECT format('%-40s %10s %10s', 'cube <->      / sum(v <-> q)', round(cube::numeric, 1), round((cube / euclid)::numeric, 2) || 'x') FROM t
UNION ALL SELECT format('%-40s %10s %10s', 'SQL function  / sum(v <-> q)', round(sqlfn::numeric, 1), round((sqlfn / euclid)::numeric, 1) || 'x') FROM t
UNION ALL SELECT 'targets: distance sum <= 1.3x bare scan; SQL function >= 20x slower; cube slower (ratio > 1)';
SQL
psql -X -q -d postgres -c "DROP DATABASE $DB"
