#!/usr/bin/python3
"""What an ODBC BI tool (Excel, Power BI) does, with psqlODBC over TCP as the BI login: password
checked, recommend() with n bound as SQL_SMALLINT, SQL_INTEGER and SQL_BIGINT, every view of
listen_wiseer read with plain column types (the driver's SQLColumns type names), every write refused.

    bi_odbc.py HOST PORT DATABASE USER PASSWORD PLAYLIST VIEW...

Runs with Debian's python3 (python3-pyodbc); the driver is odbc-postgresql's "PostgreSQL Unicode".
Prints "ok ..." per check; exits 1 at the first failure.
"""
import sys

import pyodbc

import checks
from checks import check

host, port, db, user, password, playlist = sys.argv[1:7]
documented = sys.argv[7:]

# PostgreSQL types a chart can use directly (SQLColumns TYPE_NAME as psqlODBC reports it)
PLAIN = {"text", "varchar", "bpchar", "int2", "int4", "int8", "float4", "float8", "numeric",
         "bool", "date", "timestamp", "timestamptz"}




def connect(pw):
    # UseServerSidePrepare=1: parameters go to the server with their types (as Power BI's do)
    return pyodbc.connect("DRIVER={PostgreSQL Unicode};SERVER=%s;PORT=%s;DATABASE=%s;UID=%s;PWD=%s;"
                          "SSLMode=disable;UseServerSidePrepare=1" % (host, port, db, user, pw),
                          autocommit=True)


def sqlstate(fn):
    try:
        fn()
        return "none"
    except pyodbc.Error as e:
        # psqlODBC puts the server's SQLSTATE in the message: "ERROR: ...;\nError while executing"
        msg = str(e)
        for code in ("28P01", "25006", "42501", "42883"):
            if code in msg or ("password authentication failed" in msg and code == "28P01"):
                return code
        return msg


state = sqlstate(lambda: connect(password + "x").close())
check(state == "28P01", "wrong password refused (%s)" % state)

conn = connect(password)
cur = conn.cursor()
row = cur.execute("SELECT current_user::text, current_setting('default_transaction_read_only'),"
                  " inet_server_addr() IS NOT NULL").fetchone()
check(row[0] == user, "connected over TCP as %s" % row[0])
check(row[2], "the connection is TCP, not the socket")
check(row[1] == "on", "the login's transactions are read-only by default")

# (psqlODBC sends SQL_SMALLINT and SQL_INTEGER values as typed integers and SQL_BIGINT ones as
# untyped literals, so the server resolves n itself: every width must work, before and after
# recommend's n became bigint)
for name, sqltype in (("smallint", pyodbc.SQL_SMALLINT), ("integer", pyodbc.SQL_INTEGER),
                      ("bigint", pyodbc.SQL_BIGINT)):
    cur.setinputsizes([(pyodbc.SQL_WVARCHAR, 200, 0), (sqltype, 0, 0)])
    sql = "SELECT rank, track_id, score FROM recommend(?, n => ?) ORDER BY rank"
    rows = cur.execute(sql, playlist, 5).fetchall()
    check([r[0] for r in rows] == [1, 2, 3, 4, 5] and all(isinstance(r[2], float) for r in rows),
          "recommend(?, n => ?) with n bound as %s: %d rows" % (name, len(rows)))
cur.setinputsizes(None)

views = [r[0] for r in cur.execute("SELECT table_name::text FROM information_schema.views"
                                   " WHERE table_schema = 'listen_wiseer' ORDER BY 1").fetchall()]
for v in documented:
    check(v in views, "documented view listen_wiseer.%s is readable" % v)
for v in views:
    cols = [(c.column_name, c.type_name) for c in cur.columns(table=v, schema="listen_wiseer")]
    check(cols and all(t in PLAIN for _, t in cols),
          "listen_wiseer.%s: plain column types %s" % (v, sorted({t for _, t in cols})))
    rows = cur.execute("SELECT * FROM listen_wiseer.%s LIMIT 200" % v).fetchall()
    for r in rows:
        for value in r:
            if isinstance(value, (list, bytes, bytearray)):
                check(False, "%s reads as plain values" % v)

writes = [
    "INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('bi', 'bi')",
    "UPDATE listen_wiseer.artists SET name = name",
    "DELETE FROM listen_wiseer.liked_tracks",
    "TRUNCATE listen_wiseer.genre_rules",
    "CREATE TABLE public.bi_was_here (a int)",
]
for w in writes:
    st = sqlstate(lambda: cur.execute(w))
    check(st == "25006", "read-only by default: %s (%s)" % (w, st))
cur.execute("SET default_transaction_read_only = off")
for w in writes:
    st = sqlstate(lambda: cur.execute(w))
    check(st == "42501", "without privileges, even read-write: %s (%s)" % (w, st))
conn.close()
print("odbc: %d checks passed" % checks.passed)
