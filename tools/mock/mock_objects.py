"""Spotify Web API object shapes (spec sections 3-5) built from a generated library.

Library is immutable apart from playlist membership (POST /_mock/mutate), which is kept in
Library.playlists and restored from Library.orig by reset().
"""

import hashlib
import random
import re
import time
from urllib.parse import quote_plus

ID_RE = re.compile(r"^[0-9A-Za-z]{22}$")
MARKETS = ["BR", "DE", "FR", "GB", "JP", "SE", "US"]
IMAGE = [{"url": "https://i.scdn.co/image/ab67616d0000b273demo", "height": 640, "width": 640}]


def ext(kind, id_):
    return {"spotify": "https://open.spotify.com/%s/%s" % (kind, id_)} if id_ else {}


class Library:
    def __init__(self, lib):
        self.raw = lib
        self.seed = lib.get("seed", 0)
        self.user = lib["user"]
        self.user_names = {u["id"]: u["display_name"] for u in lib.get("users", [])}
        self.user_names[self.user["id"]] = self.user["display_name"]
        self.artists = {a["id"]: a for a in lib["artists"]}
        self.albums = {a["id"]: a for a in lib["albums"]}
        self.tracks = {t["id"]: t for t in lib["tracks"]}
        self.theme_tracks = {}
        for t in lib["tracks"]:
            self.theme_tracks.setdefault(t["theme"], []).append(t["id"])
        self.theme_artists = {}
        for a in lib["artists"]:
            self.theme_artists.setdefault(a["theme"], []).append(a["id"])
        self.artist_tracks = {}
        for t in lib["tracks"]:
            for aid in t["artist_ids"]:
                self.artist_tracks.setdefault(aid, []).append(t["id"])
        self.genre_themes = {}
        for th in lib.get("themes", []):
            for g in th["genres"]:
                self.genre_themes.setdefault(g, th["name"])
        self.liked = lib["liked"]
        self.top = lib.get("top", {"artists": {}, "tracks": {}})
        self.orig = lib["playlists"]
        self.reset()

    def reset(self):
        self.playlists = [dict(p, items=list(p["items"]), unfollowed=False, version=1) for p in self.orig]
        self.pl_by_id = {p["id"]: p for p in self.playlists}
        self.mutations = 0

    def find_playlist(self, key):
        if key in self.pl_by_id:
            return self.pl_by_id[key]
        for p in self.playlists:
            if p["name"] == key:
                return p
        return None

    def mutate(self, p, add, remove, rename=None, unfollow=None):
        """Deterministic membership change: same library + same sequence of calls = same result."""
        self.mutations += 1
        p["version"] += 1
        rng = random.Random("%s:mutate:%s:%d" % (self.seed, p["id"], p["version"]))
        removed = []
        for _ in range(max(0, int(remove))):
            cand = [i for i, it in enumerate(p["items"]) if it.get("track")]
            if not cand:
                break
            i = cand[rng.randrange(len(cand))]
            removed.append(p["items"][i]["track"])
            del p["items"][i]
        present = set(it.get("track") for it in p["items"])
        pool = [t for t in self.theme_tracks.get(p.get("theme"), []) if t not in present]
        if len(pool) < int(add):
            pool += [t for t in self.tracks if t not in present and t not in pool]
        added = rng.sample(pool, min(len(pool), max(0, int(add))))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for t in added:
            p["items"].append({"track": t, "added_at": stamp, "added_by": self.user["id"]})
        if rename:
            p["name"] = str(rename)
        if unfollow is not None:
            p["unfollowed"] = bool(unfollow)
        h = hashlib.sha1(("%s:%s:%d" % (self.seed, p["id"], p["version"])).encode()).hexdigest()
        p["snapshot_id"] = "AAAA" + h[:24]
        return {"id": p["id"], "name": p["name"], "snapshot_id": p["snapshot_id"], "total": len(p["items"]),
                "added": added, "removed": removed}


RAW_RE = re.compile(rb'"@@lw-raw:([ng]):([0-9A-Za-z]+)@@"')


def raw_bytes(text):
    """A `hostile` switch value -> the bytes served between the quotes (README section 4)."""
    return str(text).encode("utf-8", "surrogateescape")


