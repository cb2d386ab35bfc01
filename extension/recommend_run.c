/*
 * extension/recommend_run.c
 *
 * recommend(playlist, n, method, genre_filter, exclude_outliers,
 *           max_per_artist, source): the orchestration, in C.
 *
 * One call is five named steps, each a function below:
 *   step_resolve   the playlist (listen_wiseer.resolve_playlist) and its
 *                  members in the candidate pool;
 *   step_evidence  the playlist's evidence, built once as one value
 *                  (RecEvidence): outlier forest and cut, profile, genre,
 *                  family, group and artist shares, the member set;
 *   step_search    candidate rounds: genre signatures by upper bound, the
 *                  rows of a round fetched by SQL (cached plans), scored here
 *                  with the kernels of recommend_score.h, until the picks are
 *                  provably the exact top n of the whole pool;
 *   step_pick      the greedy walk in score order (artist diversity, the
 *                  forest's cut) inside step_search;
 *   step_explain   names, credits, genre group and the reason of each pick.
 *
 * The method is the one docs/design/recommend.md and
 * docs/design/recommend-speed.md describe; the answers are exactly those of
 * the PL/pgSQL version it replaced (make eval, sql/recommend.sql).
 * SQL keeps the set-based parts (index scans of the pool, the credits and
 * their genre vote); every statement is prepared once per session
 * (SPI_keepplan), with fully qualified names.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "portability/instr_time.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "common/hashfn.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/syscache.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "feature_vector.h"
#include "iforest.h"
#include "recommend_pool_cache.h"
#include "recommend_score.h"
/* the <=> kernel, as recommend.c uses it; its siblings go unused here */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "fv_kernels.h"
#pragma GCC diagnostic pop

PG_FUNCTION_INFO_V1(recommend_run);

/*
 * Pool positions a call marks (its members, tracks already taken) or looks
 * up (its artists' affinity): a hash of the few it needs, not an array the
 * size of the pool to clear on every call.
 */
typedef struct PoolMark
{
	int32		pos;			/* a track's or an artist's position in the pool */
	char		status;			/* (simplehash's) */
	bool		hi;				/* an artist read apart (a_hi) */
	double		aff;			/* an artist's affinity */
} PoolMark;

#define SH_PREFIX		pool_marks
#define SH_ELEMENT_TYPE	PoolMark
#define SH_KEY_TYPE		int32
#define SH_KEY			pos
#define SH_HASH_KEY(tb, key) murmurhash32((uint32) (key))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* mark a position (found: was it already) */
static PoolMark *
mark(pool_marks_hash *marks, int32 pos, bool *found)
{
	PoolMark   *m = pool_marks_insert(marks, pos, found);

	if (!*found)
	{
		m->hi = false;
		m->aff = 0.0;
	}
	return m;
}

/*
 * The first signature round reads the signatures of highest bound holding
 * REC_FIRST_COVER x max(16n, 256) tracks; each next round four times as many.
 */
#define REC_FIRST_COVER 2

/*
 * The members' artists read apart (a_hi): those of highest affinity holding
 * at most REC_HI_COVER x max(16n, 256) other tracks between them.
 */
#define REC_HI_COVER 2

/* 1e-9: the bounds and the scores add the same terms in other orders */
#define REC_SLACK 1e-9

/* ------------------------------------------------------------------------ */
/* Prepared statements                                                       */
/* ------------------------------------------------------------------------ */

enum
{
	Q_WEIGHTS,
	Q_RESOLVE,
	Q_PLAYLIST,
	Q_MEMBERS,
	Q_MEMBER_IDS,
	Q_ARTISTS,
	Q_SIGNATURES,
	Q_SIGNATURE_TRACKS,
	Q_SIGNATURE_LIBRARY_TRACKS,
	Q_ARTIST_TRACKS,
	Q_ALL_TRACKS,
	Q_REST_TRACKS,
	Q_TRACKS,
	Q_TRACK_NAMES,
	Q_CREDITS,
	Q_COUNT
};

#define POOL_COLUMNS "p.track_id, p.artist_ids, p.genres, p.families, p.groups, p.v, p.in_library"

typedef struct QueryDef
{
	const char *sql;			/* %s = the extension's schema, quoted */
	int			nargs;
	Oid			argtypes[4];
} QueryDef;

static const QueryDef query_defs[Q_COUNT] = {
	/* the weights and the feature names: both read once per session */
	[Q_WEIGHTS] = {"SELECT w.genre, w.family, w.grp, w.artist, w.near, w.k_near, w.contamination, w.min_forest,"
		" listen_wiseer.feature_names()"
	" FROM listen_wiseer.recommend_weights() w", 0, {0}},
	[Q_RESOLVE] = {"SELECT listen_wiseer.resolve_playlist($1)", 1, {TEXTOID}},
	/* every current member in the pool, in track id (byte) order */
	[Q_MEMBERS] = {"SELECT " POOL_COLUMNS
		" FROM (SELECT DISTINCT pt.track_id FROM listen_wiseer.playlist_tracks pt"
		"        WHERE pt.playlist_id = $1 AND pt.removed_at IS NULL) m"
		" CROSS JOIN LATERAL (SELECT p.* FROM listen_wiseer.recommend_pool p"
		"                      WHERE p.track_id = m.track_id OFFSET 0) p"
	" ORDER BY p.track_id", 1, {TEXTOID}},
	/* the same, when the pool is in memory: only the ids */
	[Q_MEMBER_IDS] = {"SELECT DISTINCT pt.track_id FROM listen_wiseer.playlist_tracks pt"
		" WHERE pt.playlist_id = $1 AND pt.removed_at IS NULL", 1, {TEXTOID}},
	[Q_PLAYLIST] = {"SELECT p.playlist_id FROM listen_wiseer.playlists p WHERE p.playlist_id = $1", 1, {TEXTOID}},
	[Q_ARTISTS] = {"SELECT x.artist_id, x.library_tracks, x.tracks"
		" FROM pg_catalog.unnest($1::pg_catalog.text[]) AS u(id)"
		" CROSS JOIN LATERAL (SELECT x.* FROM listen_wiseer.recommend_artist_tracks x"
		"                      WHERE x.artist_id = u.id OFFSET 0) x",
	1, {TEXTARRAYOID}},
	[Q_SIGNATURES] = {"SELECT s.genres, s.families, s.groups, s.tracks, s.library_tracks"
		" FROM listen_wiseer.recommend_signatures s"
		/*
		 * (&& finds them through the GIN index; the helper, which keeps $1
		 * sorted across rows, rechecks them: && takes $1 apart again on every row)
		 */
		" WHERE s.genres OPERATOR(pg_catalog.&&) ($1::pg_catalog.text[] COLLATE pg_catalog.\"C\")"
		"   AND listen_wiseer.recommend_overlaps(s.genres, $1)",
	1, {TEXTARRAYOID}},

	/*
	 * the tracks of the given signatures (their genres laid end to end in $1,
	 * each one's offset and length in $2, $3), one index scan each
	 */
	[Q_SIGNATURE_TRACKS] = {"SELECT s.i, p.track_id, p.artist_ids, p.v, p.in_library"
		" FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), pg_catalog.unnest($3::pg_catalog.int4[]))"
		"      WITH ORDINALITY AS s(o, l, i)"
		" CROSS JOIN LATERAL (SELECT p.track_id, p.artist_ids, p.v, p.in_library FROM listen_wiseer.recommend_pool p"
		"   WHERE p.genres OPERATOR(pg_catalog.=)"
		"         (($1::pg_catalog.text[])[s.o OPERATOR(pg_catalog.+) 1 : s.o OPERATOR(pg_catalog.+) s.l]"
		"          COLLATE pg_catalog.\"C\")"
		"     AND ($4::pg_catalog.bool IS NULL OR p.in_library = $4) OFFSET 0) p",
	4, {TEXTARRAYOID, INT4ARRAYOID, INT4ARRAYOID, BOOLOID}},
	/* the same for source => 'library', through the partial index of library tracks */
	[Q_SIGNATURE_LIBRARY_TRACKS] = {"SELECT s.i, p.track_id, p.artist_ids, p.v, p.in_library"
		" FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), pg_catalog.unnest($3::pg_catalog.int4[]))"
		"      WITH ORDINALITY AS s(o, l, i)"
		" CROSS JOIN LATERAL (SELECT p.track_id, p.artist_ids, p.v, p.in_library FROM listen_wiseer.recommend_pool p"
		"   WHERE p.genres OPERATOR(pg_catalog.=)"
		"         (($1::pg_catalog.text[])[s.o OPERATOR(pg_catalog.+) 1 : s.o OPERATOR(pg_catalog.+) s.l]"
		"          COLLATE pg_catalog.\"C\")"
		"     AND p.in_library OFFSET 0) p",
	3, {TEXTARRAYOID, INT4ARRAYOID, INT4ARRAYOID}},
	[Q_ARTIST_TRACKS] = {"SELECT DISTINCT ON (p.track_id) " POOL_COLUMNS
		" FROM pg_catalog.unnest($1::pg_catalog.text[]) AS a(id)"
		" CROSS JOIN LATERAL (SELECT p.* FROM listen_wiseer.recommend_pool p"
		"                      WHERE p.artist_ids OPERATOR(pg_catalog.@>) ARRAY[a.id]"
		"                        AND ($2::pg_catalog.bool IS NULL OR p.in_library = $2) OFFSET 0) p"
	" ORDER BY p.track_id", 2, {TEXTARRAYOID, BOOLOID}},
	/* the tracks sharing no genre with the playlist ($1: its genres) */
	[Q_REST_TRACKS] = {"SELECT " POOL_COLUMNS " FROM listen_wiseer.recommend_pool p"
		" WHERE (p.genres IS NULL OR NOT listen_wiseer.recommend_overlaps(p.genres, $1))"
		"   AND ($2::pg_catalog.bool IS NULL OR p.in_library = $2)", 2, {TEXTARRAYOID, BOOLOID}},
	[Q_ALL_TRACKS] = {"SELECT " POOL_COLUMNS " FROM listen_wiseer.recommend_pool p"
		" WHERE $1::pg_catalog.bool IS NULL OR p.in_library = $1", 1, {BOOLOID}},
	/* the same without the pool's columns (the pool is in memory) */
	[Q_TRACK_NAMES] = {"SELECT t.track_id, t.name, t.in_library, t.catalog"
		" FROM (SELECT DISTINCT u.id FROM pg_catalog.unnest($1::pg_catalog.text[]) AS u(id)) u"
		" CROSS JOIN LATERAL (SELECT t.* FROM listen_wiseer.tracks t WHERE t.track_id = u.id OFFSET 0) t",
	1, {TEXTARRAYOID}},
	[Q_TRACKS] = {"SELECT t.track_id, t.name, t.in_library, t.catalog, p.genres, p.families"
		" FROM (SELECT DISTINCT u.id FROM pg_catalog.unnest($1::pg_catalog.text[]) AS u(id)) u"
		" CROSS JOIN LATERAL (SELECT t.* FROM listen_wiseer.tracks t WHERE t.track_id = u.id OFFSET 0) t"
		" LEFT JOIN LATERAL (SELECT p.genres, p.families FROM listen_wiseer.recommend_pool p"
		"                     WHERE p.track_id = u.id OFFSET 0) p ON true",
	1, {TEXTARRAYOID}},
	/* one aggregate over all picks: genre_vote_agg sets up its rules once */
	[Q_CREDITS] = {"SELECT x.track_id,"
		" pg_catalog.string_agg(a.name, ', ' ORDER BY x.position),"
		" (%s.genre_vote_agg(a.genres, x.position::pg_catalog.int4)).genre_group"
		" FROM pg_catalog.unnest($1::pg_catalog.text[]) AS u(id)"
		" CROSS JOIN LATERAL (SELECT x.* FROM listen_wiseer.track_artists x WHERE x.track_id = u.id OFFSET 0) x"
		" CROSS JOIN LATERAL (SELECT a.* FROM listen_wiseer.artists a WHERE a.artist_id = x.artist_id OFFSET 0) a"
	" GROUP BY x.track_id", 1, {TEXTARRAYOID}},
};

