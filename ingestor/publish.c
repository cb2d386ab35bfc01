/*
 * publish.c - `lw-ingest publish`: recommend() answers -> private playlists in the user's
 * Spotify account, one per rule (listen_wiseer.publish_rules).
 *
 * Per rule: ask recommend() (publish_store.c), turn the answer into URIs and compare them with
 * what was last written (publish_plan.c), check the remembered target (it must still exist,
 * belong to the user, have been created by this rule, and not be the source), then
 *   - the same URIs as last time: write nothing;
 *   - no target (first run, or the user deleted it): find a playlist an interrupted run made
 *     (marker in its description) or create one, and commit its id BEFORE writing items;
 *   - write the items: PUT the first 100, POST the rest (spotify_write.c).
 * A run that dies anywhere leaves a state the next run completes: a recorded target without
 * published items gets its items; an unrecorded created playlist is found by its marker.
 */
#include "commands.h"
#include "ext_version.h"
#include "log.h"
#include "oauth.h"
#include "publish_plan.h"
#include "publish_store.h"
#include "spotify.h"
#include "spotify_write.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pub_ctx
{
	const lw_config *cfg;
	lw_api	   *api;
	lw_store   *store;
	char		user_id[256];
	int			writes;			/* write requests of the current rule */
	int			stop;			/* end the run after this rule (login, rate limit, config) */
} pub_ctx;

/* The outcome and exit code a failed Web API step ends a rule with. */
static int
exit_of(lw_spw_status st, const char **outcome, int *stop)
{
	*stop = 0;
	switch (st)
	{
		case LW_SPW_OK:
			*outcome = "failed";	/* not used */
			return LW_EXIT_OK;
		case LW_SPW_SCOPE:
		case LW_SPW_NEEDS_LOGIN:
			*outcome = "needs_login";
			*stop = 1;
			return LW_EXIT_NEEDS_LOGIN;
		case LW_SPW_RATE_LIMITED:
			*outcome = "rate_limited";
			*stop = 1;
			return LW_EXIT_PARTIAL;
		case LW_SPW_CONFIG:
			*outcome = "failed";
			*stop = 1;
			return LW_EXIT_USAGE;
		case LW_SPW_FORBIDDEN:
			*outcome = "forbidden";
			return LW_EXIT_FAILURE;
		case LW_SPW_GONE:
		case LW_SPW_UNKNOWN:
		case LW_SPW_FAILED:
			break;
	}
	*outcome = "failed";
	return LW_EXIT_FAILURE;
}

/* Log the failure, record it in publish_runs (unless dry run), return the exit code. */
static int
end_rule_failed(pub_ctx *c, const lw_publish_rule *r, long long run, const char *outcome,
				int code, const char *target, const lw_publish_plan *plan, const char *what)
{
	char		msg[600];

	if (code == LW_EXIT_NEEDS_LOGIN)
		lw_log_error("rule %s: %s; run `lw-ingest login` again", r->rule, what);
	else
		lw_log_error("rule %s: %s", r->rule, what);
	if (run > 0)
	{
		lw_publish_end e = {
			.outcome = outcome, .target_id = target && *target ? target : NULL,
			.track_count = plan ? plan->n_uris : -1, .skipped_count = plan ? plan->skipped : -1,
			.write_requests = c->writes, .error = what,
		};

		if (lw_pstore_run_finish(c->store, r->rule, run, &e, msg, sizeof(msg)) < 0)
			lw_log_error("%s", msg);
	}
	return code;
}

static int
end_rule_api(pub_ctx *c, const lw_publish_rule *r, long long run, lw_spw_status st,
			 const lw_api_result *res, const char *target, const lw_publish_plan *plan)
{
	const char *outcome;
	int			code = exit_of(st, &outcome, &c->stop);

	return end_rule_failed(c, r, run, outcome, code, target, plan, res->error.message);
}

