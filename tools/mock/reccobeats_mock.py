"""ReccoBeats answers for enrich_mock.py (enrichment-sources.md §1 and §5.5).

GET /v1/audio-features?ids=  batch by Spotify id or ISRC: known ids answered (shuffled, some twice,
                             sometimes an element nobody asked for), unknown ids omitted; > 40 ids 400
GET /v1/track?ids=           track objects ({"content": [...]}, or a bare array with the switch)
GET /v1/track/{uuid}/audio-features  flat object; a Spotify id or unknown UUID is a 404
"""
import random
import re

MAX_IDS = 40
ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
SPOTIFY_RE = re.compile(r"^[0-9A-Za-z]{22}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def error(status, code, message):
    return status, {"error": code, "message": message}, {}


def ids_param(pairs):
    """ids=a,b and ids=a&ids=b are both accepted (DOC); empty pieces ignored."""
    out = []
    for k, v in pairs:
        if k == "ids":
            out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def ids_error(ids):
    """The 400 for a missing or too long ids list, or None."""
    if not ids:
        return error(400, 4001, "Required parameter 'ids' is missing")
    if len(ids) > MAX_IDS:
        return error(400, 4004, "Validation error: ids size must be between 1 and %d" % MAX_IDS)
    return None


def audio_features(truth, cfg, pairs):
    ids = ids_param(pairs)
    if ids_error(ids):
        return ids_error(ids)
    content = []
    for i in ids:
        iu = i.upper()
        if ISRC_RE.match(iu):
            for tid in truth.by_isrc.get(iu, []):
                if truth.rb_known(tid):
                    content.append(truth.rb_element(tid))
            twin = truth.rb_isrc_twin(iu)
            if twin and any(truth.rb_known(t) for t in truth.by_isrc.get(iu, [])):
                e = dict(truth.rb_element(truth.by_isrc[iu][0]))
                e["href"] = "https://open.spotify.com/track/%s" % twin
                e["id"] = e["id"][:-4] + "beef"
                content.append(e)
        elif truth.rb_known(i):
            content.append(truth.rb_element(i))
            if truth.rb_duplicated(i):
                content.append(truth.rb_element(i))
    if content and not ISRC_RE.match(ids[0].upper()):
        stray = truth.rb_stray_for(ids[0])
        if stray and stray not in ids:
            content.append(truth.rb_element(stray))
    # order is not the request's (OBS): a fixed shuffle per request
    random.Random("|".join(ids)).shuffle(content)
    return 200, {"content": content}, {}


def track_object(truth, tid):
    t = truth.tracks[tid]
    return {"id": truth.rb_uuid[tid], "trackTitle": t["name"],
            "artists": [{"id": truth.rb_uuid[tid][:24] + ("%012d" % n),
                         "name": truth.artists[a]["name"],
                         "href": "https://open.spotify.com/artist/%s" % a}
                        for n, a in enumerate(t["artist_ids"]) if a in truth.artists],
            "durationMs": t["duration_ms"], "isrc": (t.get("isrc") or "").upper() or None,
            "ean": None, "upc": None, "href": "https://open.spotify.com/track/%s" % tid,
            "availableCountries": "AD,AR,AT", "popularity": t.get("popularity")}


def tracks(truth, cfg, pairs):
    ids = ids_param(pairs)
    if ids_error(ids):
        return ids_error(ids)
    content = [track_object(truth, i) for i in ids if truth.rb_known(i)]
    if cfg.get("bare_array"):
        return 200, content, {}
    return 200, {"content": content}, {}


def track_features(truth, cfg, ident):
    tid = truth.rb_by_uuid.get(ident)
    if tid is None:
        return error(404, 4041, "Resource not found")
    return 200, truth.rb_element(tid), {}


def handle(truth, cfg, path, pairs):
    """Returns (status, body, headers) or None for an unknown path."""
    if path == "/v1/audio-features":
        return audio_features(truth, cfg, pairs)
    if path == "/v1/track":
        return tracks(truth, cfg, pairs)
    m = re.match(r"^/v1/track/([^/]+)/audio-features$", path)
    if m:
        return track_features(truth, cfg, m.group(1))
    return error(404, 4042, "Wrong URL path")


def template(path):
    if re.match(r"^/v1/track/[^/]+/audio-features$", path):
        return "/v1/track/{id}/audio-features"
    return path