static SPIPlanPtr plans[Q_COUNT];
static char *plans_schema;		/* the schema the plans were prepared for */

/* The plan of one statement, prepared on first use in this session. */
static SPIPlanPtr
get_plan(int q, const char *schema)
{
	if (plans_schema == NULL || strcmp(plans_schema, schema) != 0)
	{
		/* first call, or the extension moved: forget every plan */
		for (int i = 0; i < Q_COUNT; i++)
			if (plans[i])
			{
				SPI_freeplan(plans[i]);
				plans[i] = NULL;
			}
		if (plans_schema)
			pfree(plans_schema);
		plans_schema = MemoryContextStrdup(TopMemoryContext, schema);
	}
	if (plans[q] == NULL)
	{
		const QueryDef *d = &query_defs[q];
		char	   *sql = psprintf(d->sql, quote_identifier(schema));
		SPIPlanPtr	p = SPI_prepare(sql, d->nargs, (Oid *) d->argtypes);

		if (p == NULL)
			elog(ERROR, "recommend: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "recommend: SPI_keepplan failed");
		plans[q] = p;
	}
	return plans[q];
}

/* Run a prepared statement, read-only (recommend() is STABLE). */
static void
run(int q, const char *schema, Datum *values, const char *nulls)
{
	int			rc = SPI_execute_plan(get_plan(q, schema), values, nulls, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "recommend: SPI_execute_plan failed: %s", SPI_result_code_string(rc));
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static ArrayType *
text_array(char **items, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(items[i]);
	return construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT);
}

static int
cstring_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* the elements of a text[] (no nulls expected; nulls skipped) as C strings */
static int
text_items(Datum arr, char ***out)
{
	return rec_text_items(DatumGetArrayTypeP(arr), CurrentMemoryContext, out);
}

/* ------------------------------------------------------------------------ */
/* Counting keys: (key, count) runs of a sorted list                         */
/* ------------------------------------------------------------------------ */

typedef struct KeyBag
{
	int			n;
	int			cap;
	char	  **keys;
} KeyBag;

static void
bag_add(KeyBag *b, char *key)
{
	if (b->n == b->cap)
	{
		b->cap = Max(16, b->cap * 2);
		b->keys = b->keys ? repalloc(b->keys, sizeof(char *) * b->cap) : palloc(sizeof(char *) * b->cap);
	}
	b->keys[b->n++] = key;
}

/* distinct keys in byte order with their counts (as doubles, as SQL's count(*)::float8) */
static int
bag_runs(KeyBag *b, char ***keys, double **counts)
{
	int			k = 0;

	qsort(b->keys, b->n, sizeof(char *), cstring_cmp);
	*keys = palloc(sizeof(char *) * Max(b->n, 1));
	*counts = palloc(sizeof(double) * Max(b->n, 1));
	for (int i = 0; i < b->n; i++)
	{
		if (k > 0 && strcmp((*keys)[k - 1], b->keys[i]) == 0)
		{
			(*counts)[k - 1] += 1.0;
			continue;
		}
		(*keys)[k] = b->keys[i];
		(*counts)[k] = 1.0;
		k++;
	}
	return k;
}

static int
find_key(char **keys, int n, const char *key)
{
	char	   *const *hit = bsearch(&key, keys, n, sizeof(char *), cstring_cmp);

	return hit ? (int) (hit - keys) : -1;
}

/* ------------------------------------------------------------------------ */
/* The call's arguments and the playlist's evidence                          */
/* ------------------------------------------------------------------------ */

typedef struct RecArgs
{
	char	   *playlist;
	int64		n;
	bool		genre_filter;
	bool		exclude_outliers;
	bool		has_max_per_artist;
	int32		max_per_artist;
	int			source;			/* -1 every track, 1 the library's, 0 the catalog's */
	double		w_near;
	/* listen_wiseer.recommend_weights() */
	double		w_genre,
				w_family,
				w_group,
				w_artist,
				contamination;
	int32		k_near,
				min_forest;
	/* listen_wiseer.feature_names() (IMMUTABLE: read with the weights) */
	int			n_fnames;
	char	  **fnames;
	char	   *schema;
} RecArgs;

typedef struct RecEvidence
{
	int			dim;
	int			n_members;		/* members with a vector */
	RecShares	member_set;		/* their ids: never candidates */
	/* the profile members (outliers left out), in id order */
	int			n_kept;
	char	  **kept_ids;
	float	   *kept_v;			/* n_kept rows of dim */
	RecMembers	kept_unit;
	float	   *profile;
	float	   *unit_profile;
	/* the playlist's own forest, and the most isolated member's score */
	bool		has_forest;
	IForest		forest;
	double		cutoff;
	/* shares, by kind: genre (relative affinity), family, group, artist affinity */
	RecShares	shares[4];
	RecShares	genre_pct;		/* each genre's share of the members (reasons) */
	RecShares	artist_raw;		/* each artist's share of all members (diversity) */
	int			n_genres;
	char	  **genre_keys;
	int			n_groups;
	/* artists: their affinity, and their other tracks in the pool */
	int			n_artists;
	char	  **artist_keys;
	double	   *artist_aff;
	double	   *artist_other;
	double		family_max,
				group_max;
	/* the signatures sharing a genre with the playlist */
	RecPoolSig *sigs;			/* (first, count, n_lib unused) */
	int32	   *sig_pool;		/* each one's position in the pool in memory, -1 */
	int			n_sigs;
	/* the pool in memory (NULL: read by SQL), and the members' positions in it */
	const RecPool *pool;
	pool_marks_hash *pool_members;	/* their pool positions */
} RecEvidence;

/* one member's pool row */
typedef struct MemberRow
{
	char	   *id;
	const float *v;
	int			dim;
	bool		genres_null;
	int			ng,
				nf,
				nq,
				na;
	char	  **g,
			  **f,
			  **q,
			  **a;
} MemberRow;


/* one candidate, as far as scoring and picking need it */
typedef struct RecCand
{
	char	   *id;
	char	   *artist;			/* primary artist, NULL when none */
	float	   *v;
	double		cheap;			/* the score without the nearest-members part */
	double		total;
	bool		scored;			/* total computed */
} RecCand;

typedef struct RecCands
{
	int			n;
	int			cap;
	RecCand    *c;
} RecCands;

/* ------------------------------------------------------------------------ */
/* Step 1: resolve the playlist and read its members                         */
/* ------------------------------------------------------------------------ */

static char *
step_resolve(const RecArgs *a)
{
	Datum		v[1] = {CStringGetTextDatum(a->playlist)};
	bool		isnull;
	Datum		d;

	/* an id (the common case) directly; a name, or an error, from resolve_playlist() */
	run(Q_PLAYLIST, a->schema, v, NULL);
	if (SPI_processed == 1)
		return a->playlist;
	run(Q_RESOLVE, a->schema, v, NULL);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

/* the members' pool rows by SQL, in track id (byte) order */
static int
members_by_sql(const RecArgs *a, const char *pid, MemberRow **out)
{
	Datum		arg[1] = {CStringGetTextDatum(pid)};
	SPITupleTable *mt;
	TupleDesc	td;
	int			n;
	MemberRow  *rows;

	run(Q_MEMBERS, a->schema, arg, NULL);
	mt = SPI_tuptable;
	td = mt->tupdesc;
	n = (int) SPI_processed;
	rows = palloc0(sizeof(MemberRow) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		MemberRow  *m = &rows[i];
		bool		isnull;
		FeatureVector *v;
		Datum		g;

		m->id = TextDatumGetCString(SPI_getbinval(mt->vals[i], td, 1, &isnull));
		v = DatumGetFeatureVector(SPI_getbinval(mt->vals[i], td, 6, &isnull));
		m->v = v->x;
		m->dim = v->dim;
		g = SPI_getbinval(mt->vals[i], td, 3, &isnull);
		m->genres_null = isnull;
		if (!isnull)
			m->ng = text_items(g, &m->g);
		m->nf = text_items(SPI_getbinval(mt->vals[i], td, 4, &isnull), &m->f);
		m->nq = text_items(SPI_getbinval(mt->vals[i], td, 5, &isnull), &m->q);
		m->na = text_items(SPI_getbinval(mt->vals[i], td, 2, &isnull), &m->a);
	}
	*out = rows;
	return n;
}

static int
pool_id_cmp(const void *a, const void *b, void *arg)
{
	const RecPool *pool = arg;

	return strcmp(pool->ids.key[*(const int32 *) a], pool->ids.key[*(const int32 *) b]);
}

/* the same from the pool in memory (the ids by SQL); flags the members' pool positions */
static int
members_from_pool(const RecArgs *a, const RecPool *pool, const char *pid, MemberRow **out,
				  pool_marks_hash **members)
{
	Datum		arg[1] = {CStringGetTextDatum(pid)};
	int32	   *idx;
	int			n = 0;
	MemberRow  *rows;

	run(Q_MEMBER_IDS, a->schema, arg, NULL);
	idx = palloc(sizeof(int32) * Max(SPI_processed, 1));
	*members = pool_marks_create(CurrentMemoryContext, Max(SPI_processed, 16), NULL);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		text	   *id = DatumGetTextPP(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
		int32		t = rec_keys_find(&pool->ids, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id));
		bool		found;

		if (t < 0)
			continue;
		mark(*members, t, &found);
		if (!found)
			idx[n++] = t;
	}
	SPI_freetuptable(SPI_tuptable);
	qsort_arg(idx, n, sizeof(int32), pool_id_cmp, (void *) pool);
	rows = palloc0(sizeof(MemberRow) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		MemberRow  *m = &rows[i];
		int32		t = idx[i];
		const RecPoolCombo *cb = &pool->combos[pool->combo[t]];

		m->id = pool->ids.key[t];
		m->v = pool->v + (Size) t * pool->dim;
		m->dim = pool->dim;
		m->genres_null = cb->genres == NULL;
		if (cb->genres)
			m->ng = text_items(PointerGetDatum(cb->genres), &m->g);
		m->nf = text_items(PointerGetDatum(cb->families), &m->f);
		m->nq = text_items(PointerGetDatum(cb->groups), &m->q);
		m->na = pool->art_first[t + 1] - pool->art_first[t];
		m->a = palloc(sizeof(char *) * Max(m->na, 1));
		for (int k = 0; k < m->na; k++)
			m->a[k] = pool->artist_ids.key[pool->art_idx[pool->art_first[t] + k]];
	}
	*out = rows;
	return n;
}

/* ------------------------------------------------------------------------ */
/* Step 2: the evidence                                                      */
/* ------------------------------------------------------------------------ */

static void *
if_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocHuge((MemoryContext) ctx, size);
}

