#!/usr/bin/env bash
# Vendors Tandem's front-end packages into src/tandem/web/static/vendor/, with their licenses.
#
# The packages and their exact versions are pinned in src/tandem/web/assets/package.json and
# package-lock.json. This script installs them with npm in a temporary copy (node_modules never
# lands in the source tree) and copies the built files that the pages load. The copied files are
# committed, so Tandem runs with no network and no npm; run this only to upgrade a package:
#   1. change the version in src/tandem/web/assets/package.json,
#   2. bash scripts/vendor_assets.sh --update-lock
#   3. review and commit the changed files under src/tandem/web/static/vendor/ and the lockfile.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ASSETS="$ROOT/src/tandem/web/assets"
VENDOR="$ROOT/src/tandem/web/static/vendor"

UPDATE_LOCK=0
case "${1:-}" in
  "") ;;
  --update-lock) UPDATE_LOCK=1 ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--update-lock]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "npm is needed to vendor the front-end packages." >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$ASSETS/package.json" "$WORK/"
if [ "$UPDATE_LOCK" = 1 ] || [ ! -f "$ASSETS/package-lock.json" ]; then
  (cd "$WORK" && npm install --ignore-scripts --no-audit --no-fund)
  cp "$WORK/package-lock.json" "$ASSETS/package-lock.json"
else
  cp "$ASSETS/package-lock.json" "$WORK/"
  (cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund)
fi

# copy PACKAGE FILE... : copies each file of an installed package into vendor/PACKAGE/, plus its
# LICENSE and a VERSION file naming what was vendored.
copy() {
  local package="$1"; shift
  local source="$WORK/node_modules/$package"
  local target="$VENDOR/$package"
  rm -rf "$target"
  mkdir -p "$target"
  for file in "$@"; do
    cp "$source/$file" "$target/$(basename "$file")"
  done
  cp "$source/LICENSE" "$target/LICENSE"
  node -e 'const p = require(process.argv[1]); console.log(`${p.name} ${p.version}`)' \
    "$source/package.json" > "$target/VERSION"
  echo "vendored $(cat "$target/VERSION") into ${target#"$ROOT"/}"
}

copy htmx.org dist/htmx.min.js
copy @fontsource/noto-sans files/noto-sans-latin-400-normal.woff files/noto-sans-latin-700-normal.woff files/noto-sans-vietnamese-400-normal.woff files/noto-sans-vietnamese-700-normal.woff
