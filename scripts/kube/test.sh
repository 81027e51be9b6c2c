#!/usr/bin/env bash
# Start the local cluster, run the cluster tests against it and stop it, even on failure.
#
# Extra arguments go to pytest, for example: test.sh -k autoscaler
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PYTHON="$REPO_DIR/.venv/bin/python"
[[ -x "$PYTHON" ]] || PYTHON="$(command -v python3)"

trap 'bash "$KUBE_DIR/down.sh"' EXIT
bash "$KUBE_DIR/up.sh" || die "the cluster did not start (see above)"

export PRSLAB_KUBECONFIG="$KUBE_RUNTIME/kubeconfig"
export PATH="$(dirname "$(kube_bin kubectl)"):$PATH"
cd "$REPO_DIR" && "$PYTHON" -m pytest -m cluster tests/cluster "$@"