static void
if_release(void *ctx, void *ptr)
{
	pfree(ptr);
}

static void
if_interrupts(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
}

static double
forest_score(const RecEvidence *ev, const float *v)
{
	double		x[FV_MAX_DIM];

	for (int j = 0; j < ev->dim; j++)
		x[j] = v[j];
	return if_score(&ev->forest, x);
}

typedef struct MemberOrder
{
	int			i;
	double		score;
	const char *id;
} MemberOrder;

/* the order of every ranking here: score descending, then id (bytes) ascending */
static int
score_then_id(double sx, const char *x, double sy, const char *y)
{
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return strcmp(x, y);
}

static int
member_order_cmp(const void *a, const void *b)
{
	const MemberOrder *x = a;
	const MemberOrder *y = b;

	return score_then_id(x->score, x->id, y->score, y->id);
}

/*
 * Everything recommend() knows about the playlist, from its members' pool
 * rows (in id order): false when no member has a vector.
 */
static bool
step_evidence(const RecArgs *a, RecEvidence *ev, MemoryContext cxt, const MemberRow *mrows, int n)
{
	char	  **ids;
	float	   *vs;
	bool	   *keep;
	KeyBag		bags[4] = {{0}};	/* genres, families, groups, artists */
	double		known = 0;
	double		everyone;
	MemoryContext old = MemoryContextSwitchTo(cxt);

	ev->n_members = n;
	if (n == 0)
	{
		MemoryContextSwitchTo(old);
		return false;
	}
	ids = palloc(sizeof(char *) * n);
	keep = palloc(sizeof(bool) * n);
	ev->dim = -1;
	vs = NULL;
	for (int i = 0; i < n; i++)
	{
		ids[i] = mrows[i].id;
		if (ev->dim < 0)
		{
			ev->dim = mrows[i].dim;
			vs = palloc(sizeof(float) * (Size) n * ev->dim);
		}
		CheckFeatureVectorDims(ev->dim, mrows[i].dim);
		memcpy(vs + (Size) i * ev->dim, mrows[i].v, sizeof(float) * ev->dim);
		keep[i] = true;
	}
	rec_shares_from_c(&ev->member_set, cxt, n, ids, NULL);

	/*
	 * The playlist's own outliers stay out of the profile; a candidate more
	 * isolated than every member would be the playlist's worst outlier.
	 */
	ev->has_forest = a->exclude_outliers && n >= a->min_forest;
	if (ev->has_forest)
	{
		IFAllocator alloc = {if_alloc, if_release, cxt, if_interrupts};
		double	   *data = palloc(sizeof(double) * (Size) n * ev->dim);
		MemberOrder *order = palloc(sizeof(MemberOrder) * n);
		int			flagged;

		for (Size k = 0; k < (Size) n * ev->dim; k++)
			data[k] = vs[k];
		if_build(&ev->forest, data, n, ev->dim, IF_DEFAULT_TREES, IF_DEFAULT_SAMPLE_SIZE,
				 (uint64) IF_DEFAULT_SEED, &alloc);
		ev->cutoff = -get_float8_infinity();
		{
			double	   *scores = palloc(sizeof(double) * n);

			/* (the bulk scorer: the numbers of if_score, faster) */
			if_score_rows(&ev->forest, data, n, scores, &alloc);
			for (int i = 0; i < n; i++)
			{
				order[i].i = i;
				order[i].id = ids[i];
				order[i].score = scores[i];
				ev->cutoff = Max(ev->cutoff, order[i].score);
			}
		}
		qsort(order, n, sizeof(MemberOrder), member_order_cmp);
		flagged = (int) ceil(a->contamination * n);
		for (int r = 0; r < flagged && r < n; r++)
			keep[order[r].i] = false;
	}

	/* the kept members, the profile (their mean, summed in id order as avg() does) */
	ev->kept_ids = palloc(sizeof(char *) * n);
	ev->kept_v = palloc(sizeof(float) * (Size) n * ev->dim);
	ev->n_kept = 0;
	{
		double	   *sum = palloc0(sizeof(double) * ev->dim);

		for (int i = 0; i < n; i++)
		{
			if (!keep[i])
				continue;
			ev->kept_ids[ev->n_kept] = ids[i];
			memcpy(ev->kept_v + (Size) ev->n_kept * ev->dim, vs + (Size) i * ev->dim, sizeof(float) * ev->dim);
			for (int j = 0; j < ev->dim; j++)
				sum[j] += vs[(Size) i * ev->dim + j];
			ev->n_kept++;
		}
		ev->profile = palloc(sizeof(float) * ev->dim);
		for (int j = 0; j < ev->dim; j++)
			ev->profile[j] = (float) (sum[j] / (double) ev->n_kept);
		ev->unit_profile = palloc(sizeof(float) * ev->dim);
		rec_unit_vector(ev->profile, ev->dim, ev->unit_profile);
		rec_members_build(&ev->kept_unit, cxt, ev->n_kept, ev->dim, ev->kept_v);
	}

	/* the kept members' genres, families, groups (known ones) and artists */
	for (int i = 0; i < n; i++)
	{
		const MemberRow *m = &mrows[i];

		if (!keep[i])
			continue;
		if (!m->genres_null && m->ng > 0)
		{
			known += 1;
			for (int k = 0; k < m->ng; k++)
				bag_add(&bags[0], m->g[k]);
			for (int k = 0; k < m->nf; k++)
				bag_add(&bags[1], m->f[k]);
			for (int k = 0; k < m->nq; k++)
				bag_add(&bags[2], m->q[k]);
		}
		for (int k = 0; k < m->na; k++)
			bag_add(&bags[3], m->a[k]);
	}
	known = Max(known, 1);
	everyone = Max(ev->n_kept, 1);

	/*
	 * Over the profile members (docs/design/recommend.md): each genre's affinity
	 * (members carrying it / (library tracks carrying it + 1), relative to the
	 * most affine genre), each family's and group's share of the members with
	 * known genres, each artist's affinity (members credited / (the artist's
	 * other library tracks + 1), at most 2) and share of all members.
	 */
	{
		char	  **gk,
				  **fk,
				  **qk,
				  **ak;
		double	   *gc,
				   *fc,
				   *qc,
				   *ac;
		int			ng = bag_runs(&bags[0], &gk, &gc);
		int			nf = bag_runs(&bags[1], &fk, &fc);
		int			nq = bag_runs(&bags[2], &qk, &qc);
		int			na = bag_runs(&bags[3], &ak, &ac);
		double	   *glib = palloc0(sizeof(double) * Max(ng, 1));
		int64	   *glib_i = palloc0(sizeof(int64) * Max(ng, 1));
		double	   *gshare = palloc(sizeof(double) * Max(ng, 1));
		double	   *gpct = palloc(sizeof(double) * Max(ng, 1));
		double	   *fshare = palloc(sizeof(double) * Max(nf, 1));
		double	   *qshare = palloc(sizeof(double) * Max(nq, 1));
		double	   *alib = palloc0(sizeof(double) * Max(na, 1));
		double	   *aall = palloc0(sizeof(double) * Max(na, 1));
		double	   *aaff = palloc(sizeof(double) * Max(na, 1));
		double	   *araw = palloc(sizeof(double) * Max(na, 1));
		double	   *aother = palloc(sizeof(double) * Max(na, 1));
		double		gmax = 0;
		Datum		arg[1];

		/* the artists' tracks in the pool (library's and all) */
		if (na > 0 && ev->pool)
		{
			for (int k = 0; k < na; k++)
			{
				int32		x = rec_keys_find(&ev->pool->artist_ids, ak[k], strlen(ak[k]));

				if (x < 0)
					continue;
				alib[k] = (double) ev->pool->artists[x].library_tracks;
				aall[k] = (double) ev->pool->artists[x].tracks;
			}
		}
		else if (na > 0)
		{
			arg[0] = PointerGetDatum(text_array(ak, na));
			MemoryContextSwitchTo(old);
			run(Q_ARTISTS, a->schema, arg, NULL);
			MemoryContextSwitchTo(cxt);
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				bool		isnull;
				HeapTuple	tup = SPI_tuptable->vals[r];
				char	   *id = TextDatumGetCString(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
				int			k = find_key(ak, na, id);

				if (k < 0)
					continue;
				alib[k] = (double) DatumGetInt64(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));
				aall[k] = (double) DatumGetInt64(SPI_getbinval(tup, SPI_tuptable->tupdesc, 3, &isnull));
			}
		}
		/* the signatures holding one of the genres: library counts now, bounds later */
		ev->sigs = NULL;
		ev->n_sigs = 0;
		if (ng > 0 && ev->pool)
		{
			const RecPool *pool = ev->pool;
			bool	   *taken = palloc0(sizeof(bool) * Max(pool->n_sigs, 1));

			ev->sigs = palloc(sizeof(RecPoolSig) * Max(pool->n_sigs, 1));
			ev->sig_pool = palloc(sizeof(int32) * Max(pool->n_sigs, 1));
			for (int k = 0; k < ng; k++)
			{
				int32		gi = rec_keys_find(&pool->genres, gk[k], strlen(gk[k]));

				if (gi < 0)
					continue;
				for (int32 j = pool->genre_first[gi]; j < pool->genre_first[gi + 1]; j++)
				{
					int32		x = pool->genre_sigs[j];

					if (taken[x])
						continue;
					taken[x] = true;
					ev->sig_pool[ev->n_sigs] = x;
					ev->sigs[ev->n_sigs++] = pool->sigs[x];
				}
			}
		}
		else if (ng > 0)
		{
			arg[0] = PointerGetDatum(text_array(gk, ng));
			MemoryContextSwitchTo(old);
			run(Q_SIGNATURES, a->schema, arg, NULL);
			MemoryContextSwitchTo(cxt);
			ev->sigs = palloc0(sizeof(RecPoolSig) * Max(SPI_processed, 1));
			ev->sig_pool = palloc(sizeof(int32) * Max(SPI_processed, 1));
			ev->n_sigs = (int) SPI_processed;
			for (int r = 0; r < ev->n_sigs; r++)
			{
				bool		isnull;
				HeapTuple	tup = SPI_tuptable->vals[r];
				TupleDesc	td = SPI_tuptable->tupdesc;
				RecPoolSig *sr = &ev->sigs[r];

				sr->genres = DatumGetArrayTypeP(SPI_getbinval(tup, td, 1, &isnull));
				sr->families = DatumGetArrayTypeP(SPI_getbinval(tup, td, 2, &isnull));
				sr->groups = DatumGetArrayTypeP(SPI_getbinval(tup, td, 3, &isnull));
				sr->ng = text_items(PointerGetDatum(sr->genres), &sr->g);
				sr->tracks = DatumGetInt64(SPI_getbinval(tup, td, 4, &isnull));
				sr->library_tracks = DatumGetInt64(SPI_getbinval(tup, td, 5, &isnull));
				ev->sig_pool[r] = -1;
			}
		}
		for (int r = 0; r < ev->n_sigs; r++)
		{
			const RecPoolSig *sr = &ev->sigs[r];

			for (int k = 0; k < sr->ng; k++)
			{
				int			g = find_key(gk, ng, sr->g[k]);

				if (g >= 0)
					glib_i[g] += sr->library_tracks;
			}
		}
		for (int k = 0; k < ng; k++)
		{
			glib[k] = (double) glib_i[k];
			gshare[k] = gc[k] / (glib[k] + 1);
			gpct[k] = gc[k] / known;
			gmax = Max(gmax, gshare[k]);
		}
		/* relative to the most affine genre (= 1) */
		for (int k = 0; k < ng; k++)
			gshare[k] = gshare[k] / gmax;
		ev->family_max = 0;
		for (int k = 0; k < nf; k++)
		{
			fshare[k] = fc[k] / known;
			ev->family_max = Max(ev->family_max, fshare[k]);
		}
		ev->group_max = 0;
		for (int k = 0; k < nq; k++)
		{
			qshare[k] = qc[k] / known;
			ev->group_max = Max(ev->group_max, qshare[k]);
		}
		for (int k = 0; k < na; k++)
		{
			aaff[k] = Min(ac[k] / (Max(alib[k] - ac[k], 0) + 1), 2.0);
			araw[k] = ac[k] / (everyone + 1);
			aother[k] = Max(aall[k] - ac[k], 0);
		}
		rec_shares_from_c(&ev->shares[0], cxt, ng, gk, gshare);
		rec_shares_from_c(&ev->shares[1], cxt, nf, fk, fshare);
		rec_shares_from_c(&ev->shares[2], cxt, nq, qk, qshare);
		rec_shares_from_c(&ev->shares[3], cxt, na, ak, aaff);
		rec_shares_from_c(&ev->genre_pct, cxt, ng, gk, gpct);
		rec_shares_from_c(&ev->artist_raw, cxt, na, ak, araw);
		ev->n_genres = ng;
		ev->genre_keys = gk;
		ev->n_groups = nq;
		ev->n_artists = na;
		ev->artist_keys = ak;
		ev->artist_aff = aaff;
		ev->artist_other = aother;
	}
	MemoryContextSwitchTo(old);
	return true;
}

