SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY default

-- text input and output
SELECT '[1,2,3]'::feature_vector;
SELECT '  [ 1.5 ,-2e-3,	4 ]  '::feature_vector;
SELECT '[0.1,0.2,0.3]'::feature_vector::text = '[0.1,0.2,0.3]' AS pgvector_compatible_text;
SELECT '[1e-40]'::feature_vector;	-- float4 subnormal survives

-- syntax errors (22P02), bad values (22000), limits (54000), out of range (22003)
\set VERBOSITY sqlstate
SELECT '1,2,3'::feature_vector;
SELECT '[1,2'::feature_vector;
SELECT '[1,,2]'::feature_vector;
SELECT '[1,2,]'::feature_vector;
SELECT '[1 2]'::feature_vector;
SELECT '[1,2]x'::feature_vector;
SELECT '[a]'::feature_vector;
SELECT ''::feature_vector;
SELECT '[]'::feature_vector;
SELECT '[NaN]'::feature_vector;
SELECT '[1,Infinity]'::feature_vector;
SELECT '[1,-inf]'::feature_vector;
SELECT '[4e38]'::feature_vector;
SELECT '[1e400]'::feature_vector;
SELECT ('[' || repeat('1,', 1024) || '1]')::feature_vector;
\set VERBOSITY default
SELECT '1,2,3'::feature_vector;
SELECT '[1,2]x'::feature_vector;
SELECT '[]'::feature_vector;
SELECT '[NaN]'::feature_vector;
SELECT ('[' || repeat('1,', 1024) || '1]')::feature_vector;
SELECT dims(('[' || repeat('1,', 1023) || '1]')::feature_vector);

-- typmod: enforced on input, by the length-coercion cast, and on insert
SELECT '[1,2,3]'::feature_vector(3);
SELECT '[1,2,3]'::feature_vector(2);
SELECT '[1,2]'::feature_vector::feature_vector(3);
SELECT '[1]'::feature_vector(0);
SELECT '[1]'::feature_vector(1025);
SELECT '[1]'::feature_vector(1, 2);
CREATE TABLE fv3 (id int PRIMARY KEY, v feature_vector(3));
INSERT INTO fv3 VALUES (1, '[1,2,3]');
INSERT INTO fv3 VALUES (2, '[1,2]');
INSERT INTO fv3 VALUES (2, '[1,2]'::feature_vector);
INSERT INTO fv3 VALUES (2, ARRAY[4,5,6]);
INSERT INTO fv3 VALUES (3, ARRAY[1.5,2.5]::numeric[]);
SELECT * FROM fv3 ORDER BY id;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'fv3'::regclass AND attname = 'v';

-- casts from and to arrays
SELECT ARRAY[1,2,3]::feature_vector, ARRAY[1.5,2.5]::real[]::feature_vector,
       ARRAY[0.25,-1]::double precision[]::feature_vector, ARRAY[1.125,2]::numeric[]::feature_vector;
SELECT '[1.5,2]'::feature_vector::real[], '[1.5,2]'::feature_vector::double precision[];
SELECT ARRAY[[1,2],[3,4]]::feature_vector;
SELECT ARRAY[1,NULL]::feature_vector;
SELECT '{}'::real[]::feature_vector;
SELECT ARRAY['NaN']::double precision[]::feature_vector;
SELECT ARRAY[1e39]::double precision[]::feature_vector;
-- an explicit array cast feeds the distance functions
SELECT cosine_distance(ARRAY[1,0]::real[]::feature_vector, '[0,1]');

-- text COPY round trip
CREATE TABLE fvcopy (id int, v feature_vector);
INSERT INTO fvcopy VALUES (1, '[1,2,3]'), (2, '[-0.5,1e-20,3.4028235e38]'), (3, NULL), (4, '[0.1]');
\copy fvcopy TO 'results/fv_text.copy'
CREATE TABLE fvcopy_text (LIKE fvcopy);
\copy fvcopy_text FROM 'results/fv_text.copy'
SELECT a.id, a.v, b.v, a.v::real[] IS NOT DISTINCT FROM b.v::real[] AS same
FROM fvcopy a JOIN fvcopy_text b USING (id) ORDER BY id;

