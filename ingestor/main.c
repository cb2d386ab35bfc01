/*
 * main.c - lw-ingest command line: parse, configure, dispatch, map outcomes to exit codes.
 */
#include "api.h"
#include "commands.h"
#include "enrich.h"
#include "config.h"
#include "exitcodes.h"
#include "log.h"
#include "oauth.h"
#include "report.h"
#include "tokenfile.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LW_VERSION "1.0"

enum cmd
{
	CMD_NONE = 0,
	CMD_LOGIN = 1,
	CMD_SYNC = 2,
	CMD_IMPORT = 4,
	CMD_LOGOUT = 8,
	CMD_STATUS = 16,
	CMD_WHOAMI = 32,
	CMD_REPORT = 64,
	CMD_PUBLISH = 128,
	CMD_ENRICH = 256,
	CMD_CATALOG = 512,
};
#define CMD_ALL (CMD_LOGIN | CMD_SYNC | CMD_IMPORT | CMD_LOGOUT | CMD_STATUS | CMD_WHOAMI | CMD_REPORT | \
				 CMD_PUBLISH | CMD_ENRICH | CMD_CATALOG)
#define CMD_NET (CMD_LOGIN | CMD_SYNC | CMD_WHOAMI | CMD_PUBLISH)

static const char *common_help =
"Options for every command:\n"
"  --token-file PATH     token file (default $XDG_CONFIG_HOME/listen-wiseer/token.json,\n"
"                        else ~/.config/listen-wiseer/token.json; env LW_TOKEN_FILE)\n"
"  --api-url URL         Web API base (env SPOTIFY_API_URL, default https://api.spotify.com/v1)\n"
"  --accounts-url URL    accounts service (env SPOTIFY_ACCOUNTS_URL,\n"
"                        default https://accounts.spotify.com)\n"
"  --client-id ID        app client ID (env SPOTIFY_CLIENT_ID)\n"
"  -v, --verbose         debug lines: method, URL (secrets redacted), status, time\n"
"  -h, --help            this help\n";

static const char *exit_help =
"Exit status:\n"
"  0  success\n"
"  1  failure (network, server, database, unexpected); try again later\n"
"  2  usage or configuration error (bad flag, missing SPOTIFY_CLIENT_ID, invalid_client)\n"
"  3  login needed: no token, Spotify rejected the refresh token, or (publish) the\n"
"     login lacks playlist-modify-private; run `lw-ingest login`\n"
"  4  partial: stopped early because of a rate limit or quota; the next run resumes\n";

