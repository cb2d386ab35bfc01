SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- isolation_forest_score / isolation_forest: window form, model form, edge cases.
-- Data come from hashint4 (portable, deterministic); numbers are compared with
-- boolean expressions or rounded, never printed with float noise.

-- Three groups of 12-dimensional points, each a different cluster shape, with
-- two planted outliers per group (i = 1, 2) far outside the cluster.
CREATE TEMP TABLE pts AS
SELECT g, i,
       ARRAY(SELECT CASE WHEN i <= 2 THEN 6.0 + i ELSE 0.0 END
                    + CASE g WHEN 1 THEN 1.0 WHEN 2 THEN 0.2 * j ELSE 3.0 END
                      * (pg_catalog.hashint4(g * 100000 + i * 100 + j)::float8 / 2147483648.0)
             FROM generate_series(1, 12) AS j ORDER BY j)::float8[] AS a
FROM generate_series(1, 3) AS g, generate_series(1, 120) AS i;
-- the same values as feature_vector (float4): round the arrays to float4 first
UPDATE pts SET a = a::real[]::float8[];
ALTER TABLE pts ADD COLUMN v feature_vector;
UPDATE pts SET v = a::feature_vector;

-- planted outliers get the top two scores of their group
SELECT g, array_agg(i ORDER BY i) FILTER (WHERE rk <= 2) AS top2,
       bool_and(s > 0 AND s <= 1) AS in_range
FROM (SELECT g, i, s, rank() OVER (PARTITION BY g ORDER BY s DESC) AS rk
      FROM (SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g) AS s FROM pts) x) y
GROUP BY g ORDER BY g;

-- ... and score above 0.6, while the cluster's median stays below 0.5
SELECT g, min(s) FILTER (WHERE i <= 2) > 0.6 AS outliers_high,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FILTER (WHERE i > 2) < 0.5 AS inliers_low
FROM (SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g) AS s FROM pts) x
GROUP BY g ORDER BY g;

-- determinism and order independence: rows arriving in opposite orders
-- (window ORDER BY both ways, and input sorted both ways) give identical scores
CREATE TEMP TABLE s_asc AS
SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g ORDER BY i) AS s
FROM (SELECT * FROM pts ORDER BY i) p;
CREATE TEMP TABLE s_desc AS
SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g ORDER BY i DESC) AS s
FROM (SELECT * FROM pts ORDER BY i DESC) p;
CREATE TEMP TABLE s_hash AS
SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g ORDER BY hashint4(i)) AS s FROM pts;
SELECT count(*) AS rows, bool_and(a.s = d.s) AS asc_eq_desc, bool_and(a.s = h.s) AS asc_eq_hashed
FROM s_asc a JOIN s_desc d USING (g, i) JOIN s_hash h USING (g, i);

-- the frame does not matter: training is on the whole partition
SELECT bool_and(a.s = f.s) AS frame_ignored
FROM s_asc a JOIN
     (SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g ORDER BY i
              ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS s FROM pts) f USING (g, i);

-- explicit defaults are the defaults; NULL parameters mean the default
SELECT bool_and(a.s = x.s) AS defaults_eq, bool_and(a.s = y.s) AS nulls_eq
FROM s_asc a
JOIN (SELECT g, i, isolation_forest_score(v, 100, 256, 0) OVER (PARTITION BY g) AS s FROM pts) x USING (g, i)
JOIN (SELECT g, i, isolation_forest_score(v, NULL, NULL, NULL) OVER (PARTITION BY g) AS s FROM pts) y USING (g, i);

-- another seed gives other trees (other scores), with the same outliers on top
SELECT count(*) FILTER (WHERE a.s <> o.s) > 300 AS most_differ,
       bool_and(o.s > 0.6) FILTER (WHERE i <= 2) AS outliers_still_high
FROM s_asc a JOIN
     (SELECT g, i, isolation_forest_score(v, 100, 256, 42) OVER (PARTITION BY g) AS s FROM pts) o USING (g, i);

-- more trees, smaller samples: still works, still finds them
SELECT g, array_agg(i ORDER BY i) FILTER (WHERE rk <= 2) AS top2
FROM (SELECT g, i, s, rank() OVER (PARTITION BY g ORDER BY s DESC) AS rk
      FROM (SELECT g, i, isolation_forest_score(v, 300, 32, 7) OVER (PARTITION BY g) AS s FROM pts) x) y
GROUP BY g ORDER BY g;

