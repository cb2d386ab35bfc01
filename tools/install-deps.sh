#!/bin/sh
# Install the Debian packages the project needs, only those missing.
# Idempotent and quick when everything is present (one dpkg-query call).
# Runs as root, or through sudo when invoked by a user who has it.
set -eu

PACKAGES="
build-essential
postgresql-15
postgresql-server-dev-15
postgresql-contrib
libpq-dev
libcurl4-openssl-dev
libjansson-dev
libssl-dev
python3
python3-numpy
python3-sklearn
python3-scipy
valgrind
time
clang
libclang-rt-14-dev
ca-certificates
default-jdk-headless
libpostgresql-jdbc-java
odbc-postgresql
unixodbc
python3-pyodbc
chromium
fonts-dejavu-core
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = "installed" ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: missing packages:$missing; run as root or install sudo" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Debian's postgresql-common creates a system cluster on install; we run our own.
if [ ! -e /etc/postgresql-common/createcluster.conf ] || ! grep -q '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf 2>/dev/null; then
	$SUDO mkdir -p /etc/postgresql-common
	echo "create_main_cluster = false" | $SUDO tee -a /etc/postgresql-common/createcluster.conf >/dev/null
fi
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=900
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=900 --no-install-recommends $missing
