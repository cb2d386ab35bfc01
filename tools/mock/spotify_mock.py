#!/usr/bin/env python3
"""Mock Spotify accounts service + Web API on one loopback port. Contract: tools/mock/README.md.

    spotify_mock.py --library lib.json --port 0 --port-file PATH [--mode extended|dev-2024|dev-2026]
"""

import argparse
import copy
import fnmatch
import json
import math
import os
import re
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mock_auth import Auth, TokenError  # noqa: E402
from mock_objects import ID_RE, Library, Shapes  # noqa: E402
import mock_write  # noqa: E402
from mock_server import Server, serve_until_signal, write_port_file  # noqa: E402

MODES = ("extended", "dev-2024", "dev-2026")
DEFAULTS = {
    "mode": "extended",
    "access_token_ttl": 3600,
    "refresh_token_ttl": 15552000,
    "rotate_refresh": False,
    "grant_scope": None,
    "authorize": {"deny": False, "state": "echo"},
    "names": "both",
    "forbid_items": [],
    "null_audio_features": [],
    "genres": "auto",
    "premium_required": False,
    "hostile": {"names": {}, "genres": {}, "credits": {}},
    "rate_limit": {"budget": 0, "window": 30, "path": None, "retry_after": "normal", "reason": None,
                   "body": "json", "penalty": False},
    "fail": {"count": 0, "status": 503, "path": None, "body": "json", "skip": 0, "kind": "status", "hang": 30},
}
FAULT_KINDS = ("status", "drop", "truncate", "garbage", "hang")
GARBAGE = b"<html><head><title>502 Bad Gateway</title></head><body>upstream said: \x00\xff</body></html>"
FAULT_MESSAGES = {500: "Server error.", 502: "Bad gateway.", 503: "Service unavailable", 504: "Gateway timeout"}
PREMIUM_MSG = ("Active premium subscription required for the owner of the app. When the subscription "
               "status changes, it can take a few hours before requests are allowed again.")
S_PRIVATE, S_LIBRARY, S_TOP = "playlist-read-private", "user-library-read", "user-top-read"


def merge(base, patch, defaults):
    """Deep merge: objects merge, other values replace, null resets to the default."""
    for k, v in patch.items():
        if v is None:
            base[k] = copy.deepcopy(defaults.get(k)) if isinstance(defaults, dict) else None
        elif isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v, defaults.get(k, {}) if isinstance(defaults, dict) else {})
        else:
            base[k] = copy.deepcopy(v)
    return base


def path_matches(pattern, path):
    if not pattern:
        return True
    if "*" in pattern:
        return fnmatch.fnmatchcase(path, pattern)
    return path.startswith(pattern)


class ApiError(Exception):
    def __init__(self, status, message, reason=None, headers=None, empty=False, kind="status", hang=0):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason
        self.headers, self.empty = headers or {}, empty
        self.kind, self.hang = kind, hang  # fault kind (README section 4)


# Routes: (regex, template, handler, restrictions). Restrictions: dev-2024 / dev-2026 status codes.
# GET routes in ROUTES; the others (mock_write.py) in WRITE_ROUTES[method].
ROUTES = []
WRITE_ROUTES = {}


def route(pattern, template, d2024=None, d2026=None, method="GET"):
    def deco(fn):
        table = ROUTES if method == "GET" else WRITE_ROUTES.setdefault(method, [])
        table.append((re.compile("^" + pattern + "$"), template, fn, d2024, d2026))
        return fn
    return deco


