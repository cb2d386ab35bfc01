/*
 * spotify_write.c - publish's Web API requests (see spotify_write.h).
 */
#include "spotify_write.h"
#include "publish_plan.h"
#include "spotify.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void
copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int
lw_spw_parse_playlist(const json_t *obj, lw_spw_playlist *out)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	const json_t *owner = json_object_get(obj, "owner");
	const char *snap = json_string_value(json_object_get(obj, "snapshot_id"));

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj) || id == NULL || !lw_sp_valid_id(id) || strlen(id) >= sizeof(out->id))
		return -1;
	copy_str(out->id, sizeof(out->id), id);
	if (json_is_object(owner))
	{
		const char *oid = json_string_value(json_object_get(owner, "id"));

		if (oid && strlen(oid) < sizeof(out->owner_id))
			copy_str(out->owner_id, sizeof(out->owner_id), oid);
	}
	if (snap && strlen(snap) < sizeof(out->snapshot_id))
		copy_str(out->snapshot_id, sizeof(out->snapshot_id), snap);
	return 0;
}

int
lw_spw_parse_snapshot(const json_t *obj, char *out, size_t outsz)
{
	const char *snap = json_string_value(json_object_get(obj, "snapshot_id"));

	if (outsz > 0)
		out[0] = '\0';
	if (snap == NULL || *snap == '\0' || strlen(snap) >= outsz)
		return -1;
	copy_str(out, outsz, snap);
	return 0;
}

lw_spw_status
lw_spw_status_of(const lw_api_result *res, int no_retry)
{
	switch (res->status)
	{
		case LW_API_OK:
			return LW_SPW_OK;
		case LW_API_RATE_LIMITED:
			return LW_SPW_RATE_LIMITED;
		case LW_API_NEEDS_LOGIN:
			return LW_SPW_NEEDS_LOGIN;
		case LW_API_CONFIG_ERROR:
			return LW_SPW_CONFIG;
		case LW_API_FAILED:
			/* no answer or a 5xx to a request that was not repeated: it may have been done */
			return no_retry && (res->error.http_status == 0 || res->error.http_status >= 500)
				? LW_SPW_UNKNOWN : LW_SPW_FAILED;
		case LW_API_HTTP_ERROR:
			break;
	}
	if (res->error.http_status == 404)
		return LW_SPW_GONE;
	if (res->error.http_status == 403)
		return strcasestr(res->error.message, "scope") ? LW_SPW_SCOPE : LW_SPW_FORBIDDEN;
	if (no_retry && res->error.http_status >= 500)
		return LW_SPW_UNKNOWN;
	return LW_SPW_FAILED;
}

/* A 2xx whose body does not say what it should: a failure with a message. */
static lw_spw_status
bad_answer(lw_api_result *res, const char *what)
{
	res->status = LW_API_FAILED;
	snprintf(res->error.message, sizeof(res->error.message), "%s: the answer is not what the Web API "
			 "documents", what);
	return LW_SPW_FAILED;
}

lw_spw_status
lw_spw_create(lw_api *api, const char *name, const char *description, lw_spw_playlist *out,
			  lw_api_result *res)
{
	json_t	   *body = json_pack("{s:s, s:b, s:b, s:s}", "name", name, "public", 0,
								 "collaborative", 0, "description", description);
	json_t	   *ans = NULL;
	int			rc;
	lw_spw_status st;

	memset(out, 0, sizeof(*out));
	rc = lw_api_send_json(api, "POST", "/me/playlists", body, 1, &ans, res);
	json_decref(body);
	if (rc < 0)
		return lw_spw_status_of(res, 1);
	st = lw_spw_parse_playlist(ans, out) < 0 ? bad_answer(res, "POST /me/playlists") : LW_SPW_OK;
	json_decref(ans);
	return st;
}

lw_spw_status
lw_spw_get(lw_api *api, const char *id, lw_spw_playlist *out, lw_api_result *res)
{
	char		path[160];
	json_t	   *ans = NULL;
	lw_spw_status st;

	memset(out, 0, sizeof(*out));
	/* fields=id,owner(id),snapshot_id */
	snprintf(path, sizeof(path), "/playlists/%s?fields=id%%2Cowner%%28id%%29%%2Csnapshot_id", id);
	if (lw_api_get_json(api, path, &ans, res) < 0)
		return lw_spw_status_of(res, 0);
	st = lw_spw_parse_playlist(ans, out) < 0 || strcmp(out->id, id) != 0
		? bad_answer(res, "GET /playlists/{id}") : LW_SPW_OK;
	json_decref(ans);
	return st;
}

