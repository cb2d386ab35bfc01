/*
 * spotify_walk.c - walking the Spotify endpoints page by page (see spotify_walk.h): the paging
 * guard, one GET mapped to a status, and one function per endpoint that hands each page's
 * records (spotify_parse.c) to a callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spotify_walk.h"
#include "util.h"

#define LW_PAGE_LIMIT 50
#define LW_UNKNOWN_PAGE_CAP 100000	/* when a page does not say total/limit */

/* ---- paging guard ------------------------------------------------------------------------- */

void
lw_pager_init(lw_pager *p, const char *api_url)
{
	memset(p, 0, sizeof(*p));
	p->api_url = api_url;
	p->last_offset = -1;
}

static bool
under_base(const char *url, const char *base)
{
	size_t		n = strlen(base);

	if (strncmp(url, base, n) != 0)
		return false;
	return url[n] == '/' || url[n] == '?' || url[n] == '\0';
}

int
lw_pager_next(lw_pager *p, const char *url, const lw_page *page, char **next_out)
{
	*next_out = NULL;
	p->pages++;
	if (p->max_pages == 0)
	{
		if (page->total >= 0 && page->limit > 0)
			p->max_pages = (page->total + page->limit - 1) / page->limit + 1;
		else
			p->max_pages = LW_UNKNOWN_PAGE_CAP;
	}
	if (page->offset >= 0)
	{
		if (p->last_offset >= 0 && page->offset <= p->last_offset)
		{
			snprintf(p->why, sizeof(p->why), "page offset %ld does not advance past %ld",
					 page->offset, p->last_offset);
			return -1;
		}
		p->last_offset = page->offset;
	}
	if (page->next == NULL)
		return 0;
	if (!under_base(page->next, p->api_url))
	{
		snprintf(p->why, sizeof(p->why), "\"next\" link outside the configured API URL");
		return -1;
	}
	if (strcmp(page->next, url) == 0)
	{
		snprintf(p->why, sizeof(p->why), "\"next\" link repeats the current page");
		return -1;
	}
	if (p->pages >= p->max_pages)
	{
		snprintf(p->why, sizeof(p->why), "more than %ld pages (ceil(total/limit)+1)",
				 p->max_pages);
		return -1;
	}
	*next_out = strdup(page->next);
	if (*next_out == NULL)
	{
		snprintf(p->why, sizeof(p->why), "out of memory");
		return -1;
	}
	return 1;
}

/* ---- endpoints ---------------------------------------------------------------------------- */

static int
api_fetch(void *ctx, const char *path_or_url, json_t **out, lw_api_result *res)
{
	return lw_api_get_json((lw_api *) ctx, path_or_url, out, res);
}

void
lw_spotify_init(lw_spotify *sp, lw_api *api, const char *api_url, lw_counts *counts)
{
	memset(sp, 0, sizeof(*sp));
	sp->api_url = api_url;
	sp->fetch = api_fetch;
	sp->fetch_ctx = api;
	sp->counts = counts;
}

const char *
lw_sp_status_name(lw_sp_status st)
{
	switch (st)
	{
		case LW_SP_OK:
			return "ok";
		case LW_SP_STOPPED:
			return "stopped";
		case LW_SP_UNAVAILABLE:
			return "unavailable";
		case LW_SP_RATE_LIMITED:
			return "rate limited";
		case LW_SP_NEEDS_LOGIN:
			return "needs login";
		case LW_SP_CONFIG:
			return "configuration error";
		case LW_SP_FAILED:
			return "failed";
		case LW_SP_BAD_PAGING:
			return "bad paging";
	}
	return "?";
}

/* The exit code a walker's failure ends a run with, unless the caller deals with it. */
static int
exit_of_status(lw_sp_status st)
{
	switch (st)
	{
		case LW_SP_OK:
		case LW_SP_STOPPED:
			return LW_EXIT_OK;
		case LW_SP_RATE_LIMITED:
			return LW_EXIT_PARTIAL;
		case LW_SP_NEEDS_LOGIN:
			return LW_EXIT_NEEDS_LOGIN;
		case LW_SP_CONFIG:
			return LW_EXIT_USAGE;
		case LW_SP_UNAVAILABLE:
		case LW_SP_FAILED:
		case LW_SP_BAD_PAGING:
			break;
	}
	return LW_EXIT_FAILURE;
}

