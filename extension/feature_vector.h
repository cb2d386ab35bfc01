/*
 * extension/feature_vector.h
 *
 * The feature_vector type: a varlena of float4 elements, pgvector-compatible
 * text form ("[0.1,0.2]").  One constructor and one set of validators, used by
 * every entry point so that each error message exists in one place.
 */
#ifndef LW_FEATURE_VECTOR_H
#define LW_FEATURE_VECTOR_H

#include "postgres.h"
#include "fmgr.h"

/* Audio-feature vectors are tiny; the limit only guards against nonsense. */
#define FV_MAX_DIM 1024

typedef struct FeatureVector
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int16		dim;			/* number of elements */
	int16		unused;			/* reserved, always zero */
	float		x[FLEXIBLE_ARRAY_MEMBER];
} FeatureVector;

#define FV_SIZE(_dim)		(offsetof(FeatureVector, x) + sizeof(float) * (_dim))
#define DatumGetFeatureVector(d)	((FeatureVector *) PG_DETOAST_DATUM(d))
#define PG_GETARG_FEATURE_VECTOR_P(n)	DatumGetFeatureVector(PG_GETARG_DATUM(n))
#define PG_RETURN_FEATURE_VECTOR_P(v)	PG_RETURN_POINTER(v)

extern FeatureVector *InitFeatureVector(int dim);

/* Validators: each raises the one error for its problem. */
extern void CheckFeatureVectorDim(int dim);		/* 1..FV_MAX_DIM */
extern void CheckFeatureVectorDims(int a, int b);	/* equal dimensions */
extern void CheckFeatureVectorElement(double value);	/* finite */
extern void CheckFeatureVectorExpectedDim(int32 typmod, int dim);

/*
 * The elements of a double precision[] argument, validated like a
 * feature_vector (1-D, no NULLs, finite, 1..FV_MAX_DIM).  Returns a pointer
 * into the array (no copy) when possible.
 */
struct ArrayType;
extern const double *Float8ArrayElements(struct ArrayType *array, int *dim);

#endif							/* LW_FEATURE_VECTOR_H */
