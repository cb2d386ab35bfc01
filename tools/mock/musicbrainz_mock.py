"""MusicBrainz web service v2 answers for enrich_mock.py (enrichment-sources.md §2 and §5.5).

GET /ws/2/url?resource=...&inc=artist-rels&fmt=json   one resource: flat object or 404;
                                                      several: url-list of the found ones, not in
                                                      request order; > 100 truncated to 100
GET /ws/2/artist/{mbid}?inc=genres+tags&fmt=json      genres/tags sorted by name; merged MBID: 301
GET /ws/2/isrc/{isrc}?inc=artist-credits&fmt=json     recordings; unknown 404, malformed 400
The User-Agent and rate checks live in enrich_mock.py (they apply to every path).
"""
import hashlib
import re

from enrich_truth import MB_REL_TYPE_ID

MAX_RESOURCES = 100
HELP = "For usage, please see: https://musicbrainz.org/development/mmd"
MBID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
URL_INC = {"artist-rels", "url-rels", "release-rels", "recording-rels", "label-rels", "work-rels"}
ISRC_INC = {"artists", "releases", "puids", "isrcs", "artist-credits", "aliases", "tags",
            "user-tags", "ratings", "user-ratings", "artist-rels"}
ARTIST_INC = {"genres", "tags", "aliases", "ratings", "user-tags", "user-genres", "url-rels",
              "artist-rels"}
GENERIC_UA = ("java", "python-urllib", "jakarta commons-httpclient", "apache-httpclient", "curl/",
              "python-requests", "lw-ingest/")


def error(status, message):
    return status, {"error": message, "help": HELP}, {}


def ua_refused(ua):
    """Missing, empty or generic User-Agent, or one without a contact in parentheses: refused
    (stricter than the real service, so a client that forgets it fails loudly)."""
    u = (ua or "").strip()
    if not u or any(u.lower().startswith(g) for g in GENERIC_UA):
        return True
    m = re.search(r"\(([^)]*)\)", u)
    return m is None or not m.group(1).strip()


def inc_param(pairs, allowed):
    """The inc values; an error tuple for two inc= parameters or a value not allowed here."""
    incs = [v for k, v in pairs if k == "inc"]
    if len(incs) > 1:
        return None, error(400, "Inc arguments must be combined with a space (+ or %20)")
    vals = [x for x in re.split(r"[ +]", incs[0]) if x] if incs else []
    bad = [x for x in vals if x not in allowed]
    if bad:
        return None, error(400, "%s is not a valid inc parameter for the url resource." % bad[0])
    return vals, None


def artist_stub(truth, mbid):
    a = truth.artists[truth.mb_artist.get(mbid) or truth.mb_artist[truth.mb_merged[mbid]]]
    return {"id": mbid, "name": a["name"], "sort-name": a["name"], "disambiguation": "",
            "type": "Group", "type-id": "e431f5f6-b5d2-343d-8b36-72607fffb74b", "country": None}


def url_object(truth, url, with_rels):
    rels = truth.mb_url[url]
    o = {"id": uuid_like("url|" + url), "resource": url}
    if with_rels:
        o["relations"] = [{"type": "free streaming", "type-id": MB_REL_TYPE_ID, "target-type": "artist",
                           "direction": "backward", "begin": None, "end": "2019" if ended else None,
                           "ended": ended, "attributes": [], "attribute-ids": {},
                           "attribute-values": {}, "source-credit": "", "target-credit": "",
                           "artist": artist_stub(truth, mbid)} for mbid, ended in rels]
    return o


def lookup_url(truth, pairs):
    resources = [v for k, v in pairs if k == "resource"]
    if not resources:
        return error(400, "Missing required parameter 'resource'.")
    incs, err = inc_param(pairs, URL_INC)
    if err:
        return err
    with_rels = "artist-rels" in incs
    if len(resources) == 1:
        if resources[0] not in truth.mb_url:
            return error(404, "Not Found")
        return 200, url_object(truth, resources[0], with_rels), {}
    resources = resources[:MAX_RESOURCES]
    found = [url_object(truth, r, with_rels) for r in dict.fromkeys(resources) if r in truth.mb_url]
    found.reverse()     # the server's order is not the request's (its own test lists #2 first)
    return 200, {"url-count": len(found), "url-offset": 0, "urls": found}, {}


def lookup_artist(truth, mbid, pairs, origin):
    incs, err = inc_param(pairs, ARTIST_INC)
    if err:
        return err
    if not MBID_RE.match(mbid):
        return error(400, "Invalid mbid.")
    headers = {}
    status = 200
    if mbid in truth.mb_merged:
        mbid = truth.mb_merged[mbid]
        status = 301
        headers["Location"] = "%s/ws/2/artist/%s?%s" % (origin, mbid, "inc=" + "+".join(incs))
    aid = truth.mb_artist.get(mbid)
    if aid is None:
        return error(404, "Not Found")
    o = artist_stub(truth, mbid)
    if "genres" in incs:
        o["genres"] = [{"count": c, "disambiguation": "", "id": uuid_like(g), "name": g}
                       for g, c in truth.mb_genres(aid)]
    if "tags" in incs:
        o["tags"] = [{"count": c, "name": g} for g, c in truth.mb_tags(aid)]
    return status, o, headers


def uuid_like(name):
    x = hashlib.md5(name.encode()).hexdigest()
    return "%s-%s-4%s-8%s-%s" % (x[:8], x[8:12], x[13:16], x[17:20], x[20:32])


def lookup_isrc(truth, isrc, pairs):
    incs, err = inc_param(pairs, ISRC_INC)
    if err:
        return err
    if not ISRC_RE.match(isrc.upper()):
        return error(400, "Invalid isrc.")
    tids = truth.by_isrc.get(isrc.upper(), [])
    if not tids:
        return error(404, "Not Found")
    recs = []
    for tid in tids:
        t = truth.tracks[tid]
        r = {"id": uuid_like("rec|" + tid), "title": t["name"], "length": t["duration_ms"],
             "disambiguation": "", "video": False}
        if "artist-credits" in incs:
            r["artist-credit"] = [{"name": truth.artists[a]["name"], "joinphrase": "",
                                   "artist": {"id": uuid_like("artist|" + a),
                                              "name": truth.artists[a]["name"]}}
                                  for a in t["artist_ids"] if a in truth.artists]
        recs.append(r)
    return 200, {"isrc": isrc.upper(), "recordings": recs}, {}


def handle(truth, cfg, path, pairs, origin):
    if path == "/ws/2/url":
        return lookup_url(truth, pairs)
    m = re.match(r"^/ws/2/artist/([^/]+)$", path)
    if m:
        return lookup_artist(truth, m.group(1), pairs, origin)
    m = re.match(r"^/ws/2/isrc/([^/]+)$", path)
    if m:
        return lookup_isrc(truth, m.group(1), pairs)
    return error(404, "Not Found")


def template(path):
    if path.startswith("/ws/2/artist/"):
        return "/ws/2/artist/{mbid}"
    if path.startswith("/ws/2/isrc/"):
        return "/ws/2/isrc/{isrc}"
    return path