static void
backoff(const pub_ctx *c, int attempt)
{
	long		ms = (long) c->cfg->backoff_ms << (attempt < 10 ? attempt - 1 : 9);

	lw_sleep_ms(ms);
}

/*
 * Make the rule's target: adopt a playlist an earlier run created but did not record (its
 * description carries the rule's marker), else create one. Creating is sent once; when its
 * fate is unknown (5xx, lost connection) the search runs again before another attempt.
 * The id is committed to the database before this returns.
 */
static lw_spw_status
create_target(pub_ctx *c, const lw_publish_rule *r, long long run, char *target, size_t tsz,
			  lw_api_result *res)
{
	for (int attempt = 1;; attempt++)
	{
		lw_spw_playlist pl;
		int			found = 0;
		lw_spw_status st;
		char		msg[600];

		st = lw_spw_find_marked(c->api, c->cfg->api_url, c->user_id, r->marker, &found, &pl, res);
		if (st != LW_SPW_OK)
			return st;
		if (found)
			lw_log_info("rule %s: playlist %s was created by an earlier run that did not "
						"record it; using it", r->rule, pl.id);
		else
		{
			char	   *desc = lw_publish_description(r->source, r->n, r->marker, lw_unix_time());

			st = lw_spw_create(c->api, r->target_name, desc, &pl, res);
			free(desc);
			c->writes++;
			if (st == LW_SPW_UNKNOWN && attempt < c->cfg->max_attempts)
			{
				lw_log_info("rule %s: creating the playlist got no clear answer (%s); "
							"looking for it before trying again", r->rule, res->error.message);
				backoff(c, attempt);
				continue;
			}
			if (st != LW_SPW_OK)
				return st;
		}
		snprintf(target, tsz, "%s", pl.id);
		if (lw_pstore_record_target(c->store, r->rule, run, pl.id, msg, sizeof(msg)) < 0)
		{
			/* not recorded: the next run finds it by its marker */
			res->status = LW_API_FAILED;
			snprintf(res->error.message, sizeof(res->error.message), "%.500s", msg);
			return LW_SPW_FAILED;
		}
		return LW_SPW_OK;
	}
}

/*
 * Replace the target's items: PUT the first 100 URIs, POST the rest, in rank order. An append
 * whose fate is unknown is not repeated on its own (it could add its URIs twice): the whole
 * replacement starts again from its PUT.
 */
static lw_spw_status
write_items(pub_ctx *c, const lw_publish_rule *r, const char *target,
			const lw_publish_plan *plan, char *snap, size_t snapsz, lw_api_result *res)
{
	int			nreq = lw_publish_requests(plan->n_uris);

	for (int attempt = 1;; attempt++)
	{
		lw_spw_status st = LW_SPW_OK;

		for (int k = 0; k < nreq && st == LW_SPW_OK; k++)
		{
			int			first,
						count;

			lw_publish_request_range(plan->n_uris, k, &first, &count);
			st = lw_spw_items(c->api, target, k == 0, plan->uris + first, count, snap, snapsz,
							  res);
			c->writes++;
		}
		if (st == LW_SPW_UNKNOWN && attempt < c->cfg->max_attempts)
		{
			lw_log_info("rule %s: adding items got no clear answer (%s); writing the whole "
						"list again", r->rule, res->error.message);
			backoff(c, attempt);
			continue;
		}
		return st;
	}
}

static void
print_plan(const lw_publish_rule *r, const lw_publish_plan *plan, const char *target)
{
	int			nreq = lw_publish_requests(plan->n_uris);

	printf("rule %s: recommend('%s', n => %d): %d tracks to publish, %d skipped (no Spotify "
		   "track id)\n", r->rule, r->source, r->n, plan->n_uris, plan->skipped);
	if (target && plan->unchanged)
	{
		printf("  playlist %s is up to date: nothing would be written\n", target);
		return;
	}
	if (target)
		printf("  would replace the items of playlist %s (%d new, %d dropped)", target,
			   plan->added, plan->dropped);
	else
		printf("  would create the private playlist \"%s\", then write its items",
			   r->target_name);
	printf(": PUT %d URIs%s", plan->n_uris < LW_PUBLISH_CHUNK ? plan->n_uris : LW_PUBLISH_CHUNK,
		   nreq > 1 ? "" : "\n");
	if (nreq > 1)
		printf(", then %d POST of up to %d\n", nreq - 1, LW_PUBLISH_CHUNK);
	for (int i = 0; i < plan->n_uris; i++)
		printf("  %4d  %s\n", i + 1, plan->uris[i]);
}

