#!/bin/sh
# Copy the front-end libraries Repère serves from node_modules (pinned by
# package-lock.json) into static/vendor/, with their licences. Run after
# changing a version in package.json; the copies are committed so that
# serving never needs npm.
set -eu
cd "$(dirname "$0")/.."
dst=static/vendor/leaflet
rm -rf "$dst"
mkdir -p "$dst/images"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$dst/"
cp node_modules/leaflet/dist/images/*.png "$dst/images/"
cp node_modules/leaflet/LICENSE "$dst/LICENSE.txt"
node -e 'console.log("leaflet " + require("./node_modules/leaflet/package.json").version)' > "$dst/VERSION.txt"
echo "vendored: $(cat "$dst/VERSION.txt")"
