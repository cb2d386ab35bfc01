/*
 * enrich_config.c - the enrichment services' settings from the environment (enrich_config.h).
 */
#include "enrich_config.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LW_INGEST_UA_NAME "Listen-Wiseer-ingest/1.1"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return (v && *v) ? v : NULL;
}

static void
set_str(char **field, const char *env_name, const char *def)
{
	const char *v = env(env_name);
	size_t		n;

	free(*field);
	*field = lw_strdup(v ? v : def);
	n = *field ? strlen(*field) : 0;
	while (n > 0 && (*field)[n - 1] == '/')
		(*field)[--n] = '\0';
}

static int
get_double(const char *name, double lo, double hi, double def, double *out, lw_error *err)
{
	const char *v = env(name);
	char	   *end;

	*out = def;
	if (v == NULL)
		return 0;
	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end != '\0' || !(*out >= lo && *out <= hi))
	{
		lw_error_set(err, LW_EXIT_USAGE, "%s must be a number from %g to %g, got \"%s\"",
					 name, lo, hi, v);
		return -1;
	}
	return 0;
}

static int
get_switch(const char *name, int *out, lw_error *err)
{
	const char *v = env(name);

	*out = 1;
	if (v == NULL)
		return 0;
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
	{
		lw_error_set(err, LW_EXIT_USAGE, "%s must be 0 or 1, got \"%s\"", name, v);
		return -1;
	}
	*out = v[0] == '1';
	return 0;
}

/* http(s) only; plain http only on loopback (the mocks). */
static int
check_url(const char *name, const char *url, lw_error *err)
{
	const char *rest = lw_skip_prefix_ci(url, "https://");

	if (rest && *rest)
		return 0;
	rest = lw_skip_prefix_ci(url, "http://");
	if (rest && (strncmp(rest, "127.", 4) == 0 || strncmp(rest, "[::1]", 5) == 0 ||
				 strncmp(rest, "localhost", 9) == 0))
		return 0;
	lw_error_set(err, LW_EXIT_USAGE, "%s \"%s\" must be an https URL (plain http only on loopback)",
				 name, url);
	return -1;
}

int
lw_enrich_config_load(lw_enrich_config *ec, lw_error *err)
{
	const char *v;
	double		d;
	lw_buf		ua = {0};

	memset(ec, 0, sizeof(*ec));
	set_str(&ec->reccobeats_url, "RECCOBEATS_URL", LW_DEFAULT_RECCOBEATS_URL);
	set_str(&ec->musicbrainz_url, "MUSICBRAINZ_URL", LW_DEFAULT_MUSICBRAINZ_URL);
	set_str(&ec->lastfm_url, "LASTFM_URL", LW_DEFAULT_LASTFM_URL);
	if ((v = env("LASTFM_API_KEY")))
	{
		ec->lastfm_api_key = lw_strdup(v);
		lw_log_add_secret(v);
	}
	if ((v = env("LW_CONTACT")))
	{
		if (strpbrk(v, "()\r\n") != NULL)
		{
			lw_error_set(err, LW_EXIT_USAGE, "LW_CONTACT must not contain parentheses or newlines");
			return -1;
		}
		ec->contact = lw_strdup(v);
	}
	lw_buf_printf(&ua, LW_INGEST_UA_NAME " ( %s )",
				  ec->contact ? ec->contact : "contact not configured");
	ec->user_agent = ua.data;
	if (check_url("RECCOBEATS_URL", ec->reccobeats_url, err) < 0 ||
		check_url("MUSICBRAINZ_URL", ec->musicbrainz_url, err) < 0 ||
		check_url("LASTFM_URL", ec->lastfm_url, err) < 0 ||
		get_double("RECCOBEATS_RATE", 0.01, 1000, 2, &ec->reccobeats_rate, err) < 0 ||
		get_double("MUSICBRAINZ_RATE", 0.01, 1000, 1, &ec->musicbrainz_rate, err) < 0 ||
		get_double("LASTFM_RATE", 0.01, 1000, 4, &ec->lastfm_rate, err) < 0 ||
		get_double("LASTFM_MIN_COUNT", 0, 100, 5, &d, err) < 0 ||
		get_switch("LW_ENRICH_RECCOBEATS", &ec->use_reccobeats, err) < 0 ||
		get_switch("LW_ENRICH_MUSICBRAINZ", &ec->use_musicbrainz, err) < 0 ||
		get_switch("LW_ENRICH_LASTFM", &ec->use_lastfm, err) < 0)
		return -1;
	ec->lastfm_min_count = (long) d;
	return 0;
}

void
lw_enrich_config_free(lw_enrich_config *ec)
{
	free(ec->reccobeats_url);
	free(ec->musicbrainz_url);
	free(ec->lastfm_url);
	free(ec->lastfm_api_key);
	free(ec->contact);
	free(ec->user_agent);
	memset(ec, 0, sizeof(*ec));
}
