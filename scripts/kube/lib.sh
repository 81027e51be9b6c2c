# Shared settings for the scripts in this folder. Source it, do not run it.

KUBE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$KUBE_DIR/../.." && pwd)"
# shellcheck source=versions.env
. "$KUBE_DIR/versions.env"

# Binaries live outside the repository, one folder per component and version.
KUBE_CACHE="${PRSLAB_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/prslab/kube}"
# The running cluster keeps its kubeconfig, logs and pids here.
KUBE_RUNTIME="${PRSLAB_KUBE_RUNTIME:-$REPO_DIR/var/kube}"
KUBE_CLUSTER="${PRSLAB_KUBE_CLUSTER:-prslab}"

log() { printf 'kube: %s\n' "$*" >&2; }
die() { printf 'kube: error: %s\n' "$*" >&2; exit 1; }

component_dir() { printf '%s/%s-%s' "$KUBE_CACHE" "$1" "$2"; }
kube_bin() { printf '%s/bin/%s' "$(component_dir kubernetes "$KUBE_VERSION")" "$1"; }
etcd_bin() { printf '%s/bin/etcd' "$(component_dir etcd "$ETCD_VERSION")"; }
kwok_bin() { printf '%s/bin/%s' "$(component_dir kwok "$KWOK_VERSION")" "$1"; }
metrics_server_bin() {
  printf '%s/bin/metrics-server' "$(component_dir metrics-server "$METRICS_SERVER_VERSION")"
}

# kwokctl keeps its clusters under KWOK_WORKDIR; keep them with the runtime folder.
export KWOK_WORKDIR="$KUBE_RUNTIME/kwok"
