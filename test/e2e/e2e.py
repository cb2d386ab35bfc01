"""Helpers for the lw-ingest end-to-end tests (Python standard library only).

A test builds an Env: it starts the mock Spotify (tools/mock/spotify_mock.py) on an ephemeral
port with the shared demo library, mints tokens through the mock's control API, writes a token
file, and runs the REAL lw-ingest binary ($LW_INGEST) against the database named by
$LW_E2E_DB (created fresh by run.sh with CREATE EXTENSION listen_wiseer) on the cluster given
by PGHOST/PGPORT/PGUSER. Checks count passes and failures; finish() prints them and exits.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MOCK = os.path.join(ROOT, "tools", "mock", "spotify_mock.py")
GENERATOR = os.path.join(ROOT, "tools", "mock", "generate_library.py")
LW_INGEST = os.environ.get("LW_INGEST", os.path.join(ROOT, "ingestor", "lw-ingest"))
# e.g. "valgrind --error-exitcode=1 --leak-check=full" (test/e2e/valgrind_sync.sh)
WRAPPER = os.environ.get("LW_INGEST_WRAPPER", "").split()
# small library with every oddity: duplicates, local files, an episode, null items,
# followed playlists (one collaborative), tracks without features
LIB_ARGS = os.environ.get("E2E_LIB_ARGS", "--seed 42 --tracks 1200 --playlists 20").split()
CLIENT_ID = "lw-test-client"
CLIENT_SECRET = "lw-test-secret"


def library_path():
    """Generate the demo library once per run (cached in E2E_CACHE or the temp dir)."""
    cache = os.environ.get("E2E_CACHE", tempfile.gettempdir())
    name = "lw-e2e-lib-" + "-".join(a.strip("-") for a in LIB_ARGS) + ".json"
    path = os.path.join(cache, name)
    if not os.path.exists(path):
        tmp = path + ".%d.tmp" % os.getpid()
        subprocess.run([sys.executable, GENERATOR] + LIB_ARGS + ["--out", tmp], check=True,
                       timeout=120)
        os.replace(tmp, path)
    return path


def load_library():
    with open(library_path()) as f:
        return json.load(f)


class Env:
    def __init__(self, name, mode="extended", config=None, library=None, db_user=None, scope=None):
        self.name = name
        self.scope = scope      # scope of the minted login (None: the mock's default)
        # lw-ingest connects as this role (PGUSER) when set; psql in q() stays the superuser
        self.db_user = db_user
        self.passed = 0
        self.failed = 0
        self.tmp = tempfile.mkdtemp(prefix="lw-e2e-%s-" % name)
        self.db = os.environ.get("LW_E2E_DB") or os.environ.get("PGDATABASE")
        if not self.db:
            raise SystemExit("LW_E2E_DB is not set (run through test/e2e/run.sh)")
        self.library_file = library or library_path()
        self.mock = None
        atexit.register(self.stop_mock)     # also when a test dies with an exception
        self.start_mock(mode, config)
        self.token_file = os.path.join(self.tmp, "token.json")
        self.login()

    # ---- mock ----
    def start_mock(self, mode="extended", config=None):
        port_file = os.path.join(self.tmp, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        args = [sys.executable, MOCK, "--library", self.library_file, "--port", "0",
                "--port-file", port_file, "--mode", mode]
        if config:
            args += ["--config", json.dumps(config)]
        self.mock_log = open(os.path.join(self.tmp, "mock.log"), "ab")
        self.mock = subprocess.Popen(args, stdout=self.mock_log, stderr=self.mock_log)
        deadline = time.time() + 60
        while not os.path.exists(port_file):
            if self.mock.poll() is not None or time.time() > deadline:
                raise SystemExit("mock did not start (see %s/mock.log)" % self.tmp)
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.base = "http://127.0.0.1:%d" % self.port

    def stop_mock(self):
        if self.mock and self.mock.poll() is None:
            self.mock.terminate()
            try:
                self.mock.wait(10)
            except subprocess.TimeoutExpired:
                self.mock.kill()
        self.mock = None

    def http(self, method, path, doc=None):
        data = None if doc is None else json.dumps(doc).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def config(self, doc):
        return self.http("POST", "/_mock/config", doc)

    def stats(self):
        return self.http("GET", "/_mock/stats")

    def reset_stats(self):
        """Zero the counters without undoing library mutations or switches we set."""
        cfg = self.http("GET", "/_mock/config")
        self.http("POST", "/_mock/reset", {"tokens": False, "library": False})
        keep = {k: v for k, v in cfg.items() if k not in ("fail",)}
        self.config(keep)

    def mutate(self, doc):
        return self.http("POST", "/_mock/mutate", doc)

    def login(self, pkce=True):
        """Mint tokens as if a login happened and write the token file lw-ingest reads."""
        tok = self.http("POST", "/_mock/token", dict({"pkce": pkce}, **({"scope": self.scope} if self.scope else {})))
        now = int(time.time())
        doc = {
            "access_token": tok["access_token"],
            "refresh_token": tok["refresh_token"],
            "expires_at": now + int(tok.get("expires_in", 3600)),
            "scope": tok.get("scope", ""),
            "auth_mode": "pkce" if pkce else "code",
            "authorized_at": now,
        }
        with open(self.token_file, "w") as f:
            json.dump(doc, f)
        os.chmod(self.token_file, 0o600)
        self.tokens = doc
        return doc

    def token_doc(self):
        with open(self.token_file) as f:
            return json.load(f)

    # ---- lw-ingest ----
    def env(self, extra=None):
        e = dict(os.environ)
        for k in ("SPOTIFY_REFRESH_TOKEN", "SPOTIFY_CLIENT_SECRET", "LW_WAIT_LOCK", "LW_OVERWRITE"):
            e.pop(k, None)
        e.update({
            "SPOTIFY_CLIENT_ID": CLIENT_ID,
            "SPOTIFY_API_URL": self.base + "/v1",
            "SPOTIFY_ACCOUNTS_URL": self.base,
            "LW_TOKEN_FILE": self.token_file,
            "LW_BACKOFF_MS": "20",
            "LW_PACE_MS": "0",
            "LW_MAX_ATTEMPTS": "4",
            "LW_BUDGET": "20",
            "LW_REQUEST_TIMEOUT": "20",
            "LW_CONNECT_TIMEOUT": "5",
            # enrichment talks to other services: off unless a test starts their mock
            # (EnrichEnv in enrich_e2e.py switches it on)
            "LW_ENRICH": "0",
        })
        if self.db_user:
            e["PGUSER"] = self.db_user
        if extra:
            e.update(extra)
        return e

    def run(self, *args, extra_env=None, timeout=120):
        """Run lw-ingest; returns (exit code, stderr text, seconds)."""
        t0 = time.time()
        p = subprocess.run(WRAPPER + [LW_INGEST] + list(args) + ["--dbname", self.db],
                           env=self.env(extra_env), capture_output=True, text=True,
                           timeout=timeout)
        dt = time.time() - t0
        with open(os.path.join(self.tmp, "lw-ingest.log"), "a") as f:
            f.write("$ lw-ingest %s -> %d (%.2fs)\n%s\n" % (" ".join(args), p.returncode, dt,
                                                           p.stderr))
        return p.returncode, p.stderr, dt

    def start(self, *args, extra_env=None):
        """Start lw-ingest in the background; returns the Popen (stderr captured)."""
        return subprocess.Popen(WRAPPER + [LW_INGEST] + list(args) + ["--dbname", self.db],
                                env=self.env(extra_env), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)

    def sync(self, *args, **kw):
        return self.run("sync", *args, **kw)

    # ---- database ----
    def q(self, sql):
        """Rows of a query as lists of strings (NULL -> None)."""
        p = subprocess.run(["psql", "-X", "-q", "-d", self.db, "-v", "ON_ERROR_STOP=1",
                            "-tA", "-F", "\x1f", "-P", "null=\x1e", "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("psql failed: %s\n%s" % (sql, p.stderr))
        rows = []
        for line in p.stdout.split("\n"):
            if line == "":
                continue
            rows.append([None if c == "\x1e" else c for c in line.split("\x1f")])
        return rows

    def q1(self, sql):
        rows = self.q(sql)
        return rows[0][0] if rows else None

    def qi(self, sql):
        v = self.q1(sql)
        return None if v is None else int(v)

    def snapshot_tables(self, versions=False):
        """Every library table's full content (for 'nothing changed' checks); with versions,
        each row's xmin too, so a rewrite with identical values counts as a change."""
        out = {}
        for t, key in [("users", "user_id"), ("artists", "artist_id"), ("tracks", "track_id"),
                       ("track_artists", "track_id, position"), ("playlists", "playlist_id"),
                       ("playlist_tracks", "playlist_id, track_id, occurrence"),
                       ("liked_tracks", "track_id"), ("audio_features", "track_id"),
                       ("capabilities", "capability")]:
            out[t] = self.q("SELECT %sx::text FROM listen_wiseer.%s x ORDER BY %s"
                            % ("x.xmin::text, " if versions else "", t, key))
        return out

    def drop_roles_at_exit(self, *roles):
        """Drop these roles (and what they own) when the test ends, however it ends."""
        def drop():
            for r in roles:
                try:
                    self.q("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN"
                           " DROP OWNED BY %s CASCADE; DROP ROLE %s; END IF; END $$" % (r, r, r))
                except RuntimeError as e:
                    print("  warning: could not drop role %s: %s" % (r, e))
        atexit.register(drop)

    def last_run(self):
        r = self.q("SELECT status, counts::text, capabilities::text, warnings::text, error, command"
                   " FROM listen_wiseer.ingest_runs ORDER BY run_id DESC LIMIT 1")
        if not r:
            return None
        s, counts, caps, warnings, error, command = r[0]
        return {"status": s, "counts": json.loads(counts), "capabilities": json.loads(caps),
                "warnings": warnings, "error": error, "command": command}

    # ---- checks ----
    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("  FAIL %s: %s" % (self.name, what))
        return cond

    def eq(self, actual, expected, what):
        return self.check(actual == expected, "%s: got %r, expected %r" % (what, actual, expected))

    def finish(self):
        self.stop_mock()
        print("%s: %d passed, %d failed%s" % (self.name, self.passed, self.failed,
                                             "" if not self.failed else "  (logs in %s)" % self.tmp))
        if not self.failed and not os.environ.get("E2E_KEEP"):
            self.mock_log.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
        sys.exit(1 if self.failed else 0)


def expected_library(lib, user_id=None):
    """Ground truth from the generator's JSON: what a complete sync must store."""
    user_id = user_id or lib["user"]["id"]
    tracks = {t["id"]: t for t in lib["tracks"]}
    members = {}
    skipped = {"local": 0, "episode": 0, "unavailable": 0}
    seen_tracks = set()
    for p in lib["playlists"]:
        ids = []
        for it in p["items"]:
            if "track" in it:
                ids.append(it["track"])
            elif "local" in it:
                skipped["local"] += 1
            elif "episode" in it:
                skipped["episode"] += 1
            else:
                skipped["unavailable"] += 1
        members[p["id"]] = ids
        seen_tracks.update(ids)
    liked = [l["track"] for l in lib["liked"]]
    seen_tracks.update(liked)
    artists = set()
    for t in seen_tracks:
        artists.update(tracks[t]["artist_ids"])
    with_features = {t for t in seen_tracks if tracks[t]["features"] is not None}
    return {"tracks": tracks, "members": members, "skipped": skipped, "seen_tracks": seen_tracks,
            "liked": liked, "artists": artists, "with_features": with_features,
            "artist_objs": {a["id"]: a for a in lib["artists"]}}
