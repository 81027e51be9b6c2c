#!/usr/bin/env bash
# Build what is missing and start the local kwok cluster on 127.0.0.1.
#
# The cluster keeps its own kubeconfig at $KUBE_RUNTIME/kubeconfig and never touches
# ~/.kube/config. Stop it with down.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KUBECTL="$(kube_bin kubectl)"
KUBECONFIG_PATH="$KUBE_RUNTIME/kubeconfig"
CLUSTER_DIR="$KWOK_WORKDIR/clusters/$KUBE_CLUSTER"
READY_TIMEOUT="${PRSLAB_KUBE_READY_TIMEOUT:-180}"

kubectl_cluster() { "$KUBECTL" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

is_running() {
  [[ -f "$KUBECONFIG_PATH" ]] && kubectl_cluster get --raw /readyz >/dev/null 2>&1
}

# Write the kwokctl configuration that names the binaries built by build.sh.
write_binaries_config() {
  local ms_dir
  ms_dir="$(component_dir metrics-server "$METRICS_SERVER_VERSION")"
  cat >"$KUBE_RUNTIME/kwokctl-binaries.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  kubeVersion: $KUBE_VERSION
  etcdVersion: ${ETCD_VERSION#v}
  kwokVersion: $KWOK_VERSION
  metricsServerVersion: $METRICS_SERVER_VERSION
  kubeApiserverBinary: $(kube_bin kube-apiserver)
  kubeControllerManagerBinary: $(kube_bin kube-controller-manager)
  kubeSchedulerBinary: $(kube_bin kube-scheduler)
  kubectlBinary: $KUBECTL
  etcdBinary: $(etcd_bin)
  kwokControllerBinary: $(kwok_bin kwok)
  metricsServerBinary: $(metrics_server_bin)
  metricsServerManifests:
  - $ms_dir/manifests/overlays/release
EOF
}

# Wait until COMMAND succeeds, or fail after READY_TIMEOUT seconds naming WHAT.
wait_for() {
  local what="$1" deadline=$((SECONDS + READY_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    check_components
    ((SECONDS < deadline)) || die "timed out after ${READY_TIMEOUT} s waiting for $what;" \
      "the component logs are in $CLUSTER_DIR/logs"
    sleep 2
  done
}

# Fail at once, with the end of its log, when a component process has exited.
check_components() {
  local pidfile name
  for pidfile in "$CLUSTER_DIR"/pids/*.pid; do
    [[ -f "$pidfile" ]] || continue
    kill -0 "$(tr -dc '0-9' <"$pidfile")" 2>/dev/null && continue
    name="$(basename "$pidfile" .pid)"
    tail -n 5 "$CLUSTER_DIR/logs/$name.log" >&2 || true
    die "$name exited (log: $CLUSTER_DIR/logs/$name.log)"
  done
}

create_cluster() {
  log "creating cluster '$KUBE_CLUSTER' (workdir $KWOK_WORKDIR)"
  "$(kwok_bin kwokctl)" --name "$KUBE_CLUSTER" \
    --config "$KUBE_DIR/kwokctl.yaml" --config "$KUBE_RUNTIME/kwokctl-binaries.yaml" \
    create cluster --kubeconfig "$KUBECONFIG_PATH" --wait "${READY_TIMEOUT}s" ||
    die "kwokctl create cluster failed; the component logs are in $CLUSTER_DIR/logs"
}

add_nodes() {
  kubectl_cluster apply -f "$KUBE_DIR/nodes.yaml" >/dev/null
  wait_for "the fake nodes to become Ready" \
    kubectl_cluster wait --for=condition=Ready node --all --timeout=5s
  # The aggregated API responds once metrics-server is up. Nodes without pods report no
  # CPU, so metrics-server lists them only after the first pods land.
  wait_for "metrics.k8s.io to be served" \
    kubectl_cluster get --raw /apis/metrics.k8s.io/v1beta1/nodes
}

main() {
  bash "$KUBE_DIR/build.sh"
  mkdir -p "$KUBE_RUNTIME"

  if is_running; then
    log "cluster '$KUBE_CLUSTER' is already running"
  else
    if [[ -d "$CLUSTER_DIR" ]]; then
      log "removing the stopped cluster left in $KWOK_WORKDIR"
      bash "$KUBE_DIR/down.sh"
    fi
    write_binaries_config
    create_cluster
    add_nodes
  fi

  log "ready: $(kubectl_cluster version 2>/dev/null | grep Server || true)"
  log "use it with: export KUBECONFIG=$KUBECONFIG_PATH PATH=$(dirname "$KUBECTL"):\$PATH"
}

main "$@"
