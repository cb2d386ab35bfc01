/* Unit tests: the RFC 4180 reader, header mapping (Spotify and Exportify spellings), track-id
 * extraction and row checks of csv_import.c. */
#include "lw_test.h"
#include "csv_import.h"

#include <stdlib.h>

static FILE *
mem(const char *text)
{
	return fmemopen((void *) text, strlen(text), "r");
}

LW_TEST(reader_quoting)
{
	const char *text =
		"a,\"b, with comma\",\"say \"\"hi\"\"\",,\"multi\nline\"\r\n"
		"x,y\n"
		"\n"
		"last,\"\"";
	FILE	   *f = mem(text);
	lw_csv	   *r = lw_csv_open(f);
	char	  **fl;
	int			n;

	CHECK_INT(lw_csv_next(r, &fl, &n), 1);
	CHECK_INT(n, 5);
	CHECK_STR(fl[0], "a");
	CHECK_STR(fl[1], "b, with comma");
	CHECK_STR(fl[2], "say \"hi\"");
	CHECK_STR(fl[3], "");
	CHECK_STR(fl[4], "multi\nline");
	CHECK_INT(lw_csv_line(r), 1);
	CHECK_INT(lw_csv_next(r, &fl, &n), 1);
	CHECK_INT(n, 2);
	CHECK_STR(fl[1], "y");
	CHECK_INT(lw_csv_line(r), 3);	/* the quoted newline moved the line count */
	CHECK_INT(lw_csv_next(r, &fl, &n), 1);	/* blank line: one empty field */
	CHECK_INT(n, 1);
	CHECK_STR(fl[0], "");
	CHECK_INT(lw_csv_next(r, &fl, &n), 1);	/* no final newline */
	CHECK_INT(n, 2);
	CHECK_STR(fl[1], "");
	CHECK_INT(lw_csv_next(r, &fl, &n), 0);
	lw_csv_close(r);
	fclose(f);
}

LW_TEST(reader_errors_resync)
{
	const char *text = "\xEF\xBB\xBFh1,h2\n"
		"ok,1\n"
		"\"bad\"x,2\n"
		"fine,3,\n"
		"\"never closed,4\n";
	FILE	   *f = mem(text);
	lw_csv	   *r = lw_csv_open(f);
	char	  **fl;
	int			n;

	CHECK_INT(lw_csv_next(r, &fl, &n), 1);
	CHECK_STR(fl[0], "h1");	/* BOM skipped */
	CHECK_INT(lw_csv_next(r, &fl, &n), 1);
	CHECK_STR(fl[0], "ok");
	CHECK_INT(lw_csv_next(r, &fl, &n), -1);
	CHECK(strstr(lw_csv_error(r), "line 3") != NULL);
	CHECK_INT(lw_csv_next(r, &fl, &n), 1);	/* resynchronised at the next line */
	CHECK_STR(fl[0], "fine");
	CHECK_INT(n, 3);	/* trailing comma: an empty last field */
	CHECK_INT(lw_csv_next(r, &fl, &n), -1);
	CHECK(strstr(lw_csv_error(r), "unterminated") != NULL);
	CHECK_INT(lw_csv_next(r, &fl, &n), 0);
	lw_csv_close(r);
	fclose(f);
}

LW_TEST(reader_limits)
{
	/* more fields than allowed -> error, no overflow */
	size_t		sz = LW_CSV_MAX_FIELDS * 2 + 10;
	char	   *text = malloc(sz);
	size_t		k = 0;
	FILE	   *f;
	lw_csv	   *r;
	char	  **fl;
	int			n;

	for (int i = 0; i < LW_CSV_MAX_FIELDS + 3; i++)
	{
		text[k++] = 'x';
		text[k++] = ',';
	}
	text[k++] = '\n';
	text[k] = '\0';
	f = mem(text);
	r = lw_csv_open(f);
	CHECK_INT(lw_csv_next(r, &fl, &n), -1);
	CHECK(strstr(lw_csv_error(r), "too many fields") != NULL);
	CHECK_INT(lw_csv_next(r, &fl, &n), 0);
	lw_csv_close(r);
	fclose(f);
	free(text);
}

