/*
 * extension/distance.c
 *
 * Cosine and euclidean distance for feature_vector and double precision[],
 * norm, element-wise + and -, and the avg/sum aggregates (with combine
 * functions, so they run in parallel).  The arithmetic is in fv_kernels.h.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/float.h"

#include "feature_vector.h"
#include "fv_kernels.h"

/*
 * Distances
 */
PG_FUNCTION_INFO_V1(feature_vector_cosine_distance);
PG_FUNCTION_INFO_V1(feature_vector_euclidean_distance);
PG_FUNCTION_INFO_V1(float8_array_cosine_distance);
PG_FUNCTION_INFO_V1(float8_array_euclidean_distance);

/*
 * Norm and element-wise arithmetic
 */
PG_FUNCTION_INFO_V1(feature_vector_norm);
PG_FUNCTION_INFO_V1(feature_vector_add);
PG_FUNCTION_INFO_V1(feature_vector_sub);

/*
 * avg/sum aggregates (parallel: with a combine function)
 */
PG_FUNCTION_INFO_V1(feature_vector_accum);
PG_FUNCTION_INFO_V1(feature_vector_combine);
PG_FUNCTION_INFO_V1(feature_vector_avg);

const double *
Float8ArrayElements(ArrayType *array, int *dim)
{
	int			n;
	const double *values;

	if (ARR_ELEMTYPE(array) != FLOAT8OID)
		elog(ERROR, "expected a double precision[] argument");
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("array must be 1-dimensional")));
	if (array_contains_nulls(array))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("array must not contain nulls")));
	n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	CheckFeatureVectorDim(n);
	values = (const double *) ARR_DATA_PTR(array);
	for (int i = 0; i < n; i++)
		CheckFeatureVectorElement(values[i]);
	*dim = n;
	return values;
}

Datum
feature_vector_cosine_distance(PG_FUNCTION_ARGS)
{
	FeatureVector *a = PG_GETARG_FEATURE_VECTOR_P(0);
	FeatureVector *b = PG_GETARG_FEATURE_VECTOR_P(1);

	CheckFeatureVectorDims(a->dim, b->dim);
	PG_RETURN_FLOAT8(fv_cosine_distance(a->dim, a->x, b->x));
}

Datum
feature_vector_euclidean_distance(PG_FUNCTION_ARGS)
{
	FeatureVector *a = PG_GETARG_FEATURE_VECTOR_P(0);
	FeatureVector *b = PG_GETARG_FEATURE_VECTOR_P(1);

	CheckFeatureVectorDims(a->dim, b->dim);
	PG_RETURN_FLOAT8(sqrt(fv_l2_squared(a->dim, a->x, b->x)));
}

Datum
float8_array_cosine_distance(PG_FUNCTION_ARGS)
{
	int			da,
				db;
	const double *a = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(0), &da);
	const double *b = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(1), &db);

	CheckFeatureVectorDims(da, db);
	PG_RETURN_FLOAT8(fv_cosine_distance_f8(da, a, b));
}

Datum
float8_array_euclidean_distance(PG_FUNCTION_ARGS)
{
	int			da,
				db;
	const double *a = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(0), &da);
	const double *b = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(1), &db);
	double		d;

	CheckFeatureVectorDims(da, db);
	d = fv_l2_distance_f8(da, a, b);
	if (isinf(d))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("euclidean distance is out of range for type double precision")));
	PG_RETURN_FLOAT8(d);
}

Datum
feature_vector_norm(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	double		sum = 0.0;

	for (int i = 0; i < v->dim; i++)
		sum += (double) v->x[i] * (double) v->x[i];
	PG_RETURN_FLOAT8(sqrt(sum));
}

/* Narrow a double result to a float4 element, failing on overflow. */
static inline float
NarrowChecked(double value)
{
	if (isinf(value) || fabs(value) > FLT_MAX)
		float_overflow_error();
	return (float) value;
}

