"""The mock's playlist write endpoints (spec: the 2026 Web API; contract: README.md section 3b).

    POST   /v1/me/playlists             create (201, the full playlist object)
    POST   /v1/users/{id}/playlists     the same, the pre-2026 path (403 in dev-2026 mode)
    PUT    /v1/playlists/{id}/items     replace the items with <= 100 URIs (200 {"snapshot_id"})
    POST   /v1/playlists/{id}/items     append <= 100 URIs, optional "position" (201 {"snapshot_id"})
    DELETE /v1/playlists/{id}/followers unfollow; for the owner this deletes the playlist (200)

spotify_mock.py calls register() once; the handlers run inside its request pipeline (faults,
auth, rate limit, premium switch), with the library lock held.
"""

import hashlib
import json
import re
import time

S_MODIFY_PRIVATE, S_MODIFY_PUBLIC = "playlist-modify-private", "playlist-modify-public"
MAX_URIS = 100
TRACK_URI_RE = re.compile(r"^spotify:track:([0-9A-Za-z]{22})$")
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# "write_fail": faults for write requests only, optionally AFTER the write was done (the
# client cannot tell whether it happened: the case that makes creating and appending unsafe
# to repeat).
DEFAULTS = {"write_fail": {"count": 0, "status": 500, "method": None, "path": None, "after": False}}


def _new_id(lib, n):
    h = int(hashlib.sha1(("%s:created-playlist:%d" % (lib.seed, n)).encode()).hexdigest(), 16)
    out = ""
    for _ in range(22):
        h, r = divmod(h, 62)
        out += BASE62[r]
    return out


def _new_snapshot(lib, p):
    p["version"] = p.get("version", 1) + 1
    h = hashlib.sha1(("%s:%s:%d:write" % (lib.seed, p["id"], p["version"])).encode()).hexdigest()
    p["snapshot_id"] = "AAAA" + h[:24]
    return p["snapshot_id"]


def _full(h, p):
    """The full playlist object of a new (empty) playlist, as POST /me/playlists answers."""
    o = h.shapes.playlist_simple(p)
    o["followers"] = {"href": None, "total": 0}
    for key in ("items", "tracks"):
        if key in o:
            o[key] = {"href": "%s/v1/playlists/%s/%s" % (h.origin(), p["id"], key), "items": [],
                      "limit": 100, "next": None, "offset": 0, "previous": None, "total": 0}
    return o


