/*
 * extension/recommend.c
 *
 * Per-candidate helpers of recommend() (extension/sql/60_recommend.sql): each
 * is called once per candidate track, so each keeps its per-query constant
 * arguments (the playlist's shares, its member vectors, a set of ids) parsed
 * in fn_extra and looks only at the candidate's own values per call.
 *
 *   recommend_in_set(item text, set text[]) bool
 *   recommend_overlaps(items text[], set text[]) bool
 *       item = ANY (set), items && set, with set kept sorted across calls
 *       (the built-in operators take the array apart again on every row)
 *   recommend_base_score(v, genres, families, groups, artist_ids, profile,
 *                        keys and shares of each, weights float8[]) float8
 *       the score without its nearest-members part
 *   recommend_neighbour_similarity(v feature_vector, members feature_vector[], k int) float8
 *       mean cosine similarity of v to its k most similar members
 *   recommend_nearest_member(v feature_vector, members feature_vector[], ids text[]) int
 *       the position of the member nearest v by <=>, ties to the smallest id
 *
 * recommend_best_share and recommend_mean_share have no SQL function since
 * 1.1; their symbols stay because the released 1.0 install script declares
 * them (extension/released/listen_wiseer--1.0.sql).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "access/tupmacs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "utils/varlena.h"

#include "feature_vector.h"
#include "recommend_score.h"
#include "utils/float.h"
/* the <=> kernel, for recommend_nearest_member; its sibling goes unused here */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "fv_kernels.h"
#pragma GCC diagnostic pop

PG_FUNCTION_INFO_V1(recommend_best_share);
PG_FUNCTION_INFO_V1(recommend_mean_share);
PG_FUNCTION_INFO_V1(recommend_in_set);
PG_FUNCTION_INFO_V1(recommend_overlaps);

/*
 * The cache is keyed on the argument's bytes: within one execution a query
 * parameter is the same datum on every row, so the pointer test nearly always
 * decides and the byte comparison runs only when the pointer changed.
 */
typedef struct ArgKey
{
	const void *ptr;			/* datum pointer the cache was built from */
	Size		len;
	char	   *copy;			/* its bytes */
} ArgKey;

static bool
argkey_matches(const ArgKey *key, const struct varlena *datum)
{
	Size		len = VARSIZE_ANY(datum);

	if (key->copy == NULL || key->len != len)
		return false;
	if (key->ptr == (const void *) datum)
		return true;
	return memcmp(key->copy, datum, len) == 0;
}

static void
argkey_set(ArgKey *key, MemoryContext cxt, const struct varlena *datum)
{
	Size		len = VARSIZE_ANY(datum);

	if (key->copy)
		pfree(key->copy);
	key->copy = MemoryContextAlloc(cxt, len);
	memcpy(key->copy, datum, len);
	key->len = len;
	key->ptr = datum;
}

/* ------------------------------------------------------------------------ */
/* The share tables (recommend_score.h)                                      */
/* ------------------------------------------------------------------------ */

static int
share_entry_cmp(const void *a, const void *b)
{
	const RecShareEntry *x = a;
	const RecShareEntry *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->key, y->key, x->len);
}

const RecShareEntry *
rec_shares_find(const RecShares *t, const char *key, int len)
{
	RecShareEntry probe;

	if (t->n == 0)
		return NULL;
	probe.key = (char *) key;
	probe.len = len;
	return bsearch(&probe, t->entries, t->n, sizeof(RecShareEntry), share_entry_cmp);
}

/* the entry for one text key, or NULL */
static const RecShareEntry *
share_find(const RecShares *t, const text *key)
{
	return rec_shares_find(t, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
}

void
rec_shares_from_c(RecShares *t, MemoryContext cxt, int n, char *const *keys, const double *shares)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	if (t->entries)
		pfree(t->entries);
	t->entries = palloc(sizeof(RecShareEntry) * Max(n, 1));
	t->n = 0;
	for (int i = 0; i < n; i++)
	{
		RecShareEntry *e = &t->entries[t->n++];

		e->len = strlen(keys[i]);
		e->key = pstrdup(keys[i]);
		e->share = shares ? shares[i] : 1.0;
	}
	MemoryContextSwitchTo(old);
	qsort(t->entries, t->n, sizeof(RecShareEntry), share_entry_cmp);
}