Datum
feature_vector_add(PG_FUNCTION_ARGS)
{
	FeatureVector *a = PG_GETARG_FEATURE_VECTOR_P(0);
	FeatureVector *b = PG_GETARG_FEATURE_VECTOR_P(1);
	FeatureVector *r;

	CheckFeatureVectorDims(a->dim, b->dim);
	r = InitFeatureVector(a->dim);
	for (int i = 0; i < a->dim; i++)
		r->x[i] = NarrowChecked((double) a->x[i] + (double) b->x[i]);
	PG_RETURN_FEATURE_VECTOR_P(r);
}

Datum
feature_vector_sub(PG_FUNCTION_ARGS)
{
	FeatureVector *a = PG_GETARG_FEATURE_VECTOR_P(0);
	FeatureVector *b = PG_GETARG_FEATURE_VECTOR_P(1);
	FeatureVector *r;

	CheckFeatureVectorDims(a->dim, b->dim);
	r = InitFeatureVector(a->dim);
	for (int i = 0; i < a->dim; i++)
		r->x[i] = NarrowChecked((double) a->x[i] - (double) b->x[i]);
	PG_RETURN_FEATURE_VECTOR_P(r);
}

/*
 * avg(feature_vector): the state is a double precision[] holding the count
 * in slot 0 and the running sums after it, like the built-in float8_accum,
 * so parallel aggregation needs no serialize/deserialize functions.
 */
static double *
CheckStateArray(ArrayType *state, int *nslots)
{
	if (ARR_NDIM(state) != 1 || ARR_HASNULL(state) || ARR_ELEMTYPE(state) != FLOAT8OID)
		elog(ERROR, "feature_vector avg: invalid transition state");
	*nslots = ARR_DIMS(state)[0];
	if (*nslots < 1)
		elog(ERROR, "feature_vector avg: empty transition state");
	return (double *) ARR_DATA_PTR(state);
}

static ArrayType *
MakeState(const double *slots, int nslots)
{
	Datum	   *d = palloc(sizeof(Datum) * nslots);
	ArrayType  *r;

	for (int i = 0; i < nslots; i++)
		d[i] = Float8GetDatum(slots[i]);
	r = construct_array(d, nslots, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	pfree(d);
	return r;
}

Datum
feature_vector_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(1);
	int			nslots;
	double	   *s = CheckStateArray(state, &nslots);
	double	   *out;
	ArrayType  *result;

	if (s[0] == 0.0)
	{
		out = palloc0(sizeof(double) * (v->dim + 1));
		nslots = v->dim + 1;
	}
	else
	{
		CheckFeatureVectorDims(nslots - 1, v->dim);
		out = palloc(sizeof(double) * nslots);
		memcpy(out, s, sizeof(double) * nslots);
	}
	out[0] = s[0] + 1.0;
	for (int i = 0; i < v->dim; i++)
	{
		out[i + 1] += v->x[i];
		if (isinf(out[i + 1]))
			float_overflow_error();
	}
	result = MakeState(out, nslots);
	pfree(out);
	PG_RETURN_ARRAYTYPE_P(result);
}

Datum
feature_vector_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *sa = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *sb = PG_GETARG_ARRAYTYPE_P(1);
	int			na,
				nb;
	double	   *a = CheckStateArray(sa, &na);
	double	   *b = CheckStateArray(sb, &nb);
	double	   *out;
	ArrayType  *result;

	if (a[0] == 0.0)
		PG_RETURN_ARRAYTYPE_P(MakeState(b, nb));
	if (b[0] == 0.0)
		PG_RETURN_ARRAYTYPE_P(MakeState(a, na));
	CheckFeatureVectorDims(na - 1, nb - 1);
	out = palloc(sizeof(double) * na);
	for (int i = 0; i < na; i++)
	{
		out[i] = a[i] + b[i];
		if (isinf(out[i]))
			float_overflow_error();
	}
	result = MakeState(out, na);
	pfree(out);
	PG_RETURN_ARRAYTYPE_P(result);
}

Datum
feature_vector_avg(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	int			nslots;
	double	   *s = CheckStateArray(state, &nslots);
	FeatureVector *r;

	if (s[0] == 0.0)
		PG_RETURN_NULL();
	r = InitFeatureVector(nslots - 1);
	for (int i = 1; i < nslots; i++)
		r->x[i - 1] = NarrowChecked(s[i] / s[0]);
	PG_RETURN_FEATURE_VECTOR_P(r);
}