/* Check the remembered target. Returns 1 usable (cur filled), 0 gone, -1 refused/failed (ended). */
static int
check_target(pub_ctx *c, const lw_publish_rule *r, long long run, const lw_publish_plan *plan,
			 lw_spw_playlist *cur, int *code)
{
	bool		is_source,
				created;
	char		msg[600];
	lw_api_result res;
	lw_spw_status st;

	if (lw_pstore_target_check(c->store, r, r->target_id, &is_source, &created, msg,
							   sizeof(msg)) < 0)
	{
		*code = end_rule_failed(c, r, run, "failed", LW_EXIT_FAILURE, NULL, plan, msg);
		return -1;
	}
	if (is_source || !created)
	{
		snprintf(msg, sizeof(msg), "refusing to write into playlist %s: %s; set the rule's "
				 "target_playlist_id to NULL to publish into a new playlist", r->target_id,
				 is_source ? "it is the rule's source playlist"
				 : "no run of this rule created it");
		*code = end_rule_failed(c, r, run, "forbidden", LW_EXIT_FAILURE, r->target_id, plan, msg);
		return -1;
	}
	st = lw_spw_get(c->api, r->target_id, cur, &res);
	if (st == LW_SPW_GONE)
	{
		lw_log_info("rule %s: playlist %s no longer exists (deleted in Spotify); %s", r->rule,
					r->target_id, c->cfg->dry_run ? "a publish would create it again"
					: "creating it again");
		return 0;
	}
	if (st != LW_SPW_OK)
	{
		*code = end_rule_api(c, r, run, st, &res, r->target_id, plan);
		return -1;
	}
	if (cur->owner_id[0] && strcmp(cur->owner_id, c->user_id) != 0)
	{
		snprintf(msg, sizeof(msg), "refusing to write into playlist %s: it belongs to %s, not "
				 "to %s", r->target_id, cur->owner_id, c->user_id);
		*code = end_rule_failed(c, r, run, "forbidden", LW_EXIT_FAILURE, r->target_id, plan, msg);
		return -1;
	}
	return 1;
}

