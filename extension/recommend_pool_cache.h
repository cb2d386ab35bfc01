/*
 * extension/recommend_pool_cache.h
 *
 * recommend()'s copy of the candidate pool (listen_wiseer.recommend_pool and
 * recommend_signatures) in backend memory, valid while the pool's generation
 * (listen_wiseer.recommend_pool_generation) is the one it was built at.
 * A call then reads only the playlist's member ids and the explanations'
 * names by SQL; the rounds, the members' rows, the signatures and the
 * artists' counts come from here.  docs/design/recommend-speed.md.
 */
#ifndef LW_RECOMMEND_POOL_CACHE_H
#define LW_RECOMMEND_POOL_CACHE_H

#include "postgres.h"
#include "utils/array.h"

/* a distinct (genres, families, groups) of the pool's rows */
typedef struct RecPoolCombo
{
	ArrayType  *genres;			/* NULL: no artist's genres are known */
	ArrayType  *families;
	ArrayType  *groups;
} RecPoolCombo;

/* a row of recommend_signatures, and its tracks */
typedef struct RecPoolSig
{
	ArrayType  *genres;
	ArrayType  *families;
	ArrayType  *groups;
	int			ng;
	char	  **g;
	int64		tracks;
	int64		library_tracks;
	int32		first;			/* its tracks: sig_tracks[first .. first + count), */
	int32		count;
	int32		n_lib;			/* the library's first */
} RecPoolSig;

/* an artist credited on a pool track */
typedef struct RecPoolArtist
{
	int64		tracks;			/* pool tracks crediting it (as recommend_artist_tracks) */
	int64		library_tracks;
	int32		first;			/* its tracks: artist_tracks[first .. first + count), */
	int32		count;			/* the library's (library_tracks of them) first */
} RecPoolArtist;

/* keys (byte strings, NUL-terminated too) with an open-addressing index to their positions */
typedef struct RecKeys
{
	int32		n;
	int32		cap;
	char	  **key;
	int32	   *len;
	uint32		mask;
	int32	   *slots;			/* -1 = empty */
	MemoryContext scratch;		/* (building: a table not kept, in this memory) */
} RecKeys;

typedef struct RecPool
{
	Oid			relid;			/* recommend_pool_generation's oid (the extension's instance) */
	int64		generation;
	int			dim;
	int32		n;				/* tracks */
	RecKeys		ids;			/* their ids: track i is ids.key[i] */
	float	   *v;				/* n rows of dim */
	int32	   *combo;
	bool	   *in_library;
	int32		n_library;
	int32	   *library;		/* the library's tracks */
	int32	   *art_first;		/* n + 1 offsets into art_idx: each track's artists in credit order */
	int32	   *art_idx;
	int32		n_combos;
	RecPoolCombo *combos;
	int32		n_sigs;
	RecPoolSig *sigs;
	int32	   *sig_tracks;
	int32		n_artists;
	RecPoolArtist *artists;
	int32	   *artist_tracks;
	RecKeys		artist_ids;		/* artist i is artist_ids.key[i] */
	RecKeys		genres;			/* the genres of the signatures */
	int32	   *genre_first;	/* genres.n + 1 offsets into genre_sigs */
	int32	   *genre_sigs;
	Size		bytes;			/* memory held */
} RecPool;

/*
 * The pool as this call's snapshot sees it, or NULL when recommend() is to
 * read it by SQL: the cache is off (listen_wiseer.recommend_cache_size = 0),
 * the pool is larger than that, or this transaction wrote the pool.
 * Called inside recommend()'s SPI connection.
 */
extern const RecPool *rec_pool_get(void);

/* positions by key, -1 when absent */
extern int32 rec_keys_find(const RecKeys *k, const char *key, int len);

extern void rec_pool_define_gucs(void);

#endif							/* LW_RECOMMEND_POOL_CACHE_H */
