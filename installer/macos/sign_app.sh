#!/usr/bin/env bash
# Sign Upright.app inside out with the hardened runtime, for notarisation (SIGNING.md).
#
#   UPRIGHT_SIGN_IDENTITY="Developer ID Application: Name (TEAMID)" installer/macos/sign_app.sh [DIST]
#
# Every Mach-O file inside the bundle is signed first (deepest first), then each framework,
# then the second program (upright-admin), then the app itself, which signs Contents/MacOS/upright
# and seals the resources. No `codesign --deep`: it signs nested code without the entitlements
# and options each piece needs, and Apple advises against it for signing.
set -euo pipefail
cd "$(dirname "$0")/../.."

identity="${UPRIGHT_SIGN_IDENTITY:?set UPRIGHT_SIGN_IDENTITY to your Developer ID Application identity}"
dist="${1:-dist}"
app="$dist/Upright.app"
entitlements="installer/macos/entitlements.plist"
[ -d "$app" ] || { echo "No $app: run 'uv run python installer/build.py' first." >&2; exit 1; }

sign() {
  codesign --force --timestamp --options runtime --sign "$identity" "$@"
}

# Paths deepest first (a framework's binary before the framework, a plugin before its folder).
# PyInstaller's bundle has no newlines in its paths, so a list per line is safe.
deepest_first() {
  awk -F/ '{ print NF "\t" $0 }' | sort -rn | cut -f2-
}

# 1. Libraries and extension modules: every Mach-O file that is not one of the two programs.
find "$app/Contents" -type f ! -path "$app/Contents/MacOS/*" | deepest_first | while IFS= read -r file; do
  if file -b "$file" | grep -q 'Mach-O'; then
    sign "$file"
  fi
done

# 2. Framework bundles (Qt's, and Python's when it is one). A .framework folder without an
#    Info.plist is not a bundle codesign can seal; its binary was signed in step 1.
find "$app/Contents" -type d -name '*.framework' | deepest_first | while IFS= read -r framework; do
  if [ -f "$framework/Resources/Info.plist" ] || [ -f "$framework/Versions/Current/Resources/Info.plist" ]; then
    sign "$framework"
  fi
done

# 3. The command-line program, then the app (its main executable and the resource seal).
sign --entitlements "$entitlements" "$app/Contents/MacOS/upright-admin"
sign --entitlements "$entitlements" "$app"

# Verifying with --deep is fine (it is signing with it that is discouraged).
codesign --verify --deep --strict --verbose=2 "$app"
codesign --display --entitlements - --verbose=2 "$app" | head -20
echo "$app"
