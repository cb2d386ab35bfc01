/*
 * report_html.c - render an lw_report as one self-contained HTML page: inline CSS and SVG, no
 * script, no external resource (a Content-Security-Policy forbids any). Everything from the
 * database goes through lw_html_escape(). Chart elements carry data-* attributes with the values
 * as the database printed them, and a <title>.
 */
#include "report.h"
#include "report_svg.h"

#include <stdio.h>
#include <string.h>

#define V(res, row, col) PQgetvalue((res), (row), (col))

static const char *const page_head =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	"<title>Listen-Wiseer report</title>\n<style>\n"
	"body{font-family:DejaVu Sans,Verdana,sans-serif;margin:24px;color:#222;background:#fff;max-width:1180px}\n"
	"h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}\n"
	".note{color:#666;font-size:12px} .cards{display:flex;gap:12px;flex-wrap:wrap}\n"
	".card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;font-size:12px;color:#555}\n"
	".card b{display:block;font-size:20px;color:#222}\n"
	".panels{display:flex;flex-wrap:wrap;gap:10px} .panel{border:1px solid #e4e4e4;border-radius:6px;padding:6px;width:270px}\n"
	".panel h3{font-size:12px;margin:0 0 4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
	".panel ul{margin:4px 0 0;padding-left:16px;font-size:11px;color:#a33}\n"
	"table{border-collapse:collapse;font-size:12px;margin-bottom:12px} td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}\n"
	"th{background:#f6f6f6} td.num{text-align:right} table.recs{width:100%} h3{font-size:14px} svg text{font-size:11px;fill:#333}\n"
	"</style>\n</head>\n<body>\n";

static void
summary(const lw_report *r, lw_buf *b)
{
	static const char *const labels[] = {"playlists", "tracks in the library", "artists",
	"tracks with audio features", "liked songs"};
	static const char *const metrics[] = {"playlists", "tracks", "artists", "with_features", "liked"};

	lw_buf_puts(b, "<h2>Library</h2>\n<div class=\"cards\" id=\"summary\">\n");
	for (int i = 0; i < 5; i++)
	{
		lw_buf_puts(b, "<div class=\"card\"");
		lw_html_attr(b, "data-metric", metrics[i]);
		lw_html_attr(b, "data-value", V(r->summary, 0, i));
		lw_buf_puts(b, "><b>");
		lw_html_escape(b, V(r->summary, 0, i));
		lw_buf_printf(b, "</b>%s</div>\n", labels[i]);
	}
	lw_buf_puts(b, "</div>\n<p class=\"note\">Last successful sync: ");
	lw_html_escape(b, PQgetisnull(r->summary, 0, 5) ? "never" : V(r->summary, 0, 5));
	lw_buf_puts(b, " UTC.</p>\n");
}

/* One stacked bar per playlist: its current members by genre group. */
static void
genre_mix(const lw_report *r, lw_buf *b)
{
	const int	label_w = 230,
				bar_w = 600,
				row_h = 20;
	int			n = PQntuples(r->playlists);
	int			m = 0;
	char		title[1024];
	static const char *const legend[] = {"acoustic", "dance", "electronic", "instrumental", "unknown"};

	lw_buf_puts(b, "<h2>Genre-group mix per playlist</h2>\n<p class=\"note\">Share of each playlist's"
				" current members by genre group (listen_wiseer.playlist_genre_mix); 'unknown': no"
				" genre of the track's artists maps to a group.</p>\n");
	lw_buf_printf(b, "<svg id=\"genre-mix\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n",
				  label_w + bar_w + 10, n * row_h + 34);
	for (int i = 0; i < 5; i++)
	{
		lw_buf_printf(b, "<rect x=\"%d\" y=\"2\" width=\"12\" height=\"12\" fill=\"%s\"/>"
					  "<text x=\"%d\" y=\"12\">%s</text>\n",
					  label_w + i * 120, lw_group_colour(legend[i]), label_w + i * 120 + 16, legend[i]);
	}
	for (int p = 0; p < n; p++)
	{
		const char *pid = V(r->playlists, p, 0);
		int			y = 24 + p * row_h;
		double		x = label_w;

		lw_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6, y + 13);
		lw_html_escape(b, V(r->playlists, p, 1));
		lw_buf_puts(b, "</text>\n");
		for (; m < PQntuples(r->mix) && strcmp(V(r->mix, m, 0), pid) == 0; m++)
		{
			double		w = lw_report_num(V(r->mix, m, 3)) * bar_w;

			lw_buf_printf(b, "<rect class=\"mix\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"",
						  x, y, w, row_h - 4, lw_group_colour(V(r->mix, m, 1)));
			lw_html_attr(b, "data-playlist", pid);
			lw_html_attr(b, "data-group", V(r->mix, m, 1));
			lw_html_attr(b, "data-tracks", V(r->mix, m, 2));
			lw_html_attr(b, "data-share", V(r->mix, m, 3));
			lw_buf_puts(b, ">");
			snprintf(title, sizeof(title), "%s: %s, %s tracks (%.1f%%)", V(r->playlists, p, 1),
					 V(r->mix, m, 1), V(r->mix, m, 2), lw_report_num(V(r->mix, m, 3)) * 100);
			lw_svg_title(b, title);
			lw_buf_puts(b, "</rect>\n");
			x += w;
		}
	}
	lw_buf_puts(b, "</svg>\n");
}

