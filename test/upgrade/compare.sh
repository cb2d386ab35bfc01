# Shared by upgrade.sh and dump_restore.sh (sourced): describe a database three ways and compare.
# HERE must be this directory.

# describe DB OUT: OUT.schema (describe_schema.sql), OUT.rows (every table's rows,
# snapshot_rows.sql), OUT.outputs (answers, outputs.sql)
describe() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -f "$HERE/describe_schema.sql" > "$2.schema"
	psql -X -q -At -v ON_ERROR_STOP=1 -v cols=all -v keep= -d "$1" -f "$HERE/snapshot_rows.sql" > "$2.rows"
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -f "$HERE/outputs.sql" > "$2.outputs"
}

# same WHAT FILE_A FILE_B: says how many lines were identical, or prints the diff and returns 1
same() {
	if diff -u "$2" "$3" > "$2.diff"; then
		echo "  $1: identical ($(wc -l < "$2") lines)"
		return 0
	fi
	echo "  FAIL: $1 differ (- ${2##*/}, + ${3##*/}):" >&2
	head -c 20000 "$2.diff" >&2
	return 1
}

# same_db WHAT A B: objects, rows and answers of two databases described by describe
same_db() {
	local kind status=0
	for kind in schema rows outputs; do
		same "$1: $kind" "$2.$kind" "$3.$kind" || status=1
	done
	return $status
}
