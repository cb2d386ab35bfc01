/*
 * enrich_config.h - settings of the enrichment services (environment only; the two switches
 * every command shares, LW_ENRICH/--no-enrich and LW_ENRICH_TIME/--enrich-time, are in
 * config.h). docs/design/enrichment.md lists them with their defaults.
 */
#ifndef LW_ENRICH_CONFIG_H
#define LW_ENRICH_CONFIG_H

#include "exitcodes.h"

#define LW_DEFAULT_RECCOBEATS_URL  "https://api.reccobeats.com/v1"
#define LW_DEFAULT_MUSICBRAINZ_URL "https://musicbrainz.org/ws/2"
#define LW_DEFAULT_LASTFM_URL      "https://ws.audioscrobbler.com/2.0"

typedef struct lw_enrich_config
{
	char	   *reccobeats_url;	/* RECCOBEATS_URL */
	char	   *musicbrainz_url;	/* MUSICBRAINZ_URL */
	char	   *lastfm_url;		/* LASTFM_URL */
	char	   *lastfm_api_key;	/* LASTFM_API_KEY: without it Last.fm is not asked (a secret) */
	char	   *contact;		/* LW_CONTACT: e-mail or URL for the User-Agent; MusicBrainz
								 * is not asked without it */
	char	   *user_agent;		/* "Listen-Wiseer-ingest/1.1 ( contact )" */
	double		reccobeats_rate;	/* RECCOBEATS_RATE requests/s (2) */
	double		musicbrainz_rate;	/* MUSICBRAINZ_RATE requests/s (1; a mirror may allow more) */
	double		lastfm_rate;	/* LASTFM_RATE requests/s (4) */
	int			use_reccobeats; /* LW_ENRICH_RECCOBEATS=0 switches a source off (1) */
	int			use_musicbrainz;	/* LW_ENRICH_MUSICBRAINZ */
	int			use_lastfm;		/* LW_ENRICH_LASTFM */
	long		lastfm_min_count;	/* LASTFM_MIN_COUNT: tags weighted below are dropped (5) */
} lw_enrich_config;

/* Defaults, then the environment; validates URLs and numbers. 0, or -1 with err (exit 2). */
int			lw_enrich_config_load(lw_enrich_config *ec, lw_error *err);
void		lw_enrich_config_free(lw_enrich_config *ec);

#endif							/* LW_ENRICH_CONFIG_H */
