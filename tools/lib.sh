# Shared helpers for the project's scripts (sourced, not run).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

# Commands that write system directories need root: use sudo when we are not root.
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

# Build the extension and the ingestor, and install both.
lw_build_and_install() {
	(cd "$ROOT" && make -s -j2 >/dev/null && $SUDO make -s install >/dev/null) || {
		echo "build failed; rerun 'make' to see why" >&2
		return 1
	}
}

# Install what is missing, build and install, then start a fresh-or-kept cluster of our
# own in DATA on PORT and export its PG* environment; it is stopped when the script exits.
# lw_setup_cluster DATA PORT [fresh]
lw_setup_cluster() {
	export LW_PGDATA=$1 LW_PGPORT=$2
	"$ROOT/tools/install-deps.sh" || exit 1
	lw_build_and_install || exit 1
	if [ "${3:-}" = fresh ]; then
		"$ROOT/tools/cluster.sh" stop >/dev/null 2>&1 || true
		rm -rf "$LW_PGDATA"
	fi
	"$ROOT/tools/cluster.sh" start || exit 1
	trap '"$ROOT/tools/cluster.sh" stop' EXIT
	trap 'exit 130' INT TERM
	eval "$("$ROOT/tools/cluster.sh" env)"
}

# Start the mock Spotify on a free loopback port (the demo library, seed 42, 5000 tracks);
# sets MOCK_PID and MOCK_PORT. The caller stops it (kill $MOCK_PID).
# lw_mock_start RUNDIR NAME   (NAME.port and NAME.log in RUNDIR)
lw_mock_start() {
	local run=$1 name=$2
	python3 "$ROOT/tools/mock/spotify_mock.py" --generate-seed 42 --generate-tracks 5000 \
		--port 0 --port-file "$run/$name.port" 2>"$run/$name.log" &
	MOCK_PID=$!
	for _ in $(seq 1 300); do
		[ -s "$run/$name.port" ] && break
		kill -0 "$MOCK_PID" 2>/dev/null || { cat "$run/$name.log" >&2; return 1; }
		sleep 0.1
	done
	[ -s "$run/$name.port" ] || { echo "the mock Spotify did not start" >&2; return 1; }
	MOCK_PORT=$(cat "$run/$name.port")
}
