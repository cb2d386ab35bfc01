"""Last.fm API 2.0 answers for enrich_mock.py (enrichment-sources.md §3 and §5.5).

GET /2.0/?method=artist.getTopTags&artist=NAME&autocorrect=1&api_key=KEY&format=json
GET /2.0/?method=track.getTopTags&artist=NAME&track=TITLE&...
Errors come inside HTTP 200 ({"error": N, "message": ...}) except the rate limit (429, error 29).
The switches (bad key, suspended key, rate limit, temporary error) live in enrich_mock.py.
"""

DEFAULT_KEY = "lw-test-lastfm-key"


def error(code, message, status=200):
    body = {"error": code, "message": message}
    if code == 6:
        body["links"] = []
    return status, body, {}


def tag_list(truth, aid, pairs):
    tags = truth.lfm_tags(aid)
    as_str = truth.lfm_string_counts(aid)
    out = [{"count": str(c) if as_str else c, "name": n,
            "url": "https://www.last.fm/tag/%s" % n.replace(" ", "+")} for n, c in tags]
    return out[0] if len(out) == 1 else out     # one tag: an object, not a list (OBS)


def find_artist(truth, name):
    return truth.lfm_name.get((name or "").strip().lower())


def top_tags(truth, q, pairs, method):
    name = q.get("artist")
    if not name:
        return error(6, "Invalid parameters - Your request is missing a required parameter")
    aid = find_artist(truth, name)
    if aid is None:
        return error(6, "The artist you supplied could not be found")
    corrected = truth.artists[aid]["name"] if q.get("autocorrect") == "1" else name
    if method == "track.gettoptags":
        title = q.get("track")
        if not title:
            return error(6, "Invalid parameters - Your request is missing a required parameter")
        known = any(truth.tracks[t]["name"].lower() == title.lower() and aid in truth.tracks[t]["artist_ids"]
                    for t in truth.tracks)
        tags = tag_list(truth, aid, pairs) if known else []
        return 200, {"toptags": {"tag": tags, "@attr": {"artist": corrected, "track": title}}}, {}
    return 200, {"toptags": {"tag": tag_list(truth, aid, pairs), "@attr": {"artist": corrected}}}, {}


def handle(truth, cfg, path, q, pairs):
    if path.rstrip("/") != "/2.0":
        return 404, b"<html><body><h1>404 Page Not Found</h1></body></html>", {"Content-Type": "text/html"}
    key = q.get("api_key")
    if not key or key != cfg.get("api_key", DEFAULT_KEY):
        return error(10, "Invalid API key - You must be granted a valid key by last.fm")
    if cfg.get("suspended"):
        return error(26, "Suspended API key - Access for your account has been suspended, please contact Last.fm")
    method = (q.get("method") or "").lower()
    if method not in ("artist.gettoptags", "track.gettoptags"):
        return error(3, "Invalid Method - No method with that name in this package")
    return top_tags(truth, q, pairs, method)


def template(path, q):
    return "/2.0/?method=%s" % (q.get("method") or "").lower()
