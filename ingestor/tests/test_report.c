/* Unit tests: report_svg.c (escaping) and report_html.c (the page from query results, no database). */
#include "lw_test.h"
#include "report.h"
#include "report_svg.h"
#include "util.h"

#include <stdlib.h>

/* A PGresult with ncols text columns and nrows rows of vals (row-major; NULL = SQL NULL). */
static PGresult *
result(int ncols, int nrows, const char *const *vals)
{
	PGresult   *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc *attrs = calloc((size_t) ncols, sizeof(PGresAttDesc));

	for (int c = 0; c < ncols; c++)
	{
		attrs[c].name = (char *) "c";
		attrs[c].typid = 25;	/* text */
		attrs[c].typlen = -1;
		attrs[c].atttypmod = -1;
	}
	PQsetResultAttrs(res, ncols, attrs);
	free(attrs);
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++)
		{
			const char *v = vals[r * ncols + c];

			PQsetvalue(res, r, c, (char *) (v ? v : ""), v ? (int) strlen(v) : -1);
		}
	return res;
}

LW_TEST(escape)
{
	lw_buf		b = {0};

	lw_html_escape(&b, "a<b>&\"c'd\x01" "e\tf");
	CHECK_STR(b.data, "a&lt;b&gt;&amp;&quot;c&#39;d e\tf");
	lw_buf_free(&b);
	lw_html_escape(&b, NULL);
	CHECK(b.len == 0);
	lw_html_attr(&b, "data-x", "\"><script>");
	CHECK_STR(b.data, " data-x=\"&quot;&gt;&lt;script&gt;\"");
	lw_buf_free(&b);
}

LW_TEST(numbers_and_colours)
{
	CHECK(lw_report_num("0.25") == 0.25);
	CHECK(lw_report_num("") == 0);
	CHECK(lw_report_num(NULL) == 0);
	CHECK(lw_report_num("12abc") == 0);
	CHECK(lw_report_num("nan") == 0);
	CHECK_STR(lw_group_colour("unknown"), lw_group_colour("anything else"));
	CHECK(strcmp(lw_group_colour("dance"), lw_group_colour("acoustic")) != 0);
	CHECK(strcmp(lw_status_colour("ok"), lw_status_colour("failed")) != 0);
}

/* A whole page from hostile names: nothing from the data becomes markup, nothing is fetched. */
LW_TEST(render_escapes_and_draws)
{
	static const char *const evil = "<script>alert(1)</script>\"'&<img src=x onerror=y>";
	const char *summary[] = {"2", "30", "7", "25", "4", NULL};
	const char *playlists[] = {"p1", evil, "20", "p2", "calm", "10"};
	const char *mix[] = {"p1", "dance", "5", "0.25", "p1", "unknown", "15", "0.75", "p2", "acoustic", "10", "1"};
	const char *hist[] = {"p1", "1", "0", "1", "2", "3", "4", "5", "0", "0", "0", "5"};
	const char *outl[] = {"p1", "t9", evil, "0.71", "0.95", "0.5", "0.1", "0.2", "0.3", "0.4", "0.5"};
	const char *recs[] = {"p1", evil, "1", evil, evil, "0.987", evil};
	const char *runs[] = {"1", "sync", "2026-01-01 10:00:00", "ok", "42.500", "165", "3449", "0", "3387", "1140", "0"};
	lw_report	r;
	lw_buf		b = {0};
	const char *p;

	memset(&r, 0, sizeof(r));
	r.summary = result(6, 1, summary);
	r.playlists = result(3, 2, playlists);
	r.mix = result(4, 3, mix);
	r.hist = result(12, 1, hist);
	r.outliers = result(11, 1, outl);
	r.recs = result(7, 1, recs);
	r.runs = result(11, 1, runs);
	snprintf(r.generated_at, sizeof(r.generated_at), "2026-01-01 10:00 UTC");
	lw_report_render(&r, &b);

	CHECK(strstr(b.data, "<script") == NULL);
	CHECK(strstr(b.data, "<img") == NULL);
	CHECK(strstr(b.data, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img") != NULL);
	/* no resource is loaded: no src/href, and a policy that forbids any */
	CHECK(strstr(b.data, " src=\"") == NULL);
	CHECK(strstr(b.data, "href") == NULL);
	CHECK(strstr(b.data, "default-src 'none'") != NULL);
	/* the stacked bar: 0.25 and 0.75 of 600 px, data as the database printed it */
	CHECK(strstr(b.data, "width=\"150.00\" height=\"16\" fill=\"#c8417b\" data-playlist=\"p1\" data-group=\"dance\""
				 " data-tracks=\"5\" data-share=\"0.25\"") != NULL);
	CHECK(strstr(b.data, "x=\"380.00\" y=\"24\" width=\"450.00\"") != NULL);
	/* histogram: the fullest bin (5) is full height, an empty one has none */
	CHECK(strstr(b.data, "data-feature=\"danceability\" data-bin=\"10\" data-count=\"5\"") != NULL);
	CHECK(strstr(b.data, "y=\"3.00\" width=\"14\" height=\"18.00\"") != NULL);
	/* the outlier tick at danceability 0.95 of 150 px after the 100 px label */
	CHECK(strstr(b.data, "<line class=\"outlier\" x1=\"242.50\"") != NULL);
	CHECK((p = strstr(b.data, "data-track=\"t9\" data-feature=\"valence\" data-value=\"0.5\"")) != NULL);
	/* one run bar, the full height, with its numbers */
	CHECK(strstr(b.data, "class=\"run\" x=\"60.00\" y=\"10.00\"") != NULL);
	CHECK(strstr(b.data, "data-run-id=\"1\" data-command=\"sync\" data-status=\"ok\" data-duration-s=\"42.500\"") != NULL);
	/* a playlist without members with features still gets its panel */
	CHECK(strstr(b.data, "class=\"panel\" data-playlist=\"p2\"") != NULL);
	CHECK(strstr(b.data, "</html>\n") != NULL);

	lw_buf_free(&b);
	lw_report_free(&r);
	CHECK(r.summary == NULL && r.runs == NULL);
}

int
main(void)
{
	LW_RUN(escape);
	LW_RUN(numbers_and_colours);
	LW_RUN(render_escapes_and_draws);
	LW_TEST_END();
}