/* ------------------------------------------------------------------------ */
/* Step 3: candidate rounds, and step 4: the pick                            */
/* ------------------------------------------------------------------------ */

typedef struct RecSearch
{
	const RecArgs *a;
	const RecEvidence *ev;
	double		w[5];			/* {1 - near, genre, family, group, artist} */
	RecShares	a_hi;			/* artists whose tracks are in every round */
	double		artist_max;		/* weighted affinity of any other artist, at most */
	RecCands	cands;
	MemoryContext cxt;
	/* the picks */
	int64		n_picked;
	RecCand   **picked;
	/* with the pool in memory: each artist's affinity, and a_hi, by pool position */
	pool_marks_hash *pool_artists;	/* the members' artists: affinity, a_hi */
	uint32		visits;			/* pool tracks looked at (interrupt checks) */
} RecSearch;

/* a signature sharing a genre with the playlist */
typedef struct SigBound
{
	double		b;				/* the bound of its tracks' scores */
	double		terms[3];		/* its weighted genre, family and group terms */
	bool		has_term[3];
	int64		tracks;
	ArrayType  *genres;
	int32		pool_sig;		/* its position in the pool in memory */
	int			order;			/* position in the fetch, for ties */
} SigBound;

/* The score without the nearest-members part, as recommend_base_score() computes it. */
static double
cheap_score(const RecSearch *s, const float *v, ArrayType *genres, ArrayType *families,
			ArrayType *groups, ArrayType *artists)
{
	double		score = 0.0;
	ArrayType  *items[4] = {genres, families, groups, artists};

	score += s->w[0] * rec_cosine_to_unit(s->ev->unit_profile, v, s->ev->dim);
	for (int t = 0; t < 4; t++)
	{
		if (items[t] == NULL || s->w[1 + t] == 0.0)
			continue;
		score += s->w[1 + t] * rec_shares_lookup(&s->ev->shares[t], items[t], t < 3);
	}
	return score;
}

/* a signature's bound: every term at its most, the genre terms its own */
static void
signature_bound(const RecSearch *s, SigBound *sig, ArrayType *genres, ArrayType *families, ArrayType *groups)
{
	double		base = 0.0;
	ArrayType  *items[3] = {genres, families, groups};

	/* (the cosine term with weight 0 adds 0, as in recommend_base_score) */
	for (int t = 0; t < 3; t++)
	{
		sig->has_term[t] = s->w[1 + t] != 0.0;
		if (!sig->has_term[t])
			continue;
		sig->terms[t] = s->w[1 + t] * rec_shares_lookup(&s->ev->shares[t], items[t], true);
		base += sig->terms[t];
	}
	sig->b = 1.0 + s->artist_max + base;
}

/* the same sum from a signature's precomputed genre terms */
static double
cheap_score_sig(const RecSearch *s, const float *v, const SigBound *sig, ArrayType *artists)
{
	double		score = 0.0;

	score += s->w[0] * rec_cosine_to_unit(s->ev->unit_profile, v, s->ev->dim);
	for (int t = 0; t < 3; t++)
		if (sig->has_term[t])
			score += sig->terms[t];
	if (s->w[4] != 0.0)
		score += s->w[4] * rec_shares_lookup(&s->ev->shares[3], artists, false);
	return score;
}

static bool
groups_pass(const RecSearch *s, ArrayType *groups)
{
	if (!s->a->genre_filter)
		return true;
	if (ArrayGetNItems(ARR_NDIM(groups), ARR_DIMS(groups)) == 0)
		return true;
	return rec_shares_overlap(&s->ev->shares[2], groups);
}

/* the first element of a text[] as a C string, NULL when empty */
static char *
first_item(ArrayType *arr)
{
	Datum		d;
	bool		isnull;

	if (ARR_NDIM(arr) != 1 || ARR_DIMS(arr)[0] < 1)
		return NULL;
	d = array_get_element(PointerGetDatum(arr), 1, &ARR_LBOUND(arr)[0], -1, -1, false, TYPALIGN_INT, &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

static RecCand *
new_candidate(RecSearch *s)
{
	if (s->cands.n == s->cands.cap)
	{
		s->cands.cap = Max(256, s->cands.cap * 2);
		s->cands.c = s->cands.c ? repalloc_huge(s->cands.c, sizeof(RecCand) * s->cands.cap)
			: MemoryContextAllocHuge(s->cxt, sizeof(RecCand) * s->cands.cap);
	}
	return &s->cands.c[s->cands.n++];
}

/*
 * Read the rows of one fetch (SPI_tuptable) into the candidates, scoring
 * each; skip members, tracks of another source, tracks the group filter
 * drops, and (skip_hi) the tracks of the artists read apart.
 * sigs != NULL: the rows are (signature's position in sigs, track_id,
 * artist_ids, v, in_library), the genre terms the signature's; else the rows
 * are POOL_COLUMNS.
 */
static void
take_rows(RecSearch *s, bool skip_hi, const SigBound *sigs)
{
	SPITupleTable *tt = SPI_tuptable;
	TupleDesc	td = tt->tupdesc;
	int			off = sigs ? 1 : 0;	/* column offset of track_id - 1 */
	int			c_v = sigs ? 4 : 6;
	int			c_lib = sigs ? 5 : 7;
	MemoryContext old;

	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = tt->vals[r];
		bool		isnull;
		text	   *id;
		ArrayType  *artists;
		FeatureVector *v;
		RecCand    *c;
		double		cheap;

		if ((r & 255) == 0)
			CHECK_FOR_INTERRUPTS();
		id = DatumGetTextPP(SPI_getbinval(tup, td, off + 1, &isnull));
		if (rec_shares_find(&s->ev->member_set, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id)))
			continue;
		if (s->a->source >= 0 &&
			DatumGetBool(SPI_getbinval(tup, td, c_lib, &isnull)) != (s->a->source == 1))
			continue;
		artists = DatumGetArrayTypeP(SPI_getbinval(tup, td, off + 2, &isnull));
		if (skip_hi && rec_shares_overlap(&s->a_hi, artists))
			continue;
		v = DatumGetFeatureVector(SPI_getbinval(tup, td, c_v, &isnull));
		CheckFeatureVectorDims(s->ev->dim, v->dim);
		if (sigs)
		{
			int64		i = DatumGetInt64(SPI_getbinval(tup, td, 1, &isnull));

			cheap = cheap_score_sig(s, v->x, &sigs[i - 1], artists);
		}
		else
		{
			ArrayType  *groups = DatumGetArrayTypeP(SPI_getbinval(tup, td, 5, &isnull));
			Datum		gd;
			bool		gnull;

			if (!groups_pass(s, groups))
				continue;
			gd = SPI_getbinval(tup, td, 3, &gnull);
			cheap = cheap_score(s, v->x, gnull ? NULL : DatumGetArrayTypeP(gd),
								DatumGetArrayTypeP(SPI_getbinval(tup, td, 4, &isnull)), groups, artists);
		}

		old = MemoryContextSwitchTo(s->cxt);
		c = new_candidate(s);
		c->id = text_to_cstring(id);
		c->artist = first_item(artists);
		c->v = palloc(sizeof(float) * s->ev->dim);
		memcpy(c->v, v->x, sizeof(float) * s->ev->dim);
		c->cheap = cheap;
		c->scored = false;
		MemoryContextSwitchTo(old);
	}
	SPI_freetuptable(tt);
}

