/*
 * enrich_client.c - requests and answer classification for ReccoBeats, MusicBrainz and
 * Last.fm (see enrich_client.h).
 */
#include "enrich_client.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The common part: transport errors, 429 past the budget, 5xx, 401/403. 1 = go on. */
static int
classify(const char *service, int rc, const lw_http_response *r, lw_es_status *st,
		 char *msg, size_t msgsz)
{
	if (rc < 0)
	{
		snprintf(msg, msgsz, "%s: %s", service, r->error[0] ? r->error : "no answer");
		*st = LW_ES_TRANSIENT;
		return 0;
	}
	if (r->rate_limited || r->status == 429)
	{
		snprintf(msg, msgsz, "%s: rate limited (Retry-After %ld s) past the run's budget",
				 service, r->retry_after);
		*st = LW_ES_DEFER;
		return 0;
	}
	if (r->status >= 500)
	{
		snprintf(msg, msgsz, "%s: HTTP %ld after %d attempts", service, r->status, r->attempts);
		*st = LW_ES_TRANSIENT;
		return 0;
	}
	if (r->status == 401 || r->status == 403)
	{
		snprintf(msg, msgsz, "%s: HTTP %ld (refused; check the User-Agent contact LW_CONTACT "
				 "or the API key)", service, r->status);
		*st = LW_ES_STOP;
		return 0;
	}
	return 1;
}

static int
get(lw_es_client *c, const char *url, lw_http_response *r)
{
	lw_http_request req = {.method = "GET",.url = url,.handle_429 = 1};

	return lw_http_perform(c->http, &req, r);
}

lw_es_status
lw_rb_fetch_features(lw_es_client *c, const char *const *ids, int n, lw_rb_answer *out,
					 int *strays, char *msg, size_t msgsz)
{
	lw_buf		url = {0};
	lw_http_response r;
	lw_es_status st = LW_ES_OK;
	int			invalid = 0;
	char		perr[128];

	lw_buf_printf(&url, "%s/audio-features?ids=", c->base);
	for (int i = 0; i < n; i++)
	{
		char	   *e = lw_url_encode(ids[i]);

		lw_buf_printf(&url, "%s%s", i ? "," : "", e);
		free(e);
	}
	if (classify("ReccoBeats", get(c, url.data, &r), &r, &st, msg, msgsz))
	{
		if (r.status != 200)
		{
			snprintf(msg, msgsz, "ReccoBeats: HTTP %ld for a batch of %d ids", r.status, n);
			st = LW_ES_STOP;
		}
		else if (lw_rb_parse_features(r.body, r.body_len, ids, n, out, strays, &invalid,
									  perr, sizeof(perr)) < 0)
		{
			snprintf(msg, msgsz, "ReccoBeats: %s", perr);
			st = LW_ES_TRANSIENT;
		}
		else if (invalid)
			lw_log_debug("ReccoBeats: %d elements with missing or out-of-range values ignored",
						 invalid);
	}
	lw_http_response_free(&r);
	lw_buf_free(&url);
	return st;
}

/*
 * MusicBrainz asks for 1 request/s per IP and answers 503 beyond (all requests, until the
 * average drops): after one, halve our rate for the rest of the run.
 */
static void
mb_slow_down(lw_es_client *c, const lw_http_response *r)
{
	if (r->attempts > 1 || r->status == 503)
	{
		int			p = c->pace_ms < 50 ? 100 : c->pace_ms * 2;

		c->pace_ms = p > 8000 ? 8000 : p;
		c->slowdowns++;
		lw_http_set_pace(c->http, c->pace_ms);
		lw_log_debug("MusicBrainz answered 503: slowing down to one request per %d ms", c->pace_ms);
	}
}

lw_es_status
lw_mb_fetch_urls(lw_es_client *c, const char *const *urls, int n, lw_mb_url_answer *out,
				 char *msg, size_t msgsz)
{
	lw_buf		url = {0};
	lw_http_response r;
	lw_es_status st = LW_ES_OK;
	char		perr[128];

	lw_buf_printf(&url, "%s/url?", c->base);
	for (int i = 0; i < n; i++)
	{
		char	   *e = lw_url_encode(urls[i]);

		lw_buf_printf(&url, "resource=%s&", e);
		free(e);
	}
	lw_buf_puts(&url, "inc=artist-rels&fmt=json");
	memset(out, 0, sizeof(*out) * (size_t) n);
	if (classify("MusicBrainz", get(c, url.data, &r), &r, &st, msg, msgsz))
	{
		if (r.status == 404 && n == 1)
			st = LW_ES_OK;		/* the one URL is unknown: a negative answer */
		else if (r.status != 200)
		{
			snprintf(msg, msgsz, "MusicBrainz: HTTP %ld for a URL lookup", r.status);
			st = LW_ES_STOP;
		}
		else if (lw_mb_parse_urls(r.body, r.body_len, urls, n, out, perr, sizeof(perr)) < 0)
		{
			snprintf(msg, msgsz, "MusicBrainz: %s", perr);
			st = LW_ES_TRANSIENT;
		}
	}
	mb_slow_down(c, &r);
	lw_http_response_free(&r);
	lw_buf_free(&url);
	return st;
}