-- binary COPY round trip
\copy fvcopy TO 'results/fv_binary.copy' WITH (FORMAT binary)
CREATE TABLE fvcopy_bin (LIKE fvcopy);
\copy fvcopy_bin FROM 'results/fv_binary.copy' WITH (FORMAT binary)
SELECT a.id, a.v::real[] IS NOT DISTINCT FROM b.v::real[] AS same
FROM fvcopy a JOIN fvcopy_bin b USING (id) ORDER BY id;
-- binary input is validated like text input
CREATE TABLE fvcopy_bin2 (id int, v feature_vector(2));
\copy fvcopy_bin2 FROM 'results/fv_binary.copy' WITH (FORMAT binary)
-- a binary stream with a non-zero reserved field, a NaN, and zero dimensions
CREATE TABLE fvbin_bad (v feature_vector);
COPY fvbin_bad FROM PROGRAM 'printf ''PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\010\000\001\000\001\077\200\000\000\377\377''' WITH (FORMAT binary);
COPY fvbin_bad FROM PROGRAM 'printf ''PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\010\000\001\000\000\177\300\000\000\377\377''' WITH (FORMAT binary);
COPY fvbin_bad FROM PROGRAM 'printf ''PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\004\000\000\000\000\377\377''' WITH (FORMAT binary);
-- the same stream with valid contents loads
COPY fvbin_bad FROM PROGRAM 'printf ''PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\010\000\001\000\000\077\200\000\000\377\377''' WITH (FORMAT binary);
SELECT * FROM fvbin_bad;
SELECT feature_vector_send('[1,-2]');

-- distances: the issue's examples
SELECT '[3,4]'::feature_vector <-> '[0,0]' AS five;
SELECT '[1,0]'::feature_vector <=> '[0,1]' AS one;
SELECT '[1,2]'::feature_vector <-> '[1,2,3]';
SELECT '[1,2]'::feature_vector <=> '[1,2,3]';
SELECT cosine_distance('[2,0]'::feature_vector, '[5,0]') AS parallel,
       cosine_distance('[1,1]'::feature_vector, '[-1,-1]') AS opposite,
       euclidean_distance('[1,1,1,1]'::feature_vector, '[2,2,2,2]') AS two;
-- zero vector: cosine is undefined; we define the distance as 1 (similarity 0)
SELECT '[0,0]'::feature_vector <=> '[1,1]' AS zero_left, '[1,1]'::feature_vector <=> '[0,0]' AS zero_right,
       '[0,0]'::feature_vector <=> '[0,0]' AS both_zero;
-- double precision[] versions
SELECT euclidean_distance(ARRAY[3,4]::float8[], ARRAY[0,0]::float8[]),
       cosine_distance(ARRAY[1,0]::float8[], ARRAY[0,1]::float8[]);
SELECT euclidean_distance(ARRAY[1,2]::float8[], ARRAY[1,2,3]::float8[]);
SELECT cosine_distance(ARRAY[1,NULL]::float8[], ARRAY[1,2]::float8[]);
SELECT cosine_distance(ARRAY['NaN',1]::float8[], ARRAY[1,2]::float8[]);
SELECT cosine_distance(ARRAY[[1,2]]::float8[], ARRAY[1,2]::float8[]);

