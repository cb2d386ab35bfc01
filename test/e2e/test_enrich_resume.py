"""A first enrichment is long: it must be resumable. Runs killed with SIGKILL at fixed points
(mid-ReccoBeats, mid-MusicBrainz) lose at most the batch in flight (every service gets at most
one request per kill more than an unbroken run sends) and never leave half-written state
(genres always come with their cache row, in one transaction); runs cut by their time budget
(LW_ENRICH_TIME) end partial (exit 4) and the next run carries on. Either way the final library
equals the one an unbroken run produces."""
import signal
import time

from enrich_e2e import EnrichEnv

env = EnrichEnv("enrich_resume")
WAIT = {"LW_WAIT_LOCK": "1"}
SLOW = {"RECCOBEATS_RATE": "8", "MUSICBRAINZ_RATE": "40", "LASTFM_RATE": "40"}
rc, err, _ = env.sync("--no-enrich")
env.eq(rc, 0, "sync")
env.q("ALTER DATABASE %s SET synchronous_commit = on" % env.db)


def state():
    f = env.q("SELECT track_id, source, danceability, energy, key, loudness, mode, speechiness,"
              " acousticness, instrumentalness, liveness, valence, tempo"
              " FROM listen_wiseer.audio_features ORDER BY 1")
    g = env.q("SELECT artist_id, genres::text, genres_source FROM listen_wiseer.artists ORDER BY 1")
    c = env.q("SELECT source, kind, key, outcome, detail, payload::text FROM listen_wiseer.enrichment_cache"
              " ORDER BY 1, 2, 3")
    return f, g, c


def reset():
    env.q("DELETE FROM listen_wiseer.audio_features; DELETE FROM listen_wiseer.enrichment_cache;"
          " UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL, genres_updated_at = NULL")
    env.eclear()


def per_service():
    return {k: v for k, v in env.estats()["by_service"].items()}


def consistent(what):
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists a WHERE genres_source IN ('musicbrainz', 'lastfm')"
                  " AND NOT EXISTS (SELECT 1 FROM listen_wiseer.enrichment_cache c WHERE c.key = a.artist_id"
                  " AND c.source = a.genres_source AND c.outcome = 'hit')"), 0,
           "%s: every stored genre list has its cache row" % what)
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.enrichment_cache c WHERE c.source = 'reccobeats'"
                  " AND c.outcome = 'hit' AND NOT EXISTS (SELECT 1 FROM listen_wiseer.audio_features f"
                  " WHERE f.track_id = c.key)"), 0, "%s: every ReccoBeats hit has its features" % what)


# the unbroken run
rc, err, _ = env.run("enrich", extra_env=SLOW)
env.eq(rc, 0, "unbroken run")
reference = state()
unbroken = per_service()
env.check(len(reference[0]) > 0 and len(reference[2]) > 0, "reference has features and cache rows")

# killed runs, then one to the end
reset()
kills = 0
for delay in (1.0, 1.5, 2.5, 4.0):
    p = env.start("enrich", extra_env=dict(SLOW, **WAIT))
    time.sleep(delay)
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        kills += 1
    p.wait()
    p.stderr.close()
    consistent("after a kill at %.1f s" % delay)
env.check(kills >= 3, "the kills landed mid-run (%d)" % kills)
partial = state()
env.check(0 < len(partial[2]) < len(reference[2]), "the killed runs committed part of the work")
rc, err, _ = env.run("enrich", extra_env=dict(SLOW, **WAIT))
env.eq(rc, 0, "resumed run")
env.check(state() == reference, "resumed library = unbroken library (features, genres, cache)")
total = per_service()
for s, n in unbroken.items():
    env.check(total.get(s, 0) <= n + kills, "%s: %d requests over all runs, unbroken %d, %d kills"
              % (s, total.get(s, 0), n, kills))

# time budget: each run stops after its time, exits 4, the next carries on
reset()
runs = 0
while True:
    rc, err, _ = env.run("enrich", extra_env=dict(SLOW, LW_ENRICH_TIME="1"))
    runs += 1
    if rc != 4 or runs > 40:
        break
    env.check("LW_ENRICH_TIME" in err, "run %d says the time is used up" % runs)
    env.eq(env.last_run()["status"], "partial", "run %d partial" % runs)
env.eq(rc, 0, "the last budgeted run completes")
env.check(runs > 2, "the work took several budgeted runs (%d)" % runs)
env.check(state() == reference, "budgeted runs = unbroken library")
env.finish()
