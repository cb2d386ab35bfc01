#!/bin/bash
# Writes the tables of every default genre rule, alias and family into
# docs/design/genre-vocabulary.md (between the BEGIN/END markers), read from
# a fresh CREATE EXTENSION in a scratch database; --check compares instead
# and fails if the page is out of date.
# Needs a running cluster (PGHOST/PGPORT/PGUSER set, extension installed).
# Usage: test/genres/vocabulary_doc.sh [--check]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DOC=$ROOT/docs/design/genre-vocabulary.md
DB=genre_vocabulary_doc
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "SET client_min_messages = warning" -c "CREATE EXTENSION listen_wiseer"

TABLES=$(psql -X -qAt -v ON_ERROR_STOP=1 -d $DB <<'SQL'
SELECT E'### Families\n\n| family | group | vote priority | what |\n|---|---|---|---|';
SELECT format('| %s | %s | %s | %s |', family, genre_group, priority, description)
FROM listen_wiseer.genre_families ORDER BY family;
SELECT E'\n### Aliases (one word replaced before matching)\n\n| alias | becomes |\n|---|---|';
SELECT format('| `%s` | `%s` |', alias, canonical) FROM listen_wiseer.genre_aliases ORDER BY alias;
SELECT E'\n### Rules\n\nPer family: each pattern, its priority, and the group it sets when that differs from\nthe family''s. Rules without a family only set a group (first table).\n\n| pattern | group | priority |\n|---|---|---|';
SELECT format('| `%s` | %s | %s |', pattern, genre_group, priority)
FROM listen_wiseer.genre_rules WHERE family IS NULL ORDER BY pattern;
SELECT string_agg(block, E'\n' ORDER BY family) FROM (
	SELECT f.family, format(E'\n#### %s (%s)\n\n| pattern | group | priority |\n|---|---|---|\n', f.family, f.genre_group)
	       || string_agg(format('| `%s` | %s | %s |', r.pattern,
	                            CASE WHEN r.genre_group IS DISTINCT FROM f.genre_group THEN r.genre_group END,
	                            r.priority), E'\n' ORDER BY r.pattern) AS block
	FROM listen_wiseer.genre_families f JOIN listen_wiseer.genre_rules r ON r.family = f.family
	GROUP BY f.family, f.genre_group) b;
SELECT E'\n' || format('%s families, %s aliases, %s rules.',
	(SELECT count(*) FROM listen_wiseer.genre_families), (SELECT count(*) FROM listen_wiseer.genre_aliases),
	(SELECT count(*) FROM listen_wiseer.genre_rules));
SQL
)
NEW=$(awk -v tables="$TABLES" '
	/<!-- BEGIN generated/ { print; print tables; skip = 1; next }
	/<!-- END generated/ { skip = 0 }
	!skip { print }' "$DOC")
if [ "${1:-}" = "--check" ]; then
	if [ "$NEW" = "$(cat "$DOC")" ]; then
		echo "genre vocabulary doc: up to date"
	else
		echo "genre vocabulary doc: out of date (run test/genres/vocabulary_doc.sh)"
		diff <(cat "$DOC") <(echo "$NEW") | head -20
		exit 1
	fi
else
	echo "$NEW" > "$DOC"
	echo "wrote $DOC"
fi
