SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- Hostile input through every SQL entry point that takes numbers or names: each case
-- either gives a documented result or fails with a clear error and a proper SQLSTATE
-- (never a crash, never a NaN or Infinity made from finite input).
-- pg_temp.try runs one statement and shows its single result or its error.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE q INTO r;
	RETURN COALESCE(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
	RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;

-- ---------------------------------------------------------------------------
-- feature_vector text input and typmod: NaN/Infinity refused (22000), values
-- past float4 refused (22003), denormals kept, values below the smallest
-- denormal become 0 (as float4 does), garbage 22P02, too many dimensions 54000
-- ---------------------------------------------------------------------------
SELECT q, pg_temp.try(q) AS result FROM (VALUES
	($$SELECT '[NaN,1]'::feature_vector$$),
	($$SELECT '[1,nan]'::feature_vector$$),
	($$SELECT '[Infinity,1]'::feature_vector$$),
	($$SELECT '[-inf,1]'::feature_vector$$),
	($$SELECT '[1e309]'::feature_vector$$),
	($$SELECT '[-1e39]'::feature_vector$$),
	($$SELECT '[3.4028235e38,-3.4028235e38]'::feature_vector$$),
	($$SELECT '[1e-45,-1e-45]'::feature_vector$$),
	($$SELECT '[1e-50]'::feature_vector$$),
	($$SELECT '[]'::feature_vector$$),
	($$SELECT ''::feature_vector$$),
	($$SELECT '   '::feature_vector$$),
	($$SELECT ' [ 1 , 2 ] '::feature_vector$$),
	($$SELECT '[1,,2]'::feature_vector$$),
	($$SELECT '[1,2]x'::feature_vector$$),
	($$SELECT '[1 2]'::feature_vector$$),
	($$SELECT '[abc]'::feature_vector$$),
	($$SELECT '[1,2'::feature_vector$$),
	($$SELECT '[''1'']'::feature_vector$$),
	($$SELECT '[1]'::feature_vector(0)$$),
	($$SELECT '[1]'::feature_vector(-1)$$),
	($$SELECT '[1]'::feature_vector(2147483647)$$),
	($$SELECT '[1,2]'::feature_vector(3)$$),
	($$SELECT dims(('[' || repeat('1,', 1023) || '1]')::feature_vector)::text$$),
	($$SELECT dims(('[' || repeat('1,', 1024) || '1]')::feature_vector)::text$$),
	($$SELECT dims(('[' || repeat('1,', 1000000) || '1]')::feature_vector)::text$$)
) t(q);

-- the binary form (feature_vector_recv, reached by COPY ... FORMAT binary: a bytea
-- field written by COPY TO is read back as a feature_vector): a value round-trips;
-- NaN/Infinity, dimension counts 0, -1 or past 1024, a non-zero reserved field,
-- missing or extra bytes are refused
CREATE TEMP TABLE fv_bin (v feature_vector);
CREATE FUNCTION pg_temp.fv_recv(b bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := current_setting('data_directory') || '/lw_hostile_input_recv.bin';
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext(f));  -- one file per cluster, one user at a time
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, f);
	TRUNCATE fv_bin;
	EXECUTE format('COPY fv_bin FROM %L (FORMAT binary)', f);
	RETURN (SELECT string_agg(v::text, ',') FROM fv_bin);
EXCEPTION WHEN OTHERS THEN
	RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT feature_vector_send('[1,-2.5]') AS send;
SELECT b AS recv_input, pg_temp.fv_recv(b) AS result FROM (VALUES
	('\x000200003f800000c0200000'::bytea),
	('\x0001000000000001'),
	('\x000100007fc00000'),
	('\x00010000ff800000'),
	('\x00000000'),
	('\xffff0000'),
	('\x04010000'),
	('\x000200003f800000'),
	('\x000100013f800000'),
	('\x000100003f80000000')
) t(b);

