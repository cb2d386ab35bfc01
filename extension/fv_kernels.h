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

#include <float.h>
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

/*
 * The float kernels accumulate in float for speed.  Elements are finite floats, but
 * their squares and sums overflow past ~1.8e19 and underflow below ~1e-19; when the
 * fast sum is not a finite normal number the kernel recomputes in double, where
 * neither can happen for <= 1024 float elements.  So finite input never gives NaN or
 * Infinity, and tiny (denormal) vectors keep their direction.
 */
static inline double
fv_l2_squared_wide(int dim, const float *a, const float *b)
{
	double		sum = 0.0;

	for (int i = 0; i < dim; i++)
	{
		double		d = (double) a[i] - (double) b[i];

		sum += d * d;
	}
	return sum;
}

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
	if (!isfinite(sum) || sum < FLT_MIN)
		return fv_l2_squared_wide(dim, a, b);	/* also for a tiny difference that underflowed to 0 */
	return (double) sum;
}

/* 1 - dot / sqrt(na * nb) clamped to [0, 2]; 1 for a zero vector (see below). */
static inline double
fv_cosine_finish(double dot, double na, double nb)
{
	double		sim;

	if (na == 0.0 || nb == 0.0)
		return 1.0;
	sim = dot / sqrt(na * nb);
	if (sim > 1.0)
		sim = 1.0;
	else if (sim < -1.0)
		sim = -1.0;
	return 1.0 - sim;
}

static inline double
fv_cosine_distance_wide(int dim, const float *a, const float *b)
{
	double		dot = 0.0;
	double		na = 0.0;
	double		nb = 0.0;

	for (int i = 0; i < dim; i++)
	{
		dot += (double) a[i] * (double) b[i];
		na += (double) a[i] * (double) a[i];
		nb += (double) b[i] * (double) b[i];
	}
	return fv_cosine_finish(dot, na, nb);
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

	for (int i = 0; i < dim; i++)
	{
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	if (!isfinite(dot) || !isfinite(na) || !isfinite(nb) || na < FLT_MIN || nb < FLT_MIN)
		return fv_cosine_distance_wide(dim, a, b);	/* also zero vectors: it returns 1 */
	return fv_cosine_finish(dot, na, nb);
}

/*
 * The same two kernels over doubles, for double precision[] arguments.  Finite
 * doubles can overflow the sums (|x| > ~1e154) or underflow them (< ~1e-154): then
 * the vectors are rescaled by their largest magnitude first.  The euclidean distance
 * itself can exceed DBL_MAX (e.g. between 1e308 and -1e308): then it is Infinity and
 * the caller raises an error.
 */

/*
 * x / m, kept as written: the extension is compiled with -fassociative-math, which
 * could otherwise turn x/m - y/m back into the (x - y)/m that overflows.
 */
static inline double
fv_scaled(double x, double m)
{
	volatile double r = x / m;

	return r;
}

static inline double
fv_l2_distance_f8(int dim, const double *a, const double *b)
{
	double		sum = 0.0;
	double		m = 0.0;

	for (int i = 0; i < dim; i++)
	{
		double		d = a[i] - b[i];

		sum += d * d;
	}
	if (isfinite(sum) && sum >= DBL_MIN)
		return sqrt(sum);
	/* slow path: everything divided by the largest magnitude, then scaled back */
	for (int i = 0; i < dim; i++)
		m = fmax(m, fmax(fabs(a[i]), fabs(b[i])));
	if (m == 0.0)
		return 0.0;
	sum = 0.0;
	for (int i = 0; i < dim; i++)
	{
		double		d = fv_scaled(a[i], m) - fv_scaled(b[i], m);

		sum += d * d;
	}
	return m * sqrt(sum);
}

static inline double
fv_cosine_distance_f8(int dim, const double *a, const double *b)
{
	double		dot = 0.0;
	double		na = 0.0;
	double		nb = 0.0;
	double		ma = 0.0;
	double		mb = 0.0;

	for (int i = 0; i < dim; i++)
	{
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	if (isfinite(dot) && isfinite(na) && isfinite(nb) && na >= DBL_MIN && nb >= DBL_MIN)
		return fv_cosine_finish(dot, na, nb);
	/* cosine does not change when each vector is scaled: bring both to max |x| = 1 */
	for (int i = 0; i < dim; i++)
	{
		ma = fmax(ma, fabs(a[i]));
		mb = fmax(mb, fabs(b[i]));
	}
	if (ma == 0.0 || mb == 0.0)
		return 1.0;
	dot = na = nb = 0.0;
	for (int i = 0; i < dim; i++)
	{
		double		x = fv_scaled(a[i], ma);
		double		y = fv_scaled(b[i], mb);

		dot += x * y;
		na += x * x;
		nb += y * y;
	}
	return fv_cosine_finish(dot, na, nb);
}

#endif							/* LW_FV_KERNELS_H */
