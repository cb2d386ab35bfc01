/*
 * oauth.c - Spotify accounts service client (see oauth.h).
 */
#include "oauth.h"
#include "callback_server.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

extern char **environ;

#define LOCK_TIMEOUT 60			/* seconds to wait for another lw-ingest's refresh */

/* ---------------------------------------------------------------- PKCE, state, URL */

int
lw_pkce_generate(lw_pkce *p, int len)
{
	unsigned char rnd[96];
	char		enc[129];

	if (len < 43 || len > LW_PKCE_VERIFIER_MAX)
		return -1;
	if (lw_random_bytes(rnd, sizeof(rnd)) < 0)
		return -1;
	/* base64url of 96 bytes is 128 chars, all from the allowed set [A-Za-z0-9-_] */
	lw_base64url_encode(rnd, sizeof(rnd), enc);
	memcpy(p->verifier, enc, (size_t) len);
	p->verifier[len] = '\0';
	lw_pkce_challenge(p->verifier, p->challenge);
	memset(rnd, 0, sizeof(rnd));
	memset(enc, 0, sizeof(enc));
	return 0;
}

void
lw_pkce_challenge(const char *verifier, char out[44])
{
	unsigned char digest[32];

	lw_sha256(verifier, strlen(verifier), digest);
	lw_base64url_encode(digest, sizeof(digest), out);
}

int
lw_oauth_new_state(char out[44])
{
	unsigned char rnd[32];

	if (lw_random_bytes(rnd, sizeof(rnd)) < 0)
		return -1;
	lw_base64url_encode(rnd, sizeof(rnd), out);
	return 0;
}

char *
lw_oauth_authorize_url(const lw_config *cfg, const char *state, const char *challenge)
{
	lw_buf		q = {0};
	lw_buf		url = {0};

	lw_form_add(&q, "client_id", cfg->client_id);
	lw_form_add(&q, "response_type", "code");
	lw_form_add(&q, "redirect_uri", cfg->redirect_uri);
	lw_form_add(&q, "state", state);
	lw_form_add(&q, "scope", LW_SCOPES);
	if (challenge)
	{
		lw_form_add(&q, "code_challenge_method", "S256");
		lw_form_add(&q, "code_challenge", challenge);
	}
	lw_buf_printf(&url, "%s/authorize?%s", cfg->accounts_url, q.data);
	lw_buf_free(&q);
	return url.data;
}

int
lw_oauth_parse_callback(const char *query, const char *expected_state, char **code, lw_error *err)
{
	int			nstate = 0;
	int			ncode = 0;
	char	   *state = lw_query_get(query, "state", &nstate);
	char	   *error = lw_query_get(query, "error", NULL);
	char	   *c = lw_query_get(query, "code", &ncode);
	int			rc = -1;

	*code = NULL;
	if (state == NULL || nstate != 1 || strcmp(state, expected_state) != 0)
		lw_error_set(err, LW_EXIT_FAILURE,
					 "login callback has a missing or wrong state parameter (possible forged "
					 "request); no code was exchanged, run `lw-ingest login` again");
	else if (error != NULL)
	{
		if (strcmp(error, "access_denied") == 0)
			lw_error_set(err, LW_EXIT_FAILURE,
						 "authorization was denied in the browser (error=access_denied)");
		else
		{
			/* the error code is chosen by the server; keep it printable */
			for (char *p = error; *p; p++)
				if ((unsigned char) *p < 0x20 || (unsigned char) *p > 0x7e)
					*p = '?';
			lw_error_set(err, LW_EXIT_FAILURE, "authorization failed: error=%.80s", error);
		}
	}
	else if (c == NULL || c[0] == '\0' || ncode != 1)
		lw_error_set(err, LW_EXIT_FAILURE, "login callback carries no authorization code");
	else
	{
		lw_log_add_secret(c);
		*code = c;
		c = NULL;
		rc = 0;
	}
	free(state);
	free(error);
	free(c);
	return rc;
}

/* ---------------------------------------------------------------- token endpoint */

