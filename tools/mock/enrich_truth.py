"""What the mocked enrichment services (ReccoBeats, MusicBrainz, Last.fm) know about a generated
library: deterministic from the library's seed and each object's id, so every run, every test
and the demo see the same coverage and the same values.

Values come from the generator's ground truth: ReccoBeats serves a track's own `features`
(Spotify's scales; no time_signature, no duration_ms), MusicBrainz and Last.fm serve an artist's
own `genres`. Coverage is drawn per id like the real services' (enrichment-sources.md): ReccoBeats
knows ~80 % of the tracks that have features, MusicBrainz links ~3 artists in 4 and has genres for
most of those, Last.fm knows ~92 % of the artists. Standard library only.
"""
import hashlib

RB_COVERAGE = 0.80        # tracks (with features) ReccoBeats knows
MB_LINK = 0.75            # artists whose Spotify URL MusicBrainz links to an MBID
MB_GENRES = 0.85          # of the linked, those with genre votes
MB_MERGED = 0.04          # of the linked, those whose linked MBID was merged into another
MB_AMBIGUOUS = 0.03       # of the linked, URLs linked to two artists (half with one ended)
LFM_KNOWN = 0.92          # artists Last.fm knows by name
LFM_ONE_TAG = 0.05        # of those, one tag only (served as an object, not a list)
LFM_STRING_COUNTS = 0.05  # of those, counts served as strings
RB_DUPLICATE = 0.03       # known tracks answered twice in one batch
RB_STRAY = 0.25           # batches (by their first id) that carry an element nobody asked for
RB_FEATURES = ("acousticness", "danceability", "energy", "instrumentalness", "key", "liveness",
               "loudness", "mode", "speechiness", "tempo", "valence")
# Last.fm tags that are not genres (the client must drop them) and MusicBrainz non-genre tags
LFM_NOISE = ("seen live", "favorites", "female vocalists", "awesome")
MB_TAG_NOISE = ("british", "composer", "producer")
MB_REL_TYPE_ID = "769085a1-c2f7-4c24-a532-2375a77693bd"