/* A playlist's panel: a histogram per feature, its outliers as red ticks and listed below. */
static void
feature_panel(const lw_report *r, lw_buf *b, int p, int *h, int *o)
{
	const char *pid = V(r->playlists, p, 0);
	const int	lx = 100,
				bw = 15,
				row_h = 24;
	int			first_o = *o;
	char		title[1024];

	lw_buf_puts(b, "<div class=\"panel\"");
	lw_html_attr(b, "data-playlist", pid);
	lw_buf_puts(b, "><h3>");
	lw_html_escape(b, V(r->playlists, p, 1));
	lw_buf_printf(b, " <span class=\"note\">(%s tracks)</span></h3>\n", V(r->playlists, p, 2));
	lw_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"258\" height=\"%d\">\n",
				  LW_REPORT_N_FEATURES * row_h + 14);
	for (int f = 0; f < LW_REPORT_N_FEATURES; f++)
	{
		int			y = f * row_h;
		double		max = 1;

		lw_buf_printf(b, "<text x=\"0\" y=\"%d\">%s</text>", y + 16, lw_report_features[f]);
		lw_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>\n",
					  lx, y + row_h - 3, lx + LW_REPORT_BINS * bw, y + row_h - 3);
		/* rows of q_hist: (playlist_id, feature_no, c1..c10), feature_no 1-based */
		if (*h < PQntuples(r->hist) && strcmp(V(r->hist, *h, 0), pid) == 0 &&
			(int) lw_report_num(V(r->hist, *h, 1)) == f + 1)
		{
			for (int k = 0; k < LW_REPORT_BINS; k++)
				if (lw_report_num(V(r->hist, *h, 2 + k)) > max)
					max = lw_report_num(V(r->hist, *h, 2 + k));
			for (int k = 0; k < LW_REPORT_BINS; k++)
			{
				const char *count = V(r->hist, *h, 2 + k);
				double		bh = lw_report_num(count) / max * (row_h - 6);
				char		bin[8];

				snprintf(bin, sizeof(bin), "%d", k + 1);
				lw_buf_printf(b, "<rect class=\"bin\" x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"#7a9cc6\"",
							  lx + k * bw, y + row_h - 3 - bh, bw - 1, bh);
				lw_html_attr(b, "data-playlist", pid);
				lw_html_attr(b, "data-feature", lw_report_features[f]);
				lw_html_attr(b, "data-bin", bin);
				lw_html_attr(b, "data-count", count);
				lw_buf_puts(b, ">");
				snprintf(title, sizeof(title), "%s %.1f-%.1f: %s tracks", lw_report_features[f],
						 k / 10.0, (k + 1) / 10.0, count);
				lw_svg_title(b, title);
				lw_buf_puts(b, "</rect>");
			}
			(*h)++;
		}
		/* outliers of this playlist: q_outliers columns 4.. are the features in the same order */
		for (int i = first_o; i < PQntuples(r->outliers) && strcmp(V(r->outliers, i, 0), pid) == 0; i++)
		{
			const char *value = V(r->outliers, i, 4 + f);
			double		x = lx + lw_report_num(value) * LW_REPORT_BINS * bw;

			lw_buf_printf(b, "<line class=\"outlier\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\""
						  " stroke=\"#d0312d\" stroke-width=\"2\"", x, y + 2, x, y + row_h - 2);
			lw_html_attr(b, "data-playlist", pid);
			lw_html_attr(b, "data-track", V(r->outliers, i, 1));
			lw_html_attr(b, "data-feature", lw_report_features[f]);
			lw_html_attr(b, "data-value", value);
			lw_buf_puts(b, ">");
			snprintf(title, sizeof(title), "outlier: %s, %s %s", V(r->outliers, i, 2),
					 lw_report_features[f], value);
			lw_svg_title(b, title);
			lw_buf_puts(b, "</line>");
		}
		lw_buf_puts(b, "\n");
	}
	lw_buf_puts(b, "</svg>\n");
	if (*o < PQntuples(r->outliers) && strcmp(V(r->outliers, *o, 0), pid) == 0)
	{
		lw_buf_puts(b, "<ul>");
		for (; *o < PQntuples(r->outliers) && strcmp(V(r->outliers, *o, 0), pid) == 0; (*o)++)
		{
			lw_buf_puts(b, "<li class=\"outlier-track\"");
			lw_html_attr(b, "data-playlist", pid);
			lw_html_attr(b, "data-track", V(r->outliers, *o, 1));
			lw_html_attr(b, "data-score", V(r->outliers, *o, 3));
			lw_buf_puts(b, ">");
			lw_html_escape(b, V(r->outliers, *o, 2));
			lw_buf_printf(b, " (score %.3f)</li>", lw_report_num(V(r->outliers, *o, 3)));
		}
		lw_buf_puts(b, "</ul>\n");
	}
	lw_buf_puts(b, "</div>\n");
}