/* shares = NULL: a plain set of keys (every share 1) */
void
rec_shares_from_arrays(RecShares *t, MemoryContext cxt, ArrayType *keys, ArrayType *shares)
{
	Datum	   *kd;
	bool	   *kn;
	int			nk;
	Datum	   *sd = NULL;
	bool	   *sn = NULL;
	int			ns;
	MemoryContext old;

	if (ARR_NDIM(keys) > 1 || (shares && ARR_NDIM(shares) > 1))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("keys and shares must be one-dimensional arrays")));
	deconstruct_array(keys, TEXTOID, -1, false, TYPALIGN_INT, &kd, &kn, &nk);
	if (shares)
		deconstruct_array(shares, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &sd, &sn, &ns);
	else
		ns = nk;
	if (nk != ns)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("keys and shares must have the same length"),
				 errdetail("keys has %d elements, shares has %d.", nk, ns)));

	old = MemoryContextSwitchTo(cxt);
	if (t->entries)
		pfree(t->entries);
	t->entries = palloc(sizeof(RecShareEntry) * Max(nk, 1));
	t->n = 0;
	for (int i = 0; i < nk; i++)
	{
		text	   *k;
		RecShareEntry *e;

		if (kn[i] || (sn && sn[i]))
			continue;
		k = DatumGetTextPP(kd[i]);
		e = &t->entries[t->n++];
		e->len = VARSIZE_ANY_EXHDR(k);
		e->key = palloc(e->len + 1);
		memcpy(e->key, VARDATA_ANY(k), e->len);
		e->key[e->len] = '\0';
		e->share = sd ? DatumGetFloat8(sd[i]) : 1.0;
	}
	MemoryContextSwitchTo(old);
	qsort(t->entries, t->n, sizeof(RecShareEntry), share_entry_cmp);
}

typedef struct ShareCache
{
	ArgKey		keys_arg;
	ArgKey		shares_arg;
	RecShares	t;
} ShareCache;

/* (Re)build the cache when keys or shares are not the arrays it was built from. */
static void
share_cache_sync(ShareCache *cache, MemoryContext cxt, ArrayType *keys, ArrayType *shares)
{
	if (argkey_matches(&cache->keys_arg, (struct varlena *) keys) &&
		(shares == NULL || argkey_matches(&cache->shares_arg, (struct varlena *) shares)))
		return;
	rec_shares_from_arrays(&cache->t, cxt, keys, shares);
	argkey_set(&cache->keys_arg, cxt, (struct varlena *) keys);
	if (shares)
		argkey_set(&cache->shares_arg, cxt, (struct varlena *) shares);
}

/*
 * Over items: the mean of their shares (0 for one not among the keys), or
 * the largest.
 */
double
rec_shares_lookup(const RecShares *cache, ArrayType *items, bool mean)
{
	int			ni;
	const char *ptr;
	double		best = 0.0;
	double		sum = 0.0;
	int			counted = 0;

	if (cache->n == 0 || ARR_NDIM(items) != 1)
		return 0.0;
	if (ARR_HASNULL(items))
	{
		/* rare: fall back to the general walk */
		Datum	   *id;
		bool	   *in;

		deconstruct_array(items, TEXTOID, -1, false, TYPALIGN_INT, &id, &in, &ni);
		for (int i = 0; i < ni; i++)
		{
			const RecShareEntry *hit;

			if (in[i])
				continue;
			hit = share_find(cache, DatumGetTextPP(id[i]));
			counted++;
			if (hit)
			{
				sum += hit->share;
				best = Max(best, hit->share);
			}
		}
		return mean ? (counted > 0 ? sum / counted : 0.0) : best;
	}
	/* no nulls: walk the elements in place, this runs once per candidate */
	ni = ARR_DIMS(items)[0];
	ptr = (const char *) items + ARR_OVERHEAD_NONULLS(1);
	for (int i = 0; i < ni; i++)
	{
		const RecShareEntry *hit = share_find(cache, (const text *) ptr);

		ptr = att_addlength_pointer(ptr, -1, ptr);
		ptr = (const char *) att_align_nominal(ptr, TYPALIGN_INT);
		counted++;
		if (hit)
		{
			sum += hit->share;
			best = Max(best, hit->share);
		}
	}
	if (mean)
		return counted > 0 ? sum / counted : 0.0;
	return best;
}

static Datum
share_common(FunctionCallInfo fcinfo, bool mean)
{
	ArrayType  *items;
	ArrayType  *keys;
	ArrayType  *shares;
	ShareCache *cache;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_FLOAT8(0.0);
	items = PG_GETARG_ARRAYTYPE_P(0);
	keys = PG_GETARG_ARRAYTYPE_P(1);
	shares = PG_GETARG_ARRAYTYPE_P(2);

	cache = (ShareCache *) fcinfo->flinfo->fn_extra;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ShareCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	share_cache_sync(cache, fcinfo->flinfo->fn_mcxt, keys, shares);
	PG_RETURN_FLOAT8(rec_shares_lookup(&cache->t, items, mean));
}

