/*
 * extension/feature_vector.c
 *
 * The feature_vector type: constructor, validators, text and binary I/O,
 * typmod, and casts from and to arrays.  Distances and aggregates live in
 * distance.c.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "feature_vector.h"
#include "fv_parse.h"
#include "recommend_pool_cache.h"

PG_MODULE_MAGIC;

/* the module's settings (listen_wiseer.recommend_cache_size: recommend_pool_cache.c) */
PGDLLEXPORT void _PG_init(void);

void
_PG_init(void)
{
	rec_pool_define_gucs();
}

/*
 * Input/Output routines
 */
PG_FUNCTION_INFO_V1(feature_vector_in);
PG_FUNCTION_INFO_V1(feature_vector_out);
PG_FUNCTION_INFO_V1(feature_vector_typmod_in);
PG_FUNCTION_INFO_V1(feature_vector_recv);
PG_FUNCTION_INFO_V1(feature_vector_send);

/*
 * Casts
 */
PG_FUNCTION_INFO_V1(feature_vector_coerce);
PG_FUNCTION_INFO_V1(array_to_feature_vector);
PG_FUNCTION_INFO_V1(feature_vector_to_float4);
PG_FUNCTION_INFO_V1(feature_vector_to_float8);

/*
 * Accessors
 */
PG_FUNCTION_INFO_V1(feature_vector_dims);

/* Allocate a zeroed vector of dim elements. */
FeatureVector *
InitFeatureVector(int dim)
{
	FeatureVector *v;
	Size		size = FV_SIZE(dim);

	v = (FeatureVector *) palloc0(size);
	SET_VARSIZE(v, size);
	v->dim = dim;
	return v;
}

void
CheckFeatureVectorDim(int dim)
{
	if (dim < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("feature_vector must have at least 1 dimension")));
	if (dim > FV_MAX_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("feature_vector cannot have more than %d dimensions", FV_MAX_DIM)));
}

void
CheckFeatureVectorDims(int a, int b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("different feature_vector dimensions %d and %d", a, b)));
}

void
CheckFeatureVectorElement(double value)
{
	if (isnan(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("NaN not allowed in feature_vector")));
	if (isinf(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("infinite value not allowed in feature_vector")));
}

void
CheckFeatureVectorExpectedDim(int32 typmod, int dim)
{
	if (typmod != -1 && typmod != dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("expected %d dimensions, not %d", typmod, dim)));
}

/* A float4 element, range-checked before narrowing. */
static float
ToElement(double value)
{
	CheckFeatureVectorElement(value);
	if (fabs(value) > FLT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %g is out of range for type feature_vector", value)));
	return (float) value;
}

static void
SyntaxError(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type feature_vector: \"%s\"", input),
			 detail ? errdetail("%s", detail) : 0));
}

/* Text input: "[1, 2.5, -3e-2]"; the parsing is fv_parse() (fv_parse.c), the errors are here. */
Datum
feature_vector_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	int32		typmod = PG_GETARG_INT32(2);
	float		values[FV_MAX_DIM];
	FvParseResult res;
	FeatureVector *result;

	switch (fv_parse(input, values, FV_MAX_DIM, &res))
	{
		case FV_PARSE_OK:
			break;
		case FV_PARSE_NO_BRACKET:
			SyntaxError(input, "Feature vector contents must start with \"[\".");
			break;
		case FV_PARSE_SYNTAX:
			SyntaxError(input, NULL);
			break;
		case FV_PARSE_JUNK:
			SyntaxError(input, "Junk after closing right bracket.");
			break;
		case FV_PARSE_TOO_MANY:
			CheckFeatureVectorDim(res.dim + 1);
			break;
		case FV_PARSE_OUT_OF_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("\"%.*s\" is out of range for type feature_vector",
							(int) res.len, input + res.pos)));
			break;
		case FV_PARSE_NOT_FINITE:
			CheckFeatureVectorElement(res.value);
			break;
	}
	/* every element is finite and within float4 here */

	CheckFeatureVectorDim(res.dim);
	CheckFeatureVectorExpectedDim(typmod, res.dim);

	result = InitFeatureVector(res.dim);
	memcpy(result->x, values, sizeof(float) * res.dim);
	PG_RETURN_FEATURE_VECTOR_P(result);
}