static void
features(const lw_report *r, lw_buf *b)
{
	int			h = 0,
				o = 0;

	lw_buf_puts(b, "<h2>Audio features per playlist</h2>\n<p class=\"note\">How the current members"
				" spread over each feature (0 to 1, bins of 0.1; bar height relative to the row's"
				" fullest bin). Red ticks: the playlist's outliers (isolation forest,"
				" listen_wiseer.playlist_outliers), listed under each panel.</p>\n<div class=\"panels\">\n");
	for (int p = 0; p < PQntuples(r->playlists); p++)
	{
		/* skip rows of playlists the list does not hold (cannot happen: same CTE and order) */
		feature_panel(r, b, p, &h, &o);
	}
	lw_buf_puts(b, "</div>\n");
}

static void
recommendations(const lw_report *r, lw_buf *b)
{
	const char *cur = NULL;

	lw_buf_printf(b, "<h2>Top recommendations</h2>\n<p class=\"note\">recommend(playlist, %d) for the"
				  " %d largest playlists: tracks of the library not in the playlist, best first, with"
				  " the reason each was picked.</p>\n", LW_REPORT_RECS, LW_REPORT_REC_PLAYLISTS);
	for (int i = 0; i < PQntuples(r->recs); i++)
	{
		if (cur == NULL || strcmp(cur, V(r->recs, i, 0)) != 0)
		{
			if (cur)
				lw_buf_puts(b, "</table>\n");
			cur = V(r->recs, i, 0);
			lw_buf_puts(b, "<h3>");
			lw_html_escape(b, V(r->recs, i, 1));
			lw_buf_puts(b, "</h3>\n<table class=\"recs\"");
			lw_html_attr(b, "data-playlist", cur);
			lw_buf_puts(b, "><tr><th>#</th><th>track</th><th>artists</th><th>score</th><th>why</th></tr>\n");
		}
		lw_buf_puts(b, "<tr class=\"rec\"");
		lw_html_attr(b, "data-playlist", cur);
		lw_html_attr(b, "data-rank", V(r->recs, i, 2));
		lw_html_attr(b, "data-score", V(r->recs, i, 5));
		lw_buf_puts(b, "><td class=\"num\">");
		lw_html_escape(b, V(r->recs, i, 2));
		for (int c = 3; c <= 6; c++)
		{
			lw_buf_puts(b, c == 5 ? "</td><td class=\"num\">" : "</td><td>");
			lw_html_escape(b, V(r->recs, i, c));
		}
		lw_buf_puts(b, "</td></tr>\n");
	}
	if (cur)
		lw_buf_puts(b, "</table>\n");
	else
		lw_buf_puts(b, "<p>No playlist has members to recommend for.</p>\n");
}

