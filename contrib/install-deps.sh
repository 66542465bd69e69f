#!/bin/sh
# Installs the Debian 12 packages braid needs to build, run and test,
# and only those that are missing (so a second run installs nothing).
set -eu

# Build and run.
PACKAGES="gcc make autoconf automake libtool pkg-config
gnunet libgnunet-dev libsodium-dev libmicrohttpd-dev libjansson-dev
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev"
# Tests: Check, the fuzz harnesses under clang, network namespaces with
# NAT and loss, the roaming mesh, the model checker, packet captures,
# simulated Wi-Fi (mac80211_hwsim: hostapd, iw, modprobe).
PACKAGES="$PACKAGES check clang iproute2 nftables procps util-linux
babeld spin tcpdump iputils-ping iperf3 bc curl python3 python3-cryptography
hostapd iw kmod"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  echo "install-deps: all $(echo $PACKAGES | wc -w) packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install:$missing" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
