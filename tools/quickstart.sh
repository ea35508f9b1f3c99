#!/bin/bash
# Grant's two set-up commands, for a newcomer and for CI alike:
#
#   tools/quickstart.sh demo   install what is missing, build, run `grant demo`
#   tools/quickstart.sh test   install what is missing, build, run every test
#
# Debian 12 (bookworm). Packages are installed with apt-get (as root, or
# through sudo) only when they are missing.
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GRANT_BUILD_DIR:-$top/build}"

packages=(
  # build
  gcc meson ninja-build pkg-config
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libgnutls28-dev libsecret-1-dev
  gobject-introspection libgirepository1.0-dev gir1.2-soup-3.0 gir1.2-json-1.0
  # interop provider and binding tests
  python3-gi python3-oauthlib python3-jwt python3-cryptography gjs
  # a real Secret Service for the token-store tests
  gnome-keyring dbus dbus-user-session libsecret-tools
  # benchmarks' anchors
  python3-requests-oauthlib
)

install_missing () {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "quickstart: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The OAuth 2 test server (oidc-provider) comes from the npm registry,
# pinned by its package-lock.json.
node_packages () {
  local dir="$top/tests/servers/oidc-provider"
  if ! command -v npm >/dev/null 2>&1; then
    echo "quickstart: node and npm are needed for the OAuth 2 test server" >&2
    exit 1
  fi
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules"
  fi
}

build () {
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$top" -Dwerror=true
  fi
  ninja -C "$build"
}

# meson prints its own summary; this adds the one plain line any CI reads.
summarize () {
  /usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"meson: {passed} passed, {failed} failed, {skipped} skipped")
PY
}

case "${1:-}" in
  demo)
    install_missing
    node_packages
    build
    exec "$build/tools/grant" demo
    ;;
  test)
    install_missing
    node_packages
    build
    status=0
    # A session bus of our own with an unlocked GNOME Keyring: the token
    # store tests use a real Secret Service, and never the user's.
    keyring_home="$(mktemp -d)"
    dbus-run-session -- sh -c '
      export XDG_DATA_HOME="$1"
      echo -n grant-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
      GRANT_REQUIRE_KEYRING=1 exec meson test -C "$0" --print-errorlogs' "$build" "$keyring_home" || status=$?
    rm -rf "$keyring_home"
    summarize
    exit $status
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