LW_TEST(columns)
{
	CHECK_INT(lw_csv_column("danceability"), LW_COL_DANCEABILITY);
	CHECK_INT(lw_csv_column("Danceability"), LW_COL_DANCEABILITY);
	CHECK_INT(lw_csv_column("Time Signature"), LW_COL_TIME_SIGNATURE);
	CHECK_INT(lw_csv_column("time_signature"), LW_COL_TIME_SIGNATURE);
	CHECK_INT(lw_csv_column("Duration (ms)"), LW_COL_DURATION_MS);
	CHECK_INT(lw_csv_column("Track URI"), LW_COL_ID);
	CHECK_INT(lw_csv_column("track_id"), LW_COL_ID);
	CHECK_INT(lw_csv_column(" uri "), LW_COL_ID);
	CHECK_INT(lw_csv_column("id"), LW_COL_ID);
	CHECK_INT(lw_csv_column("Track Name"), LW_COL_NONE);
	CHECK_INT(lw_csv_column("Genres"), LW_COL_NONE);
	CHECK_INT(lw_csv_column(""), LW_COL_NONE);
}

LW_TEST(header_map)
{
	char	   *spotify[] = {"id", "danceability", "energy", "key", "loudness", "mode", "speechiness",
		"acousticness", "instrumentalness", "liveness", "valence", "tempo", "type"};
	char	   *exportify[] = {"Track URI", "Track Name", "Danceability", "Energy", "Key", "Loudness",
		"Mode", "Speechiness", "Acousticness", "Instrumentalness", "Liveness", "Valence", "Tempo",
	"Time Signature", "Duration (ms)"};
	char	   *no_tempo[] = {"id", "danceability", "energy", "key", "loudness", "mode", "speechiness",
		"acousticness", "instrumentalness", "liveness", "valence"};
	lw_csv_map	m;
	char		why[128];

	CHECK_INT(lw_csv_map_header(spotify, 13, &m, why, sizeof(why)), 0);
	CHECK_INT(m.idx[LW_COL_ID], 0);
	CHECK_INT(m.idx[LW_COL_TEMPO], 11);
	CHECK_INT(m.idx[LW_COL_DURATION_MS], -1);
	CHECK_INT(lw_csv_map_header(exportify, 15, &m, why, sizeof(why)), 0);
	CHECK_INT(m.idx[LW_COL_ID], 0);
	CHECK_INT(m.idx[LW_COL_DANCEABILITY], 2);
	CHECK_INT(m.idx[LW_COL_TIME_SIGNATURE], 13);
	CHECK_INT(m.idx[LW_COL_DURATION_MS], 14);
	CHECK_INT(lw_csv_map_header(no_tempo, 11, &m, why, sizeof(why)), -1);
	CHECK(strstr(why, "tempo") != NULL);
	CHECK_INT(lw_csv_map_header(spotify + 1, 12, &m, why, sizeof(why)), -1);
	CHECK(strstr(why, "id") != NULL);
}

