#!/usr/bin/env bash
# Build the local control plane from the Go module proxy, one throwaway module per
# component so that their dependency versions never mix.
#
# Usage: build.sh [kubernetes|etcd|kwok|metrics-server ...]   (default: all of them)
# Binaries land in $KUBE_CACHE/<component>-<version>/bin and are reused when present.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export GOFLAGS="-mod=mod -modcacherw"
export CGO_ENABLED=0
# Use the Go on PATH, because a toolchain download would hide a too-old Go behind a
# long wait.
export GOTOOLCHAIN=local
BUILD_LOG="$KUBE_CACHE/build-times.log"
RETRIES="${PRSLAB_KUBE_RETRIES:-4}"

# Run a command that talks to the module proxy, retrying with a growing pause.
retry() {
  local attempt=1
  until "$@"; do
    if ((attempt >= RETRIES)); then
      die "'$*' failed $RETRIES times; check that the Go module proxy ($(go env GOPROXY)) is reachable"
    fi
    log "'$1 $2' failed (attempt $attempt of $RETRIES), retrying in $((attempt * 10)) s"
    sleep $((attempt * 10))
    attempt=$((attempt + 1))
  done
}

require_go() {
  # The official Go tarball installs here, and a non-login shell may lack it on PATH.
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null ||
    die "Go is not on PATH; install Go 1.26 or newer to build the control plane"
  local minor
  minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
  ((minor >= 26)) || die "$(go env GOVERSION) is too old: the pinned components need Go 1.26 or newer"
}

# Print the path of the go.mod that MODULE@VERSION publishes.
upstream_gomod() {
  local json
  json="$(retry go mod download -json "$1@$2")"
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' <<<"$json"
}

# Write go.mod of a throwaway module that requires MODULE@VERSION, with the same go line.
write_module() {
  local dir="$1" name="$2" module="$3" version="$4" gomod
  gomod="$(upstream_gomod "$module" "$version")"
  mkdir -p "$dir/src"
  {
    printf 'module prslab.local/kube/%s\n\n' "$name"
    grep -m1 '^go ' "$gomod"
    printf '\nrequire %s %s\n' "$module" "$version"
  } >"$dir/src/go.mod"
  printf '%s' "$gomod"
}

# k8s.io/kubernetes points every staging module at a local folder; point each one that
# it requires at the published v0.MINOR.PATCH of the same release instead.
staging_replaces() {
  local gomod="$1" version="$2" staging
  staging="v0.${version#v1.}"
  awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$gomod" | while read -r mod; do
    if grep -qE "^[[:space:]]+$mod v0\.0\.0" "$gomod"; then
      printf 'replace %s => %s %s\n' "$mod" "$mod" "$staging"
    fi
  done
}

# Download what PACKAGES need, build them into DIR/bin and mark the folder complete.
build_packages() {
  local dir="$1" ldflags="$2" started
  shift 2
  started=$SECONDS
  (cd "$dir/src" && retry go get "$(sed -n 's/^require \([^ ]*\) \(.*\)$/\1@\2/p' go.mod)")
  log "  downloading modules"
  (cd "$dir/src" && retry go list -deps "$@" >/dev/null)
  log "  compiling $* ($(date +%H:%M:%S))"
  mkdir -p "$dir/bin"
  (cd "$dir/src" && nice -n "${PRSLAB_KUBE_NICE:-10}" \
    go build -trimpath -ldflags "-s -w $ldflags" -o "$dir/bin/" "$@") ||
    die "go build failed in $dir/src (see the compiler output above)"
  printf '%s %s %ss\n' "$(date -u +%FT%TZ)" "$(basename "$dir")" "$((SECONDS - started))" \
    >>"$BUILD_LOG"
  log "  done in $((SECONDS - started)) s"
}

# A component counts as built only once every binary has its final name.
mark_built() { date -u +%Y-%m-%dT%H:%M:%SZ >"$1/bin/.complete"; }
is_built() { [[ -f "$1/bin/.complete" ]]; }