/* 1.0 only (see the header): the largest share of items */
Datum
recommend_best_share(PG_FUNCTION_ARGS)
{
	return share_common(fcinfo, false);
}

/* 1.0 only (see the header): the mean share over items */
Datum
recommend_mean_share(PG_FUNCTION_ARGS)
{
	return share_common(fcinfo, true);
}

/* ------------------------------------------------------------------------ */
/* recommend_in_set, recommend_overlaps                                      */
/* ------------------------------------------------------------------------ */

static ShareCache *
key_set(FunctionCallInfo fcinfo, ArrayType *set)
{
	ShareCache *cache = (ShareCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ShareCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	share_cache_sync(cache, fcinfo->flinfo->fn_mcxt, set, NULL);
	return cache;
}

Datum
recommend_in_set(PG_FUNCTION_ARGS)
{
	text	   *item = PG_GETARG_TEXT_PP(0);
	ShareCache *cache = key_set(fcinfo, PG_GETARG_ARRAYTYPE_P(1));

	PG_RETURN_BOOL(share_find(&cache->t, item) != NULL);
}

bool
rec_shares_overlap(const RecShares *t, ArrayType *items)
{
	Datum	   *id;
	bool	   *in;
	int			ni;

	if (t->n == 0)
		return false;
	deconstruct_array(items, TEXTOID, -1, false, TYPALIGN_INT, &id, &in, &ni);
	for (int i = 0; i < ni; i++)
		if (!in[i] && share_find(t, DatumGetTextPP(id[i])) != NULL)
			return true;
	return false;
}

Datum
recommend_overlaps(PG_FUNCTION_ARGS)
{
	ArrayType  *items = PG_GETARG_ARRAYTYPE_P(0);
	ShareCache *cache = key_set(fcinfo, PG_GETARG_ARRAYTYPE_P(1));

	PG_RETURN_BOOL(rec_shares_overlap(&cache->t, items));
}

/* ------------------------------------------------------------------------ */
/* recommend_base_score                                                      */
/* ------------------------------------------------------------------------ */

/*
 * The score without its nearest-members part, in one call per candidate:
 *   w_cos * cos(v, profile) + w_genre * mean share of its genres
 *   + w_family * mean share of its families + w_group * mean share of its groups
 *   + w_artist * largest share of its artists
 * weights = {w_cos, w_genre, w_family, w_group, w_artist}.
 */
typedef struct BaseCache
{
	ShareCache	tables[4];		/* genres, families, groups, artists */
	ArgKey		profile_arg;
	ArgKey		weights_arg;
	int			dim;
	float	   *unit_profile;
	double		w[5];
} BaseCache;

/*
 * The kernels below are kept out of line: recommend_run.c calls them too, and
 * each must round exactly as here wherever it is called from.
 */
pg_noinline int
rec_text_items(ArrayType *a, MemoryContext cxt, char ***out)
{
	Datum	   *d;
	bool	   *nl;
	int			n;
	int			k = 0;
	MemoryContext old;

	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &d, &nl, &n);
	old = MemoryContextSwitchTo(cxt);
	*out = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!nl[i])
			(*out)[k++] = TextDatumGetCString(d[i]);
	MemoryContextSwitchTo(old);
	pfree(d);
	pfree(nl);
	return k;
}

void
rec_unit_vector(const float *x, int dim, float *unit)
{
	double		norm = 0.0;

	for (int j = 0; j < dim; j++)
		norm += (double) x[j] * x[j];
	norm = sqrt(norm);
	for (int j = 0; j < dim; j++)
		unit[j] = norm > 0.0 ? (float) (x[j] / norm) : 0.0f;
}

pg_noinline double
rec_cosine_to_unit(const float *unit, const float *x, int dim)
{
	float		dot = 0.0f;
	float		nv = 0.0f;

	for (int j = 0; j < dim; j++)
	{
		dot += unit[j] * x[j];
		nv += x[j] * x[j];
	}
	if (nv > 0.0f)
		return Min(1.0, Max(-1.0, (double) dot / sqrt((double) nv)));
	return 0.0;
}

PG_FUNCTION_INFO_V1(recommend_base_score);

