/*
 * config.h - the one configuration struct of lw-ingest: environment + command-line flags.
 *
 * Filled by lw_config_load() (main.c); read-only for every other layer. All strings are owned by
 * the struct (freed by lw_config_free()). Flags win over environment variables, which win over
 * defaults. docs/reference.md lists every setting.
 */
#ifndef LW_CONFIG_H
#define LW_CONFIG_H

#include "exitcodes.h"
#include "http.h"

#define LW_DEFAULT_API_URL       "https://api.spotify.com/v1"
#define LW_DEFAULT_ACCOUNTS_URL  "https://accounts.spotify.com"
#define LW_DEFAULT_REDIRECT_URI  "http://127.0.0.1:8888/callback"
#define LW_DEFAULT_BUDGET        120	/* seconds of 429 waiting allowed per run */
#define LW_DEFAULT_LOGIN_TIMEOUT 300	/* seconds to wait for the browser callback */
#define LW_DEFAULT_ENRICH_SECONDS 3300	/* 55 min: an hourly cron run ends before the next */
#define LW_SCOPES "playlist-read-private playlist-read-collaborative user-library-read " \
	"playlist-modify-private"
/* what publish needs on top of reading: write the private playlists it creates */
#define LW_SCOPE_PUBLISH "playlist-modify-private"

typedef struct lw_config
{
	/* endpoints; no trailing slash */
	char	   *api_url;		/* SPOTIFY_API_URL / --api-url */
	char	   *accounts_url;	/* SPOTIFY_ACCOUNTS_URL / --accounts-url */

	/* app credentials */
	char	   *client_id;		/* SPOTIFY_CLIENT_ID (required for login/sync) */
	char	   *client_secret;	/* SPOTIFY_CLIENT_SECRET; NULL = public client (PKCE only) */
	char	   *refresh_token_env;	/* SPOTIFY_REFRESH_TOKEN; when set, used instead of the file's */

	/* token storage */
	char	   *token_file;		/* --token-file; default $XDG_CONFIG_HOME/listen-wiseer/token.json */

	/* database: conninfo string or NULL (libpq uses PGHOST/PGDATABASE/... then) */
	char	   *dbname;			/* --dbname */

	/* login */
	char	   *redirect_uri;	/* --redirect-uri / SPOTIFY_REDIRECT_URI; loopback IP or https */
	int			open_browser;	/* --open: run xdg-open on the authorize URL */
	int			auto_follow;	/* --auto-follow: GET the authorize URL ourselves (mock / demo aid) */
	int			login_timeout;	/* --timeout seconds to wait for the callback */

	/* behaviour */
	int			verbose;		/* --verbose: debug lines (method, redacted URL, status, time) */
	int			budget_seconds; /* --budget: total 429 waiting allowed in one run */
	int			full;			/* sync --full: ignore stored snapshot_ids, refetch everything */
	int			enrich;			/* sync enriches after the Spotify steps: LW_ENRICH (1) / --no-enrich */
	int			enrich_seconds; /* LW_ENRICH_TIME / --enrich-time: time for enrichment per run
								 * (0 = no limit); past it the run ends partial (exit 4) */

	/* publish (NULL / -1 = not given: the stored rule's value, else the default) */
	char	   *publish_name;	/* --name: target playlist name */
	int			publish_n;		/* --n: tracks to publish, 1..10000 */
	char	   *publish_method; /* --method: recommend()'s method */
	int			publish_genre_filter;	/* --genre-filter on|off */
	int			publish_exclude_outliers;	/* --exclude-outliers on|off */
	int			publish_max_per_artist; /* --max-per-artist N */
	int			publish_all;	/* --all: every enabled rule */
	int			dry_run;		/* --dry-run: print the plan, send no write, store nothing */

	/* HTTP tuning (env only; tests make these small) */
	int			backoff_ms;		/* LW_BACKOFF_MS: first retry delay for 5xx/transport, doubles; default 1000 */
	int			max_attempts;	/* LW_MAX_ATTEMPTS: attempts per request for 5xx/transport; default 4 */
	int			pace_ms;		/* LW_PACE_MS: minimum spacing between API requests; default 250 */
	int			connect_timeout;	/* seconds, default 10 */
	int			request_timeout;	/* seconds per attempt, default 60 */
	int			lock_timeout;	/* seconds a statement waits for a table lock, default 300; 0 = forever */
	int			catalog_bulk_min;	/* LW_CATALOG_BULK: new tracks from which import-catalog
								 * writes credits and features as one bulk write; 0 = never */
	long		max_response_bytes; /* default 16 MiB */
} lw_config;

/* Set every field to its default (strings NULL except the URL defaults, which are strdup'ed). */
void		lw_config_defaults(lw_config *cfg);

/* Read the environment variables named above into cfg (overwriting defaults). */
int			lw_config_from_env(lw_config *cfg, lw_error *err);

/*
 * Fill the derived defaults (token_file from XDG_CONFIG_HOME/HOME) and validate: URLs must be
 * http(s), no trailing slash (one is stripped), redirect URI rules, numbers in range.
 * need_client: whether the command requires SPOTIFY_CLIENT_ID.
 * Returns 0 or -1 with err set (exit code LW_EXIT_USAGE).
 */
int			lw_config_finish(lw_config *cfg, int need_client, lw_error *err);

/*
 * Check a redirect URI: http://127.0.0.1[:port]/path, http://[::1][:port]/path, or any https URI.
 * "localhost" is refused (Spotify rejects it since 2025-11-27). Returns 0 or -1 with err set.
 */
int			lw_config_check_redirect_uri(const char *uri, lw_error *err);

/*
 * Apply one command-line flag ("--api-url", value) to cfg; value is NULL for switches.
 * Returns 0 applied, 1 not a configuration flag, -1 bad value (err set, LW_EXIT_USAGE).
 * Called after lw_config_from_env(), so flags override the environment.
 */
int			lw_config_apply_flag(lw_config *cfg, const char *name, const char *value,
								 lw_error *err);

/*
 * The HTTP options the configuration asks for: timeouts, response size cap, retries, pacing and
 * the run's 429 budget. The one place that maps lw_config to lw_http_opts; a caller that must
 * not pace (the login's token requests) sets pace_ms = 0 afterwards.
 */
lw_http_opts lw_config_http_opts(const lw_config *cfg);

/* Replace *field with a copy of value (NULL allowed). */
void		lw_config_set(char **field, const char *value);

void		lw_config_free(lw_config *cfg);

#endif							/* LW_CONFIG_H */