static const char *
jstr(json_t *o, const char *k)
{
	json_t	   *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Printable copy of a server-chosen text, for error messages. */
static void
printable(const char *in, char *out, size_t outsz)
{
	size_t		j = 0;

	for (const char *p = in ? in : ""; *p && j + 1 < outsz; p++)
		out[j++] = ((unsigned char) *p >= 0x20 && (unsigned char) *p < 0x7f) ? *p : '?';
	out[j] = '\0';
}

int
lw_oauth_parse_token_response(long status, const char *body, size_t len, int rate_limited,
							  long retry_after, const char *what, int64_t now, lw_tokens *out,
							  lw_error *err)
{
	json_t	   *root = json_loadb(body, len, 0, NULL);
	int			rc = -1;

	memset(out, 0, sizeof(*out));
	if (status == 200)
	{
		const char *at = jstr(root, "access_token");
		json_t	   *ei = json_object_get(root, "expires_in");

		if (at == NULL || at[0] == '\0')
		{
			lw_error_set(err, LW_EXIT_FAILURE, "token response (%s) has no access_token", what);
			goto out;
		}
		out->access_token = lw_strdup(at);
		lw_log_add_secret(out->access_token);
		out->refresh_token = lw_strdup(jstr(root, "refresh_token"));
		lw_log_add_secret(out->refresh_token);
		out->scope = lw_strdup(jstr(root, "scope"));
		out->obtained_at = now;
		/* a lifetime beyond a year is nonsense (and now + it could overflow): default 1 h */
		out->expires_at = out->obtained_at +
			(json_is_integer(ei) && json_integer_value(ei) > 0 &&
			 json_integer_value(ei) <= 366 * 86400 ? json_integer_value(ei) : 3600);
		rc = 0;
	}
	else if (rate_limited)
		lw_error_set(err, LW_EXIT_PARTIAL,
					 "the accounts service is rate limiting (Retry-After %ld s); try again later",
					 retry_after);
	else
	{
		const char *e = jstr(root, "error");
		char		ce[64];
		char		cd[160];

		printable(e, ce, sizeof(ce));
		printable(jstr(root, "error_description"), cd, sizeof(cd));
		if (e && strcmp(e, "invalid_grant") == 0)
			lw_error_set(err, LW_EXIT_NEEDS_LOGIN,
						 "Spotify rejected the %s (invalid_grant: %s); run `lw-ingest login` "
						 "to authorize again", what, cd);
		else if (e && strcmp(e, "invalid_client") == 0)
			lw_error_set(err, LW_EXIT_USAGE,
						 "Spotify rejected the app credentials (invalid_client: %s); check "
						 "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET", cd);
		else if (e)
			lw_error_set(err, status >= 500 ? LW_EXIT_FAILURE : LW_EXIT_USAGE,
						 "token request (%s) failed with HTTP %ld (%s: %s)", what, status,
						 ce, cd);
		else
			lw_error_set(err, LW_EXIT_FAILURE, "token request (%s) failed with HTTP %ld", what,
						 status);
	}
out:
	json_decref(root);
	return rc;
}

/*
 * POST the form to /api/token and parse a token response into *out.
 * what: "authorization code", "refresh token", "client credentials" (for messages).
 */
static int
token_request(lw_http *h, const lw_config *cfg, const char *form, const char *what,
			  lw_tokens *out, lw_error *err)
{
	lw_http_request req;
	lw_http_response resp;
	lw_buf		url = {0};
	int			rc = -1;

	memset(out, 0, sizeof(*out));
	lw_buf_printf(&url, "%s/api/token", cfg->accounts_url);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url.data;
	req.form_body = form;
	req.handle_429 = 1;
	if (cfg->client_secret)
	{
		req.basic_user = cfg->client_id;
		req.basic_pass = cfg->client_secret;
	}
	if (lw_http_perform(h, &req, &resp) < 0)
		lw_error_set(err, LW_EXIT_FAILURE, "token request failed: %s", resp.error);
	else
		rc = lw_oauth_parse_token_response(resp.status, resp.body, resp.body_len,
										   resp.rate_limited, resp.retry_after, what,
										   lw_unix_time(), out, err);
	if (resp.body)
		memset(resp.body, 0, resp.body_len);
	lw_http_response_free(&resp);
	lw_buf_free(&url);
	return rc;
}

/* Public clients identify themselves in the body; confidential ones by the Basic header. */
static void
add_client_id(lw_buf *form, const lw_config *cfg)
{
	if (cfg->client_secret == NULL)
		lw_form_add(form, "client_id", cfg->client_id);
}

int
lw_oauth_exchange_code(lw_http *h, const lw_config *cfg, const char *code, const char *verifier,
					   lw_tokens *out, lw_error *err)
{
	lw_buf		form = {0};
	int			rc;

	lw_form_add(&form, "grant_type", "authorization_code");
	lw_form_add(&form, "code", code);
	lw_form_add(&form, "redirect_uri", cfg->redirect_uri);
	add_client_id(&form, cfg);
	if (verifier)
		lw_form_add(&form, "code_verifier", verifier);
	rc = token_request(h, cfg, form.data, "authorization code", out, err);
	memset(form.data, 0, form.len);
	lw_buf_free(&form);
	return rc;
}

int
lw_oauth_refresh(lw_http *h, const lw_config *cfg, const char *refresh_token, lw_tokens *out,
				 lw_error *err)
{
	lw_buf		form = {0};
	int			rc;

	lw_form_add(&form, "grant_type", "refresh_token");
	lw_form_add(&form, "refresh_token", refresh_token);
	add_client_id(&form, cfg);
	rc = token_request(h, cfg, form.data, "refresh token", out, err);
	memset(form.data, 0, form.len);
	lw_buf_free(&form);
	return rc;
}

int
lw_oauth_client_credentials(lw_http *h, const lw_config *cfg, lw_tokens *out, lw_error *err)
{
	int			rc;

	if (cfg->client_secret == NULL)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "the client credentials grant needs SPOTIFY_CLIENT_SECRET");
		return -1;
	}
	rc = token_request(h, cfg, "grant_type=client_credentials", "client credentials", out, err);
	if (rc == 0)
	{
		free(out->refresh_token);
		out->refresh_token = NULL;
		out->auth_mode = lw_strdup("client_credentials");
	}
	return rc;
}