static int
publish_rule(pub_ctx *c, const lw_publish_rule *r)
{
	const bool	dry = c->cfg->dry_run != 0;
	char		msg[600];
	char	  **ids = NULL;
	int			n_ids = 0;
	long long	run = 0;
	lw_publish_plan plan;
	lw_spw_playlist cur;
	lw_api_result res;
	lw_spw_status st;
	char		target[72] = "";
	char		snap[256] = "";
	char	   *literal;
	int			code = LW_EXIT_OK;
	int			have_target = 0;
	bool		created = false;

	memset(&plan, 0, sizeof(plan));
	c->writes = 0;
	if (!dry && lw_pstore_run_begin(c->store, r->rule, &run, msg, sizeof(msg)) < 0)
	{
		lw_log_error("rule %s: %s", r->rule, msg);
		c->stop = 1;
		return LW_EXIT_FAILURE;
	}
	if (lw_pstore_answer(c->store, r, &ids, &n_ids, msg, sizeof(msg)) < 0)
		return end_rule_failed(c, r, run, "failed", LW_EXIT_FAILURE, r->target_id, NULL, msg);
	lw_publish_plan_build((const char *const *) ids, n_ids, (const char *const *) r->published,
						  r->n_published, &plan);
	lw_pstore_free_ids(ids, n_ids);

	if (r->target_id)
	{
		have_target = check_target(c, r, run, &plan, &cur, &code);
		if (have_target < 0)
			goto out;
		if (have_target)
			snprintf(target, sizeof(target), "%s", r->target_id);
	}
	if (dry)
	{
		print_plan(r, &plan, have_target ? target : NULL);
		goto out;
	}
	if (have_target && plan.unchanged)
	{
		lw_publish_end e = {
			.outcome = "unchanged", .target_id = target, .snapshot_id = cur.snapshot_id,
			.track_count = plan.n_uris, .skipped_count = plan.skipped, .write_requests = 0,
		};

		lw_log_info("rule %s: the answer has not changed since the last publish to playlist "
					"%s; nothing written", r->rule, target);
		if (lw_pstore_run_finish(c->store, r->rule, run, &e, msg, sizeof(msg)) < 0)
			code = end_rule_failed(c, r, run, "failed", LW_EXIT_FAILURE, target, &plan, msg);
		goto out;
	}
	for (int round = 0;; round++)
	{
		if (!have_target)
		{
			st = create_target(c, r, run, target, sizeof(target), &res);
			if (st != LW_SPW_OK)
			{
				code = end_rule_api(c, r, run, st, &res, target, &plan);
				goto out;
			}
			created = true;
			have_target = 1;
		}
		else if (lw_pstore_forget_published(c->store, r->rule, msg, sizeof(msg)) < 0)
		{
			code = end_rule_failed(c, r, run, "failed", LW_EXIT_FAILURE, target, &plan, msg);
			goto out;
		}
		st = write_items(c, r, target, &plan, snap, sizeof(snap), &res);
		/* deleted between the check and the write: once more with a new playlist */
		if (st == LW_SPW_GONE && !created && round == 0)
		{
			lw_log_info("rule %s: playlist %s disappeared; creating it again", r->rule, target);
			have_target = 0;
			continue;
		}
		break;
	}
	if (st != LW_SPW_OK)
	{
		code = end_rule_api(c, r, run, st, &res, target, &plan);
		goto out;
	}
	literal = lw_publish_array_literal(plan.uris, plan.n_uris);
	{
		lw_publish_end e = {
			.outcome = created ? "created" : "replaced", .target_id = target,
			.snapshot_id = snap, .track_count = plan.n_uris, .skipped_count = plan.skipped,
			.write_requests = c->writes, .published_literal = literal,
		};

		if (lw_pstore_run_finish(c->store, r->rule, run, &e, msg, sizeof(msg)) < 0)
			code = end_rule_failed(c, r, run, "failed", LW_EXIT_FAILURE, target, &plan, msg);
		else
			lw_log_info("rule %s: %s playlist %s \"%s\": %d tracks written, %d skipped (no "
						"Spotify track id), %d write requests", r->rule,
						created ? "created" : "replaced the items of", target, r->target_name,
						plan.n_uris, plan.skipped, c->writes);
	}
	free(literal);
out:
	lw_publish_plan_free(&plan);
	return code;
}

/* Exit code of a failed /me (lw_sp_status of spotify.h). */
static int
exit_of_sp(lw_sp_status st)
{
	switch (st)
	{
		case LW_SP_NEEDS_LOGIN:
			return LW_EXIT_NEEDS_LOGIN;
		case LW_SP_RATE_LIMITED:
			return LW_EXIT_PARTIAL;
		case LW_SP_CONFIG:
			return LW_EXIT_USAGE;
		default:
			return LW_EXIT_FAILURE;
	}
}

