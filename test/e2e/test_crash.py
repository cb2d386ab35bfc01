"""Crashes at random points of a sync: lw-ingest killed with SIGKILL, and PostgreSQL crash-restarted
(pg_ctl restart -m immediate, tools/cluster.sh restart-immediate) while a sync runs. After every
crash the tables hold no half-written playlist (every stored snapshot_id comes with exactly the
membership the mock served for that snapshot), nothing committed is lost (the library only grows
from just before the crash to just after it), and the next sync completes the library.

Kill points: deterministic pseudo-random delays (fixed seed) over the length of a full sync,
measured first. Rounds alternate between an empty library (first syncs) and a library whose
playlists were changed and part of whose artists and features were forgotten (incremental syncs
that rewrite memberships). The PostgreSQL restarts need LW_PGDATA/LW_PGPORT of the cluster
(exported by tools/lib.sh lw_setup_cluster) and are skipped with a note without them.
"""
import json
import os
import random
import signal
import subprocess
import urllib.request

from e2e import LW_INGEST, ROOT, Env, load_library

# SIGKILLs of lw-ingest and PostgreSQL crash-restarts. The ASan/UBSan pass of the e2e suite (a
# slower binary; the crash points themselves are the same code) takes fewer of both.
ASAN = "/asan/" in LW_INGEST
KILLS = int(os.environ.get("E2E_CRASH_KILLS", "5" if ASAN else "14"))
RESTARTS = 1 if ASAN else 2
SEED = 20261126
# a killed client's server session may still hold the ingest lock for a moment (until it notices
# the closed socket); the next run waits for it instead of refusing to start
WAIT = {"LW_WAIT_LOCK": "1"}

env = Env("crash")
lib = load_library()
rng = random.Random(SEED)
L = "listen_wiseer."
LIBRARY_TABLES = ", ".join(L + t for t in ("users", "artists", "tracks", "track_artists", "playlists",
                                           "playlist_tracks", "liked_tracks", "audio_features"))
with_features = {t["id"] for t in lib["tracks"] if t["features"] is not None}
liked = sorted(x["track"] for x in lib["liked"])

# committed means durable here: the test cluster runs with synchronous_commit = off (a crash may
# lose the last fraction of a second of commits: PostgreSQL's documented trade, not ours)
env.q("ALTER DATABASE %s SET synchronous_commit = on" % env.db)

can_restart = bool(os.environ.get("LW_PGDATA")) and os.environ.get("LW_PGPORT") == os.environ.get("PGPORT")
if not can_restart:
    print("  crash: LW_PGDATA/LW_PGPORT do not name this cluster: PostgreSQL restarts skipped")
    RESTARTS = 0


# ---- what the mock served: (playlist, snapshot) -> sorted track ids of the membership
def api_get(url):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + env.tokens["access_token"]})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


served = {}
for p in lib["playlists"]:
    served[(p["id"], p["snapshot_id"])] = sorted(it["track"] for it in p["items"] if "track" in it)
current = {p["id"]: p["snapshot_id"] for p in lib["playlists"]}


def record_served(pid):
    """Read a playlist's items from the mock as lw-ingest would and remember them."""
    snap = api_get(env.base + "/v1/playlists/" + pid)["snapshot_id"]
    url, ids = env.base + "/v1/playlists/%s/items?limit=50&additional_types=track,episode" % pid, []
    while url:
        page = api_get(url)
        for it in page["items"]:
            t = it.get("item")
            if t and not it.get("is_local") and t.get("type") == "track" and t.get("id"):
                ids.append(t["id"])
        url = page["next"]
    served[(pid, snap)] = sorted(ids)
    current[pid] = snap


# ---- checks
def no_half_written(tag):
    rows = env.q("SELECT p.playlist_id, p.snapshot_id, COALESCE((SELECT string_agg(t.track_id, ',' ORDER BY t.track_id)"
                 " FROM %splaylist_tracks t WHERE t.playlist_id = p.playlist_id AND t.removed_at IS NULL), '')"
                 " FROM %splaylists p WHERE p.snapshot_id IS NOT NULL" % (L, L))
    bad = []
    for pid, snap, ids in rows:
        want = served.get((pid, snap))
        got = sorted(ids.split(",")) if ids else []
        if want is None or got != want:
            bad.append("%s@%s: %d rows, served %s" % (pid, snap[:12], len(got),
                                                      "never" if want is None else len(want)))
    return env.eq(bad, [], "%s: every stored snapshot_id has exactly its served membership" % tag)


def progress():
    """Counters a sync only ever raises (within a round), and the runs left 'running'."""
    return [int(x) for x in env.q(
        "SELECT (SELECT count(*) FROM %splaylists WHERE snapshot_id IS NOT NULL),"
        " (SELECT count(*) FROM %stracks), (SELECT count(*) FROM %sliked_tracks WHERE removed_at IS NULL),"
        " (SELECT count(*) FROM %sartists WHERE genres_fetched_at IS NOT NULL),"
        " (SELECT count(*) FROM %saudio_features), (SELECT count(*) FROM %singest_runs),"
        " (SELECT count(*) FROM %singest_runs WHERE status = 'running')" % ((L,) * 7))[0]]


def complete(tag):
    env.eq(env.q("SELECT playlist_id, snapshot_id FROM %splaylists ORDER BY 1" % L),
           sorted([k, v] for k, v in current.items()), tag + ": every playlist at the mock's snapshot")
    no_half_written(tag)
    env.eq([r[0] for r in env.q("SELECT track_id FROM %sliked_tracks WHERE removed_at IS NULL ORDER BY 1" % L)],
           liked, tag + ": liked songs")
    env.eq(env.qi("SELECT count(*) FROM %sartists WHERE genres_fetched_at IS NULL" % L), 0, tag + ": artists fetched")
    stored = {r[0] for r in env.q("SELECT track_id FROM %stracks" % L)}
    env.eq(env.qi("SELECT count(*) FROM %saudio_features" % L), len(stored & with_features), tag + ": features")
    env.eq(env.last_run()["status"], "ok", tag + ": run status")


