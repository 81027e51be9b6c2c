#!/usr/bin/env bash
# Stop the local kwok cluster and check by process id that none of its processes is left.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLUSTER_DIR="$KWOK_WORKDIR/clusters/$KUBE_CLUSTER"
STOP_TIMEOUT="${PRSLAB_KUBE_STOP_TIMEOUT:-30}"

# Print the pids that kwokctl recorded for the cluster's components.
recorded_pids() {
  local pidfile
  for pidfile in "$CLUSTER_DIR"/pids/*.pid; do
    [[ -f "$pidfile" ]] && tr -dc '0-9\n' <"$pidfile" && echo
  done | sed '/^$/d' | sort -u
}

alive() { kill -0 "$1" 2>/dev/null; }

# Wait for PIDS to exit, then kill each one that outlives STOP_TIMEOUT by its own pid.
reap() {
  local deadline=$((SECONDS + STOP_TIMEOUT)) pid left
  while :; do
    left=""
    for pid in "$@"; do alive "$pid" && left+=" $pid"; done
    [[ -z "$left" ]] && return 0
    ((SECONDS < deadline)) || break
    sleep 1
  done
  log "still running after ${STOP_TIMEOUT} s:$left; sending SIGKILL"
  for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in $left; do
    alive "$pid" && die "process $pid of cluster '$KUBE_CLUSTER' did not stop"
  done
}

main() {
  if [[ ! -d "$CLUSTER_DIR" ]]; then
    log "cluster '$KUBE_CLUSTER' is not running (no $CLUSTER_DIR)"
    return
  fi

  local pids
  mapfile -t pids < <(recorded_pids)
  log "stopping cluster '$KUBE_CLUSTER' (pids ${pids[*]:-none})"
  "$(kwok_bin kwokctl)" --name "$KUBE_CLUSTER" delete cluster \
    --kubeconfig "$KUBE_RUNTIME/kubeconfig" ||
    log "kwokctl delete cluster failed; stopping the recorded processes directly"
  ((${#pids[@]} == 0)) || reap "${pids[@]}"

  rm -rf "$CLUSTER_DIR"
  rm -f "$KUBE_RUNTIME/kubeconfig"
  log "stopped; no process of cluster '$KUBE_CLUSTER' is left"
}

main "$@"
