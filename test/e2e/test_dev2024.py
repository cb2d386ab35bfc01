"""dev-2024 mode: /audio-features answers 403. Documented rule: a capability refused at its
first use in a run is not a failure of the run (status ok, exit 0, a warning and the verdict in
ingest_runs.capabilities and listen_wiseer.capabilities); no feature rows, never zeros. The
stored verdict is trusted for 7 days, so the next run does not probe again."""
from e2e import Env, expected_library, load_library

env = Env("dev2024", mode="dev-2024")
lib = load_library()
X = expected_library(lib)
rc, err, _ = env.sync()
env.eq(rc, 0, "exit code")
run = env.last_run()
env.eq(run["status"], "ok", "run status")
env.eq(run["capabilities"].get("audio_features"), "unavailable", "ingest_runs.capabilities")
env.check("audio_features" in (run["warnings"] or ""), "a warning names the capability")
env.eq(env.q("SELECT available::text FROM listen_wiseer.capabilities WHERE capability = 'audio_features'"),
       [["false"]], "listen_wiseer.capabilities verdict")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), 0, "no feature rows")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), len(X["seen_tracks"]), "tracks loaded")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NULL"), 0,
       "artists still get genres")
env.eq(env.stats()["by_endpoint"].get("GET /v1/audio-features"), 1, "probed once, not retried")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE features_checked_at IS NOT NULL"), 0,
       "tracks stay 'never asked' for a later run with access")

env.reset_stats()
rc, err, _ = env.sync()
env.eq(rc, 0, "second run exit code")
run = env.last_run()
env.eq(run["capabilities"].get("audio_features"), "unavailable (stored verdict)", "second run verdict")
env.eq(env.stats()["by_endpoint"].get("GET /v1/audio-features", 0), 0, "second run does not probe")

# access comes back (--full re-probes): features load
env.config({"mode": "extended"})
rc, err, _ = env.sync("--full")
env.eq(rc, 0, "--full run in extended mode")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "features loaded once available")
env.eq(env.q("SELECT available::text FROM listen_wiseer.capabilities WHERE capability = 'audio_features'"),
       [["true"]], "verdict updated")
env.finish()
