"""Provenance and preferences: Spotify's own features and genres always win (an extended-mode
app's values are never sent out again nor replaced), a CSV import keeps working, switching a
source off (environment or listen_wiseer.enrichment_sources) sends it nothing, and preferring
Last.fm over MusicBrainz (priority) changes which one fills the genres."""
import os

from enrich_e2e import EnrichEnv

env = EnrichEnv("enrich_prefs", mode="extended")
rc, err, _ = env.sync()
env.eq(rc, 0, "extended-mode sync + enrich")
tracks = env.db_tracks()
feats = env.db_features()
spotify = {t for t, (s, _) in feats.items() if s == "spotify_api"}
env.check(len(spotify) > 0.9 * len(tracks), "Spotify gave features to most tracks")
sent = set()
for r in env.erequests("reccobeats"):
    sent.update(r["query"].split("ids=")[1].split("&")[0].split(","))
env.eq(sent & spotify, set(), "tracks with Spotify features are never sent to ReccoBeats")
env.eq(sent, tracks - spotify, "only the tracks Spotify had no features for")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres_source IS DISTINCT FROM 'spotify'"
              " AND genres IS NOT NULL"), 0, "Spotify genres kept, nobody asked about those artists")
env.eq(env.estats()["by_service"].get("musicbrainz"), None, "no MusicBrainz request: Spotify gave genres")

# import-features still works next to reccobeats rows
env.q("DELETE FROM listen_wiseer.audio_features WHERE source = 'reccobeats'")
one = sorted(tracks - spotify)[0]
csv = os.path.join(env.tmp, "f.csv")
with open(csv, "w") as f:
    f.write("id,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,"
            "liveness,valence,tempo\n%s,0.5,0.5,1,-5,1,0.1,0.2,0.3,0.1,0.5,120\n" % one)
rc, err, _ = env.run("import-features", csv)
env.eq(rc, 0, "import-features")
env.eq(env.q1("SELECT source FROM listen_wiseer.audio_features WHERE track_id = '%s'" % one), "csv", "csv row")

# 2026 app from here on: genres come from the services
env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL;"
      " DELETE FROM listen_wiseer.enrichment_cache")
env.eclear()
rc, err, _ = env.run("enrich", extra_env={"LW_ENRICH_RECCOBEATS": "0", "LW_ENRICH_MUSICBRAINZ": "0"})
env.eq(rc, 0, "enrich with two sources switched off by the environment")
by = env.estats()["by_service"]
env.eq((by.get("reccobeats"), by.get("musicbrainz"), by.get("lastfm") > 0), (None, None, True),
       "only Last.fm asked")

# switched off in SQL; Last.fm preferred over MusicBrainz
env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL; DELETE FROM listen_wiseer.enrichment_cache;"
      " INSERT INTO listen_wiseer.enrichment_sources VALUES ('reccobeats', false, 0),"
      " ('musicbrainz', true, 5), ('lastfm', true, 1)")
env.eclear()
rc, err, _ = env.run("enrich")
env.eq(rc, 0, "enrich with SQL preferences")
env.eq(env.estats()["by_service"].get("reccobeats"), None, "ReccoBeats switched off in SQL")
gen = env.db_genres()
lfm_known = {a for a, n in env.db_artists().items() if env.truth.lfm_name.get(n.lower()) == a}
env.check(sum(1 for a, (s, _) in gen.items() if s == "lastfm") >= 0.8 * len(lfm_known),
          "Last.fm first: it fills the artists it knows")
env.check(all(s == "musicbrainz" for a, (s, _) in gen.items() if a not in lfm_known),
          "MusicBrainz fills only what Last.fm could not")
env.eq(env.last_run()["capabilities"]["reccobeats"], "off", "run row: reccobeats off")
env.finish()
