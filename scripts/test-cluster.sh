#!/usr/bin/env bash
# npm run test:cluster — the MPI fixture with every rank on its own "host": a network namespace of this
# machine, joined to the others by a veth pair to a bridge in a hub namespace (private addresses
# 10.231.0.0/24, no other network). MPICH's hydra launches with `-launcher fork`; each rank is started
# through `ip netns exec`, and UCX is held to TCP on the veth (UCX_TLS=tcp,self, UCX_NET_DEVICES), so
# the ranks talk over TCP as they would between hosts. Checks the fixture's exact output, that the
# bytes really crossed the veths, and that one rank's abort ends every rank; then that a real
# solve({ mpi: true }) gives the bits of one process (__test__/fixtures/mpi-solve.mjs). Needs root, iproute2,
# MPICH and the built addon (npm run setup:mpi). CALOR_CLUSTER_RANKS=2 uses two namespaces (default 3).
# Removes its namespaces on every exit, failures included.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly ranks=${CALOR_CLUSTER_RANKS:-3}
readonly prefix="calor-$$"
readonly hub="$prefix-hub"
readonly device=calor0
readonly fixture=__test__/fixtures/mpi-binding.mjs
readonly solve_fixture=__test__/fixtures/mpi-solve.mjs
readonly checks_per_rank=27
# Each run takes about a second; hydra ends a job that takes longer than this (see run_job_retrying);
# CALOR_CLUSTER_JOB_SECONDS sets it (npm test gives more on a loaded machine).
job_seconds=${CALOR_CLUSTER_JOB_SECONDS:-8}
# How many of the namespaces a job uses (the solve job uses two, see solve_job).
job_ranks=$ranks
work=$(mktemp -d)
namespaces=()

say() { printf 'test:cluster: %s\n' "$*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}

cleanup() {
  local ns
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require() {
  [[ $ranks == 2 || $ranks == 3 ]] || fail "CALOR_CLUSTER_RANKS must be 2 or 3, got '$ranks'"
  [[ $(id -u) -eq 0 ]] || fail "network namespaces need root (run as root, or with sudo)"
  command -v ip >/dev/null || fail "'ip' (iproute2) is not installed: apt-get install -y iproute2"
  command -v mpiexec >/dev/null || fail "MPI is not installed: npm run setup:mpi"
  compgen -G 'crate/mpi/calor-mpi.*.node' >/dev/null || fail "the calor-mpi addon is not built: npm run setup:mpi"
}

# Makes a namespace, or stops with the exact error when this machine cannot.
add_namespace() {
  local error
  if ! error=$(ip netns add "$1" 2>&1); then fail "cannot create network namespace $1: $error"; fi
  namespaces+=("$1")
  ip -n "$1" link set lo up
}

make_network() {
  add_namespace "$hub"
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" link set br0 up
  local i
  for ((i = 0; i < ranks; i++)); do
    add_namespace "$prefix-$i"
    ip link add "$device" netns "$prefix-$i" type veth peer name "port$i" netns "$hub"
    ip -n "$hub" link set "port$i" master br0 up
    ip -n "$prefix-$i" addr add "10.231.0.$((i + 1))/24" dev "$device"
    ip -n "$prefix-$i" link set "$device" up
  done
}

# Runs `fixture` (default: the binding fixture) in `mode`, rank i in namespace i; stdout, stderr and
# the exit code land in $work.
run_job() {
  local mode=$1 script=${2:-$fixture} i args=()
  for ((i = 0; i < job_ranks; i++)); do
    ((i > 0)) && args+=(:)
    args+=(-n 1 ip netns exec "$prefix-$i" "$(command -v node)" "$script" "$mode")
  done
  local code=0
  UCX_TLS=tcp,self UCX_NET_DEVICES=$device UCX_MEM_EVENTS=no MPIEXEC_TIMEOUT=$job_seconds \
    timeout -s KILL $((job_seconds + 10)) mpiexec -launcher fork "${args[@]}" >"$work/$mode.out" 2>"$work/$mode.err" ||
    code=$?
  echo "$code" >"$work/$mode.code"
}

# MPICH 4.0.2 with UCX 1.13 over TCP hangs inside MPI_Finalize in roughly 1 launch in 6 on 3 ranks (a
# plain C program does too; 2 ranks did not in 20 launches): one rank waits in its endpoint flush while
# the others already wait in the launcher's final barrier. Hydra's timeout ends such a job; it is run
# again, at most twice, and said so.
run_job_retrying() {
  local attempt
  for attempt in 1 2 3; do
    run_job "$@"
    grep -q 'APPLICATION TIMED OUT' "$work/$1.out" "$work/$1.err" || return 0
    say "attempt $attempt: the job hung for ${job_seconds} s (MPICH+UCX TCP finalize hang, see docs/mpi.md)"
  done
}

show_job() {
  say "exit code $(cat "$work/$1.code"); stdout:"
  sed 's/^/  /' "$work/$1.out" >&2
  say "stderr:"
  sed 's/^/  /' "$work/$1.err" >&2
}

received_bytes() {
  ip netns exec "$1" cat "/sys/class/net/$device/statistics/rx_bytes"
}

check_job() {
  local expected i
  run_job_retrying check
  expected=$(for ((i = 0; i < ranks; i++)); do echo "rank $i/$ranks: $checks_per_rank checks passed"; done)
  if [[ $(cat "$work/check.code") != 0 || $(sort "$work/check.out") != "$expected" ]]; then
    show_job check
    fail "the fixture did not pass on $ranks ranks in separate namespaces"
  fi
  # Each rank receives at least two halos of 2049 doubles from its neighbours over its veth.
  for ((i = 0; i < ranks; i++)); do
    local bytes
    bytes=$(received_bytes "$prefix-$i")
    ((bytes >= 2 * 2049 * 8)) || fail "rank $i received only $bytes bytes over $device: MPI did not use TCP"
    say "rank $i received $bytes bytes over its veth"
  done
}

abort_job() {
  local last=$((ranks - 1))
  run_job abort
  local message="calor-mpi: rank $last aborts the job (code 3): fixture: rank $last failed at step 7"
  if [[ $(cat "$work/abort.code") != 3 ]] || ! grep -qF "$message" "$work/abort.err"; then
    show_job abort
    fail "an abort on rank $last did not end the job with code 3 and its message"
  fi
}

# A real solve across two namespaces: every case of the solve fixture, both backends, one line each.
# Two ranks, because the finalize hang above struck this job on 3 ranks in about 1 launch in 2 (it
# exchanges far more than the binding fixture); 3 ranks in one process are covered by npm test.
solve_job() {
  job_ranks=2
  job_seconds=$((job_seconds > 12 ? job_seconds : 12))
  run_job_retrying compare "$solve_fixture"
  # One line per case and backend: the fixture's 9 cases (6 in 2D, 3 in 3D) × 2 backends.
  local lines
  lines=$(grep -c " on 2 ranks: identical$" "$work/compare.out" || true)
  if [[ $(cat "$work/compare.code") != 0 || $lines != 18 || $(wc -l <"$work/compare.out") != 18 ]]; then
    show_job compare
    fail "solve({ mpi: true }) on 2 ranks over TCP did not give the bits of one process"
  fi
}

main() {
  local start=$SECONDS
  require
  make_network
  check_job
  abort_job
  solve_job
  say "ok: $ranks ranks in $ranks network namespaces over TCP, exact values, abort; a solve on 2 of them ($((SECONDS - start)) s)"
}

main