def new_round(n):
    """Even rounds: an empty library. Odd rounds: changed playlists, part of the work forgotten."""
    if n % 2 == 0:
        env.q("TRUNCATE %s CASCADE" % LIBRARY_TABLES)
        return "empty library"
    for p in rng.sample(lib["playlists"], 3):
        env.mutate({"playlist": p["id"], "add": rng.randint(1, 5), "remove": rng.randint(1, 5)})
        record_served(p["id"])
    env.q("UPDATE %sartists SET genres = NULL, genres_fetched_at = NULL WHERE hashtext(artist_id || '%d') %% 3 = 0;"
          " DELETE FROM %saudio_features WHERE hashtext(track_id || '%d') %% 3 = 0;"
          " UPDATE %stracks t SET features_checked_at = NULL WHERE NOT EXISTS"
          " (SELECT 1 FROM %saudio_features f WHERE f.track_id = t.track_id)" % (L, n, L, n, L, L))
    return "3 playlists changed, a third of artists and features forgotten"


# ---- calibration: how long a whole sync of each kind of round takes
rc, err, length_empty = env.sync(extra_env=WAIT)
env.eq(rc, 0, "calibration sync, empty library")
complete("calibration, empty library")
new_round(1)
rc, err, length_changed = env.sync(extra_env=WAIT)
env.eq(rc, 0, "calibration sync, changed library")
complete("calibration, changed library")
print("  crash: a whole sync takes %.2f s (empty library), %.2f s (changed library)"
      % (length_empty, length_changed))

# A run resumes the work of the killed one and redoes a little (the playlist listing, liked
# songs): each kill point is drawn over what is left of the round; with less than REDO seconds
# left the run is let through, which ends the round.
REDO = 0.25
kills = restarts = completed = 0
rnd = 0
what = new_round(rnd)
left = length_empty
restart_at = sorted(rng.sample(range(2, KILLS + RESTARTS), RESTARTS))
cycle = 0


def end_round(p, tag, err=None):
    global completed, rnd, what, left
    if err is None:
        _, err = p.communicate(timeout=120)
    ok = env.eq(p.returncode, 0, "round %d (%s): %s: %s" % (rnd, what, tag, err.strip()[-300:]))
    complete("round %d (%s)" % (rnd, what))
    completed += 1
    rnd += 1
    what = new_round(rnd)
    left = length_empty if rnd % 2 == 0 else length_changed
    return ok


while (kills < KILLS or restarts < RESTARTS) and cycle < 4 * (KILLS + RESTARTS):
    cycle += 1
    p = env.start("sync", extra_env=WAIT)
    if left < REDO:
        if not end_round(p, "the run let through"):
            break
        continue
    crash_pg = restarts < RESTARTS and kills + restarts >= restart_at[restarts]
    delay = rng.uniform(0.02, left)
    left -= delay - REDO
    try:
        p.wait(delay)
    except subprocess.TimeoutExpired:
        pass
    if p.poll() is not None:
        if not end_round(p, "the run ended before its crash point"):
            break
        continue
    before = progress()
    if crash_pg:
        r = subprocess.run([os.path.join(ROOT, "tools", "cluster.sh"), "restart-immediate"],
                           capture_output=True, text=True, timeout=120)
        env.eq(r.returncode, 0, "PostgreSQL crash-restart: %s" % r.stderr.strip())
        _, err = p.communicate(timeout=60)
        if p.returncode == 0:   # it ended while the server was going down
            end_round(p, "the run ended just before the restart", err)
            continue
        env.eq(p.returncode, 1, "restart at %.2fs: lw-ingest exit code after losing the server" % delay)
        env.check(any(w in err.lower() for w in ("database", "connection", "server")),
                  "restart at %.2fs: says the database went away: %r" % (delay, err.strip()[-200:]))
        restarts += 1
        tag = "PostgreSQL restart %d at %.2fs (round %d)" % (restarts, delay, rnd)
    else:
        p.send_signal(signal.SIGKILL)
        _, err = p.communicate(timeout=60)
        if p.returncode == 0:   # it ended between the check above and the signal
            end_round(p, "the run ended just before its kill", err)
            continue
        env.eq(p.returncode, -signal.SIGKILL, "killed at %.2fs" % delay)
        kills += 1
        tag = "kill %d at %.2fs (round %d)" % (kills, delay, rnd)
    after = progress()
    env.check(all(a >= b for a, b in zip(after[:-1], before[:-1])),
              "%s: nothing committed was lost (before %s, after %s)" % (tag, before, after))
    no_half_written(tag)
    # (0 when it died before recording its start; never older ones: each run closes them)
    env.check(after[-1] <= 1, "%s: only the dead run's row is left 'running' (%d)" % (tag, after[-1]))

env.eq((kills, restarts), (KILLS, RESTARTS), "crash points reached")
rc, err, _ = env.sync(extra_env=WAIT)
env.eq(rc, 0, "the sync after the last crash: %s" % err.strip()[-300:])
complete("final")
env.eq(env.qi("SELECT count(*) FROM %singest_runs WHERE status NOT IN ('ok', 'failed')" % L), 0,
       "every dead run was closed as failed")
print("  crash: %d kills, %d PostgreSQL restarts, %d rounds completed between them" % (kills, restarts, completed))
env.finish()