-- ---------------------------------------------------------------------------
-- casts from arrays: the same rules, plus NULL elements (22004), empty or
-- multidimensional arrays (22000), numeric past double precision (22003)
-- ---------------------------------------------------------------------------
SELECT q, pg_temp.try(q) AS result FROM (VALUES
	($$SELECT ARRAY['NaN'::real, 1]::feature_vector::text$$),
	($$SELECT ARRAY['-Infinity'::real, 1]::feature_vector::text$$),
	($$SELECT ARRAY['NaN'::float8, 1]::feature_vector::text$$),
	($$SELECT ARRAY['Infinity'::float8, 1]::feature_vector::text$$),
	($$SELECT ARRAY[1e300::float8, 1]::feature_vector::text$$),
	($$SELECT ARRAY[1e-300::float8, 1]::feature_vector::text$$),
	($$SELECT ARRAY['NaN'::numeric, 1]::feature_vector::text$$),
	($$SELECT ARRAY[1e39::numeric, 1]::feature_vector::text$$),
	($$SELECT ARRAY[2147483647, -2147483648]::feature_vector::text$$),
	($$SELECT ARRAY[NULL::float8, 1]::feature_vector::text$$),
	($$SELECT '{}'::float8[]::feature_vector::text$$),
	($$SELECT '{{1,2},{3,4}}'::float8[]::feature_vector::text$$),
	($$SELECT array_fill(1::real, ARRAY[1025])::feature_vector::text$$),
	($$SELECT array_fill(1::real, ARRAY[1024])::feature_vector(1024) IS NOT NULL$$)
) t(q);

-- ---------------------------------------------------------------------------
-- distances and operators.  Finite input gives a finite answer: sums that
-- would overflow or underflow float4 (3e38, denormals) are recomputed in double,
-- double precision[] input is rescaled; only a distance that itself exceeds
-- double precision (between 1e308 and -1e308) is an error (22003).  A zero
-- vector is at cosine distance 1 from everything.
-- ---------------------------------------------------------------------------
SELECT q, pg_temp.try(q) AS result FROM (VALUES
	($$SELECT ('[3e38,3e38]'::feature_vector <-> '[-3e38,-3e38]')::text$$),
	($$SELECT ('[3e38,3e38]'::feature_vector <=> '[3e38,3e38]')::text$$),
	($$SELECT ('[3e38,0]'::feature_vector <=> '[0,3e38]')::text$$),
	($$SELECT ('[3e38,3e38]'::feature_vector <=> '[-3e38,-3e38]')::text$$),
	($$SELECT ('[1e-45,1e-45]'::feature_vector <=> '[1e-45,1e-45]')::text$$),
	($$SELECT ('[1e-45,0]'::feature_vector <=> '[0,1e-45]')::text$$),
	($$SELECT ('[1e-45,1e-45]'::feature_vector <-> '[0,0]') > 0$$),
	($$SELECT ('[0,0]'::feature_vector <=> '[0,0]')::text$$),
	($$SELECT ('[0,0]'::feature_vector <=> '[1,1]')::text$$),
	($$SELECT ('[1,2]'::feature_vector <-> '[1,2,3]')::text$$),
	($$SELECT ('[1,2]'::feature_vector <=> '[1]')::text$$),
	($$SELECT cosine_distance(ARRAY[1e308, 1e308]::float8[], ARRAY[1e308, 1e308]::float8[])::text$$),
	($$SELECT cosine_distance(ARRAY[1e-320, 0]::float8[], ARRAY[0, 1e-320]::float8[])::text$$),
	($$SELECT cosine_distance(ARRAY[1e-320]::float8[], ARRAY[5e-324]::float8[])::text$$),
	($$SELECT euclidean_distance(ARRAY[1e200, 1e200]::float8[], ARRAY[0, 0]::float8[])::text$$),
	($$SELECT euclidean_distance(ARRAY[1e-320]::float8[], ARRAY[0]::float8[])::text$$),
	($$SELECT euclidean_distance(ARRAY[1e308, 1]::float8[], ARRAY[-1e308, 1]::float8[])::text$$),
	($$SELECT cosine_distance(ARRAY['NaN', 1]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT euclidean_distance(ARRAY['-Infinity', 1]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT cosine_distance(ARRAY[NULL, 1]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT cosine_distance('{}'::float8[], '{}'::float8[])::text$$),
	($$SELECT norm('[3e38,3e38]')::text$$),
	($$SELECT ('[3e38,3e38]'::feature_vector + '[3e38,3e38]')::text$$),
	($$SELECT ('[-3e38]'::feature_vector - '[3e38]')::text$$),
	($$SELECT ('[1]'::feature_vector + '[1,2]')::text$$),
	($$SELECT sum(v)::text FROM (VALUES ('[3e38]'::feature_vector), ('[3e38]')) t(v)$$),
	($$SELECT avg(v)::text FROM (VALUES ('[3e38]'::feature_vector), ('[3e38]')) t(v)$$),
	($$SELECT avg(v)::text FROM (VALUES ('[1]'::feature_vector), ('[1,2]')) t(v)$$),
	($$SELECT avg(v)::text FROM (SELECT '[1]'::feature_vector WHERE false) t(v)$$)
) t(q);

-- ---------------------------------------------------------------------------
-- standardize(raw, center, scale) = (raw - center) * scale: non-finite input
-- refused, results past float4 refused (22003), mismatched lengths 22000
-- ---------------------------------------------------------------------------
SELECT q, pg_temp.try(q) AS result FROM (VALUES
	($$SELECT standardize(ARRAY['NaN', 2]::float8[], ARRAY[0, 0]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1, 2]::float8[], ARRAY['Infinity', 0]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1, 2]::float8[], ARRAY[0, 0]::float8[], ARRAY['-Infinity', 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1e300, 2]::float8[], ARRAY[0, 0]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1e300, 2]::float8[], ARRAY[0, 0]::float8[], ARRAY[1e-300, 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1e308, 2]::float8[], ARRAY[-1e308, 0]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[5, 2]::float8[], ARRAY[1, 1]::float8[], ARRAY[0, 0]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1, 2]::float8[], ARRAY[0]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT standardize(ARRAY[1, NULL]::float8[], ARRAY[0, 0]::float8[], ARRAY[1, 1]::float8[])::text$$),
	($$SELECT standardize('{}'::float8[], '{}'::float8[], '{}'::float8[])::text$$)
) t(q);