/*
 * The same for one track of the pool in memory: the same tests and the same
 * sums, in the same order, as take_rows.
 */
static void
take_pool_track(RecSearch *s, int32 t, bool skip_hi, const SigBound *sig)
{
	const RecEvidence *ev = s->ev;
	const RecPool *pool = ev->pool;
	const float *v = pool->v + (Size) t * pool->dim;
	int32		a0 = pool->art_first[t];
	int32		a1 = pool->art_first[t + 1];
	double		cheap = 0.0;
	double		artist = 0.0;
	RecCand    *c;

	if ((s->visits++ & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	if (pool_marks_lookup(ev->pool_members, t))
		return;
	if (s->a->source >= 0 && pool->in_library[t] != (s->a->source == 1))
		return;
	/* (and rec_shares_lookup's largest share of the track's artists) */
	for (int32 k = a0; k < a1; k++)
	{
		const PoolMark *am = pool_marks_lookup(s->pool_artists, pool->art_idx[k]);

		if (am == NULL)
			continue;
		if (skip_hi && am->hi)
			return;
		artist = Max(artist, am->aff);
	}
	if (sig)
	{
		cheap += s->w[0] * rec_cosine_to_unit(ev->unit_profile, v, ev->dim);
		for (int k = 0; k < 3; k++)
			if (sig->has_term[k])
				cheap += sig->terms[k];
	}
	else
	{
		const RecPoolCombo *cb = &pool->combos[pool->combo[t]];
		ArrayType  *items[3] = {cb->genres, cb->families, cb->groups};

		if (!groups_pass(s, cb->groups))
			return;
		cheap += s->w[0] * rec_cosine_to_unit(ev->unit_profile, v, ev->dim);
		for (int k = 0; k < 3; k++)
		{
			if (items[k] == NULL || s->w[1 + k] == 0.0)
				continue;
			cheap += s->w[1 + k] * rec_shares_lookup(&ev->shares[k], items[k], true);
		}
	}
	if (s->w[4] != 0.0)
		cheap += s->w[4] * artist;

	c = new_candidate(s);
	c->id = pool->ids.key[t];
	c->artist = a1 > a0 ? pool->artist_ids.key[pool->art_idx[a0]] : NULL;
	c->v = (float *) v;
	c->cheap = cheap;
	c->scored = false;
}

/* the part of a track list (the library's first, n_lib of them) the source asked for reads */
static void
source_part(const RecArgs *a, int32 first, int32 count, int32 n_lib, int32 *from, int32 *to)
{
	*from = a->source == 0 ? first + n_lib : first;
	*to = a->source == 1 ? first + n_lib : first + count;
}

static int
by_cheap(const void *a, const void *b)
{
	const RecCand *x = a;
	const RecCand *y = b;

	return score_then_id(x->cheap, x->id, y->cheap, y->id);
}

static int
by_total(const void *a, const void *b)
{
	const RecCand *x = *(RecCand *const *) a;
	const RecCand *y = *(RecCand *const *) b;

	return score_then_id(x->total, x->id, y->total, y->id);
}

/*
 * Step 4, the pick: walk the first m candidates by cheap score in the order
 * of their exact score; at most max_per_artist per primary artist (or as many
 * as the artist's share of the playlist gives of n, if more); none the
 * playlist's forest isolates more than every member.
 */
/* Picks so far per primary artist (step_pick): a hash, so the walk stays linear in m. */
typedef struct ArtistCount
{
	char		artist[256];	/* key: ids are at most 255 bytes (longer ones are dropped on load) */
	int			count;
} ArtistCount;

static void
step_pick(RecSearch *s, int m)
{
	const RecArgs *a = s->a;
	const RecEvidence *ev = s->ev;
	RecCand   **order = palloc(sizeof(RecCand *) * Max(m, 1));
	HTAB	   *used = NULL;

	for (int i = 0; i < m; i++)
	{
		RecCand    *c = &s->cands.c[i];

		if (!c->scored)
		{
			double		near = 0;

			if ((i & 255) == 0)
				CHECK_FOR_INTERRUPTS();
			if (a->w_near != 0)
			{
				double		sim = rec_neighbour_similarity(&ev->kept_unit, c->v, ev->dim, a->k_near);

				near = a->w_near * (isnan(sim) ? 0 : sim);
			}
			c->total = c->cheap + near;
			c->scored = true;
		}
		order[i] = c;
	}
	qsort(order, m, sizeof(RecCand *), by_total);
	if (s->picked)
		pfree(s->picked);
	s->picked = MemoryContextAlloc(s->cxt, sizeof(RecCand *) * Max(Min(a->n, (int64) m), 1));
	s->n_picked = 0;
	if (a->has_max_per_artist)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(((ArtistCount *) NULL)->artist);
		ctl.entrysize = sizeof(ArtistCount);
		ctl.hcxt = CurrentMemoryContext;
		used = hash_create("recommend picks per artist", 256, &ctl,
						   HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	for (int i = 0; i < m && s->n_picked < a->n; i++)
	{
		RecCand    *c = order[i];
		ArtistCount *ac = NULL;

		if ((i & 255) == 0)
			CHECK_FOR_INTERRUPTS();
		if (used && c->artist)
		{
			const RecShareEntry *raw = rec_shares_find(&ev->artist_raw, c->artist, strlen(c->artist));
			double		limit = ceil((double) a->n * (raw ? raw->share : 0));
			bool		found;

			ac = hash_search(used, c->artist, HASH_ENTER, &found);
			if (!found)
				ac->count = 0;
			if (ac->count >= Max((double) a->max_per_artist, limit))
				continue;
		}
		if (ev->has_forest && forest_score(ev, c->v) > ev->cutoff)
			continue;
		s->picked[s->n_picked++] = c;
		if (ac)
			ac->count++;
	}
	pfree(order);
	if (used)
		hash_destroy(used);
}


static int
sig_bound_cmp(const void *a, const void *b)
{
	const SigBound *x = a;
	const SigBound *y = b;

	if (x->b != y->b)
		return x->b > y->b ? -1 : 1;
	/* ties change only which round reads a signature, never the answer */
	return (x->order > y->order) - (x->order < y->order);
}

/*
 * Step 3, the candidate rounds: exact without scoring the whole pool.
 * - A candidate's genre terms depend on its genre combination (signature)
 *   only: each signature sharing a genre with the playlist gets an upper
 *   bound, 1 (the most the two similarity terms add) + its genre terms + the
 *   largest artist term.  A round reads the tracks of the signatures above a
 *   threshold (at first those holding REC_FIRST_COVER x max(16n, 256) tracks,
 *   then four times as many; a round reads only the signatures new to it),
 *   and is enough when its n-th pick beats the best any candidate left out
 *   can reach.  The last round adds the tracks sharing no genre with the
 *   playlist (or reads the whole pool when there were no signature rounds).
 * - The tracks of the members' most affine artists (a_hi) are in every round;
 *   any other track's artist term is at most artist_max.
 * - Within a round the cheap part of the score bounds the total (the nearest-
 *   members part adds at most w_near): the m best by cheap score are scored
 *   exactly, and the picks are exact when the n-th beats the bound of every
 *   candidate left out; otherwise m grows.
 */
static void
step_search(RecSearch *s)
{
	const RecArgs *a = s->a;
	const RecEvidence *ev = s->ev;
	int64		cover = REC_FIRST_COVER * Max(16 * a->n, 256);
	int			sigs_read = 0;	/* signatures whose tracks are among the candidates */
	bool		hi_read = false;	/* and the a_hi artists' tracks */
	bool		exhaustive;
	bool		full_next = false;
	double		other_max;
	SigBound   *sb = NULL;
	int			n_sb = 0;
	const char *ex = GetConfigOption("listen_wiseer.recommend_exhaustive", true, false);

	exhaustive = ex != NULL && strcmp(ex, "on") == 0;
	s->w[0] = 1.0 - a->w_near;
	s->w[1] = a->w_genre;
	s->w[2] = a->w_family;
	s->w[3] = a->w_group;
	s->w[4] = a->w_artist;

	/*
	 * a_hi: the artists of highest affinity holding at most REC_HI_COVER x
	 * max(16n, 256) other tracks between them; artist_max: the largest affinity left out.
	 * An artist with no track outside the members has no candidate.
	 */
	{
		int		   *idx = palloc(sizeof(int) * Max(ev->n_artists, 1));
		char	  **hi = palloc(sizeof(char *) * Max(ev->n_artists, 1));
		int			n_hi = 0;
		int			n_idx = 0;
		double		cum = 0;
		double		limit = REC_HI_COVER * Max(16 * a->n, 256);
		double		amax = 0;

		for (int k = 0; k < ev->n_artists; k++)
			if (ev->artist_other[k] > 0)
				idx[n_idx++] = k;
		/* by affinity, descending (then key): insertion sort, the lists are short */
		for (int i = 1; i < n_idx; i++)
		{
			int			x = idx[i];
			int			j = i;

			while (j > 0 && (ev->artist_aff[idx[j - 1]] < ev->artist_aff[x] ||
							 (ev->artist_aff[idx[j - 1]] == ev->artist_aff[x] &&
							  strcmp(ev->artist_keys[idx[j - 1]], ev->artist_keys[x]) > 0)))
			{
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = x;
		}
		for (int i = 0; i < n_idx; i++)
		{
			int			k = idx[i];

			cum += ev->artist_other[k];
			if (cum <= limit)
				hi[n_hi++] = ev->artist_keys[k];
			else
				amax = Max(amax, ev->artist_aff[k]);
		}
		rec_shares_from_c(&s->a_hi, s->cxt, n_hi, hi, NULL);
		s->artist_max = a->w_artist * amax;
		if (ev->pool)
		{
			const RecPool *pool = ev->pool;

			bool		found;

			s->pool_artists = pool_marks_create(s->cxt, Max(ev->n_artists, 16), NULL);
			for (int k = 0; k < ev->n_artists; k++)
			{
				int32		x = rec_keys_find(&pool->artist_ids, ev->artist_keys[k], strlen(ev->artist_keys[k]));

				if (x >= 0)
					mark(s->pool_artists, x, &found)->aff = ev->artist_aff[k];
			}
			for (int i = 0; i < n_hi; i++)
			{
				int32		x = rec_keys_find(&pool->artist_ids, hi[i], strlen(hi[i]));

				if (x >= 0)
					mark(s->pool_artists, x, &found)->hi = true;
			}
		}
	}
	other_max = a->w_family * ev->family_max + a->w_group * ev->group_max + s->artist_max;

	/* the signatures' bounds, once */
	if (!exhaustive && ev->n_genres > 0 && ev->n_sigs > 0)
	{
		sb = palloc(sizeof(SigBound) * ev->n_sigs);
		for (int r = 0; r < ev->n_sigs; r++)
		{
			const RecPoolSig *sr = &ev->sigs[r];

			if (!groups_pass(s, sr->groups))
				continue;
			sb[n_sb].genres = sr->genres;
			sb[n_sb].pool_sig = ev->sig_pool[r];
			sb[n_sb].order = n_sb;
			/* the tracks of the source asked for: what a round reads */
			sb[n_sb].tracks = sr->tracks;
			if (a->source == 1)
				sb[n_sb].tracks = sr->library_tracks;
			else if (a->source == 0)
				sb[n_sb].tracks -= sr->library_tracks;
			signature_bound(s, &sb[n_sb], sr->genres, sr->families, sr->groups);
			n_sb++;
		}
		qsort(sb, n_sb, sizeof(SigBound), sig_bound_cmp);
	}

	for (;;)
	{
		bool		has_t = false;	/* a signature round (else: the whole pool) */
		double		bound = 0;
		int64		m;

		CHECK_FOR_INTERRUPTS();
		if (!exhaustive && !full_next && ev->n_genres > 0)
		{
			int64		cum = 0;
			int			n_in = 0;
			bool		has_bound = false;

			/* the threshold: the signatures above it hold at least `cover` tracks */
			for (int i = 0; i < n_sb; i++)
			{
				if (cum < cover)
					n_in = i + 1;
				else if (!has_bound)
				{
					bound = sb[i].b;
					has_bound = true;
				}
				cum += sb[i].tracks;
			}
			has_t = n_in > 0;
			/* every signature is in: if this round is not enough, the next reads everything */
			full_next = !has_bound;
			bound = Max(has_bound ? bound : 0, 1.0 + other_max);
			if (has_t && n_in > sigs_read && ev->pool)
			{
				for (int i = sigs_read; i < n_in; i++)
				{
					const RecPoolSig *ps = &ev->pool->sigs[sb[i].pool_sig];
					int32		from,
								to;

					source_part(a, ps->first, ps->count, ps->n_lib, &from, &to);
					for (int32 j = from; j < to; j++)
						take_pool_track(s, ev->pool->sig_tracks[j], true, &sb[i]);
				}
				sigs_read = n_in;
			}
			else if (has_t && n_in > sigs_read)
			{
				/*
				 * the signatures new in this round (rounds grow: the earlier
				 * ones' tracks are candidates already), genres end to end
				 */
				int			total = 0;
				Datum	   *flat;
				Datum	   *offs = palloc(sizeof(Datum) * n_in);
				Datum	   *lens = palloc(sizeof(Datum) * n_in);
				Datum		args[4];
				char		nulls[4] = {' ', ' ', ' ', a->source < 0 ? 'n' : ' '};
				int			k = 0;
				int			n_new = n_in - sigs_read;

				for (int i = sigs_read; i < n_in; i++)
					total += ArrayGetNItems(ARR_NDIM(sb[i].genres), ARR_DIMS(sb[i].genres));
				flat = palloc(sizeof(Datum) * Max(total, 1));
				for (int i = sigs_read; i < n_in; i++)
				{
					Datum	   *d;
					bool	   *nl;
					int			ni;

					deconstruct_array(sb[i].genres, TEXTOID, -1, false, TYPALIGN_INT, &d, &nl, &ni);
					offs[i - sigs_read] = Int32GetDatum(k);
					lens[i - sigs_read] = Int32GetDatum(ni);
					memcpy(flat + k, d, sizeof(Datum) * ni);
					k += ni;
				}
				args[0] = PointerGetDatum(construct_array(flat, total, TEXTOID, -1, false, TYPALIGN_INT));
				args[1] = PointerGetDatum(construct_array(offs, n_new, INT4OID, 4, true, TYPALIGN_INT));
				args[2] = PointerGetDatum(construct_array(lens, n_new, INT4OID, 4, true, TYPALIGN_INT));
				args[3] = BoolGetDatum(a->source == 1);
				run(a->source == 1 ? Q_SIGNATURE_LIBRARY_TRACKS : Q_SIGNATURE_TRACKS, a->schema, args, nulls);
				take_rows(s, true, sb + sigs_read);
				sigs_read = n_in;
			}
			if (has_t && !hi_read)
			{
				Datum		args[2];
				char		nulls[2] = {' ', a->source < 0 ? 'n' : ' '};

				hi_read = true;
				if (s->a_hi.n > 0 && ev->pool)
				{
					const RecPool *pool = ev->pool;
					pool_marks_hash *seen = pool_marks_create(s->cxt, 1024, NULL);
					bool		found;
					int32		from,
								to;

					for (int i = 0; i < s->a_hi.n; i++)
					{
						int32		x = rec_keys_find(&pool->artist_ids, s->a_hi.entries[i].key,
													  s->a_hi.entries[i].len);

						if (x < 0)
							continue;
						source_part(a, pool->artists[x].first, pool->artists[x].count,
									(int32) pool->artists[x].library_tracks, &from, &to);
						for (int32 j = from; j < to; j++)
						{
							int32		t = pool->artist_tracks[j];

							mark(seen, t, &found);
							if (!found)
								take_pool_track(s, t, false, NULL);
						}
					}
					pool_marks_destroy(seen);
				}
				else if (s->a_hi.n > 0)
				{
					char	  **hi = palloc(sizeof(char *) * s->a_hi.n);

					for (int i = 0; i < s->a_hi.n; i++)
						hi[i] = s->a_hi.entries[i].key;
					args[0] = PointerGetDatum(text_array(hi, s->a_hi.n));
					args[1] = BoolGetDatum(a->source == 1);
					run(Q_ARTIST_TRACKS, a->schema, args, nulls);
					take_rows(s, false, NULL);
				}
			}
		}
		if (!has_t && sigs_read == n_sb && n_sb > 0 && hi_read)
		{
			/*
			 * The last round after every signature sharing a genre was read
			 * (and the top artists' tracks): only the tracks sharing no genre
			 * with the playlist are left (those of a signature the group
			 * filter dropped would be dropped again).
			 */
			if (ev->pool)
			{
				const RecPool *pool = ev->pool;
				bool	   *shares_genre = palloc(sizeof(bool) * Max(pool->n_combos, 1));
				int32		n = a->source == 1 ? pool->n_library : pool->n;

				for (int32 c = 0; c < pool->n_combos; c++)
					shares_genre[c] = pool->combos[c].genres != NULL &&
						rec_shares_overlap(&ev->shares[0], pool->combos[c].genres);

				for (int32 i = 0; i < n; i++)
				{
					int32		t = a->source == 1 ? pool->library[i] : i;

					if (!shares_genre[pool->combo[t]])
						take_pool_track(s, t, true, NULL);
				}
				pfree(shares_genre);
			}
			else
			{
				Datum		args[2] = {PointerGetDatum(text_array(ev->genre_keys, ev->n_genres)),
				BoolGetDatum(a->source == 1)};
				char		nulls[2] = {' ', a->source < 0 ? 'n' : ' '};

				run(Q_REST_TRACKS, a->schema, args, nulls);
				take_rows(s, true, NULL);
			}
		}
		else if (!has_t)
		{
			/* the last round: the whole pool, afresh */
			s->cands.n = 0;
			if (ev->pool)
			{
				const RecPool *pool = ev->pool;
				int32		n = a->source == 1 ? pool->n_library : pool->n;

				for (int32 i = 0; i < n; i++)
					take_pool_track(s, a->source == 1 ? pool->library[i] : i, false, NULL);
			}
			else
			{
				Datum		args[1] = {BoolGetDatum(a->source == 1)};

				run(Q_ALL_TRACKS, a->schema, args, a->source < 0 ? "n" : " ");
				take_rows(s, false, NULL);
			}
		}
		qsort(s->cands.c, s->cands.n, sizeof(RecCand), by_cheap);

		/*
		 * (a few times n at first: the nearest-members part is most of the
		 * scoring, and the check below tells when more are needed)
		 */
		m = Max(4 * a->n, 64);
		for (;;)
		{
			int			mm = (int) Min(m, (int64) s->cands.n);
			double		min_ub = mm > 0 ? s->cands.c[mm - 1].cheap + a->w_near : 0;

			step_pick(s, mm);
			elog(DEBUG2, "recommend: %s, m " INT64_FORMAT ", scored %d, picks " INT64_FORMAT ", bound %g",
				 has_t ? "signature round" : "whole pool", m, mm, s->n_picked, bound);
			if (mm < m || (s->n_picked >= a->n && s->picked[a->n - 1]->total > min_ub + REC_SLACK))
				break;
			m *= 4;
		}
		if (!has_t || (s->n_picked >= a->n && s->picked[a->n - 1]->total > bound + REC_SLACK))
			break;
		cover *= 4;
	}
}

/* ------------------------------------------------------------------------ */
/* Step 5: explain                                                           */
/* ------------------------------------------------------------------------ */

typedef struct RecRow
{
	char	   *id;
	char	   *name;
	char	   *artists;
	double		score;
	double		similarity;
	char	   *genre_group;
	char	   *reason;
} RecRow;

static char *
round_numeric(Datum num, int places)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out,
											   DirectFunctionCall2(numeric_round, num, Int32GetDatum(places))));
}

/* 100 x share, rounded as round(float8) does, printed as float8out prints it */
static char *
percent(double share)
{
	return DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(rint(100 * share))));
}

