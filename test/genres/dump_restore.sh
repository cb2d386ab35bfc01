#!/bin/bash
# Real pg_dump / pg_restore round trip of the user's genre rules: change,
# delete and add default rows and overrides, dump the database, restore it
# into a new one, and compare the rule tables and genre_map's answers.
# Needs a running cluster (PGHOST/PGPORT/PGUSER set, extension installed).
# Usage: test/genres/dump_restore.sh      (exit status 0 = identical)
set -euo pipefail
SRC=genre_dump_src
DST=genre_dump_dst
DUMP=$(mktemp /tmp/genre_dump.XXXXXX)
trap 'rm -f "$DUMP"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" >/dev/null 2>&1' EXIT

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
	-c "CREATE DATABASE $SRC" -c "CREATE DATABASE $DST" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 -d $SRC <<'SQL' >/dev/null
SET client_min_messages = warning;
CREATE EXTENSION listen_wiseer;
-- a new family used by a new rule and an override (FK order matters on restore)
INSERT INTO listen_wiseer.genre_families (family, genre_group, priority) VALUES ('christian', 'acoustic', 55);
INSERT INTO listen_wiseer.genre_rules (pattern, family, priority) VALUES ('christian', 'christian', 60);
INSERT INTO listen_wiseer.genre_overrides VALUES ('worship', 'christian', NULL), ('bossa nova', 'latin', 'instrumental');
-- changed and deleted default rows
UPDATE listen_wiseer.genre_rules SET family = 'r&b' WHERE pattern = 'disco';
DELETE FROM listen_wiseer.genre_rules WHERE pattern = '*core';
UPDATE listen_wiseer.genre_families SET genre_group = 'acoustic', priority = 99 WHERE family = 'pop';
UPDATE listen_wiseer.genre_aliases SET canonical = 'hip hop music' WHERE alias = 'hiphop';
DELETE FROM listen_wiseer.genre_aliases WHERE alias = 'dnb';
SQL
pg_dump -Fc -f "$DUMP" $SRC
pg_restore -d $DST "$DUMP"

snapshot() {
	psql -X -qAt -d "$1" <<'SQL'
SELECT 'family', family, genre_group, priority, description FROM listen_wiseer.genre_families ORDER BY 2;
SELECT 'alias', alias, canonical, enabled FROM listen_wiseer.genre_aliases ORDER BY 2;
SELECT 'rule', pattern, family, genre_group, priority, enabled FROM listen_wiseer.genre_rules ORDER BY 2;
SELECT 'override', genre, family, genre_group FROM listen_wiseer.genre_overrides ORDER BY 2;
SELECT 'map', g, m.family, m.genre_group
FROM unnest(ARRAY['disco', 'deathcore', 'pop', 'christian rock', 'worship', 'bossa nova', 'hiphop', 'dnb']) g,
     genre_map(g) m ORDER BY 2;
SQL
}
A=$(snapshot $SRC)
B=$(snapshot $DST)
echo "$B" | grep '^map|'
if [ "$A" = "$B" ]; then
	echo "dump/restore: rule tables and answers identical ($(echo "$A" | wc -l) lines compared)"
else
	echo "dump/restore: DIFFERENT"
	diff <(echo "$A") <(echo "$B") || true
	exit 1
fi