-- ---------------------------------------------------------------------------
-- isolation_forest_score / isolation_forest: NaN/Infinity in the data refused,
-- partitions of 0 rows (no rows out) and 1 row (0.5), huge but finite values
-- scored in (0, 1], bad parameters 22023, too many values 54000
-- ---------------------------------------------------------------------------
SELECT q, pg_temp.try(q) AS result FROM (VALUES
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(a) OVER () s FROM (VALUES (ARRAY['NaN', 1]::float8[]), (ARRAY[1, 2]::float8[])) t(a)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(a) OVER () s FROM (VALUES (ARRAY['Infinity', 1]::float8[]), (ARRAY[1, 2]::float8[])) t(a)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(a, 10, 256, 1) OVER () s FROM (VALUES (ARRAY[1, 1]::float8[]), (ARRAY[1, 2, 3]::float8[])) t(a)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(a) OVER () s FROM (VALUES (ARRAY[NULL, 1]::float8[])) t(a)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(a) OVER () s FROM (VALUES ('{}'::float8[])) t(a)) x$$),
	($$SELECT count(*)::text FROM (SELECT isolation_forest_score(v) OVER () FROM (SELECT '[1]'::feature_vector WHERE false) t(v)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(v) OVER (PARTITION BY g) s FROM (VALUES (1, '[1,2]'::feature_vector), (2, '[3e38,-3e38]')) t(g, v)) x$$),
	($$SELECT bool_and(s > 0 AND s <= 1)::text || ' ' || count(*) FROM (SELECT isolation_forest_score(a) OVER () s FROM (VALUES (ARRAY[1e308, 1]::float8[]), (ARRAY[-1e308, 2]::float8[]), (ARRAY[0, 5e-324]::float8[]), (ARRAY[1, 1]::float8[])) t(a)) x$$),
	($$SELECT bool_and(s > 0 AND s <= 1)::text || ' ' || count(*) FROM (SELECT isolation_forest_score(v) OVER () s FROM (VALUES ('[3e38,1e-45]'::feature_vector), ('[-3e38,0]'), ('[0,-1e-45]')) t(v)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(v, 0) OVER () s FROM (VALUES ('[1]'::feature_vector)) t(v)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(v, 1000000000) OVER () s FROM (VALUES ('[1]'::feature_vector)) t(v)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(v, 10, -5) OVER () s FROM (VALUES ('[1]'::feature_vector)) t(v)) x$$),
	($$SELECT string_agg(s::text, ',') FROM (SELECT isolation_forest_score(a) OVER () s FROM (VALUES (array_fill(1::float8, ARRAY[100000]))) t(a)) x$$),
	($$SELECT (isolation_forest(v) IS NULL)::text FROM (SELECT '[1]'::feature_vector WHERE false) t(v)$$),
	($$SELECT (isolation_forest(a) IS NULL)::text FROM (VALUES (ARRAY['NaN', 1]::float8[])) t(a)$$),
	($$SELECT 'garbage'::isolation_forest_model::text$$),
	($$SELECT ''::isolation_forest_model::text$$)
) t(q);