def register(route, ApiError, defaults):
    """Add the write routes with spotify_mock's route decorator and error class."""
    defaults.update(json.loads(json.dumps(DEFAULTS)))

    def body_json(h):
        raw = h._body or b""
        if not raw.strip():
            return {}
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "Error parsing JSON.")
        if not isinstance(doc, dict):
            raise ApiError(400, "Error parsing JSON.")
        return doc

    def write_fault(h, path):
        """The next write_fail fault matching this request, or None (consumed)."""
        f = h.mock.cfg["write_fail"]
        if int(f.get("count") or 0) <= 0:
            return None
        if f.get("method") and f["method"] != h.command:
            return None
        pat = f.get("path")
        if pat and not (re.fullmatch(pat.replace("*", "[^/]*"), path) if "*" in pat else path.startswith(pat)):
            return None
        f["count"] = int(f["count"]) - 1
        h.mock.stats["faults_served"] += 1
        st = int(f.get("status") or 500)
        msg = {403: "You cannot add tracks to a playlist you don't own.", 404: "Resource not found"}.get(
            st, "Server error." if st >= 500 else "Fault")
        return ApiError(st, msg), bool(f.get("after"))

    def with_fault(fn):
        def wrapped(h, *args):
            path = h.path.split("?")[0]
            fault = write_fault(h, path)
            if fault and not fault[1]:
                raise fault[0]
            out = fn(h, *args)
            if fault:
                raise fault[0]      # done, but the client hears an error
            return out
        return wrapped

    def need_modify(h, public):
        h.need_scope(S_MODIFY_PUBLIC if public else S_MODIFY_PRIVATE)

    def own_playlist(h, pid):
        p = h.playlist(pid)         # 400 invalid id / 404 unknown or deleted
        need_modify(h, p["public"])
        if p["owner_id"] != h.mock.lib.user["id"] and not p["collaborative"]:
            raise ApiError(403, "You cannot add tracks to a playlist you don't own.")
        return p

    def uris_of(h, doc):
        uris = doc.get("uris")
        if uris is None and "uris" in h._q:
            uris = [u for u in h._q["uris"].split(",") if u]
        if not isinstance(uris, list):
            raise ApiError(400, "Missing required field: uris")
        if len(uris) > MAX_URIS:
            raise ApiError(400, "You can add a maximum of 100 tracks per request.")
        ids = []
        for u in uris:
            m = TRACK_URI_RE.match(u) if isinstance(u, str) else None
            if not m:
                raise ApiError(400, "Invalid base62 id" if isinstance(u, str) and u.startswith("spotify:track:")
                               else "Unsupported URL / URI.")
            if m.group(1) not in h.mock.lib.tracks:
                raise ApiError(400, "Payload contains a non-existing ID")
            ids.append(m.group(1))
        return ids

    def entries(h, ids):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return [{"track": t, "added_at": stamp, "added_by": h.mock.lib.user["id"]} for t in ids]

    @route(r"/v1/me/playlists", "/v1/me/playlists", method="POST")
    @with_fault
    def h_create(h):
        doc = body_json(h)
        name = doc.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "Missing required field: name")
        public = doc.get("public", True)
        collab = doc.get("collaborative", False)
        desc = doc.get("description")
        if not isinstance(public, bool) or not isinstance(collab, bool) or \
                (desc is not None and not isinstance(desc, str)):
            raise ApiError(400, "Invalid request")
        if collab and public:
            raise ApiError(400, "Collaborative playlists can only be private.")
        need_modify(h, public)
        lib = h.mock.lib
        lib.created = getattr(lib, "created", 0) + 1
        pid = _new_id(lib, lib.created)
        p = {"id": pid, "name": name, "description": desc, "public": public, "collaborative": collab,
             "owner_id": lib.user["id"], "items": [], "unfollowed": False, "deleted": False, "version": 1,
             "followers": 0, "theme": None, "created_by_api": True}
        _new_snapshot(lib, p)
        lib.playlists.insert(0, p)      # newest first in /me/playlists
        lib.pl_by_id[pid] = p
        return 201, _full(h, p)

    # the pre-2026 form, removed for development-mode apps in February 2026
    @route(r"/v1/users/([^/]+)/playlists", "/v1/users/{id}/playlists", d2026=403, method="POST")
    def h_create_legacy(h, uid):
        if uid != h.mock.lib.user["id"]:
            raise ApiError(403, "You cannot create a playlist for another user")
        return h_create(h)

    @route(r"/v1/playlists/([^/]+)/items", "/v1/playlists/{id}/items", method="PUT")
    @with_fault
    def h_replace(h, pid):
        doc = body_json(h)
        p = own_playlist(h, pid)
        p["items"] = entries(h, uris_of(h, doc))
        return 200, {"snapshot_id": _new_snapshot(h.mock.lib, p)}

    @route(r"/v1/playlists/([^/]+)/items", "/v1/playlists/{id}/items", method="POST")
    @with_fault
    def h_add(h, pid):
        doc = body_json(h)
        p = own_playlist(h, pid)
        new = entries(h, uris_of(h, doc))
        pos = doc.get("position", h._q.get("position"))
        if pos is None:
            p["items"].extend(new)
        else:
            try:
                pos = int(pos)
            except (TypeError, ValueError):
                raise ApiError(400, "Invalid position")
            if not 0 <= pos <= len(p["items"]):
                raise ApiError(400, "Index out of bounds")
            p["items"][pos:pos] = new
        return 201, {"snapshot_id": _new_snapshot(h.mock.lib, p)}

    @route(r"/v1/playlists/([^/]+)/followers", "/v1/playlists/{id}/followers", method="DELETE")
    @with_fault
    def h_unfollow(h, pid):
        p = h.playlist(pid)
        need_modify(h, p["public"])
        p["unfollowed"] = True
        if p["owner_id"] == h.mock.lib.user["id"]:
            p["deleted"] = True     # the owner's unfollow deletes it: 404 from now on
        return 200, b""