lw_spw_status
lw_spw_items(lw_api *api, const char *id, int replace, char *const *uris, int n,
			 char *snapshot, size_t snapsz, lw_api_result *res)
{
	char		path[128];
	json_t	   *list = json_array();
	json_t	   *body;
	json_t	   *ans = NULL;
	int			rc;
	lw_spw_status st;

	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_string(uris[i]));
	body = json_pack("{s:o}", "uris", list);
	snprintf(path, sizeof(path), "/playlists/%s/items", id);
	rc = lw_api_send_json(api, replace ? "PUT" : "POST", path, body, !replace, &ans, res);
	json_decref(body);
	if (rc < 0)
		return lw_spw_status_of(res, !replace);
	st = lw_spw_parse_snapshot(ans, snapshot, snapsz) < 0
		? bad_answer(res, replace ? "PUT /playlists/{id}/items" : "POST /playlists/{id}/items")
		: LW_SPW_OK;
	json_decref(ans);
	return st;
}

typedef struct find_ctx
{
	const char *owner_id;
	const char *marker;
	int			found;
	lw_spw_playlist *out;
} find_ctx;

static int
find_cb(void *arg, const lw_playlist *pl, int n, long total)
{
	find_ctx   *f = arg;

	(void) total;
	for (int i = 0; i < n; i++)
	{
		if (pl[i].owner_id.st != LW_SET || strcmp(pl[i].owner_id.v, f->owner_id) != 0 ||
			pl[i].description.st != LW_SET ||
			!lw_publish_has_marker(pl[i].description.v, f->marker) ||
			strlen(pl[i].id) >= sizeof(f->out->id))
			continue;
		copy_str(f->out->id, sizeof(f->out->id), pl[i].id);
		copy_str(f->out->owner_id, sizeof(f->out->owner_id), pl[i].owner_id.v);
		if (pl[i].snapshot_id.st == LW_SET && strlen(pl[i].snapshot_id.v) < sizeof(f->out->snapshot_id))
			copy_str(f->out->snapshot_id, sizeof(f->out->snapshot_id), pl[i].snapshot_id.v);
		f->found = 1;
		return 1;				/* stop paging */
	}
	return 0;
}

lw_spw_status
lw_spw_find_marked(lw_api *api, const char *api_url, const char *owner_id, const char *marker,
				   int *found, lw_spw_playlist *out, lw_api_result *res)
{
	lw_spotify	sp;
	lw_error	err;
	lw_sp_status st;
	find_ctx	f = {owner_id, marker, 0, out};

	memset(out, 0, sizeof(*out));
	memset(res, 0, sizeof(*res));
	lw_error_clear(&err);
	*found = 0;
	lw_spotify_init(&sp, api, api_url, NULL);
	st = lw_sp_playlists(&sp, find_cb, &f, &err);
	if (st == LW_SP_OK || st == LW_SP_STOPPED)
	{
		*found = f.found;
		return LW_SPW_OK;
	}
	res->error.http_status = err.http_status;
	snprintf(res->error.message, sizeof(res->error.message), "%s", err.message);
	switch (st)
	{
		case LW_SP_RATE_LIMITED:
			res->status = LW_API_RATE_LIMITED;
			return LW_SPW_RATE_LIMITED;
		case LW_SP_NEEDS_LOGIN:
			res->status = LW_API_NEEDS_LOGIN;
			return LW_SPW_NEEDS_LOGIN;
		case LW_SP_CONFIG:
			res->status = LW_API_CONFIG_ERROR;
			return LW_SPW_CONFIG;
		case LW_SP_UNAVAILABLE:
			res->status = LW_API_HTTP_ERROR;
			return err.http_status == 403 && strcasestr(err.message, "scope")
				? LW_SPW_SCOPE : LW_SPW_FAILED;
		default:
			res->status = LW_API_FAILED;
			return LW_SPW_FAILED;
	}
}
