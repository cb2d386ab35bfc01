#!/usr/bin/env python3
"""Mock ReccoBeats, MusicBrainz and Last.fm on one loopback port, answering from the same
generated library as spotify_mock.py. Contract: tools/mock/README.md, section 8.

    enrich_mock.py --library lib.json --port 0 --port-file PATH [--config JSON]

Paths: /v1/... ReccoBeats (RECCOBEATS_URL = http://127.0.0.1:PORT/v1), /ws/2/... MusicBrainz
(MUSICBRAINZ_URL = http://127.0.0.1:PORT/ws/2), /2.0/ Last.fm (LASTFM_URL = http://127.0.0.1:PORT/2.0).
Every request is recorded (service, method, path, query, User-Agent, time, status) for tests.
"""
import argparse
import copy
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lastfm_mock  # noqa: E402
import musicbrainz_mock  # noqa: E402
import reccobeats_mock  # noqa: E402
from enrich_truth import Truth  # noqa: E402
from mock_server import Server, serve_until_signal, write_port_file  # noqa: E402

SERVICES = ("reccobeats", "musicbrainz", "lastfm")
FAIL = {"count": 0, "status": 500, "body": "json"}
DEFAULTS = {
    # throttle: the next `count` requests answer 429 with Retry-After: retry_after
    "reccobeats": {"bare_array": False, "throttle": {"count": 0, "retry_after": 2}, "fail": dict(FAIL)},
    # min_interval: two requests closer than this (seconds) -> 503 (real service: 1 request/s)
    "musicbrainz": {"min_interval": 1.0, "fail": dict(FAIL, status=503, body="html")},
    # rate_limit: next `count` requests 429 error 29 (with Retry-After when retry_after is set);
    # temporary: next `count` 200 error 16
    "lastfm": {"api_key": lastfm_mock.DEFAULT_KEY, "suspended": False, "rate_limit": {"count": 0},
               "temporary": {"count": 0}, "fail": dict(FAIL)},
}
HTML_ERROR = (b"<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>"
              b"<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr>"
              b"<center>nginx</center></body></html>")
MB_RATE_MSG = ("Your requests are exceeding the allowable rate limit. Please see "
               "https://musicbrainz.org/doc/XML_Web_Service/Rate_Limiting for more information.")


def merge(base, patch):
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v)
        else:
            base[k] = v
    return base


class Mock:
    def __init__(self, lib, start_cfg, verbose=False):
        self.truth = Truth(lib)
        self.start_cfg = start_cfg
        self.cfg = copy.deepcopy(start_cfg)
        self.verbose = verbose
        self.lock = threading.RLock()
        self.port = None
        self.reset_counters()

    def reset_counters(self):
        self.stats = {"requests_total": 0, "by_service": {}, "by_endpoint": {}, "by_endpoint_status": {},
                      "by_status": {}, "faults_served": 0}
        self.log = []
        self.mb_last = None

    def record(self, service, method, template, path, query, ua, status):
        with self.lock:
            s = self.stats
            s["requests_total"] += 1
            s["by_service"][service] = s["by_service"].get(service, 0) + 1
            ep = "%s %s" % (method, template)
            s["by_endpoint"][ep] = s["by_endpoint"].get(ep, 0) + 1
            k = "%s %d" % (ep, status)
            s["by_endpoint_status"][k] = s["by_endpoint_status"].get(k, 0) + 1
            s["by_status"][str(status)] = s["by_status"].get(str(status), 0) + 1
            self.log.append({"service": service, "method": method, "path": path, "query": query,
                             "user_agent": ua, "t": time.time(), "status": status})

    def take(self, sw):
        """Use one of a switch's `count` (lock held). True if the switch fired."""
        if int(sw.get("count") or 0) <= 0:
            return False
        sw["count"] = int(sw["count"]) - 1
        self.stats["faults_served"] += 1
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "EnrichMock/1.0"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        pass

    @property
    def mock(self):
        return self.server.mock

    def origin(self):
        return "http://127.0.0.1:%d" % self.mock.port

    def send(self, status, body=b"", headers=None):
        headers = dict(headers or {})
        ctype = headers.pop("Content-Type", "application/json; charset=utf-8")
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
        self._status = status

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def handle_one(self):
        t0 = time.time()
        self._status = 0
        u = urlsplit(self.path)
        path = u.path
        pairs = parse_qsl(u.query, keep_blank_values=True)
        q = dict(pairs)
        self.read_body()
        if path.startswith("/_mock/"):
            return self.control(path[len("/_mock/"):].rstrip("/"), q)
        service, template = "unknown", path
        try:
            if path.startswith("/v1/"):
                service, template = "reccobeats", reccobeats_mock.template(path)
            elif path.startswith("/ws/2/"):
                service, template = "musicbrainz", musicbrainz_mock.template(path)
            elif path.rstrip("/") == "/2.0":
                service, template = "lastfm", lastfm_mock.template(path, q)
            if self.command != "GET":
                st, body, hdr = 405, {"error": "method not allowed"}, {}
            elif service == "unknown":
                st, body, hdr = 404, {"error": "Not Found"}, {}
            else:
                st, body, hdr = self.answer(service, path, q, pairs)
            self.send(st, body, hdr)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # a bug in the mock: answer 500 and say so
            sys.stderr.write("enrich_mock: internal error on %s %s: %r\n" % (self.command, path, e))
            import traceback
            traceback.print_exc()
            if not self._status:
                self.send(500, {"error": "mock internal error"})
        self.mock.record(service, self.command, template, path, u.query,
                         self.headers.get("User-Agent"), self._status)
        if self.mock.verbose:
            sys.stderr.write("%s %s %d %.1fms\n" % (self.command, path, self._status, (time.time() - t0) * 1000))

    do_GET = do_POST = do_PUT = do_DELETE = handle_one

    def answer(self, service, path, q, pairs):
        m = self.mock
        with m.lock:
            cfg = m.cfg[service]
            if service == "musicbrainz":
                now = time.time()
                last, m.mb_last = m.mb_last, now
                if musicbrainz_mock.ua_refused(self.headers.get("User-Agent")):
                    return 403, {"error": "Please provide a meaningful User-Agent with contact "
                                          "information.", "help": musicbrainz_mock.HELP}, {}
                # a small tolerance for scheduling jitter; every request counts, refused ones too
                if last is not None and now - last < 0.9 * float(cfg.get("min_interval") or 0):
                    return 503, {"error": MB_RATE_MSG}, {"Retry-After": "1"}
            if m.take(cfg["fail"]):
                st = int(cfg["fail"].get("status") or 500)
                if cfg["fail"].get("body") == "html":
                    return st, HTML_ERROR, {"Content-Type": "text/html"}
                return st, {"error": "Internal Server Error"}, {}
            if service == "reccobeats":
                if m.take(cfg["throttle"]):
                    return 429, {"error": 4291, "message": "Too many requests"}, \
                        {"Retry-After": str(cfg["throttle"].get("retry_after", 2))}
                return reccobeats_mock.handle(m.truth, cfg, path, pairs)
            if service == "musicbrainz":
                return musicbrainz_mock.handle(m.truth, cfg, path, pairs, self.origin())
            if q.get("api_key") == cfg.get("api_key") and m.take(cfg["rate_limit"]):
                st, body, hdr = lastfm_mock.error(29, "Rate limit exceeded - Your IP has made too many "
                                                      "requests in a short period", status=429)
                if cfg["rate_limit"].get("retry_after") is not None:
                    hdr["Retry-After"] = str(cfg["rate_limit"]["retry_after"])
                return st, body, hdr
            if q.get("api_key") == cfg.get("api_key") and m.take(cfg["temporary"]):
                return lastfm_mock.error(16, "There was a temporary error processing your request. "
                                             "Please try again")
            return lastfm_mock.handle(m.truth, cfg, path, q, pairs)

    def control(self, cmd, q):
        m = self.mock
        if self.client_address[0] not in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
            return self.send(403, {"error": "control API is loopback only"})
        get = self.command == "GET"
        with m.lock:
            if cmd == "config" and get:
                return self.send(200, m.cfg)
            if cmd == "stats" and get:
                return self.send(200, m.stats)
            if cmd == "requests" and get:
                svc = q.get("service")
                return self.send(200, [r for r in m.log if svc is None or r["service"] == svc])
            if cmd == "health" and get:
                return self.send(200, {"ok": True, "port": m.port})
            if cmd == "truth" and get:      # what the services know, for tests: counts only
                t = m.truth
                return self.send(200, {"reccobeats_tracks": len(t.rb_uuid), "musicbrainz_urls": len(t.mb_url),
                                       "lastfm_artists": len(t.lfm_name)})
        return self.send(404 if get else 405, {"error": "unknown control path" if get else "use POST"})


