"""Last.fm and MusicBrainz configuration cases: without LW_CONTACT MusicBrainz is not asked
(warning) and Last.fm fills what it can; a wrong or suspended Last.fm key (errors 10/26 inside
HTTP 200) stops Last.fm with a warning that never shows the key; rate limit (429 error 29) and
temporary errors (16) are retried; without LASTFM_API_KEY Last.fm is not asked; Last.fm tags are
lower-cased, non-genre and low-weight tags dropped, one tag given as an object is read."""
from enrich_e2e import LASTFM_KEY, EnrichEnv

env = EnrichEnv("enrich_lastfm")
rc, err, _ = env.sync("--no-enrich")
env.eq(rc, 0, "sync")
artists = env.db_artists()
NO_RB = {"LW_ENRICH_RECCOBEATS": "0"}

# no contact: MusicBrainz skipped (it requires one), Last.fm asked for everyone
rc, err, _ = env.run("enrich", extra_env=dict(NO_RB, LW_CONTACT=""))
env.eq(rc, 0, "exit 0 without a contact")
env.check("LW_CONTACT" in err, "warning names LW_CONTACT")
env.eq(env.estats()["by_service"].get("musicbrainz"), None, "no MusicBrainz request")
gen = env.db_genres()
env.eq({s for s, _ in gen.values()}, {"lastfm"}, "genres from Last.fm only")
known = {a for a in artists if env.truth.lfm_name.get(artists[a].lower()) == a}
env.check(set(gen) <= known, "only artists Last.fm knows")
for a, (s, g) in gen.items():
    truth = env.truth.artists[a]["genres"]
    tags = env.truth.lfm_tags(a)
    if len(tags) > 1:
        env.eq(g, truth, "Last.fm genres of %s: lower-cased, in Last.fm's order, noise dropped" % a)
one = [a for a in known if len(env.truth.lfm_tags(a)) == 1 and env.truth.artists[a]["genres"]]
env.check(one and all(gen.get(a, (None, None))[1] == [env.truth.artists[a]["genres"][0]] for a in one),
          "a single tag served as an object is read (%d artists)" % len(one))
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.enrichment_cache WHERE source = 'lastfm'"),
       len(artists), "one cache row per artist asked, misses included")

def reset_lastfm():
    env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL, genres_updated_at = NULL;"
          " DELETE FROM listen_wiseer.enrichment_cache WHERE source = 'lastfm'")
    env.eclear()

# wrong key: error 10 inside HTTP 200 -> Last.fm stopped after one request, key never printed
reset_lastfm()
rc, err, _ = env.run("enrich", extra_env=dict(NO_RB, LW_ENRICH_MUSICBRAINZ="0", LASTFM_API_KEY="wrong-key-123456"))
env.eq(rc, 4, "bad key: partial")
env.check("error 10" in err and "LASTFM_API_KEY" in err, "warning explains the key")
env.check("wrong-key-123456" not in err, "the key is not in the output")
env.eq(env.estats()["by_service"].get("lastfm"), 1, "stopped after the first answer")
env.eq(env.last_run()["capabilities"]["lastfm"], "stopped", "run row: stopped")
env.check("wrong-key-123456" not in str(env.last_run()), "nor in the run row")

# --verbose prints every URL: the key is redacted there too
reset_lastfm()
rc, err, _ = env.run("enrich", "--verbose", extra_env=dict(NO_RB, LW_ENRICH_MUSICBRAINZ="0"))
env.eq(rc, 0, "verbose run")
env.check("method=artist.getTopTags" in err and "[REDACTED]" in err, "debug lines show the redacted URLs")
env.check(LASTFM_KEY not in err, "the key is not in the debug lines")

# suspended key: error 26
reset_lastfm()
env.econfig({"lastfm": {"suspended": True}})
rc, err, _ = env.run("enrich", extra_env=dict(NO_RB, LW_ENRICH_MUSICBRAINZ="0"))
env.check(rc == 4 and "suspended" in err, "suspended key stops Last.fm")
env.check(LASTFM_KEY not in err, "key not printed")
env.econfig({"lastfm": {"suspended": False}})

# 429 error 29 and a temporary error 16: retried, same genres in the end
reset_lastfm()
env.econfig({"lastfm": {"rate_limit": {"count": 2}, "temporary": {"count": 2}}})
rc, err, _ = env.run("enrich", extra_env=dict(NO_RB, LW_ENRICH_MUSICBRAINZ="0", LW_BUDGET="30"))
env.eq(rc, 0, "rate limit and temporary errors retried")
env.eq(env.db_genres(), gen, "same Last.fm genres")

# no API key: Last.fm not asked at all
reset_lastfm()
rc, err, _ = env.run("enrich", extra_env=dict(NO_RB, LW_ENRICH_MUSICBRAINZ="0", LASTFM_API_KEY=""))
env.eq((rc, env.estats()["requests_total"]), (0, 0), "no key: no Last.fm request")
env.check("LASTFM_API_KEY" in err, "says why")
env.finish()