class Shapes:
    """Builds response objects for one request (origin, mode, switches)."""

    def __init__(self, lib, origin, cfg):
        self.lib = lib
        self.o = origin
        self.cfg = cfg
        self.d26 = cfg["mode"] == "dev-2026"
        self.names = cfg.get("names", "both")

    def href(self, kind, id_):
        return "%s/v1/%ss/%s" % (self.o, kind, id_) if id_ else None

    # ---- the "hostile" switch: names/genres served as raw JSON text (placeholders replaced in
    # the encoded body by raw_substitute, so they can hold what json.dumps never writes)
    def _name(self, id_, name):
        return "@@lw-raw:n:%s@@" % id_ if id_ in (self.cfg.get("hostile") or {}).get("names", {}) else name

    def _extra_credits(self, tid):
        n = int((self.cfg.get("hostile") or {}).get("credits", {}).get(tid, 0))
        return [{"external_urls": {}, "href": None, "id": "0ExtraCredit%010d" % i, "name": "Extra Credit %d" % i,
                 "type": "artist", "uri": "spotify:artist:0ExtraCredit%010d" % i} for i in range(n)]

    @staticmethod
    def raw_substitute(body, cfg):
        if b"@@lw-raw:" not in body:
            return body
        h = cfg.get("hostile") or {}

        def sub(m):
            key = m.group(2).decode()
            if m.group(1) == b"n":
                return b'"' + raw_bytes(h["names"][key]) + b'"'
            return b"[" + b",".join(b'"' + raw_bytes(g) + b'"' for g in h["genres"][key]) + b"]"
        return RAW_RE.sub(sub, body)

    def user_ref(self, uid):
        if uid is None:
            return None
        return {"external_urls": ext("user", uid), "href": self.href("user", uid), "id": uid,
                "type": "user", "uri": "spotify:user:%s" % uid}

    def owner(self, uid):
        r = self.user_ref(uid)
        r["display_name"] = self.lib.user_names.get(uid)
        return r

    def me(self):
        u = self.lib.user
        o = {"account_id": u.get("account_id"), "display_name": u["display_name"],
             "external_urls": ext("user", u["id"]), "href": self.href("user", u["id"]), "id": u["id"],
             "images": IMAGE[:1], "type": "user", "uri": "spotify:user:%s" % u["id"]}
        if not self.d26:
            o.update({"country": u.get("country"), "email": u.get("email"), "product": u.get("product"),
                      "explicit_content": {"filter_enabled": False, "filter_locked": False},
                      "followers": {"href": None, "total": u.get("followers", 0)}})
        return o

    def artist_simple(self, aid):
        a = self.lib.artists[aid]
        return {"external_urls": ext("artist", aid), "href": self.href("artist", aid), "id": aid,
                "name": self._name(aid, a["name"]), "type": "artist", "uri": "spotify:artist:%s" % aid}

    def artist_full(self, aid):
        a = self.lib.artists[aid]
        o = self.artist_simple(aid)
        o["images"] = IMAGE[:1]
        g = self.cfg.get("genres", "auto")
        if g == "auto":     # 2026 development mode: artists carry no genres
            g = "absent" if self.d26 else "present"
        if g == "present" and aid in (self.cfg.get("hostile") or {}).get("genres", {}):
            o["genres"] = "@@lw-raw:g:%s@@" % aid
        elif g == "present":
            o["genres"] = list(a["genres"])
        elif g == "empty":
            o["genres"] = []
        if not self.d26:
            o["followers"] = {"href": None, "total": a["followers"]}
            o["popularity"] = a["popularity"]
        return o

    def album_simple(self, alid):
        al = self.lib.albums[alid]
        o = {"album_type": al["album_type"], "total_tracks": al["total_tracks"],
             "external_urls": ext("album", alid), "href": self.href("album", alid), "id": alid,
             "images": IMAGE[:1], "name": al["name"], "release_date": al["release_date"],
             "release_date_precision": al["release_date_precision"], "type": "album",
             "uri": "spotify:album:%s" % alid,
             "artists": [self.artist_simple(a) for a in al["artist_ids"]]}
        if not self.d26:
            o["available_markets"] = MARKETS
        return o

    def track(self, tid):
        t = self.lib.tracks[tid]
        o = {"album": self.album_simple(t["album_id"]),
             "artists": [self.artist_simple(a) for a in t["artist_ids"]] + self._extra_credits(tid),
             "disc_number": t["disc_number"], "duration_ms": t["duration_ms"], "explicit": t["explicit"],
             "external_ids": {"isrc": t["isrc"]}, "external_urls": ext("track", tid),
             "href": self.href("track", tid), "id": tid, "is_local": False, "is_playable": True,
             "name": self._name(tid, t["name"]), "preview_url": None, "track_number": t["track_number"],
             "type": "track", "uri": "spotify:track:%s" % tid}
        if not self.d26:
            o["available_markets"] = MARKETS
            o["popularity"] = t["popularity"]
        return o

    def local_track(self, loc):
        secs = loc["duration_ms"] // 1000
        uri = "spotify:local:%s:%s:%s:%d" % (quote_plus(loc["artist"]), quote_plus(loc["album"]),
                                             quote_plus(loc["name"]), secs)
        return {"album": {"album_type": None, "artists": [], "available_markets": [], "external_urls": {},
                          "href": None, "id": None, "images": [], "name": loc["album"], "release_date": None,
                          "release_date_precision": None, "type": "album", "uri": None},
                "artists": [{"external_urls": {}, "href": None, "id": None, "name": loc["artist"],
                             "type": "artist", "uri": None}],
                "available_markets": [], "disc_number": 0, "duration_ms": loc["duration_ms"], "explicit": False,
                "external_ids": {}, "external_urls": {}, "href": None, "id": None, "is_local": True,
                "name": loc["name"], "popularity": 0, "preview_url": None, "track_number": 0, "type": "track",
                "uri": uri}

    def episode(self, ep, full):
        eid = ep["id"]
        show = ep["show"]
        show_o = {"available_markets": MARKETS, "description": "", "explicit": False,
                  "external_urls": ext("show", show["id"]), "href": self.href("show", show["id"]),
                  "id": show["id"], "images": IMAGE[:1], "is_externally_hosted": False, "languages": ["en"],
                  "media_type": "audio", "name": show["name"], "publisher": show["publisher"],
                  "total_episodes": 40, "type": "show", "uri": "spotify:show:%s" % show["id"]}
        if full:
            return {"audio_preview_url": None, "description": "A conversation about long drives.",
                    "duration_ms": ep["duration_ms"], "explicit": False, "external_urls": ext("episode", eid),
                    "href": self.href("episode", eid), "id": eid, "images": IMAGE[:1],
                    "is_externally_hosted": False, "is_playable": True, "language": "en", "languages": ["en"],
                    "name": ep["name"], "release_date": ep["release_date"], "release_date_precision": "day",
                    "show": show_o, "type": "episode", "uri": "spotify:episode:%s" % eid}
        # squeezed into a track-shaped object (no additional_types=episode)
        return {"album": {"album_type": "show", "artists": [], "available_markets": MARKETS,
                          "external_urls": ext("show", show["id"]), "href": self.href("show", show["id"]),
                          "id": show["id"], "images": IMAGE[:1], "name": show["name"],
                          "release_date": ep["release_date"], "release_date_precision": "day", "type": "show",
                          "uri": "spotify:show:%s" % show["id"]},
                "artists": [{"external_urls": ext("show", show["id"]), "href": self.href("show", show["id"]),
                             "id": show["id"], "name": show["name"], "type": "show",
                             "uri": "spotify:show:%s" % show["id"]}],
                "available_markets": MARKETS, "disc_number": 0, "duration_ms": ep["duration_ms"],
                "episode": True, "explicit": False, "external_ids": {}, "external_urls": ext("episode", eid),
                "href": self.href("episode", eid), "id": eid, "is_local": False, "name": ep["name"],
                "popularity": 0, "preview_url": None, "track": False, "track_number": 0, "type": "episode",
                "uri": "spotify:episode:%s" % eid}

    def features(self, tid):
        f = self.lib.tracks[tid]["features"]
        o = dict(f)
        o.update({"analysis_url": "%s/v1/audio-analysis/%s" % (self.o, tid), "id": tid,
                  "track_href": self.href("track", tid), "type": "audio_features",
                  "uri": "spotify:track:%s" % tid})
        return o

    def playlist_item(self, it, episodes_full):
        is_local = "local" in it
        if it.get("track"):
            obj = self.track(it["track"])
        elif is_local:
            obj = self.local_track(it["local"])
        elif "episode" in it:
            obj = self.episode(it["episode"], episodes_full)
        else:
            obj = None
        o = {"added_at": it.get("added_at"), "added_by": self.user_ref(it.get("added_by")),
             "is_local": is_local, "primary_color": None}
        if self.names != "legacy":
            o["item"] = obj
        if self.names != "2026":
            o["track"] = obj
        return o

    def playlist_simple(self, p):
        pid = p["id"]
        o = {"collaborative": p["collaborative"], "description": p["description"],
             "external_urls": ext("playlist", pid), "href": self.href("playlist", pid), "id": pid,
             "images": IMAGE[:1], "name": self._name(pid, p["name"]), "owner": self.owner(p["owner_id"]),
             "primary_color": None, "public": p["public"], "snapshot_id": p["snapshot_id"],
             "type": "playlist", "uri": "spotify:playlist:%s" % pid}
        n = len(p["items"])
        if self.names != "legacy":
            o["items"] = {"href": "%s/v1/playlists/%s/items" % (self.o, pid), "total": n}
        if self.names != "2026":
            o["tracks"] = {"href": "%s/v1/playlists/%s/tracks" % (self.o, pid), "total": n}
        return o
