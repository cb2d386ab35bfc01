/*
 * fuzz_csv.c - the CSV feature import (ingestor/csv_import.c): RFC 4180 reader, header mapping,
 * track-id extraction and row checking, driven the way load_file() drives them.
 *
 * Properties beyond the sanitizers: every record has 1..LW_CSV_MAX_FIELDS NUL-terminated
 * fields; a row the checker accepts has a valid id and passes lw_features_check(); an id
 * extracted from a cell is 1..64 ASCII letters/digits.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_import.h"
#include "fuzz.h"

static void
check_id(const char *id)
{
	size_t		n = strlen(id);

	CHECK(n >= 1 && n <= 64);
	for (size_t i = 0; i < n; i++)
		CHECK(isascii((unsigned char) id[i]) && isalnum((unsigned char) id[i]));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE	   *f;
	lw_csv	   *r;
	lw_csv_map	map;
	bool		have_map = false;
	char	  **fields;
	int			n;
	int			rc;
	long		records = 0;
	long		last_line = 0;

	if (size == 0)
		return 0;
	f = fmemopen((void *) data, size, "r");
	if (f == NULL)
		return 0;
	r = lw_csv_open(f);
	CHECK(r != NULL);
	while ((rc = lw_csv_next(r, &fields, &n)) != 0)
	{
		CHECK(rc == 1 || rc == -1);
		CHECK(lw_csv_line(r) >= 1 && lw_csv_line(r) >= last_line);
		last_line = lw_csv_line(r);
		CHECK(++records <= (long) size + 1);	/* every record consumes input */
		if (rc < 0)
		{
			CHECK(lw_csv_error(r)[0] != '\0');
			continue;
		}
		CHECK(n >= 1 && n <= LW_CSV_MAX_FIELDS);
		for (int i = 0; i < n; i++)
		{
			char		id[80];
			lw_csv_col	c = lw_csv_column(fields[i]);

			CHECK(c >= LW_COL_NONE && c < LW_NCOLS);
			if (lw_csv_track_id(fields[i], id, sizeof(id)))
				check_id(id);
			CHECK(!lw_csv_track_id(fields[i], id, 3) || strlen(id) < 3);
		}
		if (!have_map)
		{
			char		why[200];

			/* the first record is the header, as in load_file() */
			if (lw_csv_map_header(fields, n, &map, why, sizeof(why)) == 0)
			{
				for (int c = 0; c < LW_NCOLS; c++)
					CHECK(map.idx[c] >= -1 && map.idx[c] < n);
				have_map = true;
			}
			else
			{
				CHECK(why[0] != '\0');
				break;
			}
		}
		else
		{
			lw_features feat;
			char		idbuf[LW_ID_BUF];
			lw_csv_verdict v = lw_csv_row(&map, fields, n, &feat, idbuf);

			CHECK(v >= LW_CSV_OK && v <= LW_CSV_RANGE);
			if (v == LW_CSV_OK)
			{
				CHECK(feat.track_id == idbuf);
				check_id(feat.track_id);
				CHECK(lw_features_check(&feat) == LW_FEAT_OK);
			}
		}
	}
	lw_csv_close(r);
	fclose(f);
	return 0;
}
