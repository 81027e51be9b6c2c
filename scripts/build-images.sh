#!/usr/bin/env bash
# Build the PRS app image from the repository's Dockerfile with docker, podman or
# nerdctl, then push it to a registry or load it into each node's containerd, and
# print the helm --set values that select it.
set -euo pipefail

usage() {
    cat <<'TEXT'
Usage: scripts/build-images.sh [--registry HOST/PATH | --load-to NODE[,NODE...]]
                               [--tag TAG] [--tool docker|podman|nerdctl]
                               [--ssh-user USER] [--dry-run]

  --registry HOST/PATH  push the image to HOST/PATH/prs-lab:TAG
  --load-to NODES       copy the image to each node over ssh and import it into
                        containerd's k8s.io namespace (ctr -n k8s.io images import)
  --tag TAG             image tag (default: the git commit, else "dev")
  --tool NAME           build tool (default: the first of docker, podman, nerdctl)
  --ssh-user USER       ssh login for --load-to (default: your own); it needs sudo
  --dry-run             print the commands instead of running them
TEXT
}

fail() {
    echo "build-images.sh: $*" >&2
    exit 2
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="prs-lab"
registry=""
load_to=""
tag=""
tool=""
ssh_user=""
dry_run=false

while (($#)); do
    case "$1" in
        --registry) [[ $# -ge 2 ]] || fail "--registry needs HOST/PATH"; registry="$2"; shift 2 ;;
        --load-to) [[ $# -ge 2 ]] || fail "--load-to needs a node list"; load_to="$2"; shift 2 ;;
        --tag) [[ $# -ge 2 ]] || fail "--tag needs a value"; tag="$2"; shift 2 ;;
        --tool) [[ $# -ge 2 ]] || fail "--tool needs a value"; tool="$2"; shift 2 ;;
        --ssh-user) [[ $# -ge 2 ]] || fail "--ssh-user needs a value"; ssh_user="$2"; shift 2 ;;
        --dry-run) dry_run=true; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option $1" ;;
    esac
done

if [[ -n "$registry" && -n "$load_to" ]]; then
    fail "use either --registry or --load-to, not both"
fi
if [[ -z "$registry" && -z "$load_to" ]]; then
    fail "missing target: pass --registry HOST/PATH or --load-to NODE[,NODE...]"
fi

if [[ -z "$tool" ]]; then
    for candidate in docker podman nerdctl; do
        if command -v "$candidate" >/dev/null; then
            tool="$candidate"
            break
        fi
    done
    [[ -n "$tool" ]] || fail "no docker, podman or nerdctl on PATH; install one"
fi
case "$tool" in
    docker | podman | nerdctl) ;;
    *) fail "invalid --tool $tool; use docker, podman or nerdctl" ;;
esac

if [[ -z "$tag" ]]; then
    tag="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo dev)"
fi
repository="${registry:+${registry%/}/}$name"
image="$repository:$tag"
if [[ "$tool" == podman && -n "$load_to" ]]; then
    # podman names local images localhost/NAME, which the kubelet would not match
    # against image.repository=prs-lab (docker.io/library/prs-lab).
    image="docker.io/library/$name:$tag"
fi

# Run a command, or print it when --dry-run is set.
run() {
    if $dry_run; then
        local quoted
        printf -v quoted '%q ' "$@"
        echo "${quoted% }"
    else
        "$@"
    fi
}

run "$tool" build --tag "$image" --file "$repo_root/Dockerfile" "$repo_root"

if [[ -n "$registry" ]]; then
    run "$tool" push "$image"
    pull_policy="IfNotPresent"
else
    archive="$(mktemp -u "${TMPDIR:-/tmp}/prs-lab-image.XXXXXX").tar"
    run "$tool" save --output "$archive" "$image"
    IFS=',' read -r -a nodes <<<"$load_to"
    for node in "${nodes[@]}"; do
        [[ -n "$node" ]] || fail "empty node name in --load-to $load_to"
        target="${ssh_user:+$ssh_user@}$node"
        run scp "$archive" "$target:/tmp/prs-lab-image.tar"
        run ssh "$target" sudo ctr -n k8s.io images import /tmp/prs-lab-image.tar
        run ssh "$target" rm -f /tmp/prs-lab-image.tar
    done
    run rm -f "$archive"
    # Loaded images exist only on the nodes, so the kubelet must never pull them.
    pull_policy="Never"
fi

echo "# helm values for this image:"
echo "--set image.repository=$repository --set image.tag=$tag --set image.pullPolicy=$pull_policy"
