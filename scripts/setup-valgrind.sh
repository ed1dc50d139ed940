#!/usr/bin/env bash
# Installs valgrind (for `npm run bench -- --instructions`, which counts instructions with callgrind) from
# Debian's apt packages when it is missing. Quiet when valgrind is already there. As root, installs it;
# otherwise says what to install and exits 1. The bench calls this itself when valgrind is missing.
set -euo pipefail

log() { printf 'setup:valgrind: %s\n' "$*" >&2; }

if command -v valgrind >/dev/null; then exit 0; fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  log "valgrind is missing. Install it, then run this again:"
  log "  sudo apt-get install -y valgrind"
  exit 1
fi
log "installing valgrind from apt"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends valgrind >/dev/null
command -v valgrind >/dev/null || { log "apt-get finished but valgrind is still missing"; exit 1; }
