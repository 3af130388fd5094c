#!/bin/sh
# install-deps.sh - installs the Debian packages plotline builds and tests
# with, when any is missing. Runs apt-get as root (directly, or through sudo).
set -eu
# libmicrohttpd-dev: plotline serve. curl, netcat-openbsd: the server's tests.
# chromium, nodejs, npm: the web page's browser test (tests/web/). clang: the
# sanitizer pass of make check, and the fuzz targets.
PACKAGES="gcc clang make cmake pkg-config libsqlite3-dev libstemmer-dev libutf8proc-dev \
libjansson-dev libxxhash-dev libmicrohttpd-dev curl netcat-openbsd chromium nodejs"
# Some Node.js builds bring npm along, Debian's does not.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -n "$missing" ] || exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
