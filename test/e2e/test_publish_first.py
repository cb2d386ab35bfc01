"""lw-ingest publish, first run: one private playlist, created with POST /me/playlists, holding
recommend()'s answer in rank order; a recommended track without a Spotify id (a catalog row)
is skipped and counted; the rule and the log row are in SQL."""
from publish_env import PublishEnv

env = PublishEnv("publish_first")
CATALOG_ID = "catalog:lofi-0001"
# a catalog-only track (no Spotify id) that sounds exactly like chill's best candidate
env.q("""
INSERT INTO listen_wiseer.tracks (track_id, name, in_library, catalog)
     VALUES ('%(c)s', 'Catalog Only Lofi', false, 'demo.csv');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
       speechiness, acousticness, instrumentalness, liveness, valence, tempo, duration_ms,
       time_signature, source, source_detail)
SELECT '%(c)s', danceability, energy, key, loudness, mode, speechiness, acousticness,
       instrumentalness, liveness, valence, tempo, duration_ms, time_signature, 'catalog', 'demo.csv'
  FROM listen_wiseer.audio_features
 WHERE track_id = (SELECT track_id FROM recommend('chill', n => 1));
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT '%(c)s', position, artist_id FROM listen_wiseer.track_artists
 WHERE track_id = (SELECT track_id FROM recommend('chill', n => 1));
SELECT listen_wiseer.refresh_vectors();
""" % {"c": CATALOG_ID})
ids = [r[0] for r in env.q("SELECT track_id FROM recommend('chill', n => 30) ORDER BY rank")]
env.check(CATALOG_ID in ids, "the catalog-only track is in recommend()'s answer (else the skip is untested)")
expected = ["spotify:track:" + i for i in ids if i != CATALOG_ID]
env.reset_stats()

rc, err, _ = env.publish("chill")
env.eq(rc, 0, "exit code of the first publish (%s)" % err.strip())
mine = env.owned_named("chill · more like this")
env.eq(len(mine), 1, "playlists named 'chill · more like this' in the account")
if mine:
    pl = mine[0]
    env.eq(pl["public"], False, "the playlist is private")
    env.check("lw-publish:" in (pl["description"] or "") and "chill" in pl["description"],
              "the description says what made it: %r" % pl["description"])
    env.eq(env.items(pl["id"]), expected, "the playlist's items: the answer's URIs in rank order")
    env.eq(env.writes(), {"POST /v1/me/playlists": 1, "PUT /v1/playlists/{id}/items": 1},
           "write requests: one create, one PUT")
    rule = env.rule("chill")
    env.eq(rule[0], pl["id"], "publish_rules remembers the created playlist")
    env.eq(rule[1], pl["snapshot_id"], "publish_rules keeps the snapshot_id of the write")
    env.eq(rule[2], str(len(expected)), "publish_rules keeps the published URIs")
    runs = env.runs("chill")
    env.eq(len(runs), 1, "one publish_runs row")
    env.eq(runs[0][:8], ["chill", "created", pl["id"], pl["snapshot_id"], str(len(expected)), "1", "2", "t"],
           "publish_runs: outcome, target, snapshot, tracks, skipped, writes, created_target")
env.eq(env.q1("SELECT target_name || '|' || n || '|' || source_playlist FROM listen_wiseer.publish_rules"),
       "chill · more like this|30|chill", "the rule made from the command line")
env.check("1 skipped" in err, "the log line counts the skipped track: %r" % err)

# no secret in what publish prints, even with --verbose
rc, out, err = env.publish_out("chill", "--verbose")
tok = env.token_doc()
env.eq(rc, 0, "verbose publish")
for name in ("access_token", "refresh_token"):
    env.check(tok[name] not in out + err, "the %s does not appear in the output" % name)
env.check("/v1/playlists/" in err, "verbose output shows the requests: %r" % err[:200])

# the source playlist was not touched
src = env.q1("SELECT playlist_id FROM listen_wiseer.playlists WHERE name = 'chill'")
env.eq([k for k in env.stats()["by_path_status"] if src in k], [], "requests to the source playlist")
env.finish()