LW_TEST(track_ids)
{
	char		out[LW_ID_BUF];

	CHECK(lw_csv_track_id("7tDemoTrack0000000000X", out, sizeof(out)));
	CHECK_STR(out, "7tDemoTrack0000000000X");
	CHECK(lw_csv_track_id(" spotify:track:7tDemoTrack0000000000X ", out, sizeof(out)));
	CHECK_STR(out, "7tDemoTrack0000000000X");
	CHECK(lw_csv_track_id("https://open.spotify.com/track/7tDemoTrack0000000000X?si=abc123", out,
						  sizeof(out)));
	CHECK_STR(out, "7tDemoTrack0000000000X");
	CHECK(lw_csv_track_id("https://open.spotify.com/intl-de/track/7tDemoTrack0000000000X", out,
						  sizeof(out)));
	CHECK_STR(out, "7tDemoTrack0000000000X");
	CHECK(!lw_csv_track_id("spotify:episode:7tDemoTrack0000000000X", out, sizeof(out)));
	CHECK(!lw_csv_track_id("https://open.spotify.com/album/7tDemoTrack0000000000X", out, sizeof(out)));
	CHECK(!lw_csv_track_id("spotify:local:a:b:c:1", out, sizeof(out)));
	CHECK(!lw_csv_track_id("bad!id", out, sizeof(out)));
	CHECK(!lw_csv_track_id("", out, sizeof(out)));
	CHECK(!lw_csv_track_id("https://evil.example/track/abc", out, sizeof(out)));
}

LW_TEST(rows)
{
	char	   *hdr[] = {"id", "danceability", "energy", "key", "loudness", "mode", "speechiness",
		"acousticness", "instrumentalness", "liveness", "valence", "tempo", "duration_ms",
	"time_signature"};
	char	   *good[] = {"spotify:track:abc", "0.5", " 0.6 ", "7", "-5.5", "1", "0.1", "0.2", "0.3",
		"0.4", "0.5", "120.5", "200000", "4"};
	char	   *range[] = {"abc", "0.5", "0.6", "7", "-5.5", "2", "0.1", "0.2", "0.3", "0.4", "0.5",
	"120.5", "", ""};
	char	   *missing[] = {"abc", "0.5", "0.6", "7", "-5.5", "1", "0.1", "0.2", "0.3", "0.4", "0.5",
	"", "", ""};
	char	   *text[] = {"abc", "0.5", "0.6", "seven", "-5.5", "1", "0.1", "0.2", "0.3", "0.4", "0.5",
	"120", "", ""};
	char	   *loud[] = {"abc", "0.5", "0.6", "7", "-500", "1", "0.1", "0.2", "0.3", "0.4", "0.5",
	"120", "", ""};
	char	   *badid[] = {"no good", "0.5"};
	lw_csv_map	m;
	lw_features f;
	char		why[64];
	char		id[LW_ID_BUF];

	CHECK_INT(lw_csv_map_header(hdr, 14, &m, why, sizeof(why)), 0);
	CHECK_INT(lw_csv_row(&m, good, 14, &f, id), LW_CSV_OK);
	CHECK_STR(f.track_id, "abc");
	CHECK_INT(f.key, 7);
	CHECK(f.tempo > 120.4 && f.tempo < 120.6);
	CHECK_INT(f.duration_ms.st, LW_SET);
	CHECK_INT(f.time_signature.v, 4);
	CHECK_INT(lw_csv_row(&m, range, 14, &f, id), LW_CSV_RANGE);
	CHECK_INT(lw_csv_row(&m, missing, 14, &f, id), LW_CSV_MISSING);
	CHECK_INT(lw_csv_row(&m, text, 14, &f, id), LW_CSV_MISSING);
	CHECK_INT(lw_csv_row(&m, loud, 14, &f, id), LW_CSV_RANGE);
	CHECK_INT(lw_csv_row(&m, badid, 2, &f, id), LW_CSV_BAD_ID);
	CHECK_INT(lw_csv_row(&m, good, 5, &f, id), LW_CSV_MISSING);	/* short row */
	CHECK_INT(lw_csv_row(&m, range, 14, &f, id), LW_CSV_RANGE);
	CHECK_INT(f.duration_ms.st, LW_ABSENT);	/* empty optional cells stay absent */
}

int
main(void)
{
	LW_RUN(reader_quoting);
	LW_RUN(reader_errors_resync);
	LW_RUN(reader_limits);
	LW_RUN(columns);
	LW_RUN(header_map);
	LW_RUN(track_ids);
	LW_RUN(rows);
	LW_TEST_END();
}
