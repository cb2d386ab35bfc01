/*
 * extension/recommend_pool_cache.c
 *
 * recommend()'s copy of the candidate pool in backend memory (see
 * recommend_pool_cache.h).  Read by direct scans of recommend_pool and
 * recommend_signatures at a session's second call and whenever the pool's
 * generation differs from the copy's; kept in its own memory context under
 * TopMemoryContext, dropped as a whole when the generation moves.
 *
 * Validity: listen_wiseer.recommend_pool_generation holds one row, rewritten
 * with a fresh sequence number by every statement writing the pool or its
 * signatures, in the writer's transaction.  Snapshots of committed states
 * therefore show the same number only for the same pool.  The one state no
 * other snapshot shares is this transaction's own uncommitted writes: when
 * the row was written by the current transaction, rec_pool_get() answers
 * NULL and recommend() reads by SQL.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "feature_vector.h"
#include "recommend_pool_cache.h"
#include "recommend_score.h"
#include "table_read.h"

/* listen_wiseer.recommend_cache_size, in kB: 0 = no copy */
static int	cache_size_kb = 256 * 1024;

static MemoryContext pool_cxt;	/* the current copy's, or NULL */
static RecPool *pool;

/* a pool found too large or unusable at this generation: not tried again until it moves (or more memory is allowed) */
static Oid	skipped_relid = InvalidOid;
static int64 skipped_generation = -1;
static int	skipped_size_kb;

/* has this session called recommend() before (see rec_pool_get) */
static bool called_before = false;

