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
