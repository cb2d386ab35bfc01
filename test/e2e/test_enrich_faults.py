"""Enrichment under the services' failure modes (enrichment-sources.md 5.5): ReccoBeats 429 with
Retry-After within the run's budget (waited for) and beyond it (the step is deferred: exit 4,
a warning, the next run carries on), 500 then success, a non-JSON error page (the step stops,
nothing is cached, the next run asks again); MusicBrainz 503 when asked too fast (lw-ingest
slows down and still ends with the same genres) and an HTML overload page. Every case ends with
the same library as an undisturbed run."""
from enrich_e2e import EnrichEnv

env = EnrichEnv("enrich_faults")
rc, err, _ = env.sync("--no-enrich")
env.eq(rc, 0, "sync without enrichment")
env.eq(env.estats()["requests_total"], 0, "--no-enrich: no request to the services")
tracks = env.db_tracks()
artists = env.db_artists()
want = env.expected_features(tracks)
mbx = env.mb_expected(artists)
NO_GENRE_SOURCES = {"LW_ENRICH_MUSICBRAINZ": "0", "LW_ENRICH_LASTFM": "0"}

# 429 with Retry-After 1 on the first two calls: waited for within the budget
env.econfig({"reccobeats": {"throttle": {"count": 2, "retry_after": 1}}})
rc, err, _ = env.run("enrich", extra_env=dict(NO_GENRE_SOURCES, LW_BUDGET="20"))
env.eq(rc, 0, "429 within the budget: exit 0")
st = env.estats()
env.eq(st["by_endpoint_status"].get("GET /v1/audio-features 429"), 2, "two 429s served")
env.eq(set(env.db_features()), set(want), "all features after waiting")

# 429 with a Retry-After past the budget: deferred, exit 4, warning; the next run carries on
env.q("DELETE FROM listen_wiseer.audio_features; DELETE FROM listen_wiseer.enrichment_cache")
env.econfig({"reccobeats": {"throttle": {"count": 1, "retry_after": 3600}}})
rc, err, _ = env.run("enrich", extra_env=dict(NO_GENRE_SOURCES, LW_BUDGET="5"))
env.eq(rc, 4, "Retry-After past the budget: partial")
run = env.last_run()
env.eq((run["status"], run["capabilities"]["reccobeats"]), ("partial", "deferred"), "run row says deferred")
env.check("rate limited" in err, "a warning says why")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), 0, "nothing stored")
rc, err, _ = env.run("enrich", extra_env=NO_GENRE_SOURCES)
env.eq(rc, 0, "next run")
env.eq(set(env.db_features()), set(want), "next run completes the features")

# 500 once: retried
env.q("DELETE FROM listen_wiseer.audio_features; DELETE FROM listen_wiseer.enrichment_cache")
env.econfig({"reccobeats": {"fail": {"count": 1, "status": 500}}})
rc, err, _ = env.run("enrich", extra_env=NO_GENRE_SOURCES)
env.eq(rc, 0, "500 then success")
env.eq(set(env.db_features()), set(want), "all features after a retried 500")

# a non-JSON page on every attempt: the step stops, nothing cached, the next run asks again
env.q("DELETE FROM listen_wiseer.audio_features; DELETE FROM listen_wiseer.enrichment_cache")
env.econfig({"reccobeats": {"fail": {"count": 100, "status": 200, "body": "html"}}})
rc, err, _ = env.run("enrich", extra_env=NO_GENRE_SOURCES)
env.eq(rc, 4, "HTML instead of JSON: partial")
env.check("not JSON" in err, "says the answer was not JSON")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.enrichment_cache"), 0, "no answer cached")
env.econfig({"reccobeats": {"fail": {"count": 0}}})
rc, err, _ = env.run("enrich", extra_env=NO_GENRE_SOURCES)
env.eq((rc, set(env.db_features())), (0, set(want)), "next run completes")

# MusicBrainz asked too fast: 503s, lw-ingest slows down, same genres in the end
env.eclear()
env.econfig({"musicbrainz": {"min_interval": 0.1}})
rc, err, _ = env.run("enrich", extra_env={"LW_ENRICH_LASTFM": "0", "MUSICBRAINZ_RATE": "100",
                                          "LW_MAX_ATTEMPTS": "6", "LW_BACKOFF_MS": "100"}, timeout=280)
mb = env.erequests("musicbrainz")
env.check(any(r["status"] == 503 for r in mb), "the mock answered 503 to requests too close together")
env.check("slowed down" in err, "lw-ingest says it slowed down")
gen = env.db_genres()
env.eq(rc, 0, "exit 0 after slowing down")
env.eq({a: g for a, (s, g) in gen.items() if s == "musicbrainz"}, mbx, "same MusicBrainz genres")

# an HTML overload page (503): retried like any 503
env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL, genres_updated_at = NULL;"
      " DELETE FROM listen_wiseer.enrichment_cache WHERE source = 'musicbrainz'")
env.econfig({"musicbrainz": {"min_interval": 0.02, "fail": {"count": 2, "status": 503, "body": "html"}}})
rc, err, _ = env.run("enrich", extra_env={"LW_ENRICH_LASTFM": "0"})
env.eq(rc, 0, "HTML 503 pages retried")
env.eq({a: g for a, (s, g) in env.db_genres().items() if s == "musicbrainz"}, mbx, "same genres")
# one 429 budget per run, shared by the services: ReccoBeats uses it all, Last.fm's 429 is deferred
env.q("DELETE FROM listen_wiseer.audio_features; DELETE FROM listen_wiseer.enrichment_cache;"
      " UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL, genres_updated_at = NULL")
# (ReccoBeats waits 3 s of the 4, plus under 0.25 s of jitter; Last.fm then asks for 2 s)
env.econfig({"reccobeats": {"throttle": {"count": 1, "retry_after": 3}},
             "lastfm": {"rate_limit": {"count": 1, "retry_after": 2}}})
rc, err, _ = env.run("enrich", extra_env={"LW_ENRICH_MUSICBRAINZ": "0", "LW_BUDGET": "4"})
run = env.last_run()
env.eq((rc, run["capabilities"]["reccobeats"], run["capabilities"]["lastfm"]), (4, "ok", "deferred"),
       "ReccoBeats used most of the budget; Last.fm's 429 found too little left")
env.eq(set(env.db_features()), set(want), "features complete")
rc, err, _ = env.run("enrich", extra_env={"LW_ENRICH_MUSICBRAINZ": "0"})
env.eq((rc, env.last_run()["capabilities"]["lastfm"]), (0, "ok"), "the next run does Last.fm")
env.finish()