void
rec_pool_define_gucs(void)
{
	DefineCustomIntVariable("listen_wiseer.recommend_cache_size",
							"Memory recommend() may keep per session for its copy of the candidate pool.",
							"0 turns the copy off: every call reads the pool by SQL.",
							&cache_size_kb,
							256 * 1024, 0, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                      */
/* ------------------------------------------------------------------------ */

/* key copies, packed in large blocks (a track id in its own chunk would double its size) */
static char *arena;
static Size arena_left;

static char *
arena_copy(const char *key, int len)
{
	char	   *copy;

	if ((Size) len + 1 > arena_left)
	{
		arena_left = Max((Size) 256 * 1024, (Size) len + 1);
		arena = MemoryContextAllocHuge(pool_cxt, arena_left);
	}
	copy = arena;
	memcpy(copy, key, len);
	copy[len] = '\0';
	arena += len + 1;
	arena_left -= len + 1;
	return copy;
}

/*
 * (long keys, the arrays of a combination or signature, hash their first 48
 * and last 16 bytes with their length: the whole key is compared on a hit)
 */
static uint32
key_hash(const char *key, int len)
{
	uint32		h;

	if (len <= 64)
		return hash_bytes((const unsigned char *) key, len);
	h = hash_bytes((const unsigned char *) key, 48);
	h = hash_combine(h, hash_bytes((const unsigned char *) key + len - 16, 16));
	return hash_combine(h, (uint32) len);
}

/* where a key table's arrays go: the copy's memory, or (building only) scratch memory */
static MemoryContext
keys_cxt(const RecKeys *k)
{
	return k->scratch ? k->scratch : pool_cxt;
}

static void
keys_reindex(RecKeys *k, uint32 size)
{
	if (k->slots)
		pfree(k->slots);
	k->mask = size - 1;
	k->slots = MemoryContextAllocHuge(keys_cxt(k), sizeof(int32) * size);
	memset(k->slots, 0xff, sizeof(int32) * size);
	for (int32 i = 0; i < k->n; i++)
	{
		uint32		h = key_hash(k->key[i], k->len[i]) & k->mask;

		while (k->slots[h] >= 0)
			h = (h + 1) & k->mask;
		k->slots[h] = i;
	}
}

int32
rec_keys_find(const RecKeys *k, const char *key, int len)
{
	uint32		h;

	if (k->n == 0)
		return -1;
	h = key_hash(key, len) & k->mask;
	for (;;)
	{
		int32		i = k->slots[h];

		if (i < 0)
			return -1;
		if (k->len[i] == len && memcmp(k->key[i], key, len) == 0)
			return i;
		h = (h + 1) & k->mask;
	}
}

static int32 keys_insert(RecKeys *k, const char *key, int len, uint32 h);

/* room for cap keys without growing */
static void
keys_reserve(RecKeys *k, int32 cap)
{
	uint32		size = 2048;

	if (cap <= k->cap)
		return;
	k->cap = cap;
	k->key = k->key ? repalloc_huge(k->key, sizeof(char *) * cap)
		: MemoryContextAllocHuge(keys_cxt(k), sizeof(char *) * cap);
	k->len = k->len ? repalloc_huge(k->len, sizeof(int32) * cap)
		: MemoryContextAllocHuge(keys_cxt(k), sizeof(int32) * cap);
	while (size < (uint32) cap * 2)
		size <<= 1;
	if (k->slots == NULL || size > k->mask + 1)
		keys_reindex(k, size);
}

/* the position of key, added (copied, NUL-terminated) when new */
static int32
keys_intern(RecKeys *k, const char *key, int len, bool *added)
{
	uint32		h = key_hash(key, len);

	if (k->n > 0)
	{
		for (uint32 x = h & k->mask;; x = (x + 1) & k->mask)
		{
			int32		i = k->slots[x];

			if (i < 0)
				break;
			if (k->len[i] == len && memcmp(k->key[i], key, len) == 0)
			{
				*added = false;
				return i;
			}
		}
	}
	*added = true;
	return keys_insert(k, key, len, h);
}

/* a key known to be new (a primary key's) */
static int32
keys_add(RecKeys *k, const char *key, int len)
{
	return keys_insert(k, key, len, key_hash(key, len));
}

static int32
keys_insert(RecKeys *k, const char *key, int len, uint32 h)
{
	int32		i;
	char	   *copy;

	if (k->n == k->cap)
		keys_reserve(k, Max(1024, k->cap * 2));
	if (k->scratch)
	{
		copy = MemoryContextAlloc(k->scratch, len + 1);
		memcpy(copy, key, len);
		copy[len] = '\0';
	}
	else
		copy = arena_copy(key, len);
	i = k->n++;
	k->key[i] = copy;
	k->len[i] = len;
	if (k->slots == NULL || (uint32) k->n * 2 > k->mask + 1)
		keys_reindex(k, k->slots == NULL ? 2048 : (k->mask + 1) * 2);
	else
	{
		h &= k->mask;
		while (k->slots[h] >= 0)
			h = (h + 1) & k->mask;
		k->slots[h] = i;
	}
	return i;
}

/* ------------------------------------------------------------------------ */
/* Building                                                                  */
/* ------------------------------------------------------------------------ */

/* a copy of a detoasted array in the pool's memory */
static ArrayType *
array_copy(Datum d)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	ArrayType  *c = MemoryContextAlloc(pool_cxt, VARSIZE(a));

	memcpy(c, a, VARSIZE(a));
	return c;
}


static void *
grow(void *arr, int32 *cap, int32 need, Size elem)
{
	if (need <= *cap)
		return arr;
	*cap = Max(need, Max(1024, *cap * 2));
	return arr ? repalloc_huge(arr, elem * *cap) : MemoryContextAllocHuge(pool_cxt, elem * *cap);
}

static bool
same_array(const ArrayType *x, const ArrayType *y)
{
	return VARSIZE(x) == VARSIZE(y) && memcmp(x, y, VARSIZE(x)) == 0;
}

static bool
too_large(void)
{
	return MemoryContextMemAllocated(pool_cxt, true) > (Size) cache_size_kb * 1024;
}

/* ------------------------------------------------------------------------ */
/* Reading the tables                                                        */
/* ------------------------------------------------------------------------ */

/*
 * Read the pool into p (pool_cxt current): false when it does not fit or
 * cannot be copied (vectors of different dimensions: the SQL path reports that).
 */
static bool
build(RecPool *p, MemoryContext callcxt, MemoryContext scratch)
{
	Relation	rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	int			c_id,
				c_artists,
				c_genres,
				c_families,
				c_groups,
				c_v,
				c_lib;
	uint64		r = 0;
	RecKeys		combo_keys = {0};
	int32		expect;
	int32		cap_v = 0,
				cap_combo = 0,
				cap_lib = 0,
				cap_af = 0,
				cap_ai = 0,
				cap_combos = 0;
	int32		n_ai = 0;
	int32		last_combo = 0;
	bool		ok = true;
	StringInfoData key;
	StringInfoData last_key;

	p->dim = -1;
	{
		MemoryContext prev = MemoryContextSwitchTo(scratch);

		initStringInfo(&key);
		initStringInfo(&last_key);
		MemoryContextSwitchTo(prev);
	}
	rel = lw_table_open_read(lw_table_relid("recommend_pool"));
	c_id = lw_table_column(rel, "track_id");
	c_artists = lw_table_column(rel, "artist_ids");
	c_genres = lw_table_column(rel, "genres");
	c_families = lw_table_column(rel, "families");
	c_groups = lw_table_column(rel, "groups");
	c_v = lw_table_column(rel, "v");
	c_lib = lw_table_column(rel, "in_library");
	/* (sized for the rows last counted, so the big arrays are not copied as they grow) */
	expect = rel->rd_rel->reltuples > 0 ? (int32) Min(rel->rd_rel->reltuples * 1.05 + 64, (double) PG_INT32_MAX / 32) : 1024;
	keys_reserve(&p->ids, expect);
	p->in_library = grow(p->in_library, &cap_lib, expect, sizeof(bool));
	p->art_first = grow(p->art_first, &cap_af, expect + 1, sizeof(int32));
	p->art_idx = grow(p->art_idx, &cap_ai, expect + expect / 4, sizeof(int32));
	p->combo = grow(p->combo, &cap_combo, expect, sizeof(int32));
	combo_keys.scratch = scratch;
	slot = table_slot_create(rel, NULL);
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	while (ok && table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		{
			Datum	   *col;
			bool	   *isnull;
			bool		added;
			text	   *id;
			ArrayType  *artists;
			struct varlena *packed[3];	/* genres (NULL: null), families, groups */
			struct varlena *vec;
			int16		dim;
			Datum	   *ad;
			bool	   *an;
			int			na;
			int32		t;
			int32		c;
			MemoryContext old;

			if ((r++ & 4095) == 0)
			{
				CHECK_FOR_INTERRUPTS();
				/* (detoasted copies go to callcxt; checked here too, as the copy grows) */
				MemoryContextReset(callcxt);
				if (too_large())
				{
					ok = false;
					break;
				}
			}
			old = MemoryContextSwitchTo(callcxt);
			slot_getallattrs(slot);
			col = slot->tts_values;
			isnull = slot->tts_isnull;
			/* (short varlenas are read in place: only the artists' array is unpacked) */
			id = DatumGetTextPP(col[c_id]);
			artists = DatumGetArrayTypeP(col[c_artists]);
			packed[0] = isnull[c_genres] ? NULL : pg_detoast_datum_packed((struct varlena *) DatumGetPointer(col[c_genres]));
			packed[1] = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(col[c_families]));
			packed[2] = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(col[c_groups]));
			vec = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(col[c_v]));
			deconstruct_array(artists, TEXTOID, -1, false, TYPALIGN_INT, &ad, &an, &na);
			MemoryContextSwitchTo(old);

			/* the vector: int16 dim, int16 unused, then the floats (FeatureVector after its header) */
			memcpy(&dim, VARDATA_ANY(vec), sizeof(int16));
			if (p->dim < 0)
			{
				p->dim = dim;
				p->v = grow(p->v, &cap_v, expect * dim, sizeof(float));
			}
			if (dim != p->dim || VARSIZE_ANY_EXHDR(vec) != FV_SIZE(dim) - VARHDRSZ)
			{
				ok = false;
				break;
			}
			t = keys_add(&p->ids, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id));
			p->n = t + 1;
			p->v = grow(p->v, &cap_v, p->n * p->dim, sizeof(float));
			memcpy(p->v + (Size) t * p->dim, VARDATA_ANY(vec) + offsetof(FeatureVector, x) - VARHDRSZ,
				   sizeof(float) * p->dim);
			p->in_library = grow(p->in_library, &cap_lib, p->n, sizeof(bool));
			p->in_library[t] = DatumGetBool(col[c_lib]);

			/* its artists, in credit order */
			p->art_first = grow(p->art_first, &cap_af, p->n + 1, sizeof(int32));
			p->art_first[t] = n_ai;
			p->art_idx = grow(p->art_idx, &cap_ai, n_ai + na, sizeof(int32));
			for (int k = 0; k < na; k++)
			{
				text	   *a;

				if (an[k])
					continue;
				a = DatumGetTextPP(ad[k]);
				p->art_idx[n_ai++] = keys_intern(&p->artist_ids, VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a), &added);
			}
			p->art_first[t + 1] = n_ai;

			/*
			 * its (genres, families, groups), by their bytes; most often the
			 * previous row's (a rebuild lays the pool out by genres)
			 */
			resetStringInfo(&key);
			for (int k = 0; k < 3; k++)
			{
				int32		len = packed[k] ? VARSIZE_ANY_EXHDR(packed[k]) : -1;

				appendBinaryStringInfo(&key, (char *) &len, sizeof(int32));
				if (packed[k])
					appendBinaryStringInfo(&key, VARDATA_ANY(packed[k]), len);
			}
			if (p->n_combos > 0 && key.len == last_key.len && memcmp(key.data, last_key.data, key.len) == 0)
			{
				p->combo = grow(p->combo, &cap_combo, p->n, sizeof(int32));
				p->combo[t] = last_combo;
				continue;
			}
			resetStringInfo(&last_key);
			appendBinaryStringInfo(&last_key, key.data, key.len);
			c = keys_intern(&combo_keys, key.data, key.len, &added);
			if (added)
			{
				RecPoolCombo *cb;

				p->combos = grow(p->combos, &cap_combos, c + 1, sizeof(RecPoolCombo));
				p->n_combos = c + 1;
				cb = &p->combos[c];
				memset(cb, 0, sizeof(RecPoolCombo));
				if (packed[0])
					cb->genres = array_copy(PointerGetDatum(packed[0]));
				cb->families = array_copy(PointerGetDatum(packed[1]));
				cb->groups = array_copy(PointerGetDatum(packed[2]));
			}
			p->combo = grow(p->combo, &cap_combo, p->n, sizeof(int32));
			p->combo[t] = c;
			last_combo = c;
		}
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, NoLock);	/* (the lock, as SQL's, until the transaction ends) */
	MemoryContextReset(callcxt);
	if (!ok)
		return false;
	if (p->dim < 0)
		p->dim = 0;

	/* the signatures, as recommend_signatures has them */
	{
		RecKeys		sig_keys = {.scratch = scratch};
		int32		cap_sigs = 0;
		int32	   *combo_sig;
		int32	   *track_sig;
		int32	   *fill;

		/* the combos by their genres, so a signature shares their copies */
		RecKeys		by_genres = {.scratch = scratch};
		int32	   *genres_combo = MemoryContextAllocHuge(scratch, sizeof(int32) * Max(p->n_combos, 1));

		for (int32 c = 0; c < p->n_combos; c++)
		{
			ArrayType  *g = p->combos[c].genres;
			bool		added;

			if (g)
			{
				int32		i = keys_intern(&by_genres, (char *) g, VARSIZE(g), &added);

				if (added)
					genres_combo[i] = c;
			}
		}
		rel = lw_table_open_read(lw_table_relid("recommend_signatures"));
		c_genres = lw_table_column(rel, "genres");
		c_families = lw_table_column(rel, "families");
		c_groups = lw_table_column(rel, "groups");
		c_id = lw_table_column(rel, "tracks");
		c_lib = lw_table_column(rel, "library_tracks");
		slot = table_slot_create(rel, NULL);
		scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			bool		added;
			RecPoolSig *sg;
			ArrayType  *g;
			ArrayType  *f;
			ArrayType  *q;
			int32		gc;
			const RecPoolCombo *cb;
			int32		i;

			CHECK_FOR_INTERRUPTS();
			slot_getallattrs(slot);
			g = DatumGetArrayTypeP(slot->tts_values[c_genres]);
			f = DatumGetArrayTypeP(slot->tts_values[c_families]);
			q = DatumGetArrayTypeP(slot->tts_values[c_groups]);
			gc = rec_keys_find(&by_genres, (char *) g, VARSIZE(g));
			cb = gc >= 0 ? &p->combos[genres_combo[gc]] : NULL;

			if (cb == NULL)
				g = array_copy(PointerGetDatum(g));
			i = keys_intern(&sig_keys, (char *) (cb ? cb->genres : g), VARSIZE(g), &added);
			if (!added)
				continue;		/* (a primary key: cannot happen) */
			p->sigs = grow(p->sigs, &cap_sigs, i + 1, sizeof(RecPoolSig));
			p->n_sigs = i + 1;
			sg = &p->sigs[i];
			memset(sg, 0, sizeof(RecPoolSig));
			sg->genres = cb ? cb->genres : g;
			sg->ng = rec_text_items(sg->genres, pool_cxt, &sg->g);
			sg->families = cb && same_array(cb->families, f) ? cb->families : array_copy(PointerGetDatum(f));
			sg->groups = cb && same_array(cb->groups, q) ? cb->groups : array_copy(PointerGetDatum(q));
			sg->tracks = DatumGetInt64(slot->tts_values[c_id]);
			sg->library_tracks = DatumGetInt64(slot->tts_values[c_lib]);
		}
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);	/* (the lock, as SQL's, until the transaction ends) */

		/* each signature's tracks: those whose genres equal its genres */
		combo_sig = MemoryContextAllocHuge(scratch, sizeof(int32) * Max(p->n_combos, 1));
		for (int32 c = 0; c < p->n_combos; c++)
		{
			ArrayType  *g = p->combos[c].genres;

			combo_sig[c] = g ? rec_keys_find(&sig_keys, (char *) g, VARSIZE(g)) : -1;
		}
		track_sig = MemoryContextAllocHuge(scratch, sizeof(int32) * Max(p->n, 1));
		for (int32 t = 0; t < p->n; t++)
		{
			int32		sgi = combo_sig[p->combo[t]];

			track_sig[t] = sgi;
			if (sgi >= 0)
				p->sigs[sgi].count++;
		}
		fill = MemoryContextAllocHuge(scratch, sizeof(int32) * Max(p->n_sigs, 1));
		{
			int32		off = 0;

			for (int32 i = 0; i < p->n_sigs; i++)
			{
				p->sigs[i].first = off;
				fill[i] = off;
				off += p->sigs[i].count;
			}
			p->sig_tracks = MemoryContextAllocHuge(pool_cxt, sizeof(int32) * Max(off, 1));
		}
		/* (the library's tracks first: a round for one source reads only its part) */
		for (int pass = 1; pass >= 0; pass--)
			for (int32 t = 0; t < p->n; t++)
				if (track_sig[t] >= 0 && p->in_library[t] == pass)
				{
					p->sig_tracks[fill[track_sig[t]]++] = t;
					if (pass)
						p->sigs[track_sig[t]].n_lib++;
				}
		pfree(fill);
		pfree(track_sig);
		pfree(combo_sig);

		/* each genre's signatures */
		{
			int32	   *counts;
			int32		total = 0;
			int32	   *pos;

			for (int32 i = 0; i < p->n_sigs; i++)
				for (int k = 0; k < p->sigs[i].ng; k++)
				{
					bool		added;

					keys_intern(&p->genres, p->sigs[i].g[k], strlen(p->sigs[i].g[k]), &added);
				}
			counts = MemoryContextAllocZero(pool_cxt, sizeof(int32) * (p->genres.n + 1));
			for (int32 i = 0; i < p->n_sigs; i++)
				for (int k = 0; k < p->sigs[i].ng; k++)
					counts[rec_keys_find(&p->genres, p->sigs[i].g[k], strlen(p->sigs[i].g[k]))]++;
			p->genre_first = MemoryContextAlloc(pool_cxt, sizeof(int32) * (p->genres.n + 1));
			for (int32 gi = 0; gi < p->genres.n; gi++)
			{
				p->genre_first[gi] = total;
				total += counts[gi];
			}
			p->genre_first[p->genres.n] = total;
			p->genre_sigs = MemoryContextAllocHuge(pool_cxt, sizeof(int32) * Max(total, 1));
			pos = counts;
			for (int32 gi = 0; gi < p->genres.n; gi++)
				pos[gi] = p->genre_first[gi];
			/* (a genre listed twice in one signature is listed twice here; readers dedupe) */
			for (int32 i = 0; i < p->n_sigs; i++)
				for (int k = 0; k < p->sigs[i].ng; k++)
					p->genre_sigs[pos[rec_keys_find(&p->genres, p->sigs[i].g[k], strlen(p->sigs[i].g[k]))]++] = i;
			pfree(counts);
		}
	}

	/* each artist's tracks (a track once however often it credits the artist), and the counts */
	{
		int32	   *fill;
		int32		off = 0;

		p->n_artists = p->artist_ids.n;
		p->artists = MemoryContextAllocExtended(pool_cxt, sizeof(RecPoolArtist) * Max(p->n_artists, 1),
												MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		for (int32 t = 0; t < p->n; t++)
			for (int32 k = p->art_first[t]; k < p->art_first[t + 1]; k++)
			{
				bool		seen = false;

				for (int32 j = p->art_first[t]; j < k && !seen; j++)
					seen = p->art_idx[j] == p->art_idx[k];
				if (seen)
					continue;
				p->artists[p->art_idx[k]].count++;
				p->artists[p->art_idx[k]].tracks++;
				if (p->in_library[t])
					p->artists[p->art_idx[k]].library_tracks++;
			}
		fill = MemoryContextAllocHuge(scratch, sizeof(int32) * Max(p->n_artists, 1));
		for (int32 i = 0; i < p->n_artists; i++)
		{
			p->artists[i].first = off;
			fill[i] = off;
			off += p->artists[i].count;
		}
		p->artist_tracks = MemoryContextAllocHuge(pool_cxt, sizeof(int32) * Max(off, 1));
		for (int pass = 1; pass >= 0; pass--)
			for (int32 t = 0; t < p->n; t++)
			{
				if (p->in_library[t] != pass)
					continue;
				for (int32 k = p->art_first[t]; k < p->art_first[t + 1]; k++)
				{
					bool		seen = false;

					for (int32 j = p->art_first[t]; j < k && !seen; j++)
						seen = p->art_idx[j] == p->art_idx[k];
					if (!seen)
						p->artist_tracks[fill[p->art_idx[k]]++] = t;
				}
			}
		pfree(fill);
	}
	/* the library's tracks */
	p->library = MemoryContextAllocHuge(pool_cxt, sizeof(int32) * Max(p->n, 1));
	for (int32 t = 0; t < p->n; t++)
		if (p->in_library[t])
			p->library[p->n_library++] = t;
	return !too_large();
}