-- ---------------------------------------------------------------------------
-- genre_map: quotes, backslashes, %, _ and * are plain characters (normalization
-- turns punctuation into spaces; nothing in a genre is a pattern, so '%' or '*'
-- alone maps to nothing rather than to everything, and '*core' is the word
-- 'core', not the wildcard rule that maps 'hardcore'); empty and giant strings
-- are fine
-- ---------------------------------------------------------------------------
SELECT g AS genre, e.normalized, e.family, e.genre_group
FROM (VALUES ('rock'), ('%'), ('_'), ('%%'), ('r_ck'), ('%rock%'), ('it''s rock'), ('"rock"'),
             (E'ro\\ck'), (E'rock\\'), ('*'), ('*core'), ('hardcore'), (''), ('   '), (NULL)) t(g),
     genre_map_explain(g) e;
SELECT length(e.normalized) AS normalized_length, e.family, e.genre_group
FROM genre_map_explain(repeat('x', 1000000)) e;
SELECT e.family, e.genre_group FROM genre_map_explain(repeat('rock ', 200000)) e;
SELECT * FROM genre_vote(ARRAY['%', '_', NULL, '', E'\\']);
SELECT * FROM genre_vote(array_fill('rock'::text, ARRAY[100000]));
SELECT * FROM genre_vote('{}'::text[]);

-- ---------------------------------------------------------------------------
-- recommend(): n of 0, negative, NULL, 10^9, 2^31-1; playlist names with quotes,
-- % and _ resolve by exact (case-insensitive) name, never as a pattern: as a
-- LIKE pattern 'a_b' would also match 'axb' (ambiguous) and 'a%' both of them
-- ---------------------------------------------------------------------------
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES ('ar1', 'A', '{chillhop}');
INSERT INTO listen_wiseer.tracks (track_id, name)
SELECT 't' || i, 'Track ' || i FROM generate_series(1, 12) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 't' || i, 0, 'ar1' FROM generate_series(1, 12) i;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 't' || i, 0.5 + 0.01 * i, 0.5, 0, -10, 1, 0.05, 0.5, 0.1, 0.1, 0.5, 100 + i, 'demo'
FROM generate_series(1, 12) i;
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES
	('p_pct', '100% chill'), ('p_us', 'a_b'), ('p_q', 'it''s "q"'), ('p_bs', E'back\\slash'),
	('p_plain', 'axb');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT p, 't' || i, i FROM (VALUES ('p_pct'), ('p_us'), ('p_q'), ('p_bs'), ('p_plain')) v(p),
       generate_series(1, 4) i;
SELECT q, pg_temp.try(q) AS result FROM (VALUES
	($$SELECT count(*)::text FROM recommend('100% chill', 3)$$),
	($$SELECT count(*)::text FROM recommend('a_b', 3)$$),
	($$SELECT count(*)::text FROM recommend('IT''S "Q"', 3)$$),
	($$SELECT count(*)::text FROM recommend(E'back\\slash', 3)$$),
	($$SELECT count(*)::text FROM recommend('%', 3)$$),
	($$SELECT count(*)::text FROM recommend('a%', 3)$$),
	($$SELECT count(*)::text FROM recommend('a_', 3)$$),
	($$SELECT count(*)::text FROM recommend('_x_', 3)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', 0)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', -1)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', NULL)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', 1000000000)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', 2147483647, 'nearest', false, false, NULL)$$),
	($$SELECT count(*)::text FROM recommend(NULL, 3)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', 3, NULL)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', 3, 'cosine', NULL, NULL, NULL)$$),
	($$SELECT count(*)::text FROM recommend('p_pct', 3, 'cosine', true, true, 0)$$)
) t(q);
