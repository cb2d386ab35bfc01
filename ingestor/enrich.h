/*
 * enrich.h - `lw-ingest enrich` and the enrichment step at the end of `lw-ingest sync`: fill
 * what Spotify no longer gives a 2026 app, from open services, and say where it came from.
 *
 *  1. audio features from ReccoBeats for in-library tracks without any (<= 40 ids per call);
 *     Spotify's, a CSV's or any stored row is never replaced (source 'reccobeats');
 *  2. genres for artists without any (genres IS NULL), from the enabled genre sources in the
 *     user's priority order (listen_wiseer.enrichment_sources; default MusicBrainz, then
 *     Last.fm): MusicBrainz Spotify-URL -> MBID (<= 100 per call) then one genres call per
 *     artist; Last.fm artist.getTopTags by name, only with LASTFM_API_KEY;
 *  3. every answer, "not found" too, is cached (listen_wiseer.enrichment_cache) with a TTL, so
 *     an unchanged library costs no request; each batch is committed as it finishes, and past
 *     the run's time (LW_ENRICH_TIME) or 429 budget the run ends partial (exit 4) and the next
 *     one carries on.
 * One ingest_runs row (command 'enrich') with counts per source; one summary line per source.
 */
#ifndef LW_ENRICH_H
#define LW_ENRICH_H

#include "config.h"
#include "store.h"

/* lw-ingest enrich: open the database, take the ingest lock, enrich. Exit code. */
int			lw_cmd_enrich(const lw_config *cfg);

/* Enrich on an open, locked store (the end of sync). Exit code (0, 1, 2 or 4). */
int			lw_enrich_run(const lw_config *cfg, lw_store *st);

#endif							/* LW_ENRICH_H */