def control_post(self, cmd, doc):
    m = self.mock
    with m.lock:
        if cmd == "config":
            if not isinstance(doc, dict) or any(k not in DEFAULTS for k in doc):
                return self.send(400, {"error": "expected an object with keys %s" % ", ".join(SERVICES)})
            m.cfg = merge(copy.deepcopy(m.cfg), doc)
            return self.send(200, m.cfg)
        if cmd == "reset":
            m.cfg = copy.deepcopy(m.start_cfg)
            m.reset_counters()
            return self.send(200, {"ok": True})
        if cmd == "clear-stats":    # counters and log only; switches stay
            m.reset_counters()
            return self.send(200, {"ok": True})
    return self.send(404, {"error": "unknown control path"})


def handle_post(self):
    """POST is only for the control API: read the JSON body first."""
    u = urlsplit(self.path)
    if not u.path.startswith("/_mock/"):
        return self.handle_one()
    raw = self.read_body()
    self._status = 0
    try:
        doc = json.loads(raw.decode() or "{}") if raw.strip() else {}
    except ValueError as e:
        return self.send(400, {"error": "bad JSON: %s" % e})
    if self.client_address[0] not in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        return self.send(403, {"error": "control API is loopback only"})
    return control_post(self, u.path[len("/_mock/"):].rstrip("/"), doc)


Handler.do_POST = handle_post


def main(argv=None):
    ap = argparse.ArgumentParser(description="Mock ReccoBeats, MusicBrainz and Last.fm (loopback).")
    ap.add_argument("--library")
    ap.add_argument("--generate-seed", type=int, default=42)
    ap.add_argument("--generate-tracks", type=int, default=5000)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--config", help="JSON switches (as POST /_mock/config); @FILE reads a file")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.library:
        with open(args.library, encoding="utf-8") as f:
            lib = json.load(f)
    else:
        import generate_library
        lib = generate_library.generate(args.generate_seed, args.generate_tracks)
    cfg = copy.deepcopy(DEFAULTS)
    if args.config:
        s = args.config
        if s.startswith("@"):
            with open(s[1:], encoding="utf-8") as f:
                s = f.read()
        doc = json.loads(s)
        if not isinstance(doc, dict) or any(k not in DEFAULTS for k in doc):
            ap.error("--config: expected an object with keys %s" % ", ".join(SERVICES))
        merge(cfg, doc)
    mock = Mock(lib, cfg, args.verbose)
    srv = Server((args.host, args.port), Handler)
    srv.mock = mock
    mock.port = srv.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, mock.port)
    serve_until_signal(srv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
