# Shared by the shell tests of src/transport: a private suite directory
# and a config that points ARM at the binaries of this build tree.
# Sourced; expects BRAID_BUILDDIR and BRAID_SRCDIR (set by make check).
set -u
: "${BRAID_BUILDDIR:?run through make check}"
B=$BRAID_BUILDDIR
HELLO=$B/src/transport/braid-hello
SERVICE=$B/src/transport/braid-service-transport
ARM_WRAPPER=$B/contrib/braid-arm
export GNUNET_BASE_CONFIG=$B/contrib/config.d
export BRAID_CONFIG_D=$GNUNET_BASE_CONFIG
export BRAID_BINDIR=$B/src/transport

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

# new_suite DIR: write DIR/user.conf for a suite living in DIR.
new_suite () {
  mkdir -p "$1"
  cat > "$1/user.conf" <<CONF
[PATHS]
GNUNET_HOME = $1/home
GNUNET_RUNTIME_DIR = $1/rt/
GNUNET_USER_RUNTIME_DIR = $1/rt/
GNUNET_TMP = $1/tmp/
[transport]
BINARY = $SERVICE
OPTIONS = -L ${BRAID_TEST_LOGLEVEL:-INFO} -l $1/transport.log
HTTP_PORT = 0
[communicator-udp]
# Tests that want it enable it with their own port.
IMMEDIATE_START = NO
CONF
}