typedef struct Gap
{
	int			i;
	Datum		gap;
} Gap;

static int
gap_cmp(const void *a, const void *b)
{
	const Gap  *x = a;
	const Gap  *y = b;
	int			c = DatumGetInt32(DirectFunctionCall2(numeric_cmp, x->gap, y->gap));

	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* the best-sharing key among items (share DESC, key), or -1 */
static const RecShareEntry *
best_share(const RecShares *t, char **items, int n, const char **key)
{
	const RecShareEntry *best = NULL;

	for (int i = 0; i < n; i++)
	{
		const RecShareEntry *e = rec_shares_find(t, items[i], strlen(items[i]));

		if (e && (best == NULL || e->share > best->share ||
				  (e->share == best->share && strcmp(items[i], *key) < 0)))
		{
			best = e;
			*key = items[i];
		}
	}
	return best;
}

/* a pool track's (genres, families, groups), by id; NULL when not in the pool */
static const RecPoolCombo *
pick_combo(const RecPool *pool, const char *id)
{
	int32		t = rec_keys_find(&pool->ids, id, strlen(id));

	return t < 0 ? NULL : &pool->combos[pool->combo[t]];
}

/* the members' pool rows, from the copy or by SQL */
static int
read_members(const RecArgs *a, RecEvidence *ev, const char *pid, MemberRow **mrows)
{
	if (ev->pool)
		return members_from_pool(a, ev->pool, pid, mrows, &ev->pool_members);
	return members_by_sql(a, pid, mrows);
}

static RecRow *
step_explain(const RecSearch *s, MemoryContext outcxt)
{
	const RecArgs *a = s->a;
	const RecEvidence *ev = s->ev;
	int			np = (int) s->n_picked;
	int		   *nearest = palloc(sizeof(int) * Max(np, 1));
	char	  **ids = palloc(sizeof(char *) * Max(2 * np, 1));
	Datum		arg[1];
	RecRow	   *rows = MemoryContextAllocZero(outcxt, sizeof(RecRow) * Max(np, 1));
	char	  **fnames;
	int			n_fnames;
	SPITupleTable *tracks;
	uint64		n_tracks;
	bool		mixed = false;

	/* the nearest member of each pick (by <=>, ties to the smaller id) */
	for (int p = 0; p < np; p++)
	{
		double		best_d = 0;

		nearest[p] = -1;
		for (int k = 0; k < ev->n_kept; k++)
		{
			double		d = fv_cosine_distance(ev->dim, s->picked[p]->v, ev->kept_v + (Size) k * ev->dim);

			/* kept_ids are in ascending order: the first of equals is the smallest */
			if (nearest[p] < 0 || d < best_d)
			{
				nearest[p] = k;
				best_d = d;
			}
		}
		ids[p] = s->picked[p]->id;
		ids[np + p] = ev->kept_ids[nearest[p]];
	}

	n_fnames = a->n_fnames;
	fnames = a->fnames;

	arg[0] = PointerGetDatum(text_array(ids, 2 * np));
	run(ev->pool ? Q_TRACK_NAMES : Q_TRACKS, a->schema, arg, NULL);
	tracks = SPI_tuptable;
	n_tracks = SPI_processed;
	arg[0] = PointerGetDatum(text_array(ids, np));
	run(Q_CREDITS, a->schema, arg, NULL);

	/* do the picks mix library and catalog tracks? then each says which */
	for (uint64 r = 0; r < n_tracks && !mixed; r++)
	{
		bool		isnull;

		if (!DatumGetBool(SPI_getbinval(tracks->vals[r], tracks->tupdesc, 3, &isnull)))
			for (int p = 0; p < np && !mixed; p++)
				mixed = strcmp(TextDatumGetCString(SPI_getbinval(tracks->vals[r], tracks->tupdesc, 1, &isnull)),
							   s->picked[p]->id) == 0;
	}
	mixed = mixed && a->source < 0;

	for (int p = 0; p < np; p++)
	{
		RecCand    *c = s->picked[p];
		RecRow	   *row = &rows[p];
		StringInfoData reason;
		bool		isnull;
		HeapTuple	self = NULL;
		HeapTuple	member = NULL;
		bool		in_library = true;
		char	   *catalog = NULL;
		char	   *member_name = NULL;
		double		sim;
		double		nd;

		CHECK_FOR_INTERRUPTS();
		for (uint64 r = 0; r < n_tracks; r++)
		{
			char	   *id = TextDatumGetCString(SPI_getbinval(tracks->vals[r], tracks->tupdesc, 1, &isnull));

			if (strcmp(id, c->id) == 0)
				self = tracks->vals[r];
			if (strcmp(id, ids[np + p]) == 0)
				member = tracks->vals[r];
		}
		if (self == NULL || member == NULL)
			continue;			/* gone meanwhile (not within one snapshot) */
		row->id = MemoryContextStrdup(outcxt, c->id);
		{
			Datum		d = SPI_getbinval(self, tracks->tupdesc, 2, &isnull);

			row->name = isnull ? NULL : MemoryContextStrdup(outcxt, TextDatumGetCString(d));
		}
		in_library = DatumGetBool(SPI_getbinval(self, tracks->tupdesc, 3, &isnull));
		{
			Datum		d = SPI_getbinval(self, tracks->tupdesc, 4, &isnull);

			catalog = isnull ? "?" : TextDatumGetCString(d);
		}
		{
			Datum		d = SPI_getbinval(member, tracks->tupdesc, 2, &isnull);

			member_name = isnull ? NULL : TextDatumGetCString(d);
		}
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			char	   *id = TextDatumGetCString(SPI_getbinval(t, SPI_tuptable->tupdesc, 1, &isnull));

			if (strcmp(id, c->id) != 0)
				continue;
			{
				Datum		d = SPI_getbinval(t, SPI_tuptable->tupdesc, 2, &isnull);

				row->artists = isnull ? NULL : MemoryContextStrdup(outcxt, TextDatumGetCString(d));
				d = SPI_getbinval(t, SPI_tuptable->tupdesc, 3, &isnull);
				row->genre_group = isnull ? NULL : MemoryContextStrdup(outcxt, TextDatumGetCString(d));
			}
		}
		row->score = c->total;
		/* the score's audio part alone, 0 to 1 */
		nd = fv_cosine_distance(ev->dim, c->v, ev->profile);
		sim = (1.0 - a->w_near) * (1.0 - nd);
		if (a->w_near != 0)
		{
			double		ns = rec_neighbour_similarity(&ev->kept_unit, c->v, ev->dim, a->k_near);

			sim = sim + a->w_near * (isnan(ns) ? 0 : ns);
		}
		else
			sim = sim + 0;
		row->similarity = Min(Max(sim, 0.0), 1.0);

		/* the reason: catalog, nearest member, genre or family, two closest features */
		initStringInfo(&reason);
		if (!in_library)
			appendStringInfo(&reason, "from catalog %s", quote_literal_cstr(catalog));
		else if (mixed)
			appendStringInfoString(&reason, "from your library");
		if (member_name != NULL)
		{
			double		msim = 1.0 - fv_cosine_distance(ev->dim, c->v, ev->kept_v + (Size) nearest[p] * ev->dim);

			if (reason.len > 0)
				appendStringInfoString(&reason, "; ");
			appendStringInfo(&reason, "closest to %s (similarity %s)", quote_literal_cstr(member_name),
							 round_numeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(msim)), 2));
		}
		{
			/* the pick's genres and families (NULL: none), from the pool in memory or by SQL */
			ArrayType  *genres = NULL;
			ArrayType  *families = NULL;
			char	  **items = NULL;
			int			ni;
			const char *key = NULL;
			const RecShareEntry *e;

			if (ev->pool)
			{
				const RecPoolCombo *cb = pick_combo(ev->pool, c->id);

				genres = cb ? cb->genres : NULL;
				families = cb ? cb->families : NULL;
			}
			else
			{
				Datum		d = SPI_getbinval(self, tracks->tupdesc, 5, &isnull);

				genres = isnull ? NULL : DatumGetArrayTypeP(d);
				d = SPI_getbinval(self, tracks->tupdesc, 6, &isnull);
				families = isnull ? NULL : DatumGetArrayTypeP(d);
			}
			ni = genres ? text_items(PointerGetDatum(genres), &items) : 0;
			e = best_share(&ev->genre_pct, items, ni, &key);

			if (e)
			{
				if (reason.len > 0)
					appendStringInfoString(&reason, "; ");
				appendStringInfo(&reason, "genre %s like %s%% of the playlist", quote_literal_cstr(key),
								 percent(e->share));
			}
			else
			{
				ni = families ? text_items(PointerGetDatum(families), &items) : 0;
				e = best_share(&ev->shares[1], items, ni, &key);
				if (e)
				{
					if (reason.len > 0)
						appendStringInfoString(&reason, "; ");
					appendStringInfo(&reason, "genre family %s like %s%% of the playlist",
									 quote_literal_cstr(key), percent(e->share));
				}
			}
		}
		if (n_fnames == ev->dim && n_fnames >= 2)
		{
			Gap		   *gaps = palloc(sizeof(Gap) * n_fnames);

			for (int i = 0; i < n_fnames; i++)
			{
				float4		diff = fabsf(c->v[i] - ev->profile[i]);

				gaps[i].i = i;
				gaps[i].gap = DirectFunctionCall2(numeric_round,
												  DirectFunctionCall1(float4_numeric, Float4GetDatum(diff)),
												  Int32GetDatum(2));
			}
			qsort(gaps, n_fnames, sizeof(Gap), gap_cmp);
			if (reason.len > 0)
				appendStringInfoString(&reason, "; ");
			appendStringInfo(&reason, "similar %s and %s", fnames[gaps[0].i], fnames[gaps[1].i]);
		}
		row->reason = MemoryContextStrdup(outcxt, reason.data);
	}
	return rows;
}

