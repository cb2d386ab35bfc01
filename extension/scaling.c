/*
 * extension/scaling.c
 *
 * The one formula that puts audio features on comparable scales:
 * v[i] = (raw[i] - center[i]) * scale[i], where the SQL side supplies the
 * library's per-feature mean as center and weight / stddev as scale
 * (0 for a feature that is constant across the library).
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "fmgr.h"
#include "utils/array.h"

#include "feature_vector.h"

/*
 * Scaling
 */
PG_FUNCTION_INFO_V1(feature_vector_standardize);

Datum
feature_vector_standardize(PG_FUNCTION_ARGS)
{
	int			nraw,
				ncenter,
				nscale;
	const double *raw = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(0), &nraw);
	const double *center = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(1), &ncenter);
	const double *scale = Float8ArrayElements(PG_GETARG_ARRAYTYPE_P(2), &nscale);
	FeatureVector *v;

	CheckFeatureVectorDims(nraw, ncenter);
	CheckFeatureVectorDims(nraw, nscale);
	v = InitFeatureVector(nraw);
	for (int i = 0; i < nraw; i++)
	{
		double		z = (raw[i] - center[i]) * scale[i];

		if (!isfinite(z) || fabs(z) > FLT_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("standardized feature %d is out of range", i + 1)));
		v->x[i] = (float) z;
	}
	PG_RETURN_FEATURE_VECTOR_P(v);
}
