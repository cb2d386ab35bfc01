"""2026 development mode: Spotify gives no audio features and no genres; `lw-ingest sync`
enriches: features from ReccoBeats (values = the generator's ground truth, source
'reccobeats'), genres from MusicBrainz then Last.fm (provenance per artist), every request
batched within the limits and with our User-Agent; a second run sends no request at all."""
from enrich_e2e import RB_FEATURES, EnrichEnv
from enrich_truth import enriched_genres

env = EnrichEnv("enrich_basic")
rc, err, _ = env.sync()
env.eq(rc, 0, "sync + enrich exit code")
env.check("api_key" not in err and "lw-test-lastfm-key" not in err, "no API key in the output")
tracks = env.db_tracks()
artists = env.db_artists()
env.check(len(tracks) > 500 and len(artists) > 100, "library loaded (%d tracks, %d artists)"
          % (len(tracks), len(artists)))

# features: exactly what ReccoBeats knows, with its values, marked 'reccobeats'
want = env.expected_features(tracks)
got = env.db_features()
env.eq(set(got), set(want), "tracks with features = those ReccoBeats knows")
env.check(0.7 < len(want) / len(tracks) < 0.9, "coverage about 80 %% (%d of %d)" % (len(want), len(tracks)))
bad = [t for t in want if any(abs(got[t][1][k] - float(want[t][k])) > 1e-4 * max(1, abs(float(want[t][k])))
                              for k in RB_FEATURES)]
env.eq(bad, [], "feature values from the ground truth")
env.eq({s for s, _ in got.values()}, {"reccobeats"}, "source = reccobeats")

# genres: MusicBrainz first, Last.fm for the rest
gen = env.db_genres()
mbx = env.mb_expected(artists)
mb_got = {a: g for a, (s, g) in gen.items() if s == "musicbrainz"}
env.eq(set(mb_got), set(mbx), "MusicBrainz genres for the linked artists with genres")
env.eq([a for a in mbx if mb_got.get(a) != mbx[a]], [], "MusicBrainz genres, most votes first")
lfm = {a: g for a, (s, g) in gen.items() if s == "lastfm"}
env.check(len(lfm) > 0, "Last.fm filled some of the rest (%d)" % len(lfm))
env.eq(set(mb_got) & set(lfm), set(), "Last.fm only where MusicBrainz gave nothing")
wrong = [a for a, g in lfm.items()
         if not set(g) <= set(env.truth.artists[a]["genres"]) or "seen live" in g]
env.eq(wrong, [], "Last.fm genres are the artist's genres, lower-cased, noise dropped")
want_g = {a: enriched_genres(env.truth, a) for a in artists}
env.eq({a: (s, g) for a, (s, g) in gen.items()}, {a: tuple(v) for a, v in want_g.items() if v},
       "every artist's genres = enrich_truth.enriched_genres (what make eval's 2026 mode uses)")
env.check(len(gen) / len(artists) > 0.85, "most artists have genres (%d of %d)" % (len(gen), len(artists)))
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NOT NULL"
              " AND (genres_source IS NULL OR genres_updated_at IS NULL)"), 0, "provenance and time")

# requests: batches within the limits, our User-Agent everywhere
log = env.erequests()
rb = [r for r in log if r["service"] == "reccobeats"]
env.check(all(len(r["query"].split("ids=")[1].split("&")[0].split(",")) <= 40 for r in rb), "<= 40 ids per call")
env.eq(len(rb), (len(tracks) - env.qi("SELECT count(*) FROM listen_wiseer.tracks t WHERE in_library AND EXISTS"
                                       " (SELECT 1 FROM listen_wiseer.audio_features f WHERE f.track_id = t.track_id"
                                       " AND f.source <> 'reccobeats')") + 39) // 40, "one call per 40 tracks")
env.check(all(r["user_agent"] == "Listen-Wiseer-ingest/1.1 ( e2e@example.org )" for r in log), "User-Agent")
mb = [r for r in log if r["service"] == "musicbrainz"]
env.check(all(r["status"] != 403 for r in mb), "MusicBrainz: never refused for its User-Agent")
urls = [r for r in mb if r["path"] == "/ws/2/url"]
env.eq(len(urls), (len(artists) + 99) // 100, "one URL lookup per 100 artists")
run = env.last_run()
env.eq((run["command"], run["status"]), ("enrich", "ok"), "enrich run row")
env.eq(run["counts"]["features_found"], len(want), "counted")
env.check(run["counts"]["mb_merged"] > 0, "merged MBIDs met and followed (%d)" % run["counts"]["mb_merged"])
amb = sum(1 for a in artists if len(env.truth.mb_url.get("https://open.spotify.com/artist/" + a, [])) > 1
          and sum(1 for _, ended in env.truth.mb_url["https://open.spotify.com/artist/" + a] if not ended) > 1)
env.eq(run["counts"]["mb_ambiguous"], amb, "ambiguous links counted, not used")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.enrichment_cache WHERE source = 'musicbrainz'"
              " AND kind = 'artist-url' AND outcome = 'ambiguous' AND detail LIKE '%,%'"), amb,
       "ambiguous cache rows keep both candidates")
# sync_health (the BI view) shows the enrich run's totals: every request the log saw, every
# artist it gave genres
health = env.q("SELECT requests, genres_filled, features_filled FROM listen_wiseer.sync_health"
               " ORDER BY run_id DESC LIMIT 1")[0]
env.eq([int(v) for v in health], [len(log), len(gen), len(want)],
       "sync_health: requests, genres and features filled by the enrich run")

# second run against the unchanged library: not one request to any service
env.eclear()
before = env.snapshot_tables()
rc, err, _ = env.sync()
env.eq(rc, 0, "second run")
env.eq(env.estats()["requests_total"], 0, "second run: no request to ReccoBeats, MusicBrainz or Last.fm")
env.eq(env.snapshot_tables()["audio_features"], before["audio_features"], "features unchanged")
rc, err, _ = env.run("enrich")
env.eq((rc, env.estats()["requests_total"]), (0, 0), "lw-ingest enrich alone: nothing to ask either")

# expiry: a cache row past its TTL is asked again (and only that one)
one = sorted(tracks - set(want))[0]
env.q("UPDATE listen_wiseer.enrichment_cache SET fetched_at = now() - interval '31 days',"
      " expires_at = now() - interval '1 day' WHERE source = 'reccobeats' AND key = '%s'" % one)
rc, err, _ = env.run("enrich")
log = env.erequests()
env.eq((rc, len(log)), (0, 1), "one request after one row expired")
env.eq(log[0]["query"], "ids=" + one, "the expired id only")
env.finish()