/* ---------------------------------------------------------------- keeping tokens fresh */

static void
take_tokens(lw_tokens *dst, lw_tokens *src)
{
	lw_tokens_free(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

/* Refresh using base->refresh_token; merge into *merged (keeps old refresh token if none new). */
static int
refresh_merge(lw_http *h, const lw_config *cfg, const lw_tokens *base, lw_tokens *merged,
			  int *rotated, lw_error *err)
{
	lw_tokens	fresh;

	*rotated = 0;
	if (base->refresh_token == NULL)
	{
		lw_error_set(err, LW_EXIT_NEEDS_LOGIN,
					 "no refresh token stored; run `lw-ingest login`");
		return -1;
	}
	lw_log_debug("refreshing the access token");
	if (lw_oauth_refresh(h, cfg, base->refresh_token, &fresh, err) < 0)
		return -1;
	memset(merged, 0, sizeof(*merged));
	merged->access_token = fresh.access_token;
	fresh.access_token = NULL;
	merged->expires_at = fresh.expires_at;
	merged->obtained_at = fresh.obtained_at;
	if (fresh.refresh_token && strcmp(fresh.refresh_token, base->refresh_token) != 0)
	{
		merged->refresh_token = fresh.refresh_token;
		fresh.refresh_token = NULL;
		*rotated = 1;
	}
	else
		merged->refresh_token = lw_strdup(base->refresh_token);
	merged->scope = fresh.scope ? fresh.scope : lw_strdup(base->scope);
	fresh.scope = NULL;
	merged->auth_mode = lw_strdup(base->auth_mode);
	merged->authorized_at = base->authorized_at;
	lw_tokens_free(&fresh);
	return 0;
}

static int
ensure_fresh_env(lw_http *h, const lw_config *cfg, lw_tokens *cur, int force, lw_error *err)
{
	lw_tokens	merged;
	int			rotated;

	if (cur->refresh_token == NULL)
		cur->refresh_token = lw_strdup(cfg->refresh_token_env);
	if (!force && !lw_tokens_expiring(cur, lw_unix_time()))
		return 0;
	if (refresh_merge(h, cfg, cur, &merged, &rotated, err) < 0)
	{
		if (err && err->exit_code == LW_EXIT_NEEDS_LOGIN)
			lw_error_set(err, LW_EXIT_NEEDS_LOGIN,
						 "%s (the refresh token came from SPOTIFY_REFRESH_TOKEN)", err->message);
		return -1;
	}
	if (rotated)
	{
		/* the env token is now revoked: keep the new one somewhere durable */
		lw_error	serr;

		lw_error_clear(&serr);
		if (lw_tokens_save(cfg->token_file, &merged, &serr) < 0)
		{
			lw_error_set(err, LW_EXIT_FAILURE,
						 "Spotify rotated the refresh token from SPOTIFY_REFRESH_TOKEN and the new "
						 "one could not be saved: %s", serr.message);
			lw_tokens_free(&merged);
			return -1;
		}
		lw_log_warn("Spotify rotated the refresh token; SPOTIFY_REFRESH_TOKEN is no longer valid. "
					"The new one was saved to %s: unset SPOTIFY_REFRESH_TOKEN to use it",
					cfg->token_file);
	}
	take_tokens(cur, &merged);
	return 0;
}

int
lw_oauth_ensure_fresh(lw_http *h, const lw_config *cfg, lw_tokens *cur, int force, lw_error *err)
{
	lw_tokens	disk;
	lw_tokens	merged;
	int			lockfd;
	int			rc;
	int			rotated;
	int			need;
	int64_t		now;

	if (cfg->refresh_token_env)
		return ensure_fresh_env(h, cfg, cur, force, err);

	lockfd = lw_tokens_lock(cfg->token_file, LOCK_TIMEOUT, err);
	if (lockfd < 0)
		return -1;
	rc = lw_tokens_load(cfg->token_file, &disk, err);
	if (rc != 0)
	{
		if (rc == 1)
			lw_error_set(err, LW_EXIT_NEEDS_LOGIN,
						 "no token file at %s; run `lw-ingest login` first (or set "
						 "SPOTIFY_REFRESH_TOKEN)", cfg->token_file);
		lw_tokens_unlock(lockfd);
		return -1;
	}
	now = lw_unix_time();
	need = lw_tokens_expiring(&disk, now);
	/* after a 401: refresh unless another process already replaced the token we used */
	if (force && (cur->access_token == NULL || disk.access_token == NULL ||
				  strcmp(cur->access_token, disk.access_token) == 0))
		need = 1;
	if (!need)
	{
		take_tokens(cur, &disk);
		lw_tokens_unlock(lockfd);
		return 0;
	}
	if (refresh_merge(h, cfg, &disk, &merged, &rotated, err) < 0)
	{
		lw_tokens_free(&disk);
		lw_tokens_unlock(lockfd);
		return -1;
	}
	/* persist before any other request: a rotated refresh token exists only here now */
	if (lw_tokens_save(cfg->token_file, &merged, err) < 0)
	{
		if (rotated)
		{
			lw_tokens_free(&merged);
			lw_tokens_free(&disk);
			lw_tokens_unlock(lockfd);
			return -1;
		}
		lw_log_warn("%s; continuing with the refreshed token in memory", err->message);
		lw_error_clear(err);
	}
	lw_tokens_free(&disk);
	lw_tokens_unlock(lockfd);
	take_tokens(cur, &merged);
	return 0;
}

/* ---------------------------------------------------------------- interactive login */

/*
 * Start xdg-open without waiting for it: with a terminal browser it may hold the terminal, and
 * we must be listening for the callback meanwhile. Returns the child's pid or -1.
 */
static pid_t
open_browser(const char *url)
{
	pid_t		pid;
	char	   *argv[] = {"xdg-open", (char *) url, NULL};
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) != 0)
	{
		lw_log_warn("could not run xdg-open; open the address above yourself");
		pid = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/*
 * --auto-follow: fetch the authorize URL ourselves (the mock consents without UI), check that the
 * 302 points at our redirect URI, and hand that request to our own listener through a client
 * socket. Returns a connected fd to read the listener's answer from, or -1.
 */
static int
auto_follow(lw_http *h, const lw_config *cfg, const char *auth_url, lw_error *err)
{
	lw_http_request req;
	lw_http_response resp;
	const char *after;
	int			fd = -1;

	memset(&req, 0, sizeof(req));
	req.url = auth_url;
	if (lw_http_perform(h, &req, &resp) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "auto-follow: %s", resp.error);
		goto out;
	}
	if (resp.status < 300 || resp.status > 399 || resp.location == NULL)
	{
		char		text[200];

		printable(resp.body, text, sizeof(text));
		lw_error_set(err, resp.status == 400 ? LW_EXIT_USAGE : LW_EXIT_FAILURE,
					 "auto-follow: the authorize page answered HTTP %ld, not a redirect: %s",
					 resp.status, text);
		goto out;
	}
	after = lw_skip_prefix_ci(resp.location, cfg->redirect_uri);
	if (after == NULL || (*after != '\0' && *after != '?') ||
		!lw_callback_is_loopback(cfg->redirect_uri))
	{
		lw_error_set(err, LW_EXIT_FAILURE,
					 "auto-follow: the authorize page redirected somewhere other than %s",
					 cfg->redirect_uri);
		goto out;
	}
	fd = lw_callback_deliver(cfg->redirect_uri, after, err);
out:
	lw_http_response_free(&resp);
	return fd;
}

/* For an https redirect URI nothing listens locally: the user pastes the final URL. */
static char *
read_pasted_redirect(const lw_config *cfg, lw_error *err)
{
	char		line[8192];
	const char *q;

	fprintf(stderr, "After approving, paste the full address your browser was sent to "
			"(it starts with %s) and press Enter:\n", cfg->redirect_uri);
	if (fgets(line, sizeof(line), stdin) == NULL)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "no redirect address was pasted");
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	q = strchr(line, '?');
	if (q == NULL)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "the pasted address has no query string");
		return NULL;
	}
	return lw_strdup(q + 1);
}