static void
help_main(FILE *out)
{
	fprintf(out,
			"Usage: lw-ingest COMMAND [OPTIONS]\n"
			"Load a Spotify library (playlists, liked songs, artists, audio features) into the\n"
			"listen_wiseer tables of a PostgreSQL database.\n\n"
			"Commands:\n"
			"  login                 authorize lw-ingest with Spotify (browser, PKCE) and save tokens\n"
			"  sync                  fetch the library and load it into the database\n"
			"  import-features FILE  load audio features from a CSV (e.g. an Exportify export)\n"
			"  import-catalog FILE   load a public track catalog (tracks, artists, genres, features)\n"
			"  enrich                fill missing audio features and genres from ReccoBeats,\n"
			"                        MusicBrainz and Last.fm (also the last step of sync)\n"
			"  publish PLAYLIST      write recommend(PLAYLIST) to a private Spotify playlist\n"
			"  publish --all         refresh the playlist of every rule (cron)\n"
			"  status                show the stored login (no network)\n"
			"  whoami                check the login online: GET /me, print the user\n"
			"  report --out DIR      write DIR/report.html: charts of the library (no network)\n"
			"  logout                delete the token file\n"
			"  help [COMMAND]        help for a command (also: lw-ingest COMMAND --help)\n\n"
			"Environment:\n"
			"  SPOTIFY_CLIENT_ID      client ID of your Spotify app (login, sync, whoami, publish)\n"
			"  SPOTIFY_CLIENT_SECRET  client secret (optional: without it lw-ingest is a public\n"
			"                         PKCE client). Secrets are read only from the environment.\n"
			"  SPOTIFY_REFRESH_TOKEN  use this refresh token instead of the token file\n"
			"  SPOTIFY_API_URL, SPOTIFY_ACCOUNTS_URL, SPOTIFY_REDIRECT_URI, LW_TOKEN_FILE\n"
			"  PGHOST, PGPORT, PGDATABASE, PGUSER, ...  database when --dbname is not given\n"
			"  LW_BACKOFF_MS (1000), LW_MAX_ATTEMPTS (4), LW_PACE_MS (250), LW_BUDGET (120),\n"
			"  LW_CONNECT_TIMEOUT (10), LW_REQUEST_TIMEOUT (60)   HTTP tuning\n"
			"  LW_LOCK_TIMEOUT (300)  seconds a statement waits for a table lock (0: no limit)\n"
			"  LW_WAIT_LOCK=1         sync/import-features wait for another run writing the\n"
			"                         same database instead of exiting 1\n"
			"  LW_OVERWRITE=1         import-features: CSV values replace API features\n"
			"  LW_ENRICH=0, LW_CONTACT, LASTFM_API_KEY, ...  enrichment: lw-ingest enrich --help\n\n"
			"%s\n%s\nSee README.md ('Your own Spotify library', 'Scheduling: cron') to set up the real Spotify and cron.\n",
			common_help, exit_help);
}

