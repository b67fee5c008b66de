#!/usr/bin/env bash
# Installs what Runner needs on a Debian/Ubuntu machine that has only the .NET SDK:
# PostgreSQL (server and client) and a libstdc++ new enough for TorchSharp's native bridge;
# with --with-browser also Chromium, for the tests that load pages in a headless browser.
# Safe to run again: every step checks first and does nothing when already satisfied.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

libstdcxx_path() {
  local p
  for p in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
    [ -e "$p" ] && { echo "$p"; return; }
  done
}

# TorchSharp 0.107's libLibTorchSharp.so is linked against GCC 13's runtime (GLIBCXX_3.4.32).
ensure_libstdcxx() {
  local lib
  lib=$(libstdcxx_path)
  if [ -n "$lib" ] && grep -aq 'GLIBCXX_3\.4\.32' "$lib"; then
    return
  fi
  . /etc/os-release
  if [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
    say "libstdc++ lacks GLIBCXX_3.4.32 and this is not Debian 12; install GCC 13's libstdc++6 (Ubuntu 24.04 and Debian 13 have it)." >&2
    exit 1
  fi
  say "installing Debian 13's libstdc++6 (Debian 12's lacks GLIBCXX_3.4.32, which TorchSharp needs)"
  local mirror
  mirror=$(grep -hoE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -v security | head -n1 | awk '{print $2}' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  as_root tee /etc/apt/sources.list.d/runner-trixie.sources >/dev/null <<SRC
Types: deb
URIs: ${mirror}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  as_root tee /etc/apt/preferences.d/runner-trixie.pref >/dev/null <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  apt_updated=0
  apt_install -t trixie libstdc++6
  lib=$(libstdcxx_path)
  grep -aq 'GLIBCXX_3\.4\.32' "$lib" || { say "libstdc++6 from Debian 13 did not provide GLIBCXX_3.4.32." >&2; exit 1; }
}

ensure_postgres() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null; then
    return
  fi
  say "installing PostgreSQL"
  apt_install postgresql postgresql-client
}

ensure_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl ca-certificates)
  # ip netns: the test of a worker on another machine runs it in a network namespace of its own.
  command -v ip >/dev/null || missing+=(iproute2)
  [ ${#missing[@]} -eq 0 ] || { say "installing ${missing[*]}"; apt_install "${missing[@]}"; }
}

ensure_chromium() {
  command -v chromium >/dev/null && return
  say "installing Chromium (headless browser tests)"
  apt_install chromium
}

ensure_libstdcxx
ensure_postgres
ensure_tools
[ "${1:-}" != "--with-browser" ] || ensure_chromium