Datum
recommend_base_score(PG_FUNCTION_ARGS)
{
	BaseCache  *cache;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	FeatureVector *v;
	FeatureVector *prof;
	ArrayType  *weights;
	double		score = 0.0;

	/* v, profile and weights are required; the item arrays may be NULL */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(5) || PG_ARGISNULL(14))
		PG_RETURN_NULL();
	for (int i = 6; i < 14; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();
	v = PG_GETARG_FEATURE_VECTOR_P(0);
	prof = PG_GETARG_FEATURE_VECTOR_P(5);
	weights = PG_GETARG_ARRAYTYPE_P(14);

	cache = (BaseCache *) fcinfo->flinfo->fn_extra;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(cxt, sizeof(BaseCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	for (int t = 0; t < 4; t++)
	{
		share_cache_sync(&cache->tables[t], cxt,
						 PG_GETARG_ARRAYTYPE_P(6 + 2 * t), PG_GETARG_ARRAYTYPE_P(7 + 2 * t));
	}
	if (!argkey_matches(&cache->profile_arg, (struct varlena *) prof))
	{
		if (cache->unit_profile)
			pfree(cache->unit_profile);
		cache->dim = prof->dim;
		cache->unit_profile = MemoryContextAlloc(cxt, sizeof(float) * prof->dim);
		rec_unit_vector(prof->x, prof->dim, cache->unit_profile);
		argkey_set(&cache->profile_arg, cxt, (struct varlena *) prof);
	}
	if (!argkey_matches(&cache->weights_arg, (struct varlena *) weights))
	{
		Datum	   *wd;
		bool	   *wn;
		int			nw;

		deconstruct_array(weights, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &wd, &wn, &nw);
		if (nw != 5)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weights must have 5 elements, not %d", nw)));
		for (int i = 0; i < 5; i++)
		{
			if (wn[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("weights must not contain nulls")));
			cache->w[i] = DatumGetFloat8(wd[i]);
		}
		argkey_set(&cache->weights_arg, cxt, (struct varlena *) weights);
	}
	CheckFeatureVectorDims(cache->dim, v->dim);

	/* cosine similarity to the profile; 0 for a zero vector, as <=> does */
	score += cache->w[0] * rec_cosine_to_unit(cache->unit_profile, v->x, v->dim);
	for (int t = 0; t < 4; t++)
	{
		if (PG_ARGISNULL(1 + t) || cache->w[1 + t] == 0.0)
			continue;
		score += cache->w[1 + t] * rec_shares_lookup(&cache->tables[t].t, PG_GETARG_ARRAYTYPE_P(1 + t), t < 3);
	}
	PG_RETURN_FLOAT8(score);
}

/* ------------------------------------------------------------------------ */
/* recommend_neighbour_similarity                                            */
/* ------------------------------------------------------------------------ */

void
rec_members_build(RecMembers *m, MemoryContext cxt, int n, int dim, const float *rows)
{
	if (m->unit)
		pfree(m->unit);
	m->unit = NULL;
	m->n = 0;
	m->dim = Max(dim, 0);
	if (dim <= 0 || n <= 0)
		return;
	m->unit = MemoryContextAlloc(cxt, sizeof(float) * (Size) dim * n);
	for (int i = 0; i < n; i++)
		rec_unit_vector(rows + (Size) i * dim, dim, m->unit + (Size) i * dim);
	m->n = n;
}

pg_noinline double
rec_neighbour_similarity(const RecMembers *m, const float *x, int dim, int k)
{
	double		vnorm = 0.0;
	double		top[REC_MAX_NEIGHBOURS];
	int			ntop = 0;
	double		sum = 0.0;

	Assert(k >= 1 && k <= REC_MAX_NEIGHBOURS);
	if (m->n == 0)
		return get_float8_nan();
	CheckFeatureVectorDims(m->dim, dim);
	for (int j = 0; j < dim; j++)
		vnorm += (double) x[j] * x[j];
	if (vnorm == 0.0)
		return 0.0;				/* no direction: similarity 0, as <=> does */
	vnorm = sqrt(vnorm);

	for (int i = 0; i < m->n; i++)
	{
		const float *u = m->unit + (Size) i * m->dim;
		float		dot = 0.0f;
		double		sim;
		int			pos;

		for (int j = 0; j < m->dim; j++)
			dot += u[j] * x[j];
		sim = (double) dot / vnorm;
		/* keep the k largest, sorted descending (k is tiny) */
		if (ntop < k)
			pos = ntop++;
		else if (sim > top[k - 1])
			pos = k - 1;
		else
			continue;
		while (pos > 0 && top[pos - 1] < sim)
		{
			top[pos] = top[pos - 1];
			pos--;
		}
		top[pos] = sim;
	}
	for (int i = 0; i < ntop; i++)
		sum += top[i];
	return Min(1.0, Max(-1.0, sum / ntop));
}

typedef struct MemberCache
{
	ArgKey		members_arg;
	RecMembers	m;
} MemberCache;

/* the members' vectors, nulls skipped, as unit rows */
static void
member_cache_build(MemberCache *cache, MemoryContext cxt, ArrayType *members, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *md;
	bool	   *mn;
	int			nm;
	int			dim = -1;
	int			row = 0;
	float	   *rows;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(members, elemtype, typlen, typbyval, typalign, &md, &mn, &nm);
	for (int i = 0; i < nm; i++)
	{
		FeatureVector *m;

		if (mn[i])
			continue;
		m = DatumGetFeatureVector(md[i]);
		if (dim < 0)
			dim = m->dim;
		else
			CheckFeatureVectorDims(dim, m->dim);
	}
	if (dim <= 0)
	{
		rec_members_build(&cache->m, cxt, 0, 0, NULL);
		return;
	}
	rows = palloc(sizeof(float) * (Size) dim * nm);
	for (int i = 0; i < nm; i++)
	{
		if (mn[i])
			continue;
		memcpy(rows + (Size) row * dim, DatumGetFeatureVector(md[i])->x, sizeof(float) * dim);
		row++;
	}
	rec_members_build(&cache->m, cxt, row, dim, rows);
	pfree(rows);
}

PG_FUNCTION_INFO_V1(recommend_neighbour_similarity);

Datum
recommend_neighbour_similarity(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	ArrayType  *members = PG_GETARG_ARRAYTYPE_P(1);
	int32		k = PG_GETARG_INT32(2);
	MemberCache *cache;

	if (k < 1 || k > REC_MAX_NEIGHBOURS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("neighbour count must be between 1 and %d", REC_MAX_NEIGHBOURS)));

	cache = (MemberCache *) fcinfo->flinfo->fn_extra;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MemberCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (!argkey_matches(&cache->members_arg, (struct varlena *) members))
	{
		member_cache_build(cache, fcinfo->flinfo->fn_mcxt, members, ARR_ELEMTYPE(members));
		argkey_set(&cache->members_arg, fcinfo->flinfo->fn_mcxt, (struct varlena *) members);
	}
	if (cache->m.n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(rec_neighbour_similarity(&cache->m, v->x, v->dim, k));
}

/* ------------------------------------------------------------------------ */
/* recommend_nearest_member                                                  */
/* ------------------------------------------------------------------------ */

/*
 * The 1-based position of the member nearest v, exactly as
 *   ORDER BY v <=> members[i], ids[i] LIMIT 1
 * would pick it (the same distance kernel as <=>, ties to the smallest id in
 * the call's collation), without a sort per call: recommend() explains each
 * pick by its nearest member.  NULL when there is no member.
 */
PG_FUNCTION_INFO_V1(recommend_nearest_member);

Datum
recommend_nearest_member(PG_FUNCTION_ARGS)
{
	FeatureVector *v = PG_GETARG_FEATURE_VECTOR_P(0);
	ArrayType  *members = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *ids = PG_GETARG_ARRAYTYPE_P(2);
	Oid			collid = PG_GET_COLLATION();
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *md;
	bool	   *mn;
	int			nm;
	Datum	   *id;
	bool	   *in;
	int			ni;
	int			best = -1;
	double		best_d = 0.0;

	get_typlenbyvalalign(ARR_ELEMTYPE(members), &typlen, &typbyval, &typalign);
	deconstruct_array(members, ARR_ELEMTYPE(members), typlen, typbyval, typalign, &md, &mn, &nm);
	deconstruct_array(ids, TEXTOID, -1, false, TYPALIGN_INT, &id, &in, &ni);
	if (nm != ni)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("members and ids must have the same length"),
				 errdetail("members has %d elements, ids has %d.", nm, ni)));
	for (int i = 0; i < nm; i++)
	{
		FeatureVector *m;
		double		d;

		if (mn[i])
			continue;
		m = DatumGetFeatureVector(md[i]);
		CheckFeatureVectorDims(v->dim, m->dim);
		d = fv_cosine_distance(v->dim, v->x, m->x);
		if (best >= 0)
		{
			if (d > best_d)
				continue;
			/* a tie: the smaller id, nulls last (as ORDER BY sorts them) */
			if (d == best_d)
			{
				text	   *a;
				text	   *b;

				if (in[i])
					continue;
				if (!in[best])
				{
					a = DatumGetTextPP(id[i]);
					b = DatumGetTextPP(id[best]);
					if (varstr_cmp(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
								   VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), collid) >= 0)
						continue;
				}
			}
		}
		best = i;
		best_d = d;
	}
	if (best < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(best + 1);
}
