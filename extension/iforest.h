/*
 * extension/iforest.h
 *
 * Isolation Forest (Liu, Ting & Zhou 2008) as scikit-learn implements it:
 * psi = min(sample_size, n) rows per tree drawn without replacement, height
 * limit ceil(log2 psi), a random attribute among those not constant at the
 * node, a split drawn uniformly in [min, max), and at a leaf the path length
 * depth + c(size).  The score of x is 2^(-E[h(x)] / c(psi)), in (0, 1],
 * higher = more anomalous.
 *
 * Pure C: no PostgreSQL types in the interface, memory through a caller's
 * allocator (the SQL glue passes palloc in a memory context; the standalone
 * test driver passes malloc).  The allocator must not return NULL: it either
 * succeeds or does not return (palloc raises an error, the driver aborts).
 */
#ifndef LW_IFOREST_H
#define LW_IFOREST_H

#include <stddef.h>
#include <stdint.h>

/* ---- seeded portable PRNG: xoshiro256** seeded through splitmix64 ---- */

typedef struct IFRng
{
	uint64_t	s[4];
} IFRng;

extern uint64_t if_splitmix64(uint64_t *state);
extern void if_rng_seed(IFRng *rng, uint64_t seed);
extern uint64_t if_rng_next(IFRng *rng);
extern double if_rng_uniform(IFRng *rng);	/* [0, 1), top 53 bits */
extern uint64_t if_rng_below(IFRng *rng, uint64_t bound);	/* [0, bound), unbiased */

/* ---- memory ---- */

typedef struct IFAllocator
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*release) (void *ctx, void *ptr);
	void	   *ctx;
	/* optional (NULL = none): called between units of work (each tree built,
	 * each block of rows scored) so a caller can cancel a long call; it may
	 * not return (PostgreSQL's CHECK_FOR_INTERRUPTS): everything allocated
	 * came from alloc, so the caller's cleanup frees it */
	void		(*check) (void *ctx);
} IFAllocator;

/* ---- the forest ---- */

/*
 * One node of a tree, trees stored as flat arrays in preorder: an internal
 * node's left child is the next node, its right child is at index `aux`
 * (relative to the tree's first node).
 *   internal: feature >= 0, value = split (go left when x[feature] <= split)
 *   leaf:     feature = -1, value = depth + c(size), aux = size
 */
typedef struct IFNode
{
	double		value;
	int32_t		feature;
	int32_t		aux;
} IFNode;

typedef struct IForest
{
	int32_t		dim;			/* features per row */
	int32_t		n_trees;
	int32_t		psi;			/* rows per tree: min(sample_size, n) */
	int32_t		height_limit;	/* ceil(log2(max(psi, 2))) */
	double		c_psi;			/* c(psi), the score normaliser */
	int64_t		n_nodes;		/* total over all trees */
	int64_t    *tree_start;		/* n_trees + 1 offsets into nodes */
	IFNode	   *nodes;
} IForest;

#define IF_DEFAULT_TREES		100
#define IF_DEFAULT_SAMPLE_SIZE	256
#define IF_DEFAULT_SEED			0
/* largest sample per tree: the bulk scorer keeps node byte offsets in int32 */
#define IF_MAX_SAMPLE_SIZE		(1 << 26)

/* c(m): average path length of an unsuccessful BST search, sklearn's form */
extern double if_average_path_length(int64_t m);

/* height limit for a sub-sample of psi rows */
extern int32_t if_height_limit(int32_t psi);

/*
 * Canonical order of n rows of d doubles: writes a permutation of 0..n-1 into
 * perm that depends only on the rows' values (by row hash, ties by value), and
 * returns an order-independent 64-bit fingerprint of the rows (-0.0 counts as
 * 0.0).  Rows must not contain NaN.
 */
extern uint64_t if_canonical_order(const double *data, int32_t n, int32_t d,
								   int32_t *perm, const IFAllocator *a);

/*
 * Build a forest from n >= 1 rows of d >= 1 finite doubles (row-major).
 * The result depends only on the multiset of rows, n_trees, sample_size and
 * seed, never on row order: rows are put in canonical order and the RNG is
 * seeded from (seed, fingerprint of the rows).  n_trees >= 1, sample_size >= 1.
 * Everything, including forest->nodes, comes from the allocator.
 */
extern void if_build(IForest *forest, const double *data, int32_t n, int32_t d,
					 int32_t n_trees, int32_t sample_size, uint64_t seed,
					 const IFAllocator *a);

/* Mean path length E[h(x)] of one row over the forest's trees. */
extern double if_mean_path(const IForest *forest, const double *x);

/* Anomaly score from a mean path length: 2^(-E[h]/c(psi)); 0.5 when psi = 1 */
extern double if_score_from_path(const IForest *forest, double mean_path);

/* Score one row. */
extern double if_score(const IForest *forest, const double *x);

/* Score n rows (row-major), out[i] = score of row i: the numbers of
 * if_score, faster (working memory ~24 bytes per node from the allocator). */
extern void if_score_rows(const IForest *forest, const double *data, int64_t n,
						  double *out, const IFAllocator *a);

/*
 * Check a forest's structure (after reading one from outside): every tree's
 * nodes form one binary tree in preorder, features < dim, depth <= height
 * limit, leaf sizes >= 1 and summing to psi, splits finite.  Returns NULL if
 * valid, otherwise a static message naming the problem.
 */
extern const char *if_validate(const IForest *forest);

/* Recompute leaf values (depth + c(size)) from leaf sizes, e.g. after input. */
extern void if_set_leaf_values(IForest *forest);

#endif							/* LW_IFOREST_H */
