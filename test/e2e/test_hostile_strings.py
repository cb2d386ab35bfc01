"""Hostile names from the API (mock switch "hostile", tools/mock/README.md section 4): quotes,
backslashes, % and _, tab/newline and COPY's \\N round-trip byte-exact; "\\u0000" is removed,
raw invalid UTF-8 and lone surrogate escapes become U+FFFD (without losing the rest of the page);
a 1 MB track name and playlist name are cut to 1024 bytes at a character boundary; an artist with
10,000 genres keeps 64 (empty and over-long genres dropped); a track with 1000 extra credits keeps
32. Every repair is counted in ingest_runs.counts and named in a warning; a second sync changes
nothing."""
import json
import random

from e2e import Env, expected_library, load_library

lib = load_library()
X = expected_library(lib)


def js(text):
    """A normal Python string as JSON string text (what goes between the quotes)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def raw(b):
    """Raw bytes (possibly invalid UTF-8) as a switch value (surrogateescape, README section 4)."""
    return b.decode("utf-8", "surrogateescape")


def occurrences(tid):
    """How many track objects with this id one full sync reads (playlist items + liked songs)."""
    return sum(1 for p in lib["playlists"] for it in p["items"] if it.get("track") == tid) + \
        (1 if tid in X["liked"] else 0)


# tracks that are in some playlist, artists of other tracks, owned playlists
tids = sorted(t for t in X["seen_tracks"] if occurrences(t) > 0)[:9]
T_QUOTE, T_NUL, T_BAD, T_SURR, T_BIG, T_CREDITS, T_CTRL, T_NULONLY, T_NMARK = tids
aid = sorted(X["artists"] - {a for t in tids for a in X["tracks"][t]["artist_ids"]})[0]
pids = sorted(p["id"] for p in lib["playlists"] if p["owner_id"] == lib["user"]["id"])[:3]
P_QUOTE, P_BAD, P_BIG = pids

quote_name = "it's \"quoted\" \\ back\\slash 100% a_b %_\\%"
rng = random.Random(7)
big_chars = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöüßéèêñçøåæœ€😀") for _ in range(600000))
names = {
    T_QUOTE: js(quote_name),
    T_NUL: "nul\\u0000here\\u0000",
    T_BAD: raw(b"bad \xff\xfe byte \xc3( \xe2\x82 end"),
    T_SURR: "lone \\ud800 high, \\udc00 low, pair \\ud83c\\udfb5",
    T_BIG: js("x" + "\u00e9" * 600000),
    T_CTRL: js("tab\there\nnewline\r"),
    T_NULONLY: "\\u0000\\u0000",
    T_NMARK: "\\\\N",
    aid: js("Artist 'A' \"B\" \\ 50% _x_"),
    P_QUOTE: js("Play'list \"Q\" 100% a_b \\"),
    P_BAD: raw(b"list \xc0\xaf \xed\xa0\x80"),
    P_BIG: js(big_chars),
}
want = {
    T_QUOTE: quote_name,
    T_NUL: "nulhere",
    T_BAD: "bad \ufffd\ufffd byte \ufffd( \ufffd end",
    T_SURR: "lone \ufffd high, \ufffd low, pair \U0001f3b5",
    T_CTRL: "tab\there\nnewline\r",
    T_NULONLY: "",
    T_NMARK: "\\N",
    aid: "Artist 'A' \"B\" \\ 50% _x_",
    P_QUOTE: "Play'list \"Q\" 100% a_b \\",
    P_BAD: "list \ufffd\ufffd \ufffd\ufffd\ufffd",
}
genres = [js("quote's \"g\""), js("back\\slash"), "100%", "a_b", "nul\\u0000g", raw(b"bad\xff"), "",
          "g" * 201] + ["genre %d" % i for i in range(10000)]
want_genres = ["quote's \"g\"", "back\\slash", "100%", "a_b", "nulg", "bad\ufffd"] + \
    ["genre %d" % i for i in range(58)]

env = Env("hostile_strings", config={"names": "2026"})
env.config({"hostile": {"names": names, "genres": {aid: genres}, "credits": {T_CREDITS: 1000}}})
rc, err, _ = env.sync()
env.eq(rc, 0, "sync exit code")
run = env.last_run()
env.eq(run["status"], "ok", "run status")


def stored_hex(table, key, kcol, col="name"):
    v = env.q1("SELECT 'h:' || encode(convert_to(%s, 'UTF8'), 'hex') FROM listen_wiseer.%s WHERE %s = '%s'"
               % (col, table, kcol, key))     # 'h:' so an empty name is not an empty line
    return v[2:] if v else v


for k, w in want.items():
    table, kcol = (("tracks", "track_id") if k in tids else ("artists", "artist_id") if k == aid
                   else ("playlists", "playlist_id"))
    env.eq(stored_hex(table, k, kcol), w.encode().hex(), "%s %s stored byte-exact as %r" % (table, k, w[:40]))

# giant names: cut to <= 1024 bytes at a character boundary, and valid UTF-8 (convert_to succeeded)
big = bytes.fromhex(stored_hex("tracks", T_BIG, "track_id") or "")
env.eq(big, ("x" + "\u00e9" * 511).encode(), "1.2 MB track name cut to 1023 bytes (no half character)")
bigp = bytes.fromhex(stored_hex("playlists", P_BIG, "playlist_id") or "")
env.check(1020 < len(bigp) <= 1024 and big_chars.encode().startswith(bigp),
          "1 MB playlist name cut to a prefix of <= 1024 bytes (%d)" % len(bigp))

# the rest of the library is intact: every track and membership is there
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE track_id IN (%s)"
              % ",".join("'%s'" % t for t in X["seen_tracks"])), len(X["seen_tracks"]), "every track stored")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"),
       sum(len(v) for v in X["members"].values()), "every membership stored")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE name LIKE '%@@lw-raw%'"), 0, "no placeholder leaked")

# genres: 64 kept in order, empty and over-long dropped, NUL removed, bad byte replaced
g = json.loads(env.q1("SELECT to_json(genres)::text FROM listen_wiseer.artists WHERE artist_id = '%s'" % aid))
env.eq(g, want_genres, "genres of the artist with 10,008 genres")

# credits: the first 32 kept
real = len(X["tracks"][T_CREDITS]["artist_ids"])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.track_artists WHERE track_id = '%s'" % T_CREDITS), 32,
       "a track with %d credits keeps 32" % (real + 1000))
env.eq(env.q1("SELECT artist_id FROM listen_wiseer.track_artists WHERE track_id = '%s' AND position = 31"
              % T_CREDITS), "0ExtraCredit%010d" % (31 - real), "credits kept in order")

# counts: each repaired string once per response that carried it
c = run["counts"]
repaired = sum(occurrences(t) for t in (T_NUL, T_BAD, T_SURR, T_NULONLY)) + 1 + 2   # + P_BAD + 2 genres
env.eq(c.get("strings_repaired"), repaired, "counts.strings_repaired")
env.eq(c.get("strings_truncated"), occurrences(T_BIG) + 1, "counts.strings_truncated")
env.eq(c.get("genres_dropped"), 2, "counts.genres_dropped")
env.eq(c.get("too_many_genres"), 1, "counts.too_many_genres")
env.eq(c.get("too_many_artists"), occurrences(T_CREDITS), "counts.too_many_artists")
env.check("strings repaired" in (run["warnings"] or ""), "a warning reports the repairs: %r" % run["warnings"])

# a second sync reads the same hostile data and changes nothing
before = env.snapshot_tables()
rc, err, _ = env.sync()
env.eq(rc, 0, "second sync exit code")
env.eq(env.snapshot_tables(), before, "second sync changes nothing")
env.finish()
