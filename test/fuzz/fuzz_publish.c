/*
 * fuzz_publish.c - what `lw-ingest publish` reads from outside: the Web API's answers to its
 * writes (ingestor/spotify_write.c: the created playlist, {"snapshot_id"}), after the string
 * repair lw_api_get_json applies, and descriptions of the user's playlists searched for a
 * rule's marker (publish_plan.c), plus the source playlist name cut into a description.
 *
 * Properties beyond the sanitizers: a parsed playlist has a valid id that fits, NUL-terminated
 * owner and snapshot fields; a parsed snapshot is non-empty; a description made from any name
 * stays under 300 bytes plus the name's cut and carries its marker, which is found again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define FUZZ_QUIET_LOGS
#include "publish_plan.h"
#include "spotify.h"
#include "spotify_write.h"
#include "textfix.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *fixed = NULL;
	size_t		fixed_len = 0;
	long		repaired = 0;
	json_t	   *doc;
	char	   *text = malloc(size + 1);

	/* the answer of a write request */
	lw_json_repair((const char *) data, size, &fixed, &fixed_len, &repaired);
	doc = fixed ? json_loadb(fixed, fixed_len, 0, NULL) : json_loadb((const char *) data, size, 0, NULL);
	free(fixed);
	if (doc)
	{
		lw_spw_playlist pl;
		char		snap[256];

		if (lw_spw_parse_playlist(doc, &pl) == 0)
		{
			CHECK(lw_sp_valid_id(pl.id));
			CHECK(strlen(pl.owner_id) < sizeof(pl.owner_id));
			CHECK(strlen(pl.snapshot_id) < sizeof(pl.snapshot_id));
		}
		if (lw_spw_parse_snapshot(doc, snap, sizeof(snap)) == 0)
			CHECK(snap[0] != '\0' && strlen(snap) < sizeof(snap));
		json_decref(doc);
	}

	/* a playlist description, and a playlist name */
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	(void) lw_publish_has_marker(text, "04d491565d2d");
	{
		char	   *d = lw_publish_description(text, 30, "04d491565d2d", (int64_t) size * 86400);

		CHECK(strlen(d) < 300);
		CHECK(lw_publish_has_marker(d, "04d491565d2d"));
		free(d);
	}
	free(text);
	return 0;
}