-- double precision[] gives the same scores as feature_vector for the same values
SELECT bool_and(a.s = b.s) AS array_eq_vector
FROM s_asc a JOIN
     (SELECT g, i, isolation_forest_score(a) OVER (PARTITION BY g) AS s FROM pts) b USING (g, i);

-- NULL vectors: scored NULL, left out of training (others' scores unchanged)
SELECT count(*) FILTER (WHERE n.s IS NULL) AS null_scores,
       bool_and(n.s = a.s) FILTER (WHERE n.i > 0) AS others_unchanged
FROM (SELECT g, i, isolation_forest_score(v) OVER (PARTITION BY g) AS s
      FROM (SELECT g, i, v FROM pts
            UNION ALL
            SELECT g, -k, NULL FROM generate_series(1, 3) g, generate_series(1, 3) k) u) n
LEFT JOIN s_asc a USING (g, i);
SELECT g, count(*) AS rows, count(s) AS scored
FROM (SELECT g, isolation_forest_score(CASE WHEN i % 10 = 0 THEN NULL ELSE v END) OVER (PARTITION BY g) AS s
      FROM pts) x GROUP BY g ORDER BY g;
SELECT isolation_forest_score(NULL::feature_vector) OVER () AS all_null FROM generate_series(1, 2);

-- tiny groups: n = 1 and n = 2 always score 0.5; n = 3 lies in [0.317, 0.563]
SELECT grp, array_agg(round(s::numeric, 12) ORDER BY s) AS scores
FROM (SELECT grp, isolation_forest_score(v) OVER (PARTITION BY grp) AS s
      FROM (VALUES ('n=1', '[1,2]'::feature_vector),
                   ('n=2', '[1,2]'), ('n=2', '[5,-3]'),
                   ('n=2 identical', '[7,7]'), ('n=2 identical', '[7,7]')) t(grp, v)) x
GROUP BY grp ORDER BY grp;
SELECT count(*) AS rows, bool_and(s BETWEEN 0.317 AND 0.563) AS in_range
FROM (SELECT isolation_forest_score(v) OVER () AS s
      FROM (VALUES ('[1,0]'::feature_vector), ('[2,0]'), ('[3,5]')) t(v)) x;

-- all rows identical (any n, any seed): 0.5
SELECT count(*) AS rows, bool_and(abs(s - 0.5) < 1e-12) AS all_half
FROM (SELECT isolation_forest_score('[0.25,1,3]'::feature_vector, 10, 256, k) OVER (PARTITION BY k) AS s
      FROM generate_series(1, 40) i, generate_series(1, 3) k) x;

-- sample_size 1: c(1) = 0, no division by zero: 0.5
SELECT bool_and(s = 0.5) AS psi1_half
FROM (SELECT isolation_forest_score(v, 10, 1) OVER (PARTITION BY g) AS s FROM pts) x;

-- constant columns and duplicate rows: defined, finite, outliers still first
SELECT g, array_agg(i ORDER BY i) FILTER (WHERE rk <= 2) AS top2, bool_and(s > 0 AND s <= 1) AS in_range
FROM (SELECT g, i, s, rank() OVER (PARTITION BY g ORDER BY s DESC) AS rk
      FROM (SELECT g, i, isolation_forest_score(a || ARRAY[5.0, -1.0]::float8[]) OVER (PARTITION BY g) AS s
            FROM pts, generate_series(1, CASE WHEN i > 2 THEN 2 ELSE 1 END) dup) x) y
GROUP BY g ORDER BY g;

-- ------------------------------------------------------------------------
-- Model form
-- ------------------------------------------------------------------------
CREATE TEMP TABLE models AS
SELECT g, isolation_forest(v) AS m FROM pts GROUP BY g;

-- scoring the training rows with the model gives the window form's numbers
SELECT count(*) AS rows, bool_and(isolation_forest_score(m, p.v) = a.s) AS model_eq_window
FROM pts p JOIN models USING (g) JOIN s_asc a USING (g, i);

-- the aggregate does not depend on row order; the seed changes the model
SELECT bool_and(x.m::text = y.m::text) AS order_independent,
       bool_and(x.m::text = z.m::text) AS same_as_group_by,
       bool_and(x.m::text <> w.m::text) AS seed_changes_model
FROM (SELECT g, isolation_forest(v ORDER BY i) AS m FROM pts GROUP BY g) x
JOIN (SELECT g, isolation_forest(v ORDER BY i DESC) AS m FROM pts GROUP BY g) y USING (g)
JOIN models z USING (g)
JOIN (SELECT g, isolation_forest(v, 100, 256, 1) AS m FROM pts GROUP BY g) w USING (g);

-- text round trip: text -> model -> text is identical, and so are the scores
SELECT bool_and(m::text::isolation_forest_model::text = m::text) AS text_round_trip,
       bool_and(length(m::text) > 1000) AS has_trees
FROM models;
SELECT bool_and(isolation_forest_score(m::text::isolation_forest_model, p.v) = isolation_forest_score(m, p.v)) AS scores_survive
FROM pts p JOIN models USING (g);
-- binary round trip (send/recv): COPY in binary format, out and back in
CREATE TEMP TABLE models_bin (g int, m isolation_forest_model);
DO $$
DECLARE
	f text := '/tmp/lw_iforest_models_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY pg_temp.models TO %L WITH (FORMAT binary)', f);
	EXECUTE format('COPY pg_temp.models_bin FROM PROGRAM %L WITH (FORMAT binary)',
	               'cat ' || f || ' && rm -f ' || f);
