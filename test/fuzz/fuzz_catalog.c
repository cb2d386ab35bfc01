/*
 * fuzz_catalog.c - the catalog import's parser of outside data (ingestor/catalog_parse.c):
 * format detection, the Python-list parser and the row checkers, driven the way
 * catalog_import.c drives them (the first record chooses the format; the input's first byte
 * picks a format when the header is none, so every row checker sees arbitrary records).
 *
 * Properties beyond the sanitizers: a parsed list's items fill at most the output; an accepted
 * row has a valid track id, a non-empty valid-UTF-8 name, 1..LW_CAT_MAX_ARTISTS artists with
 * non-empty names (and ids, when the format has them), features within the audio_features
 * ranges, and a release date with its precision or none.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_parse.h"
#include "csv_import.h"
#include "fuzz.h"
#include "records.h"

#define SCRATCH (3 * 20000)

static void
check_row(lw_cat_format f, const lw_cat_row *r)
{
	lw_features feat;

	CHECK(r->track_id[0] != '\0' && strlen(r->track_id) <= 64);
	CHECK(r->name && r->name[0] != '\0' && strlen(r->name) <= LW_MAX_NAME_BYTES);
	CHECK(r->n_artists >= 1 && r->n_artists <= LW_CAT_MAX_ARTISTS);
	for (int i = 0; i < r->n_artists; i++)
	{
		CHECK(r->artist_names[i] && r->artist_names[i][0] != '\0');
		if (f == LW_CAT_600K || f == LW_CAT_1200K)
			CHECK(r->artist_ids[i] != NULL);
		if (r->artist_ids[i])
			CHECK(r->artist_ids[i][0] != '\0' && strlen(r->artist_ids[i]) <= 64);
	}
	CHECK(r->n_genres >= 0 && r->n_genres <= LW_CAT_MAX_GENRES);
	for (int i = 0; i < r->n_genres; i++)
		CHECK(r->genres[i][0] != '\0' && strlen(r->genres[i]) <= LW_MAX_GENRE_BYTES);
	CHECK((r->release_precision == NULL) == (r->release_date[0] == '\0'));
	CHECK(r->popularity >= -1 && r->popularity <= 100);
	CHECK(r->time_signature == -1 || (r->time_signature >= 1 && r->time_signature <= 7));
	if (r->has_features)
	{
		memset(&feat, 0, sizeof(feat));
		feat.track_id = r->track_id;
		feat.danceability = r->danceability;
		feat.energy = r->energy;
		feat.key = r->key;
		feat.loudness = r->loudness;
		feat.mode = r->mode;
		feat.speechiness = r->speechiness;
		feat.acousticness = r->acousticness;
		feat.instrumentalness = r->instrumentalness;
		feat.liveness = r->liveness;
		feat.valence = r->valence;
		feat.tempo = r->tempo;
		CHECK(lw_features_check(&feat) == LW_FEAT_OK && r->tempo > 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char scratch[SCRATCH];
	static char list[4096];
	FILE	   *f;
	lw_csv	   *r;
	char	  **fields;
	int			n;
	int			rc;
	lw_cat_format fmt = LW_CAT_UNKNOWN;
	bool		first = true;
	bool		artists = false;

	if (size == 0)
		return 0;
	f = fmemopen((void *) data, size, "r");
	if (f == NULL)
		return 0;
	r = lw_csv_open(f);
	CHECK(r != NULL);
	while ((rc = lw_csv_next(r, &fields, &n)) != 0)
	{
		if (rc < 0)
			continue;
		for (int i = 0; i < n; i++)
		{
			int			k = lw_pylist_parse(fields[i], list, sizeof(list));

			CHECK(k >= -1 && k <= (int) sizeof(list));
		}
		if (first)
		{
			first = false;
			fmt = lw_cat_detect(fields, n);
			artists = lw_cat_is_artists_header(fields, n);
			if (fmt == LW_CAT_UNKNOWN && !artists)
				fmt = (lw_cat_format) (1 + data[0] % 4);
			continue;
		}
		if (artists)
		{
			lw_cat_artist a;

			if (lw_cat_artist_parse(fields, n, &a, scratch, SCRATCH) == LW_CATV_OK)
			{
				CHECK(a.artist_id[0] != '\0');
				CHECK(a.n_genres >= 0 && a.n_genres <= LW_CAT_MAX_GENRES);
			}
		}
		else
		{
			lw_cat_row row;
			lw_cat_verdict v = lw_cat_row_parse(fmt, fields, n, &row, scratch, SCRATCH);

			CHECK(v >= LW_CATV_OK && v < LW_CATV_COUNT);
			CHECK(lw_cat_verdict_text(v)[0] != '?');
			if (v == LW_CATV_OK)
				check_row(fmt, &row);
		}
	}
	lw_csv_close(r);
	fclose(f);
	return 0;
}
