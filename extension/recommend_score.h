/*
 * extension/recommend_score.h
 *
 * The scoring kernels of recommend(), shared by the per-candidate SQL helpers
 * (recommend.c) and the C orchestration (recommend_run.c), so both compute
 * every score with the very same code (and the same float rounding).
 */
#ifndef LW_RECOMMEND_SCORE_H
#define LW_RECOMMEND_SCORE_H

#include "postgres.h"
#include "utils/array.h"

/* a sorted table of text keys with a share each (a plain set: shares 1) */
typedef struct RecShareEntry
{
	char	   *key;
	int			len;
	double		share;
} RecShareEntry;

typedef struct RecShares
{
	int			n;
	RecShareEntry *entries;		/* sorted by (len, bytes) */
} RecShares;

/* keys must be 1-D text[] without nulls counted; shares NULL = every share 1 */
extern void rec_shares_from_arrays(RecShares *t, MemoryContext cxt, ArrayType *keys, ArrayType *shares);
/* from C arrays (keys copied) */
extern void rec_shares_from_c(RecShares *t, MemoryContext cxt, int n, char *const *keys,
							  const double *shares);
extern const RecShareEntry *rec_shares_find(const RecShares *t, const char *key, int len);
/* over the items of a text[]: the mean of their shares (0 for a missing one) or the largest */
extern double rec_shares_lookup(const RecShares *t, ArrayType *items, bool mean);
/* does any element of items belong to the set? */
extern bool rec_shares_overlap(const RecShares *t, ArrayType *items);

/* the elements of a 1-D text[] as C strings in cxt (nulls skipped): their count */
extern int	rec_text_items(ArrayType *a, MemoryContext cxt, char ***out);

/* a vector of length 1 in the profile's direction (0s for a zero profile) */
extern void rec_unit_vector(const float *x, int dim, float *unit);
/* cosine similarity of x to a unit vector, in [-1, 1]; 0 for a zero x */
extern double rec_cosine_to_unit(const float *unit, const float *x, int dim);

/* the members as unit rows, for the nearest-members similarity */
typedef struct RecMembers
{
	int			n;
	int			dim;
	float	   *unit;			/* n rows of dim floats */
} RecMembers;

extern void rec_members_build(RecMembers *m, MemoryContext cxt, int n, int dim, const float *rows);
/* mean cosine similarity of x to its k (1..16) most similar members; NaN when there is none */
extern double rec_neighbour_similarity(const RecMembers *m, const float *x, int dim, int k);

#define REC_MAX_NEIGHBOURS 16

#endif							/* LW_RECOMMEND_SCORE_H */