/* ------------------------------------------------------------------------ */
/* recommend()                                                               */
/* ------------------------------------------------------------------------ */

/* listen_wiseer.recommend_weights(), as last read in this session */
static struct
{
	bool		valid;
	bool		callback;		/* weights_stale registered */
	double		genre,
				family,
				group,
				artist,
				near,
				contamination;
	int32		k_near,
				min_forest;
	int			n_fnames;
	char	  **fnames;			/* in weights_cxt */
	MemoryContext cxt;
}			weights;

static void
weights_stale(Datum arg, int cacheid, uint32 hashvalue)
{
	weights.valid = false;
}

static const char *
clip200(const char *s)
{
	/* at most 200 characters of it: the argument may be anything */
	if (pg_mbstrlen(s) > 200)
		return psprintf("%s...", pnstrdup(s, pg_mbcharcliplen(s, strlen(s), 200)));
	return s;
}

static void
read_arguments(FunctionCallInfo fcinfo, RecArgs *a)
{
	char	   *method;
	char	   *source;

	if (PG_ARGISNULL(1) || PG_GETARG_INT64(1) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be zero or more, not %s",
						PG_ARGISNULL(1) ? "null" : psprintf(INT64_FORMAT, PG_GETARG_INT64(1)))));
	/* (more rows than an integer rank counts cannot be returned anyway) */
	a->n = Min(PG_GETARG_INT64(1), (int64) PG_INT32_MAX);
	a->has_max_per_artist = !PG_ARGISNULL(5);
	a->max_per_artist = a->has_max_per_artist ? PG_GETARG_INT32(5) : 0;
	if (a->has_max_per_artist && a->max_per_artist < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_per_artist must be 1 or more (or null for no limit), not %d", a->max_per_artist)));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("method must not be null"),
				 errhint("Use 'cosine' (profile and nearest members), 'centroid' or 'nearest'.")));
	/* a NULL switch means its default (as a BI tool passing every parameter may send) */
	a->genre_filter = PG_ARGISNULL(3) ? true : PG_GETARG_BOOL(3);
	a->exclude_outliers = PG_ARGISNULL(4) ? true : PG_GETARG_BOOL(4);
	source = PG_ARGISNULL(6) ? "all" : text_to_cstring(PG_GETARG_TEXT_PP(6));
	if (strcmp(source, "all") == 0)
		a->source = -1;
	else if (strcmp(source, "library") == 0)
		a->source = 1;
	else if (strcmp(source, "catalog") == 0)
		a->source = 0;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown recommendation source \"%s\"", clip200(source)),
				 errhint("Use 'all' (library and catalog), 'library' or 'catalog' (catalog tracks not in the library).")));
	method = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (strcmp(method, "cosine") != 0 && strcmp(method, "centroid") != 0 && strcmp(method, "nearest") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown recommendation method \"%s\"", method),
				 errhint("Use 'cosine' (profile and nearest members), 'centroid' or 'nearest'.")));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("playlist must not be null")));
	a->playlist = text_to_cstring(PG_GETARG_TEXT_PP(0));

	/*
	 * The weights, in one place: listen_wiseer.recommend_weights(), an
	 * IMMUTABLE function, read once per session (and again after any
	 * function's definition changes: weights_stale)
	 */
	if (!weights.valid)
	{
		HeapTuple	t;
		TupleDesc	td;
		bool		isnull;

		if (!weights.callback)
		{
			CacheRegisterSyscacheCallback(PROCOID, weights_stale, (Datum) 0);
			weights.callback = true;
		}
		run(Q_WEIGHTS, a->schema, NULL, NULL);
		t = SPI_tuptable->vals[0];
		td = SPI_tuptable->tupdesc;
		weights.genre = DatumGetFloat8(SPI_getbinval(t, td, 1, &isnull));
		weights.family = DatumGetFloat8(SPI_getbinval(t, td, 2, &isnull));
		weights.group = DatumGetFloat8(SPI_getbinval(t, td, 3, &isnull));
		weights.artist = DatumGetFloat8(SPI_getbinval(t, td, 4, &isnull));
		weights.near = DatumGetFloat8(SPI_getbinval(t, td, 5, &isnull));
		weights.k_near = DatumGetInt32(SPI_getbinval(t, td, 6, &isnull));
		weights.contamination = DatumGetFloat8(SPI_getbinval(t, td, 7, &isnull));
		weights.min_forest = DatumGetInt32(SPI_getbinval(t, td, 8, &isnull));
		/* the feature names, kept as long as the weights */
		{
			Datum		d = SPI_getbinval(t, td, 9, &isnull);
			char	  **names;
			int			n = isnull ? 0 : text_items(d, &names);

			if (weights.cxt == NULL)
				weights.cxt = AllocSetContextCreate(TopMemoryContext, "listen_wiseer recommend weights",
													ALLOCSET_SMALL_SIZES);
			MemoryContextReset(weights.cxt);
			weights.fnames = MemoryContextAlloc(weights.cxt, sizeof(char *) * Max(n, 1));
			for (int i = 0; i < n; i++)
				weights.fnames[i] = MemoryContextStrdup(weights.cxt, names[i]);
			weights.n_fnames = n;
		}
		if (weights.k_near < 1 || weights.k_near > REC_MAX_NEIGHBOURS)
			elog(ERROR, "recommend: k_near must be between 1 and %d", REC_MAX_NEIGHBOURS);
		weights.valid = true;
	}
	a->w_genre = weights.genre;
	a->w_family = weights.family;
	a->w_group = weights.group;
	a->w_artist = weights.artist;
	a->k_near = weights.k_near;
	a->contamination = weights.contamination;
	a->min_forest = weights.min_forest;
	a->n_fnames = weights.n_fnames;
	a->fnames = weights.fnames;
	a->w_near = strcmp(method, "cosine") == 0 ? weights.near : strcmp(method, "centroid") == 0 ? 0.0 : 1.0;
}

