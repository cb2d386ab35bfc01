/*
 * sync.h - `lw-ingest sync`: the plan (implements lw_cmd_sync of commands.h).
 *
 *  1. database: connect, check the schema, take the ingest lock (try-lock: a second run exits
 *     with a clear message; LW_WAIT_LOCK=1 waits instead), insert the 'running' ingest_runs row;
 *  2. token (api.h); invalid_grant -> needs_login row, LW_EXIT_NEEDS_LOGIN;
 *  3. GET /me -> users;
 *  4. GET /me/playlists, all pages -> playlist metadata; after a complete listing, playlists no
 *     longer listed get unfollowed_at;
 *  5. each playlist whose snapshot_id differs from the stored one (or never synced; all with
 *     --full): all item pages -> tracks (committed per page) and a staged membership, merged
 *     with the new snapshot_id in one transaction once the last page arrived. 403/404 on the
 *     items -> items_available = false, the run goes on;
 *  6. liked songs, newest first, until the first song already stored with the same added_at
 *     (one page when nothing changed). If Spotify's total is below what we hold, songs were
 *     removed: one full pass marks them removed_at (always with --full);
 *  7. artists whose full object was never fetched, 50 per /artists?ids= request (single
 *     /artists/{id} lookups when the batch endpoint answers 403/404) -> genres;
 *  8. tracks without audio features and never asked, 100 per /audio-features?ids= request; a
 *     403/404 marks the capability unavailable (stored for 7 days, so later runs do not probe);
 *     then listen_wiseer.refresh_vectors() if it exists;
 *  9. finish the ingest_runs row: ok, partial (rate limit past the budget, capability lost
 *     mid-run, refused paging link), needs_login or failed, with counts, capability verdicts
 *     and warnings.
 *
 * A failure at any step keeps everything committed before it; the next run resumes (changed
 * playlists keep their old snapshot_id until their membership is written).
 */
#ifndef LW_SYNC_H
#define LW_SYNC_H

#include "commands.h"

/* Days a stored "capability unavailable" verdict is trusted before probing again. */
#define LW_CAPABILITY_MAX_AGE_DAYS 7

#endif							/* LW_SYNC_H */
