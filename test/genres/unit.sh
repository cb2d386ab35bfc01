#!/bin/bash
# Builds and runs the pure genre matcher's unit test under ASan and UBSan.
set -euo pipefail
cd "$(dirname "$0")"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
gcc -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
	-o "$OUT/unit" unit.c ../../extension/genre_rules.c
"$OUT/unit"