static double
elapsed_ms(instr_time from, instr_time to)
{
	INSTR_TIME_SUBTRACT(to, from);
	return INSTR_TIME_GET_MILLISEC(to);
}

Datum
recommend_run(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext callcxt;
	MemoryContext old;
	RecArgs		a = {0};
	RecEvidence ev = {0};
	RecSearch	s = {0};
	RecRow	   *rows = NULL;
	int			n_rows = 0;
	char	   *pid;
	instr_time	t0,
				t1;
	double		ms[4] = {0};

	/* materialize the result (InitMaterializedSRF checks the caller allows it) */
	InitMaterializedSRF(fcinfo, 0);
	a.schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));

	/* the call's working memory; rows for the result go to the caller's */
	callcxt = AllocSetContextCreate(CurrentMemoryContext, "recommend", ALLOCSET_DEFAULT_SIZES);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "recommend: SPI_connect failed");
	old = MemoryContextSwitchTo(callcxt);

	INSTR_TIME_SET_CURRENT(t0);
	read_arguments(fcinfo, &a);
	if (a.n == 0)
		pid = step_resolve(&a); /* (nothing to find, but an unknown playlist is an error) */
	else
	{
		MemberRow  *mrows;
		int			n_members;

		/*
		 * The argument as an id first: a playlist with members is found by
		 * them, the common case, with no statement of its own; otherwise
		 * step_resolve says what it is (a name, a playlist without members
		 * in the pool, or the error).
		 */
		ev.pool = rec_pool_get();
		n_members = read_members(&a, &ev, a.playlist, &mrows);
		pid = a.playlist;
		if (n_members == 0)
		{
			pid = step_resolve(&a);
			if (pid != NULL && strcmp(pid, a.playlist) != 0)
				n_members = read_members(&a, &ev, pid, &mrows);
		}
		INSTR_TIME_SET_CURRENT(t1);
		ms[0] = elapsed_ms(t0, t1);
		if (pid == NULL)
			n_rows = 0;			/* (resolve_playlist() answers an id or an error) */
		else if (!step_evidence(&a, &ev, callcxt, mrows, n_members))
			ereport(NOTICE,
					(errmsg("playlist \"%s\" has no tracks with audio features: nothing to recommend from",
							a.playlist)));
		else
		{
			s.a = &a;
			s.ev = &ev;
			s.cxt = callcxt;
			INSTR_TIME_SET_CURRENT(t0);
			ms[1] = elapsed_ms(t1, t0);
			step_search(&s);
			INSTR_TIME_SET_CURRENT(t1);
			ms[2] = elapsed_ms(t0, t1);
			rows = step_explain(&s, callcxt);
			INSTR_TIME_SET_CURRENT(t0);
			ms[3] = elapsed_ms(t1, t0);
			n_rows = (int) s.n_picked;
			elog(DEBUG2, "recommend: resolve %.3f ms, evidence %.3f ms, search %.3f ms (%d candidates), explain %.3f ms",
				 ms[0], ms[1], ms[2], s.cands.n, ms[3]);
		}
	}

	/* the rows, into the tuplestore (per-query memory) */
	MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	for (int i = 0; i < n_rows; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};
		RecRow	   *r = &rows[i];

		if (r->id == NULL)
			continue;
		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(r->id);
		nulls[2] = r->name == NULL;
		values[2] = nulls[2] ? (Datum) 0 : CStringGetTextDatum(r->name);
		nulls[3] = r->artists == NULL;
		values[3] = nulls[3] ? (Datum) 0 : CStringGetTextDatum(r->artists);
		values[4] = Float8GetDatum(r->score);
		values[5] = Float8GetDatum(r->similarity);
		nulls[6] = r->genre_group == NULL;
		values[6] = nulls[6] ? (Datum) 0 : CStringGetTextDatum(r->genre_group);
		values[7] = CStringGetTextDatum(r->reason);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	MemoryContextDelete(callcxt);
	return (Datum) 0;
}