-- against independently computed values on random data (SQL arithmetic in numeric)
SELECT setseed(0.42);
CREATE TABLE rv AS
SELECT i, ARRAY(SELECT round((random() * 2 - 1)::numeric, 4) FROM generate_series(1, 12) WHERE i > 0)::float8[] AS a
FROM generate_series(1, 60) i;
CREATE TABLE pairs AS
SELECT x.i AS i, y.i AS j, x.a AS a, y.a AS b, x.a::feature_vector AS va, y.a::feature_vector AS vb
FROM rv x, rv y WHERE x.i < y.i AND (x.i + y.i) % 7 = 0;
SELECT count(*) AS pairs,
       max(abs((va <-> vb) - sqrt((SELECT sum((p - q)^2) FROM unnest(a, b) u(p, q))))) < 1e-5 AS euclid_ok,
       max(abs((va <=> vb) - (1 - (SELECT sum(p * q) FROM unnest(a, b) u(p, q))
           / sqrt((SELECT sum(p * p) FROM unnest(a) p) * (SELECT sum(q * q) FROM unnest(b) q))))) < 1e-5 AS cosine_ok,
       max(abs(euclidean_distance(a, b) - (va <-> vb))) < 1e-5 AS array_euclid_agrees,
       max(abs(cosine_distance(a, b) - (va <=> vb))) < 1e-5 AS array_cosine_agrees
FROM pairs;
-- properties: symmetry, identity, triangle inequality (euclidean), range (cosine)
SELECT bool_and((va <-> vb) = (vb <-> va)) AS euclid_symmetric,
       bool_and((va <=> vb) = (vb <=> va)) AS cosine_symmetric,
       bool_and((va <-> va) = 0) AS euclid_identity,
       bool_and(abs(va <=> va) < 1e-6) AS cosine_identity,
       bool_and((va <=> vb) BETWEEN 0 AND 2) AS cosine_range
FROM pairs;
SELECT bool_and((x.a::feature_vector <-> z.a::feature_vector)
                <= (x.a::feature_vector <-> y.a::feature_vector) + (y.a::feature_vector <-> z.a::feature_vector) + 1e-5)
       AS triangle_inequality, count(*)
FROM rv x, rv y, rv z WHERE x.i < 15 AND y.i < 15 AND z.i < 15;
-- scaling a vector does not change its cosine distance
SELECT bool_and(abs((va <=> vb) - (array_to_feature_vector(ARRAY(SELECT p * 3.5 FROM unnest(a) p), -1, false) <=> vb)) < 1e-5)
FROM pairs;

-- norm, dims, + and -
SELECT norm('[3,4]'), dims('[1,2,3]'), '[1,2]'::feature_vector + '[0.5,-2]', '[1,2]'::feature_vector - '[0.5,-2]';
SELECT '[1,2]'::feature_vector + '[1,2,3]';
SELECT '[3e38]'::feature_vector + '[3e38]';
SELECT '[-3e38]'::feature_vector - '[3e38]';

-- aggregates
SELECT avg(v), sum(v) FROM (VALUES ('[1,2]'::feature_vector), ('[3,6]'), (NULL)) t(v);
SELECT avg(v) IS NULL AS avg_empty, sum(v) IS NULL AS sum_empty FROM fvcopy WHERE false;
SELECT avg(v) FROM (VALUES ('[1,2]'::feature_vector), ('[1,2,3]')) t(v);
SELECT sum(v) FROM (VALUES ('[1,2]'::feature_vector), ('[1,2,3]')) t(v);
SELECT sum(v) FROM (VALUES ('[3e38]'::feature_vector), ('[3e38]')) t(v);
-- the aggregates agree with per-dimension SQL arithmetic
SELECT bool_and(abs(x - y) < 1e-4) AS avg_agrees
FROM unnest((SELECT avg(a::feature_vector)::float8[] FROM rv),
            (SELECT array_agg(m ORDER BY d) FROM (SELECT d, avg(a[d]) m FROM rv, generate_series(1, 12) d GROUP BY d) s)) u(x, y);

-- parallel aggregation uses the combine functions
CREATE TABLE big AS SELECT i, ARRAY[i % 7, i % 11, 1]::feature_vector AS v FROM generate_series(1, 30000) i;
ANALYZE big;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT avg(v), sum(v) FROM big;
SELECT avg(v), sum(v) FROM big;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT avg(v), sum(v) FROM big;

-- the catalog says what is immutable, strict and parallel safe
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'listen_wiseer'
WHERE p.proname IN ('cosine_distance', 'euclidean_distance', 'norm', 'dims', 'feature_vector_in',
                    'feature_vector_add', 'array_to_feature_vector')
GROUP BY 1, 2, 3, 4 ORDER BY 1;
