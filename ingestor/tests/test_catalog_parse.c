/* Unit tests: catalog_parse.c - Python list reprs, format detection by header, and the row
 * checks with their verdicts, on rows written like the real files' (docs/design/catalog.md). */
#include "lw_test.h"
#include "catalog_parse.h"
#include "csv_import.h"

#include <stdlib.h>

static char scratch[3 * 4096];

/* Splits one CSV line with the project's reader (fields stay valid until the next call). */
static int
split(const char *line, char ***fields)
{
	static lw_csv *r;
	static FILE *f;
	int			n = 0;

	if (r)
		lw_csv_close(r);
	if (f)
		fclose(f);
	f = fmemopen((void *) line, strlen(line), "r");
	r = lw_csv_open(f);
	if (lw_csv_next(r, fields, &n) != 1)
		return -1;
	return n;
}

static const char *
item(const char *buf, int i)
{
	while (i-- > 0)
		buf += strlen(buf) + 1;
	return buf;
}

LW_TEST(pylist)
{
	char		out[256];

	CHECK_INT(lw_pylist_parse("[]", out, sizeof(out)), 0);
	CHECK_INT(lw_pylist_parse(" [ ] ", out, sizeof(out)), 0);
	CHECK_INT(lw_pylist_parse("['Uli']", out, sizeof(out)), 1);
	CHECK_STR(out, "Uli");
	CHECK_INT(lw_pylist_parse("[\"Guns N' Roses\", 'Crosby, Stills & Nash']", out, sizeof(out)), 2);
	CHECK_STR(item(out, 0), "Guns N' Roses");
	CHECK_STR(item(out, 1), "Crosby, Stills & Nash");
	CHECK_INT(lw_pylist_parse("['it\\'s', 'a\\\\b', 'tab\\there', '\\xe9t\\u00e9']", out, sizeof(out)), 4);
	CHECK_STR(item(out, 0), "it's");
	CHECK_STR(item(out, 1), "a\\b");
	CHECK_STR(item(out, 2), "tab\there");
	CHECK_STR(item(out, 3), "\xc3\xa9t\xc3\xa9");
	/* not lists */
	CHECK_INT(lw_pylist_parse("", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("Uli", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("['unterminated", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("['a' 'b']", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("['a',]", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("['a'] x", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("[a]", out, sizeof(out)), -1);
	CHECK_INT(lw_pylist_parse("['\\u0000']", out, sizeof(out)), -1);	/* no NUL in text */
	CHECK_INT(lw_pylist_parse("['\\ud800']", out, sizeof(out)), -1);	/* lone surrogate */
	CHECK_INT(lw_pylist_parse("['\\q']", out, sizeof(out)), -1);
	/* does not fit */
	CHECK_INT(lw_pylist_parse("['abcdefgh']", out, 5), -1);
}

static lw_cat_format
detect(const char *line)
{
	char	  **fl;
	int			n = split(line, &fl);

	return lw_cat_detect(fl, n);
}

static bool
artists_header(const char *line)
{
	char	  **fl;
	int			n = split(line, &fl);

	return lw_cat_is_artists_header(fl, n);
}

LW_TEST(detect)
{
	lw_cat_format f;

	CHECK_INT(detect("id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature\n"), LW_CAT_600K);
	CHECK_INT(detect(",track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre\r\n"), LW_CAT_114K);
	CHECK_INT(detect("id,name,album,album_id,artists,artist_ids,track_number,disc_number,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms,time_signature,year,release_date\n"), LW_CAT_1200K);
	CHECK_INT(detect("track_id,name,artists,artist_ids,album,release_date,duration_ms,explicit,popularity,genres,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature\n"), LW_CAT_LW);
	/* a column more, a column less, another order: not a known format */
	CHECK_INT(detect("id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo\n"), LW_CAT_UNKNOWN);
	CHECK_INT(detect("name,id,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature\n"), LW_CAT_UNKNOWN);
	CHECK(artists_header("id,followers,genres,name,popularity\n"));
	CHECK(!artists_header("id,followers,genres,name\n"));
	CHECK(lw_cat_format_parse("tracks1200k", &f) && f == LW_CAT_1200K);
	CHECK(lw_cat_format_parse("auto", &f) && f == LW_CAT_UNKNOWN);
	CHECK(!lw_cat_format_parse("csv", &f));
	CHECK_STR(lw_cat_format_name(LW_CAT_114K), "tracks114k");
}

static lw_cat_verdict
row(lw_cat_format f, const char *line, lw_cat_row *r)
{
	char	  **fl;
	int			n = split(line, &fl);

	return lw_cat_row_parse(f, fl, n, r, scratch, sizeof(scratch));
}

LW_TEST(rows_600k)
{
	lw_cat_row	r;

	CHECK_INT(row(LW_CAT_600K, "35iwgR4jXetI318WEWsa1Q,Carve,6,126903,0,['Uli'],['45tIt06XoI0Iio4LBEVpls'],1922-02-22,0.645,0.445,0,-13.338,1,0.451,0.674,0.744,0.151,0.127,104.851,3\n", &r), LW_CATV_OK);
	CHECK_STR(r.track_id, "35iwgR4jXetI318WEWsa1Q");
	CHECK_STR(r.name, "Carve");
	CHECK_INT(r.popularity, 6);
	CHECK_INT(r.duration_ms, 126903);
	CHECK_INT(r.explicit_, 0);
	CHECK_INT(r.n_artists, 1);
	CHECK_STR(r.artist_names[0], "Uli");
	CHECK_STR(r.artist_ids[0], "45tIt06XoI0Iio4LBEVpls");
	CHECK_STR(r.release_date, "1922-02-22");
	CHECK_STR(r.release_precision, "day");
	CHECK(r.has_features && r.key == 0 && r.mode == 1 && r.tempo > 104.8 && r.time_signature == 3);
	/* two artists, one with an apostrophe (double-quoted item), year-only date, no popularity */
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,\"Song, with comma\",,1000,1,\"[\"\"Guns N' Roses\"\", 'Slash']\",\"['1aaaaaaaaaaaaaaaaaaaaa', '2aaaaaaaaaaaaaaaaaaaaa']\",1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_OK);
	CHECK_STR(r.name, "Song, with comma");
	CHECK_INT(r.popularity, -1);
	CHECK_INT(r.n_artists, 2);
	CHECK_STR(r.artist_names[0], "Guns N' Roses");
	CHECK_STR(r.artist_ids[1], "2aaaaaaaaaaaaaaaaaaaaa");
	CHECK_STR(r.release_precision, "year");
	/* missing features: kept without; tempo 0: the same */
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,,,,,,,,,,,,\n", &r), LW_CATV_OK);
	CHECK(!r.has_features);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,0,0\n", &r), LW_CATV_OK);
	CHECK(!r.has_features && r.time_signature == -1);
	/* the bad ones */
	CHECK_INT(row(LW_CAT_600K, "bad-id!,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_ID);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,  ,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_NO_NAME);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,A,['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_ARTISTS);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,[],[],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_ARTISTS);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,\"['A', 'B']\",['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_ARTIST_IDS);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['x-y'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_ARTIST_IDS);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,maybe,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_VALUE);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987-13-01,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_VALUE);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,101,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_VALUE);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,abc,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_BAD_VALUE);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,1.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_RANGE);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,12,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_RANGE);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,Caf\xe9,1,1000,1,['A'],['1aaaaaaaaaaaaaaaaaaaaa'],1987,0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120,4\n", &r), LW_CATV_ENCODING);
	CHECK_INT(row(LW_CAT_600K, "0aaaaaaaaaaaaaaaaaaaaa,X,1\n", &r), LW_CATV_SHORT);
}

LW_TEST(rows_other_formats)
{
	lw_cat_row	r;

	/* 114k: ';'-joined names, no ids, True/False, one genre label, no date */
	CHECK_INT(row(LW_CAT_114K, "2,1iJBSr7s7jYXzM8EGcbK5b,Ingrid Michaelson;ZAYN,To Begin Again,To Begin Again,57,210826,False,0.438,0.359,0,-9.734,1,0.0557,0.21,0.0,0.117,0.12,76.332,4,acoustic\n", &r), LW_CATV_OK);
	CHECK_INT(r.n_artists, 2);
	CHECK_STR(r.artist_names[1], "ZAYN");
	CHECK(r.artist_ids[0] == NULL);
	CHECK_INT(r.explicit_, 0);
	CHECK_INT(r.n_genres, 1);
	CHECK_STR(r.genres[0], "acoustic");
	CHECK_STR(r.album, "To Begin Again");
	CHECK(r.release_precision == NULL);
	/* 1.2M: 4.0 time signature, year and date, no popularity */
	CHECK_INT(row(LW_CAT_1200K, "7lmeHLHBe4nmXzuXc0HDjk,Testify,The Battle Of Los Angeles,2eia0myWFgoHuttJytCxgX,['Rage Against The Machine'],['2d0hyoQ5ynDBnkvAbJKORj'],1,1,False,0.47,0.978,7,-5.399,1,0.0727,0.0261,0.000011,0.356,0.503,117.906,210133,4.0,1999,1999-11-02\n", &r), LW_CATV_OK);
	CHECK_INT(r.time_signature, 4);
	CHECK_INT(r.popularity, -1);
	CHECK_INT(r.duration_ms, 210133);
	CHECK_STR(r.release_date, "1999-11-02");
	/* 1.2M: date 0000-01-01 is unknown, the year column stands in */
	CHECK_INT(row(LW_CAT_1200K, "7lmeHLHBe4nmXzuXc0HDjk,Testify,A,B,['R'],['2d0hyoQ5ynDBnkvAbJKORj'],1,1,True,0.47,0.978,7,-5.399,1,0.0727,0.0261,0.000011,0.356,0.503,117.906,210133,4.0,1999,0000\n", &r), LW_CATV_OK);
	CHECK_STR(r.release_date, "1999");
	CHECK_INT(r.explicit_, 1);
	/* lw: ';' lists or list reprs; ids may be left out */
	CHECK_INT(row(LW_CAT_LW, "4uLU6hMCjMI75M1A2tKUQC,Never Gonna Give You Up,Rick Astley,,Album,1987-11,213573,false,80,dance pop;new wave pop,0.727,0.939,8,-11.855,1,0.0369,0.135,0,0.151,0.918,113.33,4\n", &r), LW_CATV_OK);
	CHECK(r.artist_ids[0] == NULL);
	CHECK_INT(r.n_genres, 2);
	CHECK_STR(r.genres[1], "new wave pop");
	CHECK_STR(r.release_precision, "month");
	CHECK_INT(row(LW_CAT_LW, "4uLU6hMCjMI75M1A2tKUQC,N,\"['A; B', 'C']\",\"['0gxyHStUsqpMadRV0Di1Qt', '1gxyHStUsqpMadRV0Di1Qt']\",,,,,,[],,,,,,,,,,,,\n", &r), LW_CATV_OK);
	CHECK_STR(r.artist_names[0], "A; B");
	CHECK_STR(r.artist_ids[1], "1gxyHStUsqpMadRV0Di1Qt");
	CHECK(!r.has_features && r.n_genres == 0);
}

LW_TEST(artists_file)
{
	lw_cat_artist a;
	char	  **fl;
	int			n;

	n = split("0DheY5irMjBUeLybbCUEZ2,0.0,[],Armid & Amir Zare Pashai feat. Sara Rouzbehani,0\n", &fl);
	CHECK_INT(lw_cat_artist_parse(fl, n, &a, scratch, sizeof(scratch)), LW_CATV_OK);
	CHECK_INT(a.n_genres, 0);
	CHECK_STR(a.name, "Armid & Amir Zare Pashai feat. Sara Rouzbehani");
	n = split("0DheY5irMjBUeLybbCUEZ2,5.0,\"['indie pop', 'chamber pop']\",X,3\n", &fl);
	CHECK_INT(lw_cat_artist_parse(fl, n, &a, scratch, sizeof(scratch)), LW_CATV_OK);
	CHECK_INT(a.n_genres, 2);
	CHECK_STR(a.genres[1], "chamber pop");
	n = split("x!,5.0,[],X,3\n", &fl);
	CHECK_INT(lw_cat_artist_parse(fl, n, &a, scratch, sizeof(scratch)), LW_CATV_BAD_ID);
	n = split("0DheY5irMjBUeLybbCUEZ2,5.0,['x,X,3\n", &fl);
	CHECK(lw_cat_artist_parse(fl, n, &a, scratch, sizeof(scratch)) != LW_CATV_OK);
}

int
main(void)
{
	LW_RUN(pylist);
	LW_RUN(detect);
	LW_RUN(rows_600k);
	LW_RUN(rows_other_formats);
	LW_RUN(artists_file);
	LW_TEST_END();
}