lw_es_status
lw_mb_fetch_artist(lw_es_client *c, const char *mbid, lw_genre_list *out, int *found,
				   char *msg, size_t msgsz)
{
	lw_buf		url = {0};
	lw_http_response r;
	lw_es_status st = LW_ES_OK;
	char		perr[128];

	*found = 0;
	memset(out, 0, sizeof(*out));
	lw_buf_printf(&url, "%s/artist/%s?inc=genres+tags&fmt=json", c->base, mbid);
	if (classify("MusicBrainz", get(c, url.data, &r), &r, &st, msg, msgsz))
	{
		/* a merged MBID answers 301 with the surviving artist in the body */
		if (r.status == 404 || r.status == 400)
			st = LW_ES_OK;
		else if (r.status != 200 && r.status != 301)
		{
			snprintf(msg, msgsz, "MusicBrainz: HTTP %ld for an artist", r.status);
			st = LW_ES_STOP;
		}
		else if (lw_mb_parse_artist(r.body, r.body_len, out, perr, sizeof(perr)) < 0)
		{
			snprintf(msg, msgsz, "MusicBrainz: %s", perr);
			st = LW_ES_TRANSIENT;
		}
		else
			*found = 1;
	}
	mb_slow_down(c, &r);
	lw_http_response_free(&r);
	lw_buf_free(&url);
	return st;
}

lw_es_status
lw_lfm_fetch_artist_tags(lw_es_client *c, const char *artist, long min_count,
						 lw_genre_list *out, int *found, char *msg, size_t msgsz)
{
	lw_buf		url = {0};
	lw_es_status st = LW_ES_OK;
	char		perr[128];
	char	   *a = lw_url_encode(artist);
	char	   *k = lw_url_encode(c->api_key);

	*found = 0;
	memset(out, 0, sizeof(*out));
	lw_buf_printf(&url, "%s/?method=artist.getTopTags&artist=%s&autocorrect=1&api_key=%s&format=json",
				  c->base, a, k);
	free(a);
	free(k);
	/* errors 8, 11, 16 (temporary) come inside HTTP 200: try again a few times */
	for (int attempt = 1;; attempt++)
	{
		lw_http_response r;
		int			lfm_error = 0;
		int			p;

		if (classify("Last.fm", get(c, url.data, &r), &r, &st, msg, msgsz))
		{
			p = r.status == 200 ? lw_lfm_parse_toptags(r.body, r.body_len, min_count, out,
													   &lfm_error, perr, sizeof(perr)) : -1;
			if (p == 0)
				*found = 1;
			else if (p < 0)
			{
				snprintf(msg, msgsz, "Last.fm: %s", r.status == 200 ? perr : "unexpected HTTP status");
				st = r.status == 200 || r.status >= 500 ? LW_ES_TRANSIENT : LW_ES_STOP;
			}
			else if (lfm_error == 6 || lfm_error == 7)
				;				/* unknown artist: a negative answer */
			else if ((lfm_error == 8 || lfm_error == 11 || lfm_error == 16 || lfm_error == 29) &&
					 attempt < 4)
			{
				lw_http_response_free(&r);
				lw_sleep_ms(500L * attempt);
				continue;
			}
			else
			{
				snprintf(msg, msgsz, "Last.fm: error %d%s", lfm_error,
						 lfm_error == 10 ? " (invalid API key: check LASTFM_API_KEY)" :
						 lfm_error == 26 ? " (suspended API key)" : "");
				st = (lfm_error == 8 || lfm_error == 11 || lfm_error == 16 || lfm_error == 29) ?
					LW_ES_TRANSIENT : LW_ES_STOP;
			}
		}
		lw_http_response_free(&r);
		break;
	}
	lw_buf_free(&url);
	return st;
}
