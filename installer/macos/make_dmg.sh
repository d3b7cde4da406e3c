#!/usr/bin/env bash
# Make the disk image people download: Upright.app beside a link to /Applications, so they
# install by dragging one onto the other.
#
#   installer/macos/make_dmg.sh [DIST]        # DIST: where build.py put Upright.app (default: dist)
#
# Writes DIST/Upright-VERSION.dmg (compressed, read-only) and prints its path as the last line.
# Sign and notarise Upright.app before this, and the image after it: see SIGNING.md. With
# UPRIGHT_SIGN_IDENTITY set ("Developer ID Application: …"), the image is signed here too.
set -euo pipefail
cd "$(dirname "$0")/../.."

dist="${1:-dist}"
app="$dist/Upright.app"
if [ ! -d "$app" ]; then
  echo "No $app: run 'uv run python installer/build.py' on this Mac first." >&2
  exit 1
fi
version="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$app/Contents/Info.plist")"
dmg="$dist/Upright-$version.dmg"

stage="$(mktemp -d "${TMPDIR:-/tmp}/upright-dmg.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
# ditto keeps the bundle's symlinks, extended attributes and signatures as they are.
ditto "$app" "$stage/Upright.app"
ln -s /Applications "$stage/Applications"

rm -f "$dmg"
hdiutil create -volname "Upright $version" -srcfolder "$stage" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$dmg"

if [ -n "${UPRIGHT_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$UPRIGHT_SIGN_IDENTITY" "$dmg"
  codesign --verify --verbose=2 "$dmg"
fi
hdiutil verify "$dmg"
echo "$dmg"