static lw_sp_status
set_err(lw_error *err, lw_sp_status st, long http, const char *msg)
{
	lw_error_set(err, exit_of_status(st), "%s", msg ? msg : "");
	if (err)
		err->http_status = http;
	return st;
}

/* One GET; maps the api result to a status. On LW_SP_OK *out is a JSON value (never NULL). */
static lw_sp_status
get(lw_spotify *sp, const char *url, json_t **out, lw_error *err)
{
	lw_api_result res;
	lw_sp_status st;

	memset(&res, 0, sizeof(res));
	*out = NULL;
	if (sp->counts)
		sp->counts->requests++;
	if (sp->fetch(sp->fetch_ctx, url, out, &res) == 0)
	{
		if (sp->counts)
			sp->counts->strings_repaired += res.strings_repaired;
		if (*out == NULL)
			return set_err(err, LW_SP_FAILED, res.error.http_status, "empty response body");
		return LW_SP_OK;
	}
	switch (res.status)
	{
		case LW_API_HTTP_ERROR:
			st = (res.error.http_status == 403 || res.error.http_status == 404) ? LW_SP_UNAVAILABLE
				: LW_SP_FAILED;
			break;
		case LW_API_RATE_LIMITED:
			st = LW_SP_RATE_LIMITED;
			break;
		case LW_API_NEEDS_LOGIN:
			st = LW_SP_NEEDS_LOGIN;
			break;
		case LW_API_CONFIG_ERROR:
			st = LW_SP_CONFIG;
			break;
		default:
			st = LW_SP_FAILED;
			break;
	}
	return set_err(err, st, res.error.http_status,
				   res.error.message[0] ? res.error.message : "request failed");
}

typedef int (*page_fn) (lw_spotify *sp, const lw_page *page, void *ctx);