/* The login's own handle: its few requests are not paced. */
static lw_http *
login_http(const lw_config *cfg)
{
	lw_http_opts o = lw_config_http_opts(cfg);

	o.pace_ms = 0;
	return lw_http_new(&o);
}

int
lw_oauth_has_scope(const char *granted, const char *want)
{
	size_t		n = strlen(want);

	for (const char *p = granted; p && *p;)
	{
		size_t		len = strcspn(p, " ");

		if (len == n && strncmp(p, want, n) == 0)
			return 1;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 0;
}

int
lw_oauth_login(const lw_config *cfg)
{
	lw_pkce		pkce;
	char		state[44];
	char	   *auth_url = NULL;
	char	   *query = NULL;
	char	   *code = NULL;
	int			listen_fd = -1;
	int			follow_fd = -1;
	pid_t		browser_pid = -1;
	int			loopback;
	int			lockfd;
	lw_http    *h = NULL;
	lw_tokens	tok;
	lw_error	err;
	int			rc = LW_EXIT_FAILURE;

	memset(&tok, 0, sizeof(tok));
	lw_error_clear(&err);
	if (lw_pkce_generate(&pkce, 128) < 0 || lw_oauth_new_state(state) < 0)
	{
		lw_log_error("no random numbers available");
		return LW_EXIT_FAILURE;
	}
	lw_log_add_secret(pkce.verifier);
	h = login_http(cfg);
	if (h == NULL)
	{
		lw_log_error("cannot initialise libcurl");
		return LW_EXIT_FAILURE;
	}
	loopback = lw_callback_is_loopback(cfg->redirect_uri);
	if (loopback && (listen_fd = lw_callback_listen(cfg->redirect_uri, &err)) < 0)
		goto fail;
	if (!loopback && cfg->auto_follow)
	{
		lw_error_set(&err, LW_EXIT_USAGE, "--auto-follow needs a loopback redirect URI");
		goto fail;
	}

	auth_url = lw_oauth_authorize_url(cfg, state, pkce.challenge);
	fprintf(stderr, "Open this address in a browser and allow access%s:\n",
			loopback ? " (lw-ingest is waiting for the redirect)" : "");
	fprintf(stdout, "%s\n", auth_url);
	fflush(stdout);
	if (cfg->auto_follow)
	{
		follow_fd = auto_follow(h, cfg, auth_url, &err);
		if (follow_fd < 0)
			goto fail;
	}
	else if (cfg->open_browser)
		browser_pid = open_browser(auth_url);

	if (loopback)
	{
		if (lw_callback_wait(listen_fd, cfg->redirect_uri, state, cfg->login_timeout, &query,
							 &err) < 0)
			goto fail;
	}
	else if ((query = read_pasted_redirect(cfg, &err)) == NULL)
		goto fail;

	if (lw_oauth_parse_callback(query, state, &code, &err) < 0)
		goto fail;
	if (lw_oauth_exchange_code(h, cfg, code, pkce.verifier, &tok, &err) < 0)
	{
		/* a rejected code means "log in again", which is this very command: plain failure */
		if (err.exit_code == LW_EXIT_NEEDS_LOGIN)
			err.exit_code = LW_EXIT_FAILURE;
		goto fail;
	}
	if (tok.refresh_token == NULL)
		lw_log_warn("Spotify returned no refresh token; sync will need a new login when the "
					"access token expires");
	for (const char *want = LW_SCOPES; *want;)
	{
		char		one[64];
		size_t		n = strcspn(want, " ");

		snprintf(one, sizeof(one), "%.*s", (int) n, want);
		if (tok.scope && !lw_oauth_has_scope(tok.scope, one))
			lw_log_warn("the granted scope lacks %s; some data will be missing", one);
		want += n;
		while (*want == ' ')
			want++;
	}
	tok.auth_mode = lw_strdup(cfg->client_secret ? "pkce+secret" : "pkce");
	tok.authorized_at = lw_unix_time();
	lockfd = lw_tokens_lock(cfg->token_file, LOCK_TIMEOUT, &err);
	if (lockfd < 0)
		goto fail;
	if (lw_tokens_save(cfg->token_file, &tok, &err) < 0)
	{
		lw_tokens_unlock(lockfd);
		goto fail;
	}
	lw_tokens_unlock(lockfd);
	lw_log_info("logged in; tokens saved to %s (scope: %s)", cfg->token_file,
				tok.scope ? tok.scope : "not reported");
	if (cfg->refresh_token_env)
		lw_log_warn("SPOTIFY_REFRESH_TOKEN is set and takes precedence over the token file; "
					"unset it to use this login");
	rc = LW_EXIT_OK;
	goto done;

fail:
	lw_log_error("%s", err.message);
	rc = err.exit_code != LW_EXIT_OK ? err.exit_code : LW_EXIT_FAILURE;
done:
	if (browser_pid > 0)
	{
		int			st;

		/* reap it if it is done; otherwise it is reparented when we exit */
		if (waitpid(browser_pid, &st, WNOHANG) == browser_pid &&
			(!WIFEXITED(st) || WEXITSTATUS(st) != 0))
			lw_log_warn("xdg-open failed; the address above can be opened by hand");
	}
	if (follow_fd >= 0)
		close(follow_fd);
	if (listen_fd >= 0)
		close(listen_fd);
	memset(&pkce, 0, sizeof(pkce));
	free(auth_url);
	free(query);
	free(code);
	lw_tokens_free(&tok);
	lw_http_free(h);
	return rc;
}
