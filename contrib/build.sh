#!/bin/sh
# Builds braid in _build/ and installs it under PREFIX (default
# /usr/local).  Idempotent: configure runs again only when its options
# change; make rebuilds only what changed.  Used by braid-up and
# braid-test.  CI=true adds -Werror.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
OPTS="--prefix=$PREFIX ${BRAID_CONFIGURE_OPTS:-}"
[ "${CI:-}" = true ] && OPTS="$OPTS --enable-werror"

cd "$TOP"
[ -x configure ] || ./bootstrap
mkdir -p _build
cd _build
if [ ! -f Makefile ] || [ "$(cat .configure-opts 2>/dev/null)" != "$OPTS" ]; then
  # shellcheck disable=SC2086
  ../configure $OPTS
  echo "$OPTS" > .configure-opts
fi
make -j"$(nproc)"
SUDO=""
[ -w "$PREFIX" ] || [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO make install >/dev/null
# Debian has /usr/local/lib in ld.so.conf, but the cache must learn the
# new library.
[ "$(id -u)" = 0 ] && ldconfig
echo "build: braid installed under $PREFIX"
