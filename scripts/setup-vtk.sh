#!/usr/bin/env bash
# npm run setup:vtk — installs VTK's own Python reader (PyPI's `vtk` wheel and numpy, pinned) into a
# virtual environment in .tools/vtk, for the test that reads calor's .vti files with the real reader
# (__test__/vtk-reader.spec.ts). Nothing in calor itself needs it. Quiet when it is already there.
#
# --if-possible (what `npm test` runs first): the same where python3 can make a venv and PyPI answers;
# elsewhere it says so in one line and exits 0, and the reader test says it was skipped. A failed
# attempt is not repeated for a day (.tools/vtk-unavailable), so a machine offline stays fast.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly venv=.tools/vtk
readonly packages=('vtk==9.7.2' 'numpy>=1.26,<3')
readonly ready="$venv/.calor-ready"
readonly unavailable=.tools/vtk-unavailable

log() { printf 'setup:vtk: %s\n' "$*" >&2; }

is_ready() { [[ -f $ready && $(cat "$ready") == "${packages[*]}" && -x $venv/bin/python ]]; }

install() {
  rm -rf "$venv"
  mkdir -p .tools
  python3 -m venv "$venv" || return 1
  # --no-deps: the readers need numpy only (vtk's other requirement, matplotlib, serves its plotting).
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --timeout 30 --retries 1 "${packages[@]}" || return 1
  "$venv/bin/python" -c 'from vtkmodules.vtkIOXML import vtkXMLImageDataReader; import numpy' || return 1
  printf '%s' "${packages[*]}" >"$ready"
}

if is_ready; then exit 0; fi
if [[ ${1:-} == --if-possible ]]; then
  if [[ -n $(find "$unavailable" -mmin -1440 2>/dev/null) ]]; then exit 0; fi
  if ! command -v python3 >/dev/null; then exit 0; fi
fi
log "installing ${packages[*]} from PyPI into $venv (once)"
if ! install; then
  rm -rf "$venv"
  if [[ ${1:-} == --if-possible ]]; then
    mkdir -p .tools && touch "$unavailable"
    log "could not install VTK's reader; the real-reader test will be skipped (npm run setup:vtk retries)"
    exit 0
  fi
  log "installing failed"
  exit 1
fi
rm -f "$unavailable"