static void
help_cmd(FILE *out, enum cmd c)
{
	switch (c)
	{
		case CMD_LOGIN:
			fprintf(out,
					"Usage: lw-ingest login [OPTIONS]\n"
					"Authorization code flow with PKCE. Prints the authorize URL (stdout), listens\n"
					"on the redirect URI's loopback port for the browser's redirect, checks state,\n"
					"exchanges the code and saves the tokens (mode 0600). Scopes requested:\n"
					"  " LW_SCOPES "\n"
					"With an https redirect URI nothing listens: paste the final address instead.\n\n"
					"Options:\n"
					"  --redirect-uri URI    default " LW_DEFAULT_REDIRECT_URI " (env SPOTIFY_REDIRECT_URI);\n"
					"                        must be registered in the app; http only on 127.0.0.1\n"
					"                        or [::1] with a port; localhost is refused by Spotify\n"
					"  --timeout SECONDS     how long to wait for the browser (default 300)\n"
					"  --open                run xdg-open on the authorize URL\n"
					"  --auto-follow         test/demo aid: fetch the authorize URL itself and deliver\n"
					"                        its redirect to the listener (works with the mock, whose\n"
					"                        /authorize consents without a page; not with Spotify)\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_SYNC:
			fprintf(out,
					"Usage: lw-ingest sync [OPTIONS]\n"
					"Fetch playlists (skipping unchanged snapshot_ids), their items, liked songs,\n"
					"artists and audio features, and load them into the database. Refreshes the\n"
					"access token as needed (locked, saved before use).\n\n"
					"Options:\n"
					"  --dbname CONNINFO     libpq connection string or database name\n"
					"                        (default: libpq environment, PGDATABASE etc.)\n"
					"  --budget SECONDS      total time to wait on 429 Retry-After in this run\n"
					"                        (default 120, env LW_BUDGET); a longer wait or\n"
					"                        QUOTA_EXCEEDED ends the run as partial (exit 4)\n"
					"  --full                ignore stored snapshot_ids and refetch every playlist\n"
					"  --no-enrich           skip the enrichment step (env LW_ENRICH=0); see\n"
					"                        lw-ingest enrich --help\n"
					"  --enrich-time SECONDS time for the enrichment step (default 3300, env\n"
					"                        LW_ENRICH_TIME, 0 = no limit); past it: exit 4\n"
					"Environment: LW_WAIT_LOCK=1 waits for another run on the same database\n"
					"instead of exiting 1.\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_IMPORT:
			fprintf(out,
					"Usage: lw-ingest import-features FILE [OPTIONS]\n"
					"Load audio features from a CSV keyed by track ID or URI (columns danceability,\n"
					"energy, key, loudness, mode, speechiness, acousticness, instrumentalness,\n"
					"liveness, valence, tempo, duration_ms, time_signature; Exportify spellings\n"
					"accepted). Needs no Spotify login.\n\n"
					"Options:\n"
					"  --dbname CONNINFO     as for sync\n"
					"  --source TEXT         source detail recorded with each row (default: FILE)\n"
					"Environment: LW_OVERWRITE=1 lets CSV values replace features loaded from the\n"
					"Spotify API (default: keep them); LW_WAIT_LOCK=1 as for sync.\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_PUBLISH:
			fprintf(out,
					"Usage: lw-ingest publish PLAYLIST [OPTIONS]\n"
					"       lw-ingest publish --all [OPTIONS]\n"
					"Run recommend(PLAYLIST) in the database and write its answer, in rank order,\n"
					"to a private playlist in the user's Spotify account. The rule (source, name,\n"
					"n, recommend() options) is kept in listen_wiseer.publish_rules under the name\n"
					"PLAYLIST; options given here update it. The playlist is created the first\n"
					"time (and again if the user deleted it), then its items are replaced; an\n"
					"unchanged answer writes nothing. Every publish is logged in\n"
					"listen_wiseer.publish_runs. Needs a login with playlist-modify-private.\n\n"
					"Options:\n"
					"  --name NAME           playlist name (default \"PLAYLIST \xc2\xb7 more like this\")\n"
					"  --n N                 tracks to publish, 1..10000 (default 30)\n"
					"  --method M, --genre-filter on|off, --exclude-outliers on|off,\n"
					"  --max-per-artist N    recommend() options (default: recommend()'s own)\n"
					"  --all                 publish every enabled rule instead of one\n"
					"  --dry-run             print what would be created or written; write nothing\n"
					"  --dbname CONNINFO     as for sync\n"
					"  --budget SECONDS      as for sync\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_ENRICH:
			fprintf(out,
					"Usage: lw-ingest enrich [OPTIONS]\n"
					"Fill what Spotify no longer gives a 2026 app: audio features from ReccoBeats\n"
					"(Spotify track ids are sent) and artist genres from MusicBrainz (Spotify artist\n"
					"URLs are sent) and Last.fm (artist names are sent, only with LASTFM_API_KEY).\n"
					"Spotify's own values always win. Every answer is cached, so a second run asks\n"
					"nothing new; batches are committed as they finish, and a run past its time\n"
					"ends partial (exit 4): the next one carries on. Needs no Spotify login.\n\n"
					"Options:\n"
					"  --dbname CONNINFO     as for sync\n"
					"  --budget SECONDS      total time to wait on 429 Retry-After (default 120)\n"
					"  --enrich-time SECONDS time for this run (default 3300, env LW_ENRICH_TIME,\n"
					"                        0 = no limit)\n"
					"Environment:\n"
					"  LW_CONTACT            e-mail or URL for the User-Agent (MusicBrainz requires it)\n"
					"  LASTFM_API_KEY        enables Last.fm (a secret: never logged)\n"
					"  RECCOBEATS_URL, MUSICBRAINZ_URL, LASTFM_URL   service base URLs\n"
					"  RECCOBEATS_RATE (2), MUSICBRAINZ_RATE (1), LASTFM_RATE (4)   requests/second\n"
					"  LASTFM_MIN_COUNT (5)  Last.fm tags weighted below this are dropped\n"
					"  LW_ENRICH_RECCOBEATS, LW_ENRICH_MUSICBRAINZ, LW_ENRICH_LASTFM=0  switch one off\n"
					"  (or in SQL: listen_wiseer.enrichment_sources)\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_CATALOG:
			fprintf(out,
					"Usage: lw-ingest import-catalog FILE [OPTIONS]\n"
					"Load a public track catalog: tracks, artists in credit order, release dates,\n"
					"genres where the file has them and audio features. Catalog tracks are not the\n"
					"user's (tracks.in_library = false, tracks.catalog = the file's name) and never\n"
					"appear in the library's views; a track the library holds only learns that the\n"
					"catalog has it. Bad rows are counted by reason and skipped; importing the same\n"
					"file again changes nothing; a newer file of the same name updates in place.\n"
					"Needs no Spotify login.\n\n"
					"Options:\n"
					"  --dbname CONNINFO     as for sync\n"
					"  --format F            auto (default: recognised by the header), spotify600k\n"
					"                        (tracks.csv of the 600k set), tracks114k (dataset.csv\n"
					"                        with track_genre), tracks1200k (tracks_features.csv),\n"
					"                        lw (the project's own, README 'Import a catalog')\n"
					"  --artists FILE        spotify600k: its artists.csv, for the artists' genres\n"
					"Environment: LW_WAIT_LOCK=1 as for sync.\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_STATUS:
			fprintf(out,
					"Usage: lw-ingest status [OPTIONS]\n"
					"Show the stored login: token file, scope, access-token expiry, login date and\n"
					"the refresh token's approximate end (180 days after login). No network.\n"
					"Exits 0 when a refresh token is available, 3 otherwise.\n\n%s\n%s",
					common_help, exit_help);
			break;
		case CMD_WHOAMI:
			fprintf(out,
					"Usage: lw-ingest whoami [OPTIONS]\n"
					"Ask Spotify who the stored login belongs to (GET /me) and print\n"
					"\"id<TAB>display_name\". Refreshes the access token when needed, so it is\n"
					"also a cheap check for cron that the login still works.\n\n%s\n%s",
					common_help, exit_help);
			break;
		case CMD_REPORT:
			fprintf(out,
					"Usage: lw-ingest report --out DIR [--dbname CONNINFO]\n"
					"Write DIR/report.html (DIR and its parents are created if missing): one page with\n"
					"inline SVG charts and no external resources: library summary, genre-group mix\n"
					"per playlist, feature distributions per playlist with their outliers, the top\n"
					"recommendations with reasons, sync health over time. Reads in one read-only\n"
					"transaction, only what the lw_reader role may read: run it as a reader login.\n"
					"Prints the page's path. No Spotify login or network needed.\n\n"
					"Options:\n"
					"  --out DIR             where to write report.html (required)\n"
					"  --dbname CONNINFO     as for sync\n\n"
					"%s\n%s", common_help, exit_help);
			break;
		case CMD_LOGOUT:
			fprintf(out,
					"Usage: lw-ingest logout [OPTIONS]\n"
					"Delete the token file. To revoke the app's access at Spotify as well, remove\n"
					"it at https://www.spotify.com/account/apps/.\n\n%s\n%s",
					common_help, exit_help);
			break;
		default:
			help_main(out);
	}
}

static enum cmd
parse_cmd(const char *s)
{
	if (strcmp(s, "login") == 0)
		return CMD_LOGIN;
	if (strcmp(s, "sync") == 0)
		return CMD_SYNC;
	if (strcmp(s, "import-features") == 0)
		return CMD_IMPORT;
	if (strcmp(s, "import-catalog") == 0)
		return CMD_CATALOG;
	if (strcmp(s, "logout") == 0)
		return CMD_LOGOUT;
	if (strcmp(s, "status") == 0)
		return CMD_STATUS;
	if (strcmp(s, "whoami") == 0)
		return CMD_WHOAMI;
	if (strcmp(s, "report") == 0)
		return CMD_REPORT;
	if (strcmp(s, "publish") == 0)
		return CMD_PUBLISH;
	if (strcmp(s, "enrich") == 0)
		return CMD_ENRICH;
	return CMD_NONE;
}

typedef struct opt
{
	const char *name;
	int			has_arg;
	int			cmds;			/* commands accepting it */
} opt;

static const opt opts[] = {
	{"--token-file", 1, CMD_ALL},
	{"--api-url", 1, CMD_ALL},
	{"--accounts-url", 1, CMD_ALL},
	{"--client-id", 1, CMD_ALL},
	{"--verbose", 0, CMD_ALL},
	{"-v", 0, CMD_ALL},
	{"--dbname", 1, CMD_SYNC | CMD_IMPORT | CMD_REPORT | CMD_PUBLISH | CMD_ENRICH | CMD_CATALOG},
	{"--out", 1, CMD_REPORT},
	{"--format", 1, CMD_CATALOG},
	{"--artists", 1, CMD_CATALOG},
	{"--budget", 1, CMD_SYNC | CMD_PUBLISH | CMD_ENRICH},
	{"--full", 0, CMD_SYNC},
	{"--no-enrich", 0, CMD_SYNC},
	{"--enrich-time", 1, CMD_SYNC | CMD_ENRICH},
	{"--source", 1, CMD_IMPORT},
	{"--name", 1, CMD_PUBLISH},
	{"--n", 1, CMD_PUBLISH},
	{"--method", 1, CMD_PUBLISH},
	{"--genre-filter", 1, CMD_PUBLISH},
	{"--exclude-outliers", 1, CMD_PUBLISH},
	{"--max-per-artist", 1, CMD_PUBLISH},
	{"--all", 0, CMD_PUBLISH},
	{"--dry-run", 0, CMD_PUBLISH},
	{"--redirect-uri", 1, CMD_LOGIN},
	{"--timeout", 1, CMD_LOGIN},
	{"--open", 0, CMD_LOGIN},
	{"--auto-follow", 0, CMD_LOGIN},
	{NULL, 0, 0}
};

static int
usage_error(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "lw-ingest: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	return LW_EXIT_USAGE;
}

static void
fmt_time(int64_t t, char *buf, size_t n)
{
	time_t		tt = (time_t) t;
	struct tm	tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, n, "unknown");
	else
		strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static int
cmd_status(const lw_config *cfg)
{
	lw_tokens	t;
	lw_error	err;
	char		b1[64],
				b2[64],
				b3[64];
	int			rc;

	lw_error_clear(&err);
	if (cfg->refresh_token_env)
		printf("refresh token: from SPOTIFY_REFRESH_TOKEN (the token file is not used)\n");
	rc = lw_tokens_load(cfg->token_file, &t, &err);
	if (rc == 1)
	{
		printf("token file: %s (absent)\n", cfg->token_file);
		return cfg->refresh_token_env ? LW_EXIT_OK : LW_EXIT_NEEDS_LOGIN;
	}
	if (rc < 0)
	{
		lw_log_error("%s", err.message);
		return err.exit_code;
	}
	fmt_time(t.expires_at, b1, sizeof(b1));
	fmt_time(t.authorized_at, b2, sizeof(b2));
	fmt_time(t.authorized_at > 0 ? t.authorized_at + 180 * 86400 : 0, b3, sizeof(b3));
	printf("token file: %s\n", cfg->token_file);
	printf("auth mode: %s\n", t.auth_mode ? t.auth_mode : "unknown");
	printf("scope: %s\n", t.scope ? t.scope : "unknown");
	printf("access token: %s, expires %s\n", t.access_token ? "present" : "absent", b1);
	printf("refresh token: %s\n", t.refresh_token ? "present" : "absent");
	printf("logged in: %s (refresh token ends around %s)\n", b2, b3);
	rc = (t.refresh_token || cfg->refresh_token_env) ? LW_EXIT_OK : LW_EXIT_NEEDS_LOGIN;
	lw_tokens_free(&t);
	return rc;
}

static int
cmd_whoami(const lw_config *cfg)
{
	lw_error	err;
	lw_api_result res;
	lw_api	   *api;
	json_t	   *me = NULL;
	int			rc;

	lw_error_clear(&err);
	api = lw_api_open(cfg, &err);
	if (api == NULL)
	{
		lw_log_error("%s", err.message);
		return err.exit_code;
	}
	if (lw_api_get_json(api, "/me", &me, &res) < 0)
	{
		lw_log_error("%s", res.error.message);
		rc = lw_api_exit_code(&res);
	}
	else
	{
		const char *id = json_string_value(json_object_get(me, "id"));
		const char *name = json_string_value(json_object_get(me, "display_name"));

		printf("%s\t%s\n", id ? id : "?", name ? name : "");
		rc = id ? LW_EXIT_OK : LW_EXIT_FAILURE;
	}
	json_decref(me);
	lw_api_close(api);
	return rc;
}

static int
cmd_logout(const lw_config *cfg)
{
	lw_error	err;
	int			fd;

	lw_error_clear(&err);
	fd = lw_tokens_lock(cfg->token_file, 60, &err);
	if (fd < 0 || lw_tokens_delete(cfg->token_file, &err) < 0)
	{
		lw_tokens_unlock(fd);
		lw_log_error("%s", err.message);
		return err.exit_code;
	}
	lw_tokens_unlock(fd);
	lw_log_info("removed %s; to revoke access at Spotify too, visit "
				"https://www.spotify.com/account/apps/", cfg->token_file);
	return LW_EXIT_OK;
}

int
main(int argc, char **argv)
{
	lw_config	cfg;
	lw_error	err;
	enum cmd	cmd = CMD_NONE;
	const char *cmd_name = NULL;
	const char *file_arg = NULL;
	const char *source = NULL;
	const char *out_dir = NULL;
	const char *format = NULL;
	const char *artists = NULL;
	int			want_help = 0;
	int			rc;

	lw_config_defaults(&cfg);
	lw_error_clear(&err);

	/* pass 1: find the command (first word that is not an option or an option's value) */
	for (int i = 1; i < argc; i++)
	{
		const char *a = argv[i];

		if (a[0] == '-')
		{
			for (const opt *o = opts; o->name; o++)
				if (o->has_arg && strcmp(a, o->name) == 0)
				{
					i++;
					break;
				}
			continue;
		}
		if (cmd_name == NULL)
		{
			cmd_name = a;
			if (strcmp(a, "help") == 0)
			{
				help_cmd(stdout, i + 1 < argc ? parse_cmd(argv[i + 1]) : CMD_NONE);
				lw_config_free(&cfg);
				return LW_EXIT_OK;
			}
			cmd = parse_cmd(a);
			if (cmd == CMD_NONE)
			{
				lw_config_free(&cfg);
				return usage_error("unknown command \"%s\"; see lw-ingest --help%s", a, "");
			}
		}
		else if ((cmd == CMD_IMPORT || cmd == CMD_PUBLISH || cmd == CMD_CATALOG) && file_arg == NULL)
			file_arg = a;
		else
		{
			lw_config_free(&cfg);
			return usage_error("unexpected argument \"%s\"; see lw-ingest %s --help", a, cmd_name);
		}
	}

	/* pass 2: options, now that the command is known (flags override the environment) */
	if (lw_config_from_env(&cfg, &err) < 0)
	{
		fprintf(stderr, "lw-ingest: %s\n", err.message);
		lw_config_free(&cfg);
		return LW_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		const char *v = NULL;
		const opt  *o;

		if (a[0] != '-')
			continue;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
		{
			want_help = 1;
			continue;
		}
		if (strcmp(a, "--version") == 0)
		{
			printf("lw-ingest %s\n", LW_VERSION);
			lw_config_free(&cfg);
			return LW_EXIT_OK;
		}
		for (o = opts; o->name; o++)
			if (strcmp(a, o->name) == 0)
				break;
		if (o->name == NULL)
		{
			lw_config_free(&cfg);
			if (strchr(a, '='))
				return usage_error("unknown option \"%s\" (write options as --name VALUE)%s", a, "");
			return usage_error("unknown option \"%s\"; see lw-ingest %s", a,
							   cmd == CMD_LOGIN ? "login --help" : cmd == CMD_SYNC ? "sync --help" :
							   cmd == CMD_IMPORT ? "import-features --help" :
							   cmd == CMD_PUBLISH ? "publish --help" :
							   cmd == CMD_ENRICH ? "enrich --help" :
							   cmd == CMD_CATALOG ? "import-catalog --help" : "--help");
		}
		if (o->has_arg)
		{
			if (i + 1 >= argc)
			{
				lw_config_free(&cfg);
				return usage_error("option %s needs a value%s", a, "");
			}
			v = argv[++i];
		}
		if (cmd != CMD_NONE && !(o->cmds & cmd))
		{
			lw_config_free(&cfg);
			return usage_error("option %s does not apply to %s", a, cmd_name);
		}
		if (strcmp(a, "--source") == 0)
			source = v;
		else if (strcmp(a, "--out") == 0)
			out_dir = v;
		else if (strcmp(a, "--format") == 0)
			format = v;
		else if (strcmp(a, "--artists") == 0)
			artists = v;
		else if (lw_config_apply_flag(&cfg, a, v, &err) < 0)
		{
			fprintf(stderr, "lw-ingest: %s\n", err.message);
			goto usage;
		}
	}
	if (want_help)
	{
		help_cmd(stdout, cmd);
		lw_config_free(&cfg);
		return LW_EXIT_OK;
	}
	if (cmd == CMD_NONE)
	{
		help_main(stderr);
		lw_config_free(&cfg);
		return LW_EXIT_USAGE;
	}
	if (cmd == CMD_IMPORT && file_arg == NULL)
	{
		lw_config_free(&cfg);
		return usage_error("import-features needs a CSV file argument%s%s", "", "");
	}
	if (cmd == CMD_REPORT && (out_dir == NULL || out_dir[0] == '\0'))
	{
		lw_config_free(&cfg);
		return usage_error("report needs --out DIR%s%s", "", "");
	}
	if (cmd == CMD_PUBLISH && (file_arg == NULL) == (cfg.publish_all == 0))
	{
		lw_config_free(&cfg);
		return usage_error("publish needs a PLAYLIST or --all (not both)%s%s", "", "");
	}
	if (cmd == CMD_CATALOG && file_arg == NULL)
	{
		lw_config_free(&cfg);
		return usage_error("import-catalog needs a CSV file argument%s%s", "", "");
	}
	lw_log_init(cfg.verbose);
	if (lw_config_finish(&cfg, (cmd & CMD_NET) != 0, &err) < 0)
	{
		fprintf(stderr, "lw-ingest: %s\n", err.message);
		lw_config_free(&cfg);
		return LW_EXIT_USAGE;
	}

	switch (cmd)
	{
		case CMD_LOGIN:
			rc = lw_oauth_login(&cfg);
			break;
		case CMD_SYNC:
			rc = lw_cmd_sync(&cfg);
			break;
		case CMD_IMPORT:
			rc = lw_cmd_import_features(&cfg, file_arg, source);
			break;
		case CMD_ENRICH:
			rc = lw_cmd_enrich(&cfg);
			break;
		case CMD_CATALOG:
			rc = lw_cmd_import_catalog(&cfg, file_arg, format, artists);
			break;
		case CMD_STATUS:
			rc = cmd_status(&cfg);
			break;
		case CMD_WHOAMI:
			rc = cmd_whoami(&cfg);
			break;
		case CMD_REPORT:
			rc = lw_cmd_report(&cfg, out_dir);
			break;
		case CMD_PUBLISH:
			rc = lw_cmd_publish(&cfg, file_arg);
			break;
		case CMD_LOGOUT:
			rc = cmd_logout(&cfg);
			break;
		default:
			rc = LW_EXIT_USAGE;
	}
	lw_config_free(&cfg);
	lw_log_clear_secrets();
	return rc;

usage:
	lw_config_free(&cfg);
	return LW_EXIT_USAGE;
}