build_kubernetes() {
  local v="$KUBE_VERSION" dir gomod minor x flags=""
  dir="$(component_dir kubernetes "$v")"
  is_built "$dir" && { log "kubernetes $v: cached in $dir/bin"; return; }
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $v" \
    "(cold builds take several minutes)..."
  gomod="$(write_module "$dir" kubernetes k8s.io/kubernetes "$v")"
  staging_replaces "$gomod" "$v" >>"$dir/src/go.mod"
  minor="${v#v1.}"
  minor="${minor%%.*}"
  # The same variables that the upstream release build sets, so /version reports the real release.
  for x in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $x.gitVersion=$v -X $x.gitMajor=1 -X $x.gitMinor=$minor"
    flags+=" -X $x.gitTreeState=clean -X $x.buildDate=$(module_time k8s.io/kubernetes "$v")"
  done
  build_packages "$dir" "$flags" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl
  mark_built "$dir"
}

# Print the folder where the module cache keeps MODULE@VERSION.
module_dir() {
  retry go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# Print the publication time of MODULE@VERSION (used as a reproducible build date).
module_time() {
  retry go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p' |
    xargs sed -n 's/.*"Time":"\([^"]*\)".*/\1/p'
}

build_etcd() {
  local v="$ETCD_VERSION" dir
  dir="$(component_dir etcd "$v")"
  is_built "$dir" && { log "etcd $v: cached in $dir/bin"; return; }
  log "building etcd $v..."
  write_module "$dir" etcd go.etcd.io/etcd/server/v3 "$v" >/dev/null
  build_packages "$dir" "" go.etcd.io/etcd/server/v3
  # go build names the binary after the module path's last element, server.
  mv "$dir/bin/server" "$dir/bin/etcd"
  mark_built "$dir"
}

build_kwok() {
  local v="$KWOK_VERSION" dir c=sigs.k8s.io/kwok/pkg/consts
  dir="$(component_dir kwok "$v")"
  is_built "$dir" && { log "kwok $v: cached in $dir/bin"; return; }
  log "building kwok and kwokctl $v..."
  write_module "$dir" kwok sigs.k8s.io/kwok "$v" >/dev/null
  build_packages "$dir" "-X $c.Version=${v#v} -X $c.KubeVersion=${KUBE_VERSION#v}" \
    sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
  mark_built "$dir"
}

build_metrics_server() {
  local v="$METRICS_SERVER_VERSION" dir
  dir="$(component_dir metrics-server "$v")"
  is_built "$dir" && { log "metrics-server $v: cached in $dir/bin"; return; }
  log "building metrics-server $v..."
  write_module "$dir" metrics-server sigs.k8s.io/metrics-server "$v" >/dev/null
  # kwokctl reads the version from --version to choose the flags it passes.
  build_packages "$dir" "-X k8s.io/client-go/pkg/version.gitVersion=$v" \
    sigs.k8s.io/metrics-server/cmd/metrics-server
  # kwokctl turns the release kustomization into the APIService and RBAC objects;
  # a copy here means that starting the cluster needs neither Go nor the network.
  rm -rf "$dir/manifests"
  cp -R "$(module_dir sigs.k8s.io/metrics-server "$v")/manifests" "$dir/manifests"
  chmod -R u+w "$dir/manifests"
  mark_built "$dir"
}

main() {
  local started=$SECONDS component
  require_go
  mkdir -p "$KUBE_CACHE"
  # Two builds at once would write the same folders, so the second one waits.
  exec 9>"$KUBE_CACHE/.build.lock"
  if ! flock -n 9; then
    log "another build is running in $KUBE_CACHE; waiting for it to finish"
    flock 9
  fi
  (($#)) || set -- etcd kwok metrics-server kubernetes
  for component in "$@"; do
    case "$component" in
      kubernetes) build_kubernetes ;;
      etcd) build_etcd ;;
      kwok) build_kwok ;;
      metrics-server) build_metrics_server ;;
      *) die "unknown component '$component' (kubernetes, etcd, kwok, metrics-server)" ;;
    esac
  done
  log "control plane binaries ready in $KUBE_CACHE ($((SECONDS - started)) s)"
}

main "$@"
