/*
 * records.c - small helpers on the plain records of records.h (no library dependencies).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "records.h"

static bool
in01(double v)
{
	return isfinite(v) && v >= 0.0 && v <= 1.0;
}

/* Mirrors the CHECK constraints of listen_wiseer.audio_features. */
lw_features_verdict
lw_features_check(const lw_features *f)
{
	if (f->track_id == NULL || f->track_id[0] == '\0')
		return LW_FEAT_NO_ID;
	if (!in01(f->danceability) || !in01(f->energy) || !in01(f->speechiness) ||
		!in01(f->acousticness) || !in01(f->instrumentalness) || !in01(f->liveness) ||
		!in01(f->valence))
		return LW_FEAT_RANGE;
	if (f->key < -1 || f->key > 11)
		return LW_FEAT_RANGE;
	if (!isfinite(f->loudness) || f->loudness < -100.0 || f->loudness > 10.0)
		return LW_FEAT_RANGE;
	if (f->mode != 0 && f->mode != 1)
		return LW_FEAT_RANGE;
	if (!isfinite(f->tempo) || f->tempo < 0.0 || f->tempo > 300.0)
		return LW_FEAT_RANGE;
	if (f->duration_ms.st == LW_SET && (f->duration_ms.v < 0 || f->duration_ms.v > 2147483647LL))
		return LW_FEAT_RANGE;
	if (f->time_signature.st == LW_SET &&
		(f->time_signature.v < 0 || f->time_signature.v > 7))
		return LW_FEAT_RANGE;
	return LW_FEAT_OK;
}

void
lw_counts_skip(lw_counts *c, lw_item_kind kind)
{
	switch (kind)
	{
		case LW_ITEM_TRACK:
			break;
		case LW_ITEM_NULL:
			c->skipped_null_items++;
			break;
		case LW_ITEM_LOCAL:
			c->skipped_local++;
			break;
		case LW_ITEM_EPISODE:
			c->skipped_episodes++;
			break;
		case LW_ITEM_NO_ID:
			c->skipped_no_id++;
			break;
		case LW_ITEM_BAD:
			c->skipped_bad_items++;
			break;
	}
}

char *
lw_counts_json(const lw_counts *c, char *buf, size_t bufsz)
{
	size_t		len = 0;
	bool		first = true;

	if (bufsz == 0)
		return buf;
	buf[0] = '\0';
	len += (size_t) snprintf(buf + len, bufsz - len, "{");
#define LW_COUNT_EMIT(name) \
	if (c->name != 0 && len < bufsz) \
	{ \
		len += (size_t) snprintf(buf + len, bufsz - len, "%s\"%s\": %ld", \
								 first ? "" : ", ", #name, c->name); \
		first = false; \
	}
	LW_COUNT_FIELDS(LW_COUNT_EMIT)
#undef LW_COUNT_EMIT
	if (len < bufsz)
		len += (size_t) snprintf(buf + len, bufsz - len, "}");
	if (len >= bufsz)
		snprintf(buf, bufsz, "{}");	/* never hand out truncated JSON */
	return buf;
}