def frac(seed, kind, key):
    """A number in [0, 1) fixed by (seed, kind, key)."""
    h = hashlib.sha256(("%s|%s|%s" % (seed, kind, key)).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2.0 ** 64


def uuid_for(seed, kind, key):
    """A version-4-shaped UUID fixed by (seed, kind, key)."""
    h = bytearray(hashlib.sha256(("uuid|%s|%s|%s" % (seed, kind, key)).encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x40
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return "%s-%s-%s-%s-%s" % (x[:8], x[8:12], x[12:16], x[16:20], x[20:])


class Truth:
    def __init__(self, lib, seed=None):
        self.seed = lib.get("seed", 42) if seed is None else seed
        self.tracks = {t["id"]: t for t in lib["tracks"]}
        self.artists = {a["id"]: a for a in lib["artists"]}
        s = self.seed
        # ReccoBeats
        self.rb_uuid = {}
        self.rb_by_uuid = {}
        self.by_isrc = {}
        for t in lib["tracks"]:
            if t.get("isrc"):
                self.by_isrc.setdefault(t["isrc"].upper(), []).append(t["id"])
            if self.rb_known(t["id"]):
                u = uuid_for(s, "rb", t["id"])
                self.rb_uuid[t["id"]] = u
                self.rb_by_uuid[u] = t["id"]
        # MusicBrainz: url -> [(mbid, ended)], mbid -> artist id, merged old mbid -> new mbid
        self.mb_url = {}
        self.mb_artist = {}
        self.mb_merged = {}
        for a in lib["artists"]:
            aid = a["id"]
            if frac(s, "mb-link", aid) >= MB_LINK:
                continue
            mbid = uuid_for(s, "mb", aid)
            self.mb_artist[mbid] = aid
            linked = mbid
            if frac(s, "mb-merged", aid) < MB_MERGED:
                linked = uuid_for(s, "mb-old", aid)
                self.mb_merged[linked] = mbid
            rels = [(linked, False)]
            r = frac(s, "mb-ambiguous", aid)
            if r < MB_AMBIGUOUS:
                other = uuid_for(s, "mb-twin", aid)
                self.mb_artist[other] = aid
                # half of them: the twin's link has ended, so exactly one is current
                rels.append((other, r < MB_AMBIGUOUS / 2))
            self.mb_url[spotify_artist_url(aid)] = rels
        # Last.fm: names (lower-cased) -> artist id; the first artist wins a shared name
        self.lfm_name = {}
        for a in lib["artists"]:
            if frac(s, "lfm", a["id"]) < LFM_KNOWN:
                self.lfm_name.setdefault(a["name"].lower(), a["id"])

    # ---- ReccoBeats
    def rb_known(self, tid):
        t = self.tracks.get(tid)
        return t is not None and t.get("features") is not None and frac(self.seed, "rb", tid) < RB_COVERAGE

    def rb_element(self, tid, uuid=None):
        t = self.tracks[tid]
        o = {"id": uuid or self.rb_uuid[tid], "href": "https://open.spotify.com/track/%s" % tid,
             "isrc": (t.get("isrc") or "").upper() or None}
        for k in RB_FEATURES:
            o[k] = t["features"][k]
        return o

    def rb_duplicated(self, tid):
        return frac(self.seed, "rb-dup", tid) < RB_DUPLICATE

    def rb_stray_for(self, first_id):
        """A known track id to add, unasked, to a batch starting with first_id (or None)."""
        if frac(self.seed, "rb-stray", first_id) >= RB_STRAY:
            return None
        known = sorted(self.rb_uuid)
        return known[int(frac(self.seed, "rb-stray-pick", first_id) * len(known))] if known else None

    def rb_isrc_twin(self, isrc):
        """Some ISRCs have a second record (another Spotify id); returns a fake id or None."""
        return None if frac(self.seed, "rb-isrc-twin", isrc) >= 0.05 else "0Twin" + isrc[:17].ljust(17, "0")

    # ---- MusicBrainz
    def mb_genres(self, aid):
        """[(name, count)] sorted by name, counts > 0, as MusicBrainz serializes them."""
        a = self.artists[aid]
        if frac(self.seed, "mb-genres", aid) >= MB_GENRES:
            return []
        out = {}
        for i, g in enumerate(a["genres"]):
            out[g] = 1 + int(frac(self.seed, "mb-count|" + g, aid) * 9) + (len(a["genres"]) - i)
        return sorted(out.items())

    def mb_tags(self, aid):
        tags = dict(self.mb_genres(aid))
        if tags:
            noise = MB_TAG_NOISE[int(frac(self.seed, "mb-noise", aid) * len(MB_TAG_NOISE))]
            tags[noise] = 1
        return sorted(tags.items())

    # ---- Last.fm
    def lfm_tags(self, aid):
        """[(name, count)] in Last.fm's order (count descending, top = 100). Genres come from the
        artist's ground truth in a mixed case; non-genre tags and low counts are mixed in."""
        a = self.artists[aid]
        s = self.seed
        genres = list(a["genres"])
        if frac(s, "lfm-one", aid) < LFM_ONE_TAG:
            return [(genres[0].title() if genres else "seen live", 100)]
        out = []
        count = 100
        for i, g in enumerate(genres):
            out.append((g.title() if i % 2 else g, count))
            count = max(10, int(count * 0.58))
        noise = LFM_NOISE[int(frac(s, "lfm-noise", aid) * len(LFM_NOISE))]
        out.append((noise, max(5, count)))
        out.append(("seen live", 12))
        out.append(("obscure-tag-%d" % int(frac(s, "lfm-low", aid) * 100), 2))   # low count: dropped
        out.sort(key=lambda p: -p[1])
        return out

    def lfm_string_counts(self, aid):
        return frac(self.seed, "lfm-str", aid) < LFM_STRING_COUNTS


def enriched_genres(truth, aid, lastfm=True, min_count=5):
    """What lw-ingest's enrichment stores for an artist without Spotify genres: (source, genres)
    or None. MusicBrainz first (one current link, genres not empty; most votes first, ties in
    name order), else Last.fm by name (tags weighted >= min_count, non-genre tags dropped,
    lower-cased, in Last.fm's order)."""
    rels = truth.mb_url.get(spotify_artist_url(aid))
    if rels:
        current = [m for m, ended in rels if not ended]
        if len(rels) == 1 or len(current) == 1:
            g = truth.mb_genres(aid)
            if g:
                return "musicbrainz", [n for n, c in sorted(g, key=lambda p: -p[1])]
    if not lastfm:
        return None
    known = truth.lfm_name.get(truth.artists[aid]["name"].lower())
    if known is None:
        return None
    out = []
    for n, c in truth.lfm_tags(known):
        n = n.lower()
        if c >= min_count and n not in LFM_NOISE and n not in out:
            out.append(n)
    return ("lastfm", out) if out else None


def spotify_artist_url(aid):
    return "https://open.spotify.com/artist/%s" % aid