/* Open the Web API as the user; the login must allow writing playlists. 0 or an exit code. */
static int
open_api(pub_ctx *c)
{
	lw_error	err;
	const char *scope;
	lw_spotify	sp;
	lw_user		me;
	json_t	   *keep = NULL;
	lw_error	sperr;
	lw_sp_status st;

	lw_error_clear(&err);
	c->api = lw_api_open(c->cfg, &err);
	if (c->api == NULL)
	{
		lw_log_error("%s", err.message);
		return err.exit_code;
	}
	scope = lw_api_scope(c->api);
	if (scope && !lw_oauth_has_scope(scope, LW_SCOPE_PUBLISH))
	{
		lw_log_error("the stored Spotify login does not allow writing playlists (its scope "
					 "lacks " LW_SCOPE_PUBLISH "); run `lw-ingest login` again");
		return LW_EXIT_NEEDS_LOGIN;
	}
	lw_error_clear(&sperr);
	lw_spotify_init(&sp, c->api, c->cfg->api_url, NULL);
	st = lw_sp_me(&sp, &me, &keep, &sperr);
	if (st != LW_SP_OK)
	{
		lw_log_error("%s", sperr.message);
		return exit_of_sp(st);
	}
	snprintf(c->user_id, sizeof(c->user_id), "%s", me.id);
	json_decref(keep);
	return 0;
}

static int
open_store(pub_ctx *c)
{
	char		msg[600];
	const char *w = getenv("LW_WAIT_LOCK");
	int			r;

	c->store = lw_store_open(c->cfg->dbname, msg, sizeof(msg));
	if (c->store == NULL)
	{
		lw_log_error("%s", msg);
		return LW_EXIT_FAILURE;
	}
	if ((r = lw_ext_version_require(lw_store_conn(c->store))) != LW_EXIT_OK)
		return r;
	if (lw_pstore_check_schema(c->store, msg, sizeof(msg)) < 0)
	{
		lw_log_error("%s", msg);
		return LW_EXIT_FAILURE;
	}
	/* the ingest lock: a publish never runs beside a sync or another publish */
	r = lw_store_lock(c->store, w && w[0] == '1', c->cfg->lock_timeout);
	if (r > 0)
		lw_log_error("another lw-ingest run is writing to this database; try again later "
					 "(LW_WAIT_LOCK=1 waits for it)");
	else if (r < 0)
		lw_log_error("%s", lw_store_error(c->store));
	return r == 0 ? 0 : LW_EXIT_FAILURE;
}

int
lw_cmd_publish(const lw_config *cfg, const char *rule_name)
{
	pub_ctx		c;
	lw_publish_rule *rules = NULL;
	int			n_rules = 0;
	int			code;
	int			worst = LW_EXIT_OK;
	char		msg[600];

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	if ((code = open_api(&c)) != 0 || (code = open_store(&c)) != 0)
		goto out;
	if (cfg->publish_all)
	{
		if (lw_pstore_rules_enabled(c.store, &rules, &n_rules, msg, sizeof(msg)) < 0)
		{
			lw_log_error("%s", msg);
			code = LW_EXIT_FAILURE;
			goto out;
		}
		if (n_rules == 0)
			lw_log_info("no enabled rules in listen_wiseer.publish_rules: nothing to publish");
	}
	else
	{
		rules = lw_xmalloc(sizeof(*rules));
		if (lw_pstore_rule_from_cli(c.store, cfg, rule_name, !cfg->dry_run, rules, msg,
									sizeof(msg)) < 0)
		{
			free(rules);
			rules = NULL;
			lw_log_error("%s", msg);
			code = LW_EXIT_FAILURE;
			goto out;
		}
		n_rules = 1;
	}
	for (int i = 0; i < n_rules && !c.stop; i++)
	{
		int			rc = publish_rule(&c, &rules[i]);

		/* a stop (login, rate limit, configuration) decides; otherwise any failure is 1 */
		if (c.stop || (rc != LW_EXIT_OK && worst == LW_EXIT_OK))
			worst = rc;
	}
	code = worst;
out:
	for (int i = 0; i < n_rules; i++)
		lw_publish_rule_free(&rules[i]);
	free(rules);
	if (c.store)
		lw_store_close(c.store);
	if (c.api)
		lw_api_close(c.api);
	return code;
}
