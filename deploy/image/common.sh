# Shared settings for the deploy/image/*.sh scripts (sourced, not run).
# Big caches live outside the repo so they never reach git or the build context.

IMAGE_CACHE_DIR=${IMAGE_CACHE_DIR:-/var/tmp/summarizer-image}
BASE_IMAGE_LOCAL=${BASE_IMAGE_LOCAL:-localhost/summarizer-base:bookworm}
IMAGE_NAME=${IMAGE_NAME:-localhost/summarizer:latest}
DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Container engine: docker when a daemon answers, else buildah (rootful, chroot isolation).
detect_engine() {
    if [[ -n ${IMAGE_ENGINE:-} ]]; then
        echo "$IMAGE_ENGINE"
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
        echo docker
    elif command -v buildah >/dev/null 2>&1; then
        echo buildah
    else
        die "neither a docker daemon nor buildah is available (apt-get install buildah)"
    fi
}

buildah_has_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# The Debian mirror apt already uses on this machine (deb822 first, then one-line format).
detect_debian_mirror() {
    local uri
    uri=$(grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
    if [[ -z $uri ]]; then
        uri=$(grep -h -E '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}
