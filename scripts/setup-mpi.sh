#!/usr/bin/env bash
# npm run setup:mpi — installs what the optional MPI addon (crate/mpi) needs, then builds it.
#
# Needs: an MPI launcher and its development files (Debian: mpich, libmpich-dev) and libclang (rsmpi
# generates its bindings with bindgen at build time: libclang-dev). As root, installs what is missing
# from Debian's apt packages; otherwise says what to install and exits 1. Quiet when all is there and
# the addon is newer than its sources. CALOR_MPI_QUIET=0 shows the build output.
#
# --if-possible (what `npm test` runs first): the same where it can install (root with apt-get) or MPI is
# already there; elsewhere it exits 0 without a word, and the MPI tests say they were skipped.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly packages=(mpich libmpich-dev libclang-dev)

log() { printf 'setup:mpi: %s\n' "$*" >&2; }

has_mpi() { command -v mpiexec >/dev/null && command -v mpicc >/dev/null; }
has_libclang() { compgen -G '/usr/lib/llvm-*/lib/libclang.so' >/dev/null || compgen -G '/usr/lib/x86_64-linux-gnu/libclang*.so' >/dev/null; }

install_missing() {
  if has_mpi && has_libclang; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    log "MPI or libclang is missing. Install them, then run this again:"
    log "  sudo apt-get install -y ${packages[*]}"
    log "(Open MPI instead of MPICH: sudo apt-get install -y openmpi-bin libopenmpi-dev libclang-dev; see docs/mpi.md)"
    exit 1
  fi
  log "installing ${packages[*]} from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  has_mpi && has_libclang || { log "apt-get finished but mpiexec, mpicc or libclang is still missing"; exit 1; }
}

# The addon is up to date when it is newer than every source file that goes into it.
addon_is_fresh() {
  local addon
  addon=$(compgen -G 'crate/mpi/calor-mpi.*.node' | head -n 1) || return 1
  [[ -z $(find crate/mpi/src crate/mpi/Cargo.toml crate/mpi/build.rs Cargo.lock -newer "$addon" -print -quit) ]]
}

build_addon() {
  if addon_is_fresh; then return 0; fi
  test -d node_modules/@napi-rs/cli || npm ci --no-audit --no-fund --loglevel=error
  log "building crate/mpi (the calor-mpi addon)"
  local output
  if ! output=$(npx napi build --platform --release --esm --manifest-path crate/mpi/Cargo.toml \
    --config-path crate/mpi/napi.json --output-dir crate/mpi 2>&1); then
    printf '%s\n' "$output" >&2
    log "building crate/mpi failed"
    exit 1
  fi
  if [[ ${CALOR_MPI_QUIET:-1} == 0 ]]; then printf '%s\n' "$output" >&2; fi
}

if [[ ${1:-} == --if-possible ]]; then
  if ! { has_mpi && has_libclang; } && ! { [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; }; then exit 0; fi
fi
install_missing
build_addon
