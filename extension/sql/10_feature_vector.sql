-- ---------------------------------------------------------------------------
-- feature_vector: the type, its I/O, casts, distances, operators, aggregates.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.feature_vector;

CREATE FUNCTION @extschema@.feature_vector_in(cstring, oid, integer) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_out(@extschema@.feature_vector) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_typmod_in(cstring[]) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_recv(internal, oid, integer) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_send(@extschema@.feature_vector) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STORAGE plain: these vectors are a few dozen bytes; plain storage keeps the
-- 4-byte header so reading one never needs a detoast copy.
CREATE TYPE @extschema@.feature_vector (
	INPUT     = @extschema@.feature_vector_in,
	OUTPUT    = @extschema@.feature_vector_out,
	TYPMOD_IN = @extschema@.feature_vector_typmod_in,
	RECEIVE   = @extschema@.feature_vector_recv,
	SEND      = @extschema@.feature_vector_send,
	STORAGE   = plain,
	ALIGNMENT = int4
);
COMMENT ON TYPE @extschema@.feature_vector IS 'vector of float4 features; text form [x1,x2,...]';

-- casts

CREATE FUNCTION @extschema@.feature_vector(@extschema@.feature_vector, integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'feature_vector_coerce' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(integer[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(real[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(double precision[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(numeric[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_to_float4(@extschema@.feature_vector, integer, boolean) RETURNS real[]
	AS 'MODULE_PATHNAME', 'feature_vector_to_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_to_float8(@extschema@.feature_vector, integer, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'feature_vector_to_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (@extschema@.feature_vector AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.feature_vector(@extschema@.feature_vector, integer, boolean) AS IMPLICIT;
CREATE CAST (integer[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (real[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (@extschema@.feature_vector AS real[])
	WITH FUNCTION @extschema@.feature_vector_to_float4(@extschema@.feature_vector, integer, boolean) AS IMPLICIT;
CREATE CAST (@extschema@.feature_vector AS double precision[])
	WITH FUNCTION @extschema@.feature_vector_to_float8(@extschema@.feature_vector, integer, boolean);

-- functions

CREATE FUNCTION @extschema@.cosine_distance(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS double precision
	AS 'MODULE_PATHNAME', 'feature_vector_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.euclidean_distance(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS double precision
	AS 'MODULE_PATHNAME', 'feature_vector_euclidean_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cosine_distance(double precision[], double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'float8_array_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.euclidean_distance(double precision[], double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'float8_array_euclidean_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.norm(@extschema@.feature_vector) RETURNS double precision
	AS 'MODULE_PATHNAME', 'feature_vector_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dims(@extschema@.feature_vector) RETURNS integer
	AS 'MODULE_PATHNAME', 'feature_vector_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_add(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_sub(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- operators

CREATE OPERATOR @extschema@.<=> (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>)
);
CREATE OPERATOR @extschema@.<-> (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.euclidean_distance, COMMUTATOR = OPERATOR(@extschema@.<->)
);
CREATE OPERATOR @extschema@.+ (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.feature_vector_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
CREATE OPERATOR @extschema@.- (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.feature_vector_sub
);

-- aggregates

CREATE FUNCTION @extschema@.feature_vector_accum(double precision[], @extschema@.feature_vector) RETURNS double precision[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_avg(double precision[]) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.avg(@extschema@.feature_vector) (
	SFUNC = @extschema@.feature_vector_accum,
	STYPE = double precision[],
	FINALFUNC = @extschema@.feature_vector_avg,
	COMBINEFUNC = @extschema@.feature_vector_combine,
	INITCOND = '{0}',
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.sum(@extschema@.feature_vector) (
	SFUNC = @extschema@.feature_vector_add,
	STYPE = @extschema@.feature_vector,
	COMBINEFUNC = @extschema@.feature_vector_add,
	PARALLEL = SAFE
);