/* Follow a paging object from first_path to its end; page_fn parses and calls back. */
static lw_sp_status
walk(lw_spotify *sp, const char *first_path, page_fn fn, void *ctx, lw_error *err)
{
	/* absolute from the start, so a "next" pointing back at page 1 is seen as a repeat */
	char	   *url = malloc(strlen(sp->api_url) + strlen(first_path) + 1);
	lw_pager	pager;
	lw_sp_status st = LW_SP_OK;

	if (url)
		sprintf(url, "%s%s", sp->api_url, first_path);
	if (url == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	lw_pager_init(&pager, sp->api_url);
	for (;;)
	{
		json_t	   *root;
		lw_page		page;
		char	   *next = NULL;
		int			r;

		st = get(sp, url, &root, err);
		if (st != LW_SP_OK)
			break;
		if (lw_sp_parse_page(root, &page) != 0)
		{
			json_decref(root);
			st = set_err(err, LW_SP_FAILED, 200, "response is not a paging object");
			break;
		}
		if (sp->counts)
			sp->counts->pages++;
		r = fn(sp, &page, ctx);
		if (r != 0)
		{
			json_decref(root);
			st = r > 0 ? LW_SP_STOPPED : set_err(err, LW_SP_FAILED, 0, "could not store a page");
			break;
		}
		r = lw_pager_next(&pager, url, &page, &next);
		json_decref(root);
		if (r <= 0)
		{
			if (r < 0)
				st = set_err(err, LW_SP_BAD_PAGING, 200, pager.why);
			break;
		}
		free(url);
		url = next;
	}
	free(url);
	return st;
}

lw_sp_status
lw_sp_me(lw_spotify *sp, lw_user *out, json_t **keep, lw_error *err)
{
	lw_sp_status st = get(sp, "/me", keep, err);

	if (st != LW_SP_OK)
		return st;
	if (lw_sp_parse_user(*keep, out) != 0)
	{
		json_decref(*keep);
		*keep = NULL;
		return set_err(err, LW_SP_FAILED, 200, "/me answered without a usable user id");
	}
	return LW_SP_OK;
}

typedef struct cb_ctx
{
	void	   *cb;
	void	   *ctx;
} cb_ctx;

static int
playlists_page(lw_spotify *sp, const lw_page *page, void *arg)
{
	cb_ctx	   *c = arg;
	size_t		n = json_array_size(page->items);
	lw_playlist *pl = calloc(n ? n : 1, sizeof(*pl));
	int			k = 0;
	int			r;

	if (pl == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		if (lw_sp_parse_playlist(json_array_get(page->items, i), &pl[k], sp->counts) == 0)
			k++;
		else if (sp->counts)
			sp->counts->bad_fields++;
	}
	r = ((lw_playlists_cb) c->cb) (c->ctx, pl, k, page->total);
	free(pl);
	return r;
}

lw_sp_status
lw_sp_playlists(lw_spotify *sp, lw_playlists_cb cb, void *ctx, lw_error *err)
{
	cb_ctx		c = {(void *) cb, ctx};

	return walk(sp, "/me/playlists?limit=50", playlists_page, &c, err);
}

static int
items_page(lw_spotify *sp, const lw_page *page, void *arg)
{
	cb_ctx	   *c = arg;
	size_t		n = json_array_size(page->items);
	lw_item    *items = calloc(n ? n : 1, sizeof(*items));
	long		base = page->offset >= 0 ? page->offset : 0;
	int			r;

	if (items == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		lw_item_kind k = lw_sp_parse_item(json_array_get(page->items, i), base + (long) i,
										  &items[i], sp->counts);

		if (sp->counts)
			lw_counts_skip(sp->counts, k);
	}
	r = ((lw_items_cb) c->cb) (c->ctx, items, (int) n, page->total);
	free(items);
	return r;
}

lw_sp_status
lw_sp_playlist_items(lw_spotify *sp, const char *playlist_id, lw_items_cb cb, void *ctx,
					 lw_error *err)
{
	char		path[256];
	cb_ctx		c = {(void *) cb, ctx};

	if (!lw_sp_valid_id(playlist_id))
		return set_err(err, LW_SP_FAILED, 0, "invalid playlist id");
	snprintf(path, sizeof(path), "/playlists/%s/items?limit=%d&additional_types=track,episode",
			 playlist_id, LW_PAGE_LIMIT);
	return walk(sp, path, items_page, &c, err);
}

lw_sp_status
lw_sp_liked(lw_spotify *sp, lw_items_cb cb, void *ctx, lw_error *err)
{
	cb_ctx		c = {(void *) cb, ctx};

	return walk(sp, "/me/tracks?limit=50", items_page, &c, err);
}

/*
 * One batch request: GET prefix?ids=a,b,c (1..max validated base-62 ids, noun naming them in
 * messages) and find the array named key in the answer. On LW_SP_OK *root holds the answer
 * (json_decref it) and *arr the array inside it.
 */
static lw_sp_status
get_batch(lw_spotify *sp, const char *prefix, const char *const *ids, int n, int max,
		  const char *noun, const char *key, json_t **root, json_t **arr, lw_error *err)
{
	lw_buf		path = {0};
	lw_sp_status st;
	char		msg[160];

	*root = NULL;
	*arr = NULL;
	if (n > max)
	{
		snprintf(msg, sizeof(msg), "too many %s ids for one request", noun);
		return set_err(err, LW_SP_FAILED, 0, msg);
	}
	lw_buf_printf(&path, "%s?ids=", prefix);
	for (int i = 0; i < n; i++)
		lw_buf_printf(&path, "%s%s", i ? "," : "", ids[i]);
	st = get(sp, path.data, root, err);
	lw_buf_free(&path);
	if (st != LW_SP_OK)
		return st;
	*arr = json_object_get(*root, key);
	if (!json_is_array(*arr))
	{
		json_decref(*root);
		*root = NULL;
		snprintf(msg, sizeof(msg), "%s answered without an \"%s\" array", prefix, key);
		return set_err(err, LW_SP_FAILED, 200, msg);
	}
	return LW_SP_OK;
}

static lw_sp_status
artists_from_array(lw_spotify *sp, const json_t *arr, lw_artists_cb cb, void *ctx,
				   lw_error *err)
{
	size_t		n = json_array_size(arr);
	lw_artist  *a = calloc(n ? n : 1, sizeof(*a));
	int			k = 0;
	int			r;

	if (a == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	for (size_t i = 0; i < n; i++)
	{
		json_t	   *e = json_array_get(arr, i);

		if (json_is_null(e))
			continue;			/* unknown id: the caller counts it missing */
		if (lw_sp_parse_artist(e, &a[k], sp->counts) == 0)
			k++;
		else
		{
			lw_artist_free(&a[k]);
			if (sp->counts)
				sp->counts->bad_fields++;
		}
	}
	r = cb(ctx, a, k);
	for (int i = 0; i < k; i++)
		lw_artist_free(&a[i]);
	free(a);
	if (r < 0)
		return set_err(err, LW_SP_FAILED, 0, "could not store artists");
	return r > 0 ? LW_SP_STOPPED : LW_SP_OK;
}

lw_sp_status
lw_sp_artists(lw_spotify *sp, const char *const *ids, int n, lw_artists_cb cb, void *ctx,
			  lw_error *err)
{
	json_t	   *root;
	json_t	   *arr;
	lw_sp_status st;

	if (n <= 0)
		return LW_SP_OK;
	st = get_batch(sp, "/artists", ids, n, 50, "artist", "artists", &root, &arr, err);
	if (st != LW_SP_OK)
		return st;
	st = artists_from_array(sp, arr, cb, ctx, err);
	json_decref(root);
	return st;
}

lw_sp_status
lw_sp_artists_each(lw_spotify *sp, const char *const *ids, int n, lw_artists_cb cb, void *ctx,
				   int *done, lw_error *err)
{
	json_t	   *arr = json_array();
	lw_sp_status st = LW_SP_OK;
	int			i;

	*done = 0;
	if (arr == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	for (i = 0; i < n; i++)
	{
		char		path[128];
		json_t	   *root;
		lw_sp_status s;

		if (!lw_sp_valid_id(ids[i]))
			continue;
		snprintf(path, sizeof(path), "/artists/%s", ids[i]);
		s = get(sp, path, &root, err);
		if (s == LW_SP_OK)
			json_array_append_new(arr, root);
		else if (!(s == LW_SP_UNAVAILABLE && err && err->http_status == 404))
		{
			st = s;				/* 404 = unknown artist: asked, nothing to load */
			break;
		}
	}
	*done = i;
	if (json_array_size(arr) > 0)
	{
		lw_error	e2;
		lw_sp_status s2 = artists_from_array(sp, arr, cb, ctx, &e2);

		if (s2 != LW_SP_OK && st == LW_SP_OK)
		{
			st = s2;
			if (err)
				*err = e2;
		}
	}
	json_decref(arr);
	return st;
}

lw_sp_status
lw_sp_audio_features(lw_spotify *sp, const char *const *ids, int n, lw_features_cb cb,
					 void *ctx, lw_error *err)
{
	json_t	   *root;
	json_t	   *arr;
	lw_features *f;
	lw_sp_status st;
	size_t		m;
	int			k = 0;
	int			r;

	if (n <= 0)
		return LW_SP_OK;
	st = get_batch(sp, "/audio-features", ids, n, 100, "track", "audio_features", &root, &arr,
				   err);
	if (st != LW_SP_OK)
		return st;
	m = json_array_size(arr);
	f = calloc(m ? m : 1, sizeof(*f));
	if (f == NULL)
	{
		json_decref(root);
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	}
	for (size_t i = 0; i < m; i++)
	{
		lw_features_verdict v = lw_sp_parse_features(json_array_get(arr, i), &f[k]);

		if (v == LW_FEAT_OK)
			k++;
		else if (sp->counts && v == LW_FEAT_NULL)
			sp->counts->features_null++;
		else if (sp->counts)
			sp->counts->features_invalid++;
	}
	r = cb(ctx, f, k);
	free(f);
	json_decref(root);
	if (r < 0)
		return set_err(err, LW_SP_FAILED, 0, "could not store audio features");
	return r > 0 ? LW_SP_STOPPED : LW_SP_OK;
}
