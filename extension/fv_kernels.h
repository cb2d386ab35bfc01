/*
 * extension/fv_kernels.h
 *
 * Distance kernels on plain float arrays: no PostgreSQL types, so they can be
 * unit-tested and benchmarked alone.  Written as the simplest single-accumulator
 * loops so GCC auto-vectorizes them (the Makefile allows reassociation for this
 * extension only).  On x86-64 with glibc, target_clones adds an FMA/AVX2 clone
 * chosen at load time, so the binary stays portable (no -march=native).
 */
#ifndef LW_FV_KERNELS_H
#define LW_FV_KERNELS_H

#include <math.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	defined(__has_attribute) && defined(__GLIBC__)
#if __has_attribute(target_clones) && !defined(__FMA__)
#define LW_TARGET_CLONES __attribute__((target_clones("default", "arch=haswell")))
#endif
#endif
#ifndef LW_TARGET_CLONES
#define LW_TARGET_CLONES
#endif

/* Squared euclidean distance. */
LW_TARGET_CLONES static double
fv_l2_squared(int dim, const float *a, const float *b)
{
	float		sum = 0.0f;

	for (int i = 0; i < dim; i++)
	{
		float		d = a[i] - b[i];

		sum += d * d;
	}
	return (double) sum;
}

/*
 * Cosine distance, 1 - cos(a, b), clamped to [0, 2].  When either vector has
 * zero length the direction is undefined: we return 1 (similarity 0), the
 * convention scikit-learn's cosine_similarity uses, instead of NaN, so that a
 * zero vector neither poisons sums nor sorts as "closest".
 */
LW_TARGET_CLONES static double
fv_cosine_distance(int dim, const float *a, const float *b)
{
	float		dot = 0.0f;
	float		na = 0.0f;
	float		nb = 0.0f;
	double		sim;

	for (int i = 0; i < dim; i++)
	{
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	if (na == 0.0f || nb == 0.0f)
		return 1.0;
	sim = (double) dot / sqrt((double) na * (double) nb);
	if (sim > 1.0)
		sim = 1.0;
	else if (sim < -1.0)
		sim = -1.0;
	return 1.0 - sim;
}

/* The same two kernels over doubles, for double precision[] arguments. */
static inline double
fv_l2_squared_f8(int dim, const double *a, const double *b)
{
	double		sum = 0.0;

	for (int i = 0; i < dim; i++)
	{
		double		d = a[i] - b[i];

		sum += d * d;
	}
	return sum;
}

static inline double
fv_cosine_distance_f8(int dim, const double *a, const double *b)
{
	double		dot = 0.0;
	double		na = 0.0;
	double		nb = 0.0;
	double		sim;

	for (int i = 0; i < dim; i++)
	{
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	if (na == 0.0 || nb == 0.0)
		return 1.0;
	sim = dot / sqrt(na * nb);
	if (sim > 1.0)
		sim = 1.0;
	else if (sim < -1.0)
		sim = -1.0;
	return 1.0 - sim;
}

#endif							/* LW_FV_KERNELS_H */