/* Text output: shortest decimal that round-trips, independent of extra_float_digits. */
Datum
feature_vector_out(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	char	   *buf = palloc(v->dim * (FLOAT_SHORTEST_DECIMAL_LEN + 1) + 2);
	char	   *p = buf;

	*p++ = '[';
	for (int i = 0; i < v->dim; i++)
	{
		if (i > 0)
			*p++ = ',';
		p += float_to_shortest_decimal_bufn(v->x[i], p);
	}
	*p++ = ']';
	*p = '\0';
	PG_RETURN_CSTRING(buf);
}

/* feature_vector(n): exactly one positive modifier. */
Datum
feature_vector_typmod_in(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	int32	   *tl;
	int			n;

	tl = ArrayGetIntegerTypmods(ta, &n);
	if (n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type modifier"),
				 errdetail("feature_vector takes exactly one modifier, its number of dimensions.")));
	if (*tl < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimensions for type feature_vector must be at least 1")));
	if (*tl > FV_MAX_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimensions for type feature_vector cannot exceed %d", FV_MAX_DIM)));
	PG_RETURN_INT32(*tl);
}

/* Binary input: int16 dim, int16 reserved (0), dim float4; validated like text. */
Datum
feature_vector_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		typmod = PG_GETARG_INT32(2);
	int16		dim;
	int16		unused;
	FeatureVector *result;

	dim = pq_getmsgint(buf, sizeof(int16));
	unused = pq_getmsgint(buf, sizeof(int16));
	CheckFeatureVectorDim(dim);
	CheckFeatureVectorExpectedDim(typmod, dim);
	if (unused != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary feature_vector: reserved field must be 0, not %d", unused)));

	result = InitFeatureVector(dim);
	for (int i = 0; i < dim; i++)
	{
		result->x[i] = pq_getmsgfloat4(buf);
		CheckFeatureVectorElement(result->x[i]);
	}
	PG_RETURN_FEATURE_VECTOR_P(result);
}

Datum
feature_vector_send(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint(&buf, v->dim, sizeof(int16));
	pq_sendint(&buf, 0, sizeof(int16));
	for (int i = 0; i < v->dim; i++)
		pq_sendfloat4(&buf, v->x[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Length coercion: feature_vector -> feature_vector(n). */
Datum
feature_vector_coerce(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	int32		typmod = PG_GETARG_INT32(1);

	CheckFeatureVectorExpectedDim(typmod, v->dim);
	PG_RETURN_FEATURE_VECTOR_P(v);
}

/* Casts from integer[], real[], double precision[] and numeric[]. */
Datum
array_to_feature_vector(PG_FUNCTION_ARGS)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(0);
	int32		typmod = PG_GETARG_INT32(1);
	Oid			elemtype = ARR_ELEMTYPE(array);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	FeatureVector *result;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("array must be 1-dimensional to become a feature_vector")));
	if (array_contains_nulls(array))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("array must not contain nulls to become a feature_vector")));

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign, &elems, &nulls, &nelems);

	CheckFeatureVectorDim(nelems);
	CheckFeatureVectorExpectedDim(typmod, nelems);

	result = InitFeatureVector(nelems);
	for (int i = 0; i < nelems; i++)
	{
		double		value;

		switch (elemtype)
		{
			case INT4OID:
				value = DatumGetInt32(elems[i]);
				break;
			case FLOAT4OID:
				value = DatumGetFloat4(elems[i]);
				break;
			case FLOAT8OID:
				value = DatumGetFloat8(elems[i]);
				break;
			case NUMERICOID:
				value = DatumGetFloat8(DirectFunctionCall1(numeric_float8, elems[i]));
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("unsupported array element type %s for feature_vector",
								format_type_be(elemtype))));
				value = 0;		/* keep compiler quiet */
		}
		result->x[i] = ToElement(value);
	}
	pfree(elems);
	pfree(nulls);
	PG_RETURN_FEATURE_VECTOR_P(result);
}

Datum
feature_vector_to_float4(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	Datum	   *d = palloc(sizeof(Datum) * v->dim);

	for (int i = 0; i < v->dim; i++)
		d[i] = Float4GetDatum(v->x[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, v->dim, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT));
}

Datum
feature_vector_to_float8(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	Datum	   *d = palloc(sizeof(Datum) * v->dim);

	for (int i = 0; i < v->dim; i++)
		d[i] = Float8GetDatum((double) v->x[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, v->dim, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

Datum
feature_vector_dims(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);

	PG_RETURN_INT32(v->dim);
}