class Mock:
    def __init__(self, lib, client_id, client_secret, redirect_uris, start_cfg, verbose=False):
        self.lib = Library(lib)
        self.auth = Auth(client_id, client_secret, redirect_uris)
        self.start_cfg = start_cfg
        self.cfg = copy.deepcopy(start_cfg)
        self.verbose = verbose
        self.lock = threading.RLock()
        self.port = None
        self.reset_counters()

    def reset_counters(self):
        self.stats = {"requests_total": 0, "by_endpoint": {}, "by_endpoint_status": {}, "by_path_status": {},
                      "by_status": {}, "rate_limited": 0, "faults_served": 0}
        self.windows = {}
        self.penalty_until = 0.0
        self.auth.reset_counters()

    def record(self, method, template, path, status):
        with self.lock:
            s = self.stats
            s["requests_total"] += 1
            ep = "%s %s" % (method, template)
            s["by_endpoint"][ep] = s["by_endpoint"].get(ep, 0) + 1
            k = "%s %d" % (ep, status)
            s["by_endpoint_status"][k] = s["by_endpoint_status"].get(k, 0) + 1
            k = "%s %d" % (path, status)
            s["by_path_status"][k] = s["by_path_status"].get(k, 0) + 1
            k = str(status)
            s["by_status"][k] = s["by_status"].get(k, 0) + 1

    def stats_doc(self):
        with self.lock:
            d = copy.deepcopy(self.stats)
            d["tokens_issued"] = dict(self.auth.issued)
            d["refreshes"] = self.auth.refreshes
            return d

    # ---------------------------------------------------------------- faults and rate limits
    def fault(self, path):
        """Called with the lock held. Returns an ApiError to send or None."""
        f = self.cfg["fail"]
        if int(f.get("count") or 0) <= 0 or not path_matches(f.get("path"), path):
            return None
        kind = f.get("kind") or "status"
        if kind != "status" and not path.startswith("/v1"):
            return None     # the other kinds are for API answers only
        if int(f.get("skip") or 0) > 0:
            f["skip"] = int(f["skip"]) - 1
            return None
        f["count"] = int(f["count"]) - 1
        self.stats["faults_served"] += 1
        st = int(f.get("status") or 503)
        return ApiError(st, FAULT_MESSAGES.get(st, "Server error."), empty=f.get("body") == "empty",
                        kind=kind, hang=float(f.get("hang") or 0))

    def rate_limit(self, client, path):
        rl = self.cfg["rate_limit"]
        budget = int(rl.get("budget") or 0)
        if budget <= 0 or not path_matches(rl.get("path"), path):
            return None
        window = float(rl.get("window") or 30)
        now = time.time()
        q = self.windows.setdefault(client, deque())
        while q and q[0] <= now - window:
            q.popleft()
        limited = len(q) >= budget or now < self.penalty_until
        if not limited:
            q.append(now)
            return None
        wait = q[0] + window - now if len(q) >= budget else 0
        if rl.get("penalty"):
            wait = max(wait, self.penalty_until - now)
            self.penalty_until = now + 2 * max(wait, 1)
            wait = self.penalty_until - now
        secs = max(1, int(math.ceil(wait)))
        mode = rl.get("retry_after", "normal")
        headers = {}
        if isinstance(mode, int) and not isinstance(mode, bool):
            headers["Retry-After"] = str(mode)
        elif mode == "normal":
            headers["Retry-After"] = str(secs)
        elif mode == "zero":
            headers["Retry-After"] = "0"
        elif mode == "lowercase":
            headers["retry-after"] = str(secs)
        elif mode == "huge":
            headers["Retry-After"] = "86400"
        self.stats["rate_limited"] += 1
        return ApiError(429, "API rate limit exceeded", reason=rl.get("reason"), headers=headers,
                        empty=rl.get("body") == "empty")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small responses otherwise wait ~40 ms for a delayed ACK (Nagle); a real server sends at once.
    disable_nagle_algorithm = True
    server_version = "SpotifyMock/1.0"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):  # silence the default access log
        pass

    # ---------------------------------------------------------------- plumbing
    @property
    def mock(self):
        return self.server.mock

    def origin(self):
        return "http://127.0.0.1:%d" % self.mock.port

    def send(self, status, body=b"", ctype="application/json; charset=utf-8", headers=None):
        mangle = self._mangle
        if isinstance(body, (dict, list)):
            # backslashreplace: a lone surrogate (a "hostile" switch value echoed by /_mock/config)
            # becomes its JSON escape instead of an encoding error
            body = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")
            body = Shapes.raw_substitute(body, self.mock.cfg)   # the "hostile" switch
        elif isinstance(body, str):
            body = body.encode()
        length = len(body)
        if mangle == "truncate":    # a complete HTTP answer whose JSON stops half-way
            body = body[:len(body) // 2]
            length = len(body)
        elif mangle == "drop":      # announce the whole body, send half, hang up
            body = body[:len(body) // 2]
            self.close_connection = True
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        self._status = status

    def send_api_error(self, e):
        if e.kind == "hang":        # say nothing, then hang up
            self.close_connection = True
            time.sleep(e.hang)
            return
        if e.kind == "garbage":
            return self.send(200, GARBAGE, ctype="text/html")
        if e.empty:
            return self.send(e.status, b"", headers=e.headers)
        err = {"status": e.status, "message": e.message}
        if e.reason:
            err["reason"] = e.reason
        self.send(e.status, {"error": err}, headers=e.headers)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def handle_one(self):
        t0 = time.time()
        self._status = 0
        self._mangle = None
        u = urlsplit(self.path)
        path = u.path
        self._pairs = parse_qsl(u.query, keep_blank_values=True)
        self._q = dict(self._pairs)
        self._template = "(unknown)"
        control = path.startswith("/_mock/")
        try:
            if control:
                self._template = path
                self.control(path)
            elif path in ("/authorize", "/api/token"):
                self._template = path
                if path == "/authorize":
                    self.do_authorize(path)
                else:
                    self.do_token(path)
            elif path.startswith("/v1/") or path == "/v1":
                self.api(path)
            else:
                self.read_body()
                self.send_api_error(ApiError(404, "Service not found"))
        except ApiError as e:
            self.send_api_error(e)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return
        except Exception as e:  # a bug in the mock: answer 500 and say so on stderr
            sys.stderr.write("spotify_mock: internal error on %s %s: %r\n" % (self.command, path, e))
            import traceback
            traceback.print_exc()
            if not self._status:
                self.send_api_error(ApiError(500, "Mock internal error"))
        if not control:
            self.mock.record(self.command, self._template, path, self._status)
        if self.mock.verbose:
            sys.stderr.write("%s %s %d %.1fms\n" % (self.command, path, self._status, (time.time() - t0) * 1000))

    do_GET = do_POST = do_PUT = do_DELETE = handle_one

    # ---------------------------------------------------------------- accounts
    def do_authorize(self, path):
        self.read_body()
        if self.command != "GET":
            raise ApiError(405, "Method not allowed")
        m = self.mock
        with m.lock:
            st, headers, text = m.auth.authorize(self._q, m.cfg)
        self.send(st, text, ctype="text/plain; charset=utf-8", headers=headers)

    def do_token(self, path):
        body = self.read_body()
        m = self.mock
        with m.lock:
            e = m.fault(path)
        if e:
            return self.send_api_error(e)
        if self.command != "POST":
            raise ApiError(405, "Method not allowed")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return self.send(400, {"error": "invalid_request",
                                   "error_description": "Content-Type must be application/x-www-form-urlencoded"})
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        with m.lock:
            try:
                out = m.auth.token(self.headers, form, m.cfg)
            except TokenError as te:
                return self.send(te.status, {"error": te.error, "error_description": te.description})
        self.send(200, out)

    # ---------------------------------------------------------------- API
    def api(self, path):
        self._body = self.read_body()
        m = self.mock
        for rx, template, fn, d2024, d2026 in (ROUTES if self.command == "GET" else
                                               WRITE_ROUTES.get(self.command, [])):
            mt = rx.match(path)
            if mt:
                break
        else:
            with m.lock:
                e = m.fault(path)
            if e and e.kind in ("drop", "truncate"):
                self._mangle, e = e.kind, None
            known = any(r[0].match(path) for t in [ROUTES] + list(WRITE_ROUTES.values()) for r in t)
            raise e or ApiError(405 if known else 404, "Method not allowed" if known else "Service not found")
        self._template = template
        with m.lock:
            e = m.fault(path)
        if e and e.kind in ("drop", "truncate"):
            self._mangle = e.kind   # applied to whatever the answer is (send)
        elif e:
            raise e
        with m.lock:
            tok, msg = m.auth.check(self.headers.get("Authorization"))
        if tok is None:
            hdr = 'Bearer realm="spotify", error="invalid_token", error_description="%s"' % msg
            raise ApiError(401, msg, headers={"WWW-Authenticate": hdr})
        with m.lock:
            e = m.rate_limit(m.auth.client_id, path)
            cfg = copy.deepcopy(m.cfg)
        if e:
            raise e
        if cfg.get("premium_required"):
            raise ApiError(403, PREMIUM_MSG)
        mode = cfg["mode"]
        if mode in ("dev-2024", "dev-2026") and d2024:
            raise ApiError(d2024, "Forbidden" if d2024 == 403 else "Service not found")
        if mode == "dev-2026" and d2026 and (d2026 != "batch" or "ids" in self._q):
            raise ApiError(403, "Forbidden")
        self.tok = tok
        self.cfg = cfg
        self.shapes = Shapes(m.lib, self.origin(), cfg)
        with m.lock:  # the library's playlists can be mutated concurrently
            body = fn(self, *mt.groups())
        status, body = body if isinstance(body, tuple) else (200, body)
        self.send(status, body)

    def need_user(self):
        if not self.tok["user"]:
            raise ApiError(401, "This request requires user authentication.")

    def need_scope(self, scope):
        self.need_user()
        if scope not in self.tok["scope"]:
            raise ApiError(403, "Insufficient client scope")

    def int_param(self, name, default, lo, hi, message):
        v = self._q.get(name)
        if v is None:
            return default
        try:
            n = int(v)
        except ValueError:
            raise ApiError(400, message)
        if n < lo or n > hi:
            raise ApiError(400, message)
        return n

    def page(self, path, items, default_limit, max_limit, max_offset=10 ** 9, convert=None):
        limit = self.int_param("limit", default_limit, 1, max_limit, "Invalid limit")
        offset = self.int_param("offset", 0, 0, max_offset, "Invalid offset")
        total = len(items)
        chunk = items[offset:offset + limit]
        if convert:
            chunk = [convert(x) for x in chunk]
        keep = [(k, v) for k, v in self._pairs if k not in ("offset", "limit")]

        def url(off):
            return "%s%s?%s" % (self.origin(), path, urlencode(keep + [("offset", off), ("limit", limit)]))
        return {"href": url(offset), "items": chunk, "limit": limit,
                "next": url(offset + limit) if offset + limit < total else None,
                "offset": offset, "previous": url(max(0, offset - limit)) if offset > 0 else None,
                "total": total}

    def ids_param(self, maximum):
        raw = self._q.get("ids")
        if raw is None or raw.strip() == "":
            raise ApiError(400, "invalid request")
        ids = [x.strip() for x in raw.split(",")]
        if len(ids) > maximum:
            raise ApiError(400, "too many ids requested")
        for i in ids:
            if not ID_RE.match(i):
                raise ApiError(400, "invalid id")
        return ids

    def one_id(self, i, table):
        if not ID_RE.match(i):
            raise ApiError(400, "invalid id")
        if i not in table:
            raise ApiError(404, "Resource not found")
        return i

    def playlist(self, pid):
        if not ID_RE.match(pid):
            raise ApiError(400, "invalid id")
        p = self.mock.lib.pl_by_id.get(pid)
        if p is None or p.get("deleted"):
            raise ApiError(404, "Resource not found")
        return p

    def items_allowed(self, p):
        if p["id"] in self.cfg["forbid_items"] or p["name"] in self.cfg["forbid_items"]:
            return False
        if self.cfg["mode"] == "dev-2026":
            return p["owner_id"] == self.mock.lib.user["id"] or p["collaborative"]
        return True

    def episodes_full(self):
        return "episode" in self._q.get("additional_types", "").split(",")


# -------------------------------------------------------------------- endpoint handlers
@route(r"/v1/me", "/v1/me")
def h_me(h):
    h.need_user()
    return h.shapes.me()


@route(r"/v1/me/playlists", "/v1/me/playlists")
def h_my_playlists(h):
    h.need_scope(S_PRIVATE)
    pls = [p for p in h.mock.lib.playlists if not p["unfollowed"]]
    return h.page("/v1/me/playlists", pls, 20, 50, 100000, h.shapes.playlist_simple)


@route(r"/v1/playlists/([^/]+)", "/v1/playlists/{id}")
def h_playlist(h, pid):
    p = h.playlist(pid)
    if not p["public"]:
        h.need_scope(S_PRIVATE)
    o = h.shapes.playlist_simple(p)
    o["followers"] = {"href": None, "total": p.get("followers", 0)}
    if h.items_allowed(p):
        legacy = h.cfg["names"] == "legacy"
        ef = h.episodes_full()
        items = p["items"]
        n = len(items)
        nxt = None
        if n > 100:
            nxt = "%s/v1/playlists/%s/%s?offset=100&limit=%d" % (h.origin(), pid, "tracks" if legacy else "items",
                                                                 100 if legacy else 50)
        emb = {"href": "%s/v1/playlists/%s/%s" % (h.origin(), pid, "tracks" if legacy else "items"),
               "items": [h.shapes.playlist_item(it, ef) for it in items[:100]], "limit": 100, "next": nxt,
               "offset": 0, "previous": None, "total": n}
    else:
        emb = None
    for key in ("items", "tracks"):
        if key in o and emb is not None:
            o[key] = dict(emb, href="%s/v1/playlists/%s/%s" % (h.origin(), pid, key))
    return o


def _items(h, pid, kind, max_limit):
    h.need_scope(S_PRIVATE)
    p = h.playlist(pid)
    if not h.items_allowed(p):
        raise ApiError(403, "Forbidden")
    ef = h.episodes_full()
    return h.page("/v1/playlists/%s/%s" % (pid, kind), p["items"], 20, max_limit,
                  convert=lambda it: h.shapes.playlist_item(it, ef))


@route(r"/v1/playlists/([^/]+)/items", "/v1/playlists/{id}/items")
def h_items(h, pid):
    return _items(h, pid, "items", 50)


@route(r"/v1/playlists/([^/]+)/tracks", "/v1/playlists/{id}/tracks", d2026=403)
def h_tracks_legacy(h, pid):
    return _items(h, pid, "tracks", 100)


@route(r"/v1/me/tracks", "/v1/me/tracks")
def h_liked(h):
    h.need_scope(S_LIBRARY)
    return h.page("/v1/me/tracks", h.mock.lib.liked, 20, 50,
                  convert=lambda l: {"added_at": l["added_at"], "track": h.shapes.track(l["track"])})


@route(r"/v1/me/top/(artists|tracks)", "/v1/me/top/{type}")
def h_top(h, kind):
    h.need_scope(S_TOP)
    tr = h._q.get("time_range", "medium_term")
    if tr not in ("short_term", "medium_term", "long_term"):
        raise ApiError(400, "Invalid time range")
    ids = h.mock.lib.top.get(kind, {}).get(tr, [])
    conv = h.shapes.artist_full if kind == "artists" else h.shapes.track
    return h.page("/v1/me/top/%s" % kind, ids, 20, 50, convert=conv)


@route(r"/v1/artists", "/v1/artists", d2026="batch")
def h_artists(h):
    ids = h.ids_param(50)
    a = h.mock.lib.artists
    return {"artists": [h.shapes.artist_full(i) if i in a else None for i in ids]}


@route(r"/v1/artists/([^/]+)", "/v1/artists/{id}")
def h_artist(h, aid):
    return h.shapes.artist_full(h.one_id(aid, h.mock.lib.artists))


@route(r"/v1/artists/([^/]+)/related-artists", "/v1/artists/{id}/related-artists", d2024=404)
def h_related(h, aid):
    lib = h.mock.lib
    a = lib.artists[h.one_id(aid, lib.artists)]
    same = [x for x in lib.theme_artists.get(a["theme"], []) if x != aid]
    same.sort(key=lambda x: (-lib.artists[x]["popularity"], x))
    return {"artists": [h.shapes.artist_full(x) for x in same[:20]]}


@route(r"/v1/artists/([^/]+)/top-tracks", "/v1/artists/{id}/top-tracks", d2026=403)
def h_artist_top(h, aid):
    lib = h.mock.lib
    h.one_id(aid, lib.artists)
    ts = sorted(lib.artist_tracks.get(aid, []), key=lambda t: (-lib.tracks[t]["popularity"], t))
    return {"tracks": [h.shapes.track(t) for t in ts[:10]]}


@route(r"/v1/tracks", "/v1/tracks", d2026="batch")
def h_tracks(h):
    ids = h.ids_param(50)
    t = h.mock.lib.tracks
    return {"tracks": [h.shapes.track(i) if i in t else None for i in ids]}


@route(r"/v1/tracks/([^/]+)", "/v1/tracks/{id}")
def h_track(h, tid):
    return h.shapes.track(h.one_id(tid, h.mock.lib.tracks))


def _has_features(h, tid):
    t = h.mock.lib.tracks.get(tid)
    return t is not None and t["features"] is not None and tid not in h.cfg["null_audio_features"]


@route(r"/v1/audio-features", "/v1/audio-features", d2024=403)
def h_features(h):
    ids = h.ids_param(100)
    return {"audio_features": [h.shapes.features(i) if _has_features(h, i) else None for i in ids]}


@route(r"/v1/audio-features/([^/]+)", "/v1/audio-features/{id}", d2024=403)
def h_feature(h, tid):
    h.one_id(tid, h.mock.lib.tracks)
    if not _has_features(h, tid):
        raise ApiError(404, "analysis not found")
    return h.shapes.features(tid)


@route(r"/v1/recommendations", "/v1/recommendations", d2024=404)
def h_recommendations(h):
    lib = h.mock.lib
    limit = h.int_param("limit", 20, 1, 100, "Invalid limit")
    seeds = []
    for key, kind in (("seed_artists", "artist"), ("seed_tracks", "track"), ("seed_genres", "genre")):
        for s in filter(None, h._q.get(key, "").split(",")):
            seeds.append((kind, s.strip()))
    if not 1 <= len(seeds) <= 5:
        raise ApiError(400, "Invalid request: between 1 and 5 seeds are required")
    themes = []
    for kind, s in seeds:
        if kind == "artist" and s in lib.artists:
            themes.append(lib.artists[s]["theme"])
        elif kind == "track" and s in lib.tracks:
            themes.append(lib.tracks[s]["theme"])
        elif kind == "genre" and s in lib.genre_themes:
            themes.append(lib.genre_themes[s])
        elif kind != "genre":
            raise ApiError(400, "invalid id")
    pool = []
    for th in dict.fromkeys(themes):
        pool += lib.theme_tracks.get(th, [])
    pool.sort(key=lambda t: (-lib.tracks[t]["popularity"], t))
    out = pool[:limit]
    return {"seeds": [{"afterFilteringSize": len(pool), "afterRelinkingSize": len(pool),
                       "href": h.shapes.href(k, s) if k != "genre" else None, "id": s,
                       "initialPoolSize": len(pool), "type": k.upper() if k == "genre" else k} for k, s in seeds],
            "tracks": [h.shapes.track(t) for t in out]}


mock_write.register(route, ApiError, DEFAULTS)


# -------------------------------------------------------------------- control API
def control(self, path):
    m = self.mock
    raw = self.read_body()
    if self.client_address[0] not in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        return self.send(403, {"error": "control API is loopback only"})
    try:
        doc = json.loads(raw.decode() or "{}") if raw.strip() else {}
        if not isinstance(doc, dict):
            raise ValueError("expected a JSON object")
    except ValueError as e:
        return self.send(400, {"error": "bad JSON: %s" % e})
    cmd = path[len("/_mock/"):].rstrip("/")
    get = self.command == "GET"
    with m.lock:
        if cmd == "config" and get:
            return self.send(200, m.cfg)
        if cmd == "stats" and get:
            return self.send(200, m.stats_doc())
        if cmd == "health" and get:
            return self.send(200, {"ok": True, "port": m.port, "mode": m.cfg["mode"]})
        if get:
            return self.send(405 if cmd in ("reset", "mutate", "revoke", "expire", "token") else 404,
                             {"error": "use POST" if cmd else "unknown control path"})
        if cmd == "config":
            new = merge(copy.deepcopy(m.cfg), doc, DEFAULTS)
            problem = validate(new)
            if problem:
                return self.send(400, {"error": problem})
            m.cfg = new
            return self.send(200, m.cfg)
        if cmd == "reset":
            m.cfg = copy.deepcopy(m.start_cfg)
            m.reset_counters()
            if doc.get("library", True):
                m.lib.reset()
            if doc.get("tokens", False):
                m.auth.clear_tokens()
            return self.send(200, {"ok": True})
        if cmd == "mutate":
            p = m.lib.find_playlist(str(doc.get("playlist", "")))
            if p is None:
                return self.send(404, {"error": "no such playlist"})
            try:
                out = m.lib.mutate(p, int(doc.get("add", 0)), int(doc.get("remove", 0)),
                                   doc.get("rename"), doc.get("unfollow"))
            except (TypeError, ValueError) as e:
                return self.send(400, {"error": str(e)})
            return self.send(200, out)
        if cmd == "revoke":
            m.auth.revoke(bool(doc.get("access")))
            return self.send(200, {"ok": True})
        if cmd == "expire":
            m.auth.expire()
            return self.send(200, {"ok": True})
        if cmd == "token":
            scope = doc.get("scope", "playlist-read-private playlist-read-collaborative user-library-read "
                                     "user-top-read")
            return self.send(200, m.auth.issue(m.cfg, " ".join(str(scope).split()), pkce=bool(doc.get("pkce", True))))
    return self.send(404, {"error": "unknown control path"})


Handler.control = control


def validate(cfg):
    if cfg.get("mode") not in MODES:
        return "mode must be one of %s" % ", ".join(MODES)
    if cfg.get("names") not in ("both", "2026", "legacy"):
        return "names must be both, 2026 or legacy"
    if cfg.get("genres") not in ("auto", "present", "absent", "empty"):
        return "genres must be auto, present, absent or empty"
    ra = cfg["rate_limit"].get("retry_after")
    if not (isinstance(ra, int) or ra in ("normal", "missing", "zero", "lowercase", "huge")):
        return "rate_limit.retry_after must be normal, missing, zero, lowercase, huge or an integer"
    if cfg["fail"].get("kind") not in FAULT_KINDS:
        return "fail.kind must be one of %s" % ", ".join(FAULT_KINDS)
    if cfg["authorize"].get("state") not in ("echo", "drop", "alter"):
        return "authorize.state must be echo, drop or alter"
    for k in ("access_token_ttl", "refresh_token_ttl"):
        if not isinstance(cfg.get(k), (int, float)) or isinstance(cfg.get(k), bool):
            return "%s must be a number of seconds" % k
    return None


def load_config_arg(s):
    if s is None:
        return {}
    if s.startswith("@"):
        with open(s[1:], encoding="utf-8") as f:
            s = f.read()
    d = json.loads(s)
    if not isinstance(d, dict):
        raise ValueError("--config must be a JSON object")
    return d


def main(argv=None):
    ap = argparse.ArgumentParser(description="Mock Spotify accounts service and Web API (loopback).")
    ap.add_argument("--library")
    ap.add_argument("--generate-seed", type=int, default=42)
    ap.add_argument("--generate-tracks", type=int, default=5000)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--mode", choices=MODES)
    ap.add_argument("--client-id", default="lw-test-client")
    ap.add_argument("--client-secret", default="lw-test-secret")
    ap.add_argument("--redirect-uri", action="append")
    ap.add_argument("--config")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)

    if args.library:
        with open(args.library, encoding="utf-8") as f:
            lib = json.load(f)
    else:
        import generate_library
        lib = generate_library.generate(args.generate_seed, args.generate_tracks)
    cfg = copy.deepcopy(DEFAULTS)
    try:
        merge(cfg, load_config_arg(args.config), DEFAULTS)
    except (ValueError, OSError) as e:
        ap.error("--config: %s" % e)
    if args.mode:
        cfg["mode"] = args.mode
    problem = validate(cfg)
    if problem:
        ap.error("--config: %s" % problem)
    redirects = args.redirect_uri or ["http://127.0.0.1/callback", "http://[::1]/callback"]
    mock = Mock(lib, args.client_id, args.client_secret, redirects, cfg, args.verbose)

    srv = Server((args.host, args.port), Handler)
    srv.mock = mock
    mock.port = srv.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, mock.port)
    if args.verbose:
        sys.stderr.write("spotify_mock: listening on %s:%d (%d tracks, mode %s)\n"
                         % (args.host, mock.port, len(lib["tracks"]), cfg["mode"]))

    serve_until_signal(srv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