/* One bar per run: its duration, coloured by status; the numbers in a table below. */
static void
sync_health(const lw_report *r, lw_buf *b)
{
	static const char *const cols[] = {"run_id", "command", "started", "status", "duration_s",
		"requests", "tracks_new", "tracks_changed", "features_filled", "genres_filled", "warnings"};
	int			n = PQntuples(r->runs);
	double		max = 0.001;
	const int	left = 60,
				width = 820,
				height = 160;
	double		step = n > 0 ? (double) width / n : width;
	char		title[1024];

	lw_buf_printf(b, "<h2>Sync health</h2>\n<p class=\"note\">The latest %d lw-ingest runs"
				  " (listen_wiseer.sync_health): bar height = duration, colour = status (green ok,"
				  " amber partial, red failed or needs login, grey running).</p>\n", LW_REPORT_RUNS);
	for (int i = 0; i < n; i++)
		if (lw_report_num(V(r->runs, i, 4)) > max)
			max = lw_report_num(V(r->runs, i, 4));
	lw_buf_printf(b, "<svg id=\"sync-health\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n",
				  left + width + 10, height + 40);
	lw_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
				  "<text x=\"0\" y=\"14\">%.3g s</text><text x=\"0\" y=\"%d\">0 s</text>\n",
				  left, height + 10, left + width, height + 10, max, height + 10);
	for (int i = 0; i < n; i++)
	{
		double		bh = lw_report_num(V(r->runs, i, 4)) / max * height;
		double		bw = step > 3 ? step - 2 : step;

		lw_buf_printf(b, "<rect class=\"run\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"",
					  left + i * step, height + 10 - bh, bw > 40 ? 40 : bw, bh,
					  lw_status_colour(V(r->runs, i, 3)));
		for (int c = 0; c < 11; c++)
		{
			char		attr[40];

			if (c == 2)
				continue;
			snprintf(attr, sizeof(attr), "data-%s", cols[c]);
			for (char *q = attr; *q; q++)
				if (*q == '_')
					*q = '-';
			lw_html_attr(b, attr, V(r->runs, i, c));
		}
		lw_buf_puts(b, ">");
		snprintf(title, sizeof(title), "run %s (%s, %s UTC): %s, %s s, %s requests, %s new tracks",
				 V(r->runs, i, 0), V(r->runs, i, 1), V(r->runs, i, 2), V(r->runs, i, 3),
				 V(r->runs, i, 4), V(r->runs, i, 5), V(r->runs, i, 6));
		lw_svg_title(b, title);
		lw_buf_puts(b, "</rect>\n");
	}
	/* the time axis: first and last run's start */
	if (n > 0)
	{
		lw_buf_printf(b, "<text x=\"%d\" y=\"%d\">", left, height + 26);
		lw_html_escape(b, V(r->runs, 0, 2));
		lw_buf_printf(b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left + width, height + 26);
		lw_html_escape(b, V(r->runs, n - 1, 2));
		lw_buf_puts(b, "</text>\n");
	}
	lw_buf_puts(b, "</svg>\n<table id=\"runs\"><tr>");
	for (int c = 0; c < 11; c++)
		lw_buf_printf(b, "<th>%s</th>", cols[c]);
	lw_buf_puts(b, "</tr>\n");
	for (int i = n - 1; i >= 0; i--)
	{
		lw_buf_puts(b, "<tr>");
		for (int c = 0; c < 11; c++)
		{
			lw_buf_puts(b, c >= 4 || c == 0 ? "<td class=\"num\">" : "<td>");
			lw_html_escape(b, V(r->runs, i, c));
			lw_buf_puts(b, "</td>");
		}
		lw_buf_puts(b, "</tr>\n");
	}
	lw_buf_puts(b, "</table>\n");
}

void
lw_report_render(const lw_report *r, lw_buf *b)
{
	lw_buf_puts(b, page_head);
	lw_buf_puts(b, "<h1>Listen-Wiseer report</h1>\n<p class=\"note\">Generated ");
	lw_html_escape(b, r->generated_at);
	lw_buf_puts(b, " by lw-ingest report. Read-only; the numbers come from the listen_wiseer views"
				" a BI tool reads (README, \"BI tools\").</p>\n");
	summary(r, b);
	genre_mix(r, b);
	features(r, b);
	recommendations(r, b);
	sync_health(r, b);
	lw_buf_puts(b, "</body>\n</html>\n");
}