END $$;
SELECT count(*) AS rows, bool_and(a.m::text = b.m::text) AS binary_round_trip
FROM models a JOIN models_bin b USING (g);

-- the text form is inspectable JSON
SELECT (m::text::jsonb) - 'trees' AS header, jsonb_array_length(m::text::jsonb -> 'trees') AS trees
FROM models WHERE g = 1;
SELECT isolation_forest(v, 3, 4, 9)::text AS small_model
FROM (VALUES ('[1,5]'::feature_vector), ('[2,5]'), ('[3,6]'), ('[4,5]')) t(v);

-- a model stored in a table (TOASTed) scores the same
CREATE TEMP TABLE stored (m isolation_forest_model);
INSERT INTO stored SELECT m FROM models WHERE g = 2;
SELECT bool_and(isolation_forest_score(s.m, p.v) = a.s) AS stored_eq_window
FROM stored s, pts p JOIN s_asc a USING (g, i) WHERE p.g = 2;

-- aggregate edge cases: no rows or only NULLs -> NULL; one row -> 0.5
SELECT isolation_forest(v) IS NULL AS no_rows FROM pts WHERE false;
SELECT isolation_forest(NULL::feature_vector) IS NULL AS only_nulls FROM generate_series(1, 3);
SELECT isolation_forest_score(isolation_forest('[1,2,3]'::feature_vector), '[9,9,9]'::feature_vector) AS one_row;
SELECT round(isolation_forest_score(m, '[9,9,9]'::feature_vector)::numeric, 12) AS identical_rows
FROM (SELECT isolation_forest('[1,2,3]'::feature_vector) AS m FROM generate_series(1, 50)) x;
-- a point far from the training data scores high, a typical one low
SELECT isolation_forest_score(m, array_fill(20.0::float8, ARRAY[12])) > 0.65 AS far_high,
       isolation_forest_score(m, array_fill(0.0::float8, ARRAY[12])) < 0.5 AS center_low
FROM models WHERE g = 1;
-- the double precision[] aggregate builds the same model as feature_vector
SELECT bool_and(x.m::text = z.m::text) AS array_agg_eq_vector
FROM (SELECT g, isolation_forest(a) AS m FROM pts GROUP BY g) x JOIN models z USING (g);

