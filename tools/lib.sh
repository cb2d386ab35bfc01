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