/* ------------------------------------------------------------------------ */
/* The pool for this call                                                    */
/* ------------------------------------------------------------------------ */

static void
drop_pool(void)
{
	if (pool_cxt)
		MemoryContextDelete(pool_cxt);
	pool_cxt = NULL;
	pool = NULL;
}

/* a new copy (pool), or none when the pool does not fit */
static void
read_pool(Oid relid, int64 generation)
{
	MemoryContext callcxt;
	MemoryContext scratch;
	MemoryContext old;

	drop_pool();
	pool_cxt = AllocSetContextCreate(TopMemoryContext, "listen_wiseer recommend pool",
									 ALLOCSET_DEFAULT_SIZES);
	arena = NULL;
	arena_left = 0;
	callcxt = AllocSetContextCreate(CurrentMemoryContext, "recommend pool rows", ALLOCSET_DEFAULT_SIZES);
	scratch = AllocSetContextCreate(CurrentMemoryContext, "recommend pool scratch", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(pool_cxt);
	PG_TRY();
	{
		RecPool    *p = palloc0(sizeof(RecPool));

		if (build(p, callcxt, scratch))
		{
			p->relid = relid;
			p->generation = generation;
			p->bytes = MemoryContextMemAllocated(pool_cxt, true);
			pool = p;
		}
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		drop_pool();
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	MemoryContextDelete(callcxt);
	MemoryContextDelete(scratch);
}

const RecPool *
rec_pool_get(void)
{
	Oid			relid;
	int64		generation = 0;
	TransactionId xmin = InvalidTransactionId;
	bool		isnull;
	instr_time	start;

	if (cache_size_kb <= 0)
	{
		drop_pool();
		return NULL;
	}
	relid = lw_table_relid("recommend_pool_generation");
	if (!OidIsValid(relid))
		return NULL;
	/*
	 * The copy is the session's, whoever read it: a role that may not read
	 * all three tables (grants made by hand, SET ROLE) is answered by SQL,
	 * which checks its rights as for any query.
	 */
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		pg_class_aclcheck(lw_table_relid("recommend_pool"), GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		pg_class_aclcheck(lw_table_relid("recommend_signatures"), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return NULL;
	/* row-level security on the pool: only SQL applies it */
	if (lw_table_rls(lw_table_relid("recommend_pool")) || lw_table_rls(lw_table_relid("recommend_signatures")))
		return NULL;
	{
		Relation	rel = lw_table_open_read(relid);
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
		int			rows = 0;

		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			HeapTuple	tup = ExecFetchSlotHeapTuple(slot, false, NULL);

			generation = DatumGetInt64(slot_getattr(slot, lw_table_column(rel, "generation") + 1, &isnull));
			xmin = HeapTupleHeaderGetXmin(tup->t_data);
			rows++;
		}
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);	/* (the lock, as SQL's, until the transaction ends) */
		if (rows != 1)
			return NULL;
	}
	/* this transaction wrote the pool: a state only it sees, not to be kept */
	if (TransactionIdIsCurrentTransactionId(xmin))
		return NULL;
	if (pool && pool->relid == relid && pool->generation == generation &&
		pool->bytes <= (Size) cache_size_kb * 1024)
		return pool;
	if (skipped_relid == relid && skipped_generation == generation && cache_size_kb <= skipped_size_kb)
		return NULL;

	/*
	 * A session's first call reads by SQL: a session that calls once (a cron
	 * job, a one-off query) would pay for a copy it never reuses, which with
	 * a large catalog is seconds and hundreds of megabytes.  The copy is read
	 * at the second call.
	 */
	if (!called_before)
	{
		called_before = true;
		return NULL;
	}

	INSTR_TIME_SET_CURRENT(start);
	read_pool(relid, generation);
	if (pool == NULL)
	{
		drop_pool();
		skipped_relid = relid;
		skipped_generation = generation;
		skipped_size_kb = cache_size_kb;
		elog(DEBUG1, "recommend: the pool is not kept in memory: larger than listen_wiseer.recommend_cache_size");
	}
	else
	{
		instr_time	end;

		INSTR_TIME_SET_CURRENT(end);
		INSTR_TIME_SUBTRACT(end, start);
		elog(DEBUG1, "recommend: the pool read into memory: %d tracks", pool->n);
		elog(DEBUG2, "recommend: the pool's copy holds %zu bytes, read in %.3f ms",
			 pool->bytes, INSTR_TIME_GET_MILLISEC(end));
	}
	return pool;
}
