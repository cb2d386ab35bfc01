/*
 * extension/iforest.c
 *
 * The pure isolation forest: RNG, canonical row order, tree building, path
 * lengths and scores.  See iforest.h for the contract and
 * docs/design/isolation-forest.md for the algorithm and the decisions behind it.
 */
#include "iforest.h"

#include <math.h>
#include <string.h>

#define IF_EULER_GAMMA 0.5772156649015329

/* ------------------------------------------------------------------------
 * RNG
 * ------------------------------------------------------------------------ */

uint64_t
if_splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

void
if_rng_seed(IFRng *rng, uint64_t seed)
{
	uint64_t	sm = seed;
	int			i;

	for (i = 0; i < 4; i++)
		rng->s[i] = if_splitmix64(&sm);
}

static inline uint64_t
rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
if_rng_next(IFRng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotl64(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

double
if_rng_uniform(IFRng *rng)
{
	return (double) (if_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t
if_rng_below(IFRng *rng, uint64_t bound)
{
	/* reject the top partial block so every residue is equally likely */
	uint64_t	limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t	r;

	do
		r = if_rng_next(rng);
	while (r >= limit);
	return r % bound;
}

/* ------------------------------------------------------------------------
 * Path-length constants
 * ------------------------------------------------------------------------ */

double
if_average_path_length(int64_t m)
{
	/* sklearn's special cases and its ln-approximation of H(m-1) */
	if (m <= 1)
		return 0.0;
	if (m == 2)
		return 1.0;
	return 2.0 * (log((double) m - 1.0) + IF_EULER_GAMMA)
		- 2.0 * ((double) m - 1.0) / (double) m;
}

int32_t
if_height_limit(int32_t psi)
{
	int32_t		l = 0;

	while (((int64_t) 1 << l) < (psi < 2 ? 2 : psi))
		l++;
	return l;
}

/* ------------------------------------------------------------------------
 * Canonical order and fingerprint
 * ------------------------------------------------------------------------ */

static inline int
row_cmp(const double *data, int32_t d, int32_t a, int32_t b)
{
	const double *ra = data + (int64_t) a * d;
	const double *rb = data + (int64_t) b * d;
	int32_t		j;

	for (j = 0; j < d; j++)
	{
		if (ra[j] < rb[j])
			return -1;
		if (ra[j] > rb[j])
			return 1;
	}
	return 0;
}

/* a row's hash: equal rows (by value, -0.0 == 0.0) hash equal */
static inline uint64_t
row_hash(const double *row, int32_t d)
{
	uint64_t	h = UINT64_C(0x2545F4914F6CDD1D);
	int32_t		j;

	for (j = 0; j < d; j++)
	{
		uint64_t	bits;

		memcpy(&bits, &row[j], sizeof bits);
		/* bit test, because the build may use -fno-signed-zeros */
		if (bits == UINT64_C(0x8000000000000000))
			bits = 0;
		h = (rotl64(h, 23) ^ bits) * UINT64_C(0x9E3779B97F4A7C15);
	}
	return if_splitmix64(&h);
}

typedef struct KeyedRow
{
	uint64_t	key;
	int32_t		row;
} KeyedRow;

static inline int
keyed_cmp(const double *data, int32_t d, const KeyedRow *a, const KeyedRow *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return row_cmp(data, d, a->row, b->row);	/* equal rows, or a collision */
}

/* stable LSD radix sort by key, 8 bits a pass: for large n */
static KeyedRow *
radix_sort(KeyedRow *src, KeyedRow *dst, int32_t n)
{
	int			shift;

	for (shift = 0; shift < 64; shift += 8)
	{
		int64_t		count[257];
		int32_t		i;
		int			b;
		KeyedRow   *swap;

		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[((src[i].key >> shift) & 0xFF) + 1]++;
		if (count[((src[0].key >> shift) & 0xFF) + 1] == n)
			continue;			/* every key has this byte: nothing to do */
		for (b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xFF]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	return src;
}

/* bottom-up merge sort by (key, values): for small n */
static KeyedRow *
merge_sort(const double *data, int32_t d, KeyedRow *src, KeyedRow *dst, int32_t n)
{
	int64_t		width;

	for (width = 1; width < n; width *= 2)
	{
		int64_t		lo;
		KeyedRow   *swap;

		for (lo = 0; lo < n; lo += 2 * width)
		{
			int64_t		mid = lo + width < n ? lo + width : n;
			int64_t		hi = lo + 2 * width < n ? lo + 2 * width : n;
			int64_t		p = lo,
						q = mid,
						k = lo;

			while (p < mid && q < hi)
				dst[k++] = keyed_cmp(data, d, &src[q], &src[p]) < 0 ? src[q++] : src[p++];
			while (p < mid)
				dst[k++] = src[p++];
			while (q < hi)
				dst[k++] = src[q++];
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	return src;
}

/*
 * Canonical order: by row hash, ties (equal rows, or a hash collision) by the
 * values lexicographically, so the order depends on the values only.  The
 * fingerprint folds the sorted row hashes.
 */
uint64_t
if_canonical_order(const double *data, int32_t n, int32_t d, int32_t *perm,
				   const IFAllocator *a)
{
	KeyedRow   *buf = a->alloc(a->ctx, sizeof(KeyedRow) * (size_t) (2 * (int64_t) n));
	KeyedRow   *sorted;
	uint64_t	h = (uint64_t) n * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t) d;
	int32_t		i;

	for (i = 0; i < n; i++)
	{
		buf[i].key = row_hash(data + (int64_t) i * d, d);
		buf[i].row = i;
	}
	if (n > 1024)
	{
		int32_t		run;

		sorted = radix_sort(buf, buf + n, n);
		/* runs of equal keys: order them by value (insertion sort; runs are
		 * copies of one row, already in order, unless hashes collide) */
		for (run = 0; run < n;)
		{
			int32_t		end = run + 1;

			while (end < n && sorted[end].key == sorted[run].key)
				end++;
			for (i = run + 1; i < end; i++)
			{
				KeyedRow	x = sorted[i];
				int32_t		j = i;

				while (j > run && row_cmp(data, d, x.row, sorted[j - 1].row) < 0)
				{
					sorted[j] = sorted[j - 1];
					j--;
				}
				sorted[j] = x;
			}
			run = end;
		}
	}
	else
		sorted = merge_sort(data, d, buf, buf + n, n);

	for (i = 0; i < n; i++)
	{
		perm[i] = sorted[i].row;
		h ^= sorted[i].key;
		h = if_splitmix64(&h);
	}
	a->release(a->ctx, buf);
	return h;
}

/* ------------------------------------------------------------------------
 * Building
 * ------------------------------------------------------------------------ */

typedef struct Builder
{
	const double *cols;			/* the current tree's sample, column-major */
	int32_t		psi;
	int32_t		d;
	int32_t		height_limit;
	int32_t    *idx;			/* rows of the sample (0..psi-1), partitioned */
	int32_t    *feat;			/* (height_limit + 1) x d feature lists */
	IFRng		rng;
	IFNode	   *nodes;			/* pool for all trees */
	int64_t		cap;
	int64_t		used;
	int64_t		tree_base;		/* index of the current tree's root */
	const IFAllocator *a;
} Builder;

static int64_t
push_node(Builder *b)
{
	if (b->used == b->cap)
	{
		int64_t		ncap = b->cap * 2;
		IFNode	   *nn = b->a->alloc(b->a->ctx, sizeof(IFNode) * (size_t) ncap);

		memcpy(nn, b->nodes, sizeof(IFNode) * (size_t) b->used);
		b->a->release(b->a->ctx, b->nodes);
		b->nodes = nn;
		b->cap = ncap;
	}
	return b->used++;
}

static void
make_leaf(Builder *b, int32_t depth, int32_t size)
{
	int64_t		k = push_node(b);

	b->nodes[k].feature = -1;
	b->nodes[k].aux = size;
	b->nodes[k].value = depth + if_average_path_length(size);
}

/*
 * Grow the subtree over idx[lo, hi) at this depth.  The feature list of this
 * depth is feat[depth*d ..]: its first `live` entries are candidates, the rest
 * are known to be constant here (a feature constant at a node stays constant
 * in its children, as sklearn's splitter also remembers).
 */
static void
grow(Builder *b, int32_t lo, int32_t hi, int32_t depth, int32_t live)
{
	int32_t		d = b->d;
	int32_t    *F = b->feat + (int64_t) depth * d;
	int32_t		size = hi - lo;
	int32_t		f = -1;
	double		fmin = 0,
				fmax = 0,
				split;
	int32_t		i,
				mid;
	int64_t		k;

	if (depth >= b->height_limit || size < 2)
	{
		make_leaf(b, depth, size);
		return;
	}

	/* draw features until one is not constant on this node's rows */
	while (live > 0)
	{
		int32_t		j = (int32_t) if_rng_below(&b->rng, (uint64_t) live);
		int32_t		cand = F[j];
		const double *col = b->cols + (int64_t) cand * b->psi;

		fmin = fmax = col[b->idx[lo]];
		for (i = lo + 1; i < hi; i++)
		{
			double		v = col[b->idx[i]];

			/* selects, not branches: they compile to minsd/maxsd */
			fmin = v < fmin ? v : fmin;
			fmax = v > fmax ? v : fmax;
		}
		if (fmax > fmin)
		{
			f = cand;
			break;
		}
		/* constant here: move it behind the live candidates */
		F[j] = F[live - 1];
		F[live - 1] = cand;
		live--;
	}
	if (f < 0)
	{
		/* all rows of this node are identical */
		make_leaf(b, depth, size);
		return;
	}

	split = fmin + if_rng_uniform(&b->rng) * (fmax - fmin);
	if (split >= fmax)
		split = fmin;			/* rounding reached max: as sklearn does */

	/*
	 * Partition: rows with x[f] <= split first.  Branch-free: always swap the
	 * row into place and advance the boundary only when it goes left (a row
	 * that goes right swaps with a right row, or with itself).
	 */
	{
		const double *col = b->cols + (int64_t) f * b->psi;
		int32_t    *idx = b->idx;

		mid = lo;
		for (i = lo; i < hi; i++)
		{
			int32_t		r = idx[i];

			idx[i] = idx[mid];
			idx[mid] = r;
			mid += col[r] <= split;
		}
	}

	k = push_node(b);
	b->nodes[k].feature = f;
	b->nodes[k].value = split;

	memcpy(F + d, F, sizeof(int32_t) * (size_t) d);
	grow(b, lo, mid, depth + 1, live);
	b->nodes[k].aux = (int32_t) (b->used - b->tree_base);
	memcpy(F + d, F, sizeof(int32_t) * (size_t) d);
	grow(b, mid, hi, depth + 1, live);
}

void
if_build(IForest *forest, const double *data, int32_t n, int32_t d,
		 int32_t n_trees, int32_t sample_size, uint64_t seed,
		 const IFAllocator *a)
{
	Builder		b;
	int32_t    *order;
	int32_t		psi = sample_size < n ? sample_size : n;
	int32_t		t,
				j;
	int64_t		per_tree;
	uint64_t	sm = seed;
	double	   *cols;

	forest->dim = d;
	forest->n_trees = n_trees;
	forest->psi = psi;
	forest->height_limit = if_height_limit(psi);
	forest->c_psi = if_average_path_length(psi);

	/* canonical order, then an RNG stream keyed by seed and the data */
	order = a->alloc(a->ctx, sizeof(int32_t) * (size_t) n);
	if_rng_seed(&b.rng, if_splitmix64(&sm) ^ if_canonical_order(data, n, d, order, a));

	b.psi = psi;
	b.d = d;
	cols = a->alloc(a->ctx, sizeof(double) * (size_t) psi * d);
	b.cols = cols;
	b.height_limit = forest->height_limit;
	b.a = a;
	b.idx = a->alloc(a->ctx, sizeof(int32_t) * (size_t) psi);
	b.feat = a->alloc(a->ctx, sizeof(int32_t) * (size_t) d * (b.height_limit + 1));
	for (j = 0; j < d; j++)
		b.feat[j] = j;

	/* a tree has at most min(2 psi - 1, 2^(l+1) - 1) nodes; start with a
	 * typical size and let push_node grow the pool */
	per_tree = 2 * (int64_t) psi - 1;
	if (b.height_limit < 30 && per_tree > ((int64_t) 2 << b.height_limit) - 1)
		per_tree = ((int64_t) 2 << b.height_limit) - 1;
	b.cap = per_tree * n_trees;
	if (b.cap > (1 << 20))
		b.cap = 1 << 20;		/* 16 MB; more trees or larger samples grow it */
	b.nodes = a->alloc(a->ctx, sizeof(IFNode) * (size_t) b.cap);
	b.used = 0;

	forest->tree_start = a->alloc(a->ctx, sizeof(int64_t) * (size_t) (n_trees + 1));

	for (t = 0; t < n_trees; t++)
	{
		int32_t		i;

		if (a->check)
			a->check(a->ctx);
		if (psi < n)
		{
			/* partial Fisher-Yates over the (persistent) canonical order */
			for (i = 0; i < psi; i++)
			{
				int32_t		r = i + (int32_t) if_rng_below(&b.rng, (uint64_t) (n - i));
				int32_t		tmp = order[i];

				order[i] = order[r];
				order[r] = tmp;
			}
		}
		/* copy the sample column by column: the node scans then stay in
		 * cache (once only when every tree gets every row) */
		if (psi < n || t == 0)
			for (i = 0; i < psi; i++)
			{
				const double *row = data + (int64_t) order[i] * d;

				for (j = 0; j < d; j++)
					cols[(int64_t) j * psi + i] = row[j];
			}
		for (i = 0; i < psi; i++)
			b.idx[i] = i;
		forest->tree_start[t] = b.used;
		b.tree_base = b.used;
		grow(&b, 0, psi, 0, d);
	}
	forest->tree_start[n_trees] = b.used;
	forest->nodes = b.nodes;
	forest->n_nodes = b.used;

	a->release(a->ctx, cols);
	a->release(a->ctx, b.feat);
	a->release(a->ctx, b.idx);
	a->release(a->ctx, order);
}

/* ------------------------------------------------------------------------
 * Scoring
 * ------------------------------------------------------------------------ */

static inline double
tree_path(const IFNode *tn, const double *x)
{
	int64_t		k = 0;

	while (tn[k].feature >= 0)
		k = x[tn[k].feature] <= tn[k].value ? k + 1 : tn[k].aux;
	return tn[k].value;
}

double
if_mean_path(const IForest *forest, const double *x)
{
	double		sum = 0.0;
	int32_t		t;

	for (t = 0; t < forest->n_trees; t++)
		sum += tree_path(forest->nodes + forest->tree_start[t], x);
	return sum / forest->n_trees;
}

double
if_score_from_path(const IForest *forest, double mean_path)
{
	if (forest->c_psi <= 0.0)
		return 0.5;				/* psi = 1: sklearn's guard */
	return pow(2.0, -mean_path / forest->c_psi);
}

double
if_score(const IForest *forest, const double *x)
{
	return if_score_from_path(forest, if_mean_path(forest, x));
}

#define IF_BLOCK 256				/* rows kept in cache while all trees walk them */
#define IF_LANES 8				/* independent walks interleaved per tree (the
								 * walk below is unrolled for exactly 8) */

/* hide a value from the optimizer, so that it cannot turn a select back into
 * an unpredictable branch */
#if defined(__GNUC__)
#define IF_OPAQUE(x) __asm__("" : "+r"(x))
#else
#define IF_OPAQUE(x) ((void) 0)
#endif

/*
 * One level of one walk.  In the walk copy of a tree, `feature` holds the byte
 * offset of that feature in a lane block and `aux` the byte offset of the
 * right child, so a step is: load, compare, select by mask (no branch).
 */
#define WALK_STEP(tn, k, xb, lane) \
	do { \
		const IFNode *nd_ = (const IFNode *) ((const char *) (tn) + (k)); \
		double		xv_ = *(const double *) ((const char *) (xb) + nd_->feature + (lane) * sizeof(double)); \
		intptr_t	next_ = (k) + (intptr_t) sizeof(IFNode); \
		intptr_t	mask_ = -(intptr_t) (xv_ > nd_->value); \
		IF_OPAQUE(mask_); \
		(k) = next_ + (((intptr_t) nd_->aux - next_) & mask_); \
	} while (0)

/*
 * Bulk scoring.  A copy of the trees in which every leaf loops back to itself
 * (split -inf, so every finite x goes "right", to itself) lets IF_LANES rows
 * walk one tree in lockstep for exactly that tree's depth, without branches:
 * the walks overlap instead of waiting on each other's mispredictions.  Each
 * row still adds its trees' path lengths in tree order, as if_mean_path does,
 * so the numbers are identical.
 */
void
if_score_rows(const IForest *forest, const double *data, int64_t n, double *out,
			  const IFAllocator *a)
{
	int32_t		d = forest->dim;
	int32_t		T = forest->n_trees;
	IFNode	   *walk = a->alloc(a->ctx, sizeof(IFNode) * (size_t) forest->n_nodes);
	double	   *leafval = a->alloc(a->ctx, sizeof(double) * (size_t) forest->n_nodes);
	int32_t    *depth = a->alloc(a->ctx, sizeof(int32_t) * (size_t) T);
	double	   *lanes = a->alloc(a->ctx, sizeof(double) * IF_BLOCK * d);
	double		acc[IF_BLOCK];
	int32_t		t;
	int64_t		lo;

	for (t = 0; t < T; t++)
	{
		int64_t		base = forest->tree_start[t];
		int64_t		len = forest->tree_start[t + 1] - base;
		const IFNode *src = forest->nodes + base;
		IFNode	   *dst = walk + base;
		int32_t		stack[64];
		int32_t		top = 0,
					maxdepth = 0;
		int64_t		k;

		for (k = 0; k < len; k++)
		{
			leafval[base + k] = src[k].value;
			if (src[k].feature < 0)
			{
				dst[k].feature = 0;
				dst[k].value = -INFINITY;
				dst[k].aux = (int32_t) (k * sizeof(IFNode));
			}
			else
			{
				dst[k].feature = src[k].feature * IF_LANES * (int32_t) sizeof(double);
				dst[k].value = src[k].value;
				dst[k].aux = src[k].aux * (int32_t) sizeof(IFNode);
			}
		}
		/* depth of the deepest leaf (preorder walk with a depth stack) */
		stack[top++] = 0;
		for (k = 0; k < len; k++)
		{
			int32_t		e = stack[--top];

			if (e > maxdepth)
				maxdepth = e;
			if (src[k].feature >= 0)
			{
				stack[top++] = e + 1;	/* right child, visited second */
				stack[top++] = e + 1;	/* left child, visited next */
			}
		}
		depth[t] = maxdepth;
	}

	for (lo = 0; lo < n; lo += IF_BLOCK)
	{
		int64_t		hi = lo + IF_BLOCK < n ? lo + IF_BLOCK : n;
		int64_t		r;

		if (a->check)
			a->check(a->ctx);
		/* groups of IF_LANES rows, each stored feature-major so one pointer
		 * serves all lanes; a short last group repeats its first row */
		for (r = lo; r < lo + IF_BLOCK; r++)
		{
			int64_t		src = r < hi ? r : lo + ((r - lo) & ~(int64_t) (IF_LANES - 1));
			double	   *grp = lanes + ((r - lo) & ~(int64_t) (IF_LANES - 1)) * d;
			int			lane = (int) ((r - lo) & (IF_LANES - 1));
			int32_t		f;

			if (src >= hi)
				src = hi - 1;
			for (f = 0; f < d; f++)
				grp[f * IF_LANES + lane] = data[src * d + f];
			acc[r - lo] = 0.0;
		}
		for (t = 0; t < T; t++)
		{
			const IFNode *tn = walk + forest->tree_start[t];
			const double *lv = leafval + forest->tree_start[t];
			int32_t		dt = depth[t];

			for (r = lo; r < hi; r += IF_LANES)
			{
				const double *xb = lanes + (r - lo) * d;	/* x[f * IF_LANES + lane] */
				intptr_t	k0 = 0,
							k1 = 0,
							k2 = 0,
							k3 = 0,
							k4 = 0,
							k5 = 0,
							k6 = 0,
							k7 = 0;
				int			e;

				for (e = 0; e < dt; e++)
				{
					WALK_STEP(tn, k0, xb, 0);
					WALK_STEP(tn, k1, xb, 1);
					WALK_STEP(tn, k2, xb, 2);
					WALK_STEP(tn, k3, xb, 3);
					WALK_STEP(tn, k4, xb, 4);
					WALK_STEP(tn, k5, xb, 5);
					WALK_STEP(tn, k6, xb, 6);
					WALK_STEP(tn, k7, xb, 7);
				}
				acc[r - lo + 0] += lv[k0 / sizeof(IFNode)];
				acc[r - lo + 1] += lv[k1 / sizeof(IFNode)];
				acc[r - lo + 2] += lv[k2 / sizeof(IFNode)];
				acc[r - lo + 3] += lv[k3 / sizeof(IFNode)];
				acc[r - lo + 4] += lv[k4 / sizeof(IFNode)];
				acc[r - lo + 5] += lv[k5 / sizeof(IFNode)];
				acc[r - lo + 6] += lv[k6 / sizeof(IFNode)];
				acc[r - lo + 7] += lv[k7 / sizeof(IFNode)];
			}
		}
		for (r = lo; r < hi; r++)
			out[r] = if_score_from_path(forest, acc[r - lo] / T);
	}
	a->release(a->ctx, lanes);
	a->release(a->ctx, depth);
	a->release(a->ctx, leafval);
	a->release(a->ctx, walk);
}

/* ------------------------------------------------------------------------
 * Validation of a forest read from outside
 * ------------------------------------------------------------------------ */

/* end index of the subtree rooted at k, or -1 with *err set */
static int64_t
check_subtree(const IForest *f, const IFNode *tn, int64_t len, int64_t k,
			  int32_t depth, int64_t *size_sum, const char **err)
{
	int64_t		e;

	if (k >= len)
	{
		*err = "a tree's nodes end before the tree is complete";
		return -1;
	}
	if (tn[k].feature < 0)
	{
		if (tn[k].feature != -1 || tn[k].aux < 1 || tn[k].aux > f->psi)
		{
			*err = "a leaf size is not between 1 and the sample size";
			return -1;
		}
		*size_sum += tn[k].aux;
		return k + 1;
	}
	if (depth >= f->height_limit)
	{
		*err = "a tree is deeper than the height limit of its sample size";
		return -1;
	}
	if (tn[k].feature >= f->dim)
	{
		*err = "a split feature is out of range for the dimension";
		return -1;
	}
	if (!isfinite(tn[k].value))
	{
		*err = "a split value is not finite";
		return -1;
	}
	e = check_subtree(f, tn, len, k + 1, depth + 1, size_sum, err);
	if (e < 0)
		return -1;
	if (e != tn[k].aux)
	{
		*err = "a right-child index does not follow its left subtree";
		return -1;
	}
	return check_subtree(f, tn, len, e, depth + 1, size_sum, err);
}

const char *
if_validate(const IForest *forest)
{
	int32_t		t;

	if (forest->dim < 1 || forest->n_trees < 1 || forest->psi < 1)
		return "dimension, tree count and sample size must be positive";
	if (forest->height_limit != if_height_limit(forest->psi))
		return "height limit does not match the sample size";
	if (forest->tree_start[0] != 0 || forest->tree_start[forest->n_trees] != forest->n_nodes)
		return "tree offsets do not cover the nodes";
	for (t = 0; t < forest->n_trees; t++)
	{
		int64_t		base = forest->tree_start[t];
		int64_t		len = forest->tree_start[t + 1] - base;
		int64_t		sizes = 0;
		const char *err = NULL;

		if (len < 1)
			return "a tree has no nodes";
		if (check_subtree(forest, forest->nodes + base, len, 0, 0, &sizes, &err) != len)
			return err ? err : "a tree has nodes after its last leaf";
		if (sizes != forest->psi)
			return "a tree's leaf sizes do not add up to the sample size";
	}
	return NULL;
}

static int64_t
set_leaves(IFNode *tn, int64_t k, int32_t depth)
{
	if (tn[k].feature < 0)
	{
		tn[k].value = depth + if_average_path_length(tn[k].aux);
		return k + 1;
	}
	set_leaves(tn, k + 1, depth + 1);
	return set_leaves(tn, tn[k].aux, depth + 1);
}

void
if_set_leaf_values(IForest *forest)
{
	int32_t		t;

	for (t = 0; t < forest->n_trees; t++)
		set_leaves(forest->nodes + forest->tree_start[t], 0, 0);
}