-- a parallel plan (partial aggregates in workers, combined, serialized in
-- between) builds exactly the serial plan's model
CREATE TABLE iforest_par AS SELECT * FROM pts, generate_series(1, 20) rep;
ANALYZE iforest_par;
CREATE TEMP TABLE serial_models AS SELECT g, isolation_forest(v)::text AS m FROM iforest_par GROUP BY g;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE FUNCTION pg_temp.plan_has(q text, what text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		IF line LIKE '%' || what || '%' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;
SELECT pg_temp.plan_has('SELECT g, isolation_forest(v) FROM iforest_par GROUP BY g', 'Partial') AS partial_plan;
SELECT count(*) AS groups, bool_and(p.m::text = s.m) AS parallel_eq_serial
FROM (SELECT g, isolation_forest(v) AS m FROM iforest_par GROUP BY g) p JOIN serial_models s USING (g);
-- ... and the window form over these bigger groups (2400 rows, 20 copies of
-- each, psi = 256 < n) is order independent too
SELECT bool_and(a.s = b.s) AS big_groups_order_independent
FROM (SELECT g, i, rep, isolation_forest_score(v) OVER (PARTITION BY g ORDER BY i, rep) AS s FROM iforest_par) a
JOIN (SELECT g, i, rep, isolation_forest_score(v) OVER (PARTITION BY g ORDER BY i DESC, rep DESC) AS s FROM iforest_par) b
USING (g, i, rep);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE iforest_par;

-- ------------------------------------------------------------------------
-- Errors (SQLSTATE: message)
-- ------------------------------------------------------------------------
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;

SELECT pg_temp.err(q) FROM (VALUES
	-- mixed dimensions
	($$SELECT isolation_forest_score(v) OVER () FROM (VALUES ('[1,2]'::feature_vector), ('[1,2,3]')) t(v)$$),
	($$SELECT isolation_forest(v) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) t(v)$$),
	($$SELECT isolation_forest_score(m, '[1,2,3]'::feature_vector) FROM models WHERE g = 1$$),
	-- invalid parameters
	($$SELECT isolation_forest_score(v, 0) OVER () FROM pts$$),
	($$SELECT isolation_forest_score(v, 10001) OVER () FROM pts$$),
	($$SELECT isolation_forest_score(v, 10, 0) OVER () FROM pts$$),
	($$SELECT isolation_forest_score(v, 10, 67108865) OVER () FROM pts$$),
	($$SELECT isolation_forest(v, -1) FROM pts$$),
	($$SELECT isolation_forest(v, 10, -5) FROM pts$$),
	($$SELECT isolation_forest_score(v, 10 + (i % 2)) OVER () FROM pts$$),
	($$SELECT isolation_forest(v, 10, 256, i) FROM pts$$),
	-- bad double precision[] input
	($$SELECT isolation_forest_score(a) OVER () FROM (VALUES ('{1,NaN}'::float8[]), ('{1,2}')) t(a)$$),
	($$SELECT isolation_forest_score(a) OVER () FROM (VALUES ('{1,Infinity}'::float8[])) t(a)$$),
	($$SELECT isolation_forest(a) FROM (VALUES ('{1,-Infinity}'::float8[])) t(a)$$),
	($$SELECT isolation_forest_score(a) OVER () FROM (VALUES ('{1,NULL}'::float8[])) t(a)$$),
	($$SELECT isolation_forest_score(a) OVER () FROM (VALUES ('{}'::float8[])) t(a)$$),
	($$SELECT isolation_forest_score(a) OVER () FROM (VALUES ('{{1,2},{3,4}}'::float8[])) t(a)$$),
	($$SELECT isolation_forest_score(m, '{1,NaN,1,1,1,1,1,1,1,1,1,1}'::float8[]) FROM models WHERE g = 1$$),
	-- NaN cannot even reach us as a feature_vector
	($$SELECT isolation_forest_score('[1,NaN]'::feature_vector) OVER ()$$)
) t(q);

-- invalid model text: each problem named (the third text is valid: one leaf
-- holding both rows, as when they are identical)
SELECT pg_temp.err(format('SELECT %L::isolation_forest_model', t)) FROM (VALUES
	('not json'),
	('{"type":"isolation_forest_model","version":2}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"size":2}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"size":1}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"feature":3,"split":0.5,"left":{"size":1},"right":{"size":1}}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"feature":1,"split":0.5,"left":{"feature":1,"split":0.1,"left":{"size":1},"right":{"size":1}},"right":{"size":1}}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":2,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"size":2}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"size":2}]} x'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":3,"training_rows":2,"seed":0,"trees":[{"size":2}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":8,"psi":2,"height_limit":1,"training_rows":5,"seed":0,"trees":[{"size":2}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"feature":1,"split":1e999,"left":{"size":1},"right":{"size":1}}]}'),
	('{"type":"isolation_forest_model","version":1,"dim":2,"n_trees":1,"sample_size":2,"psi":2,"height_limit":1,"training_rows":2,"seed":0,"trees":[{"feature":1,"split":nan,"left":{"size":1},"right":{"size":1}}]}')
) v(t);
-- the same text with whitespace is accepted and printed canonically
SELECT ' { "type" : "isolation_forest_model", "version":1, "dim":2, "n_trees":1, "sample_size":2, "psi":2,
  "height_limit":1, "training_rows":2, "seed":-3, "trees":[ {"feature":2, "split":0.50, "left":{"size":1}, "right":{"size":1}} ] }'::isolation_forest_model;
