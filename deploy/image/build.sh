#!/usr/bin/env bash
# Build the service image: with docker when a daemon answers, else with buildah
# (chroot isolation, on the local debootstrap base image, made first if missing).
#
# Environment:
#   IMAGE_NAME      tag to build (default localhost/summarizer:latest)
#   IMAGE_ENGINE    docker | buildah (default: detected)
#   BASE_IMAGE      base for both stages (docker: python:3.11-slim-bookworm,
#                   buildah: localhost/summarizer-base:bookworm)
#   WHEELS_DIR      local wheel folder to offer pip (default: pip's find-links setting);
#                   linked into deploy/image/wheels/ and mounted at /wheels in the builder
#   PIP_EXTRA_ARGS  extra pip args (default "--find-links /wheels" when WHEELS_DIR has wheels)
#   PIP_CA_BUNDLE   CA bundle pip should trust while building, passed as the build secret
#                   "pip-ca" (default: pip's cert setting, e.g. a proxy's CA; "" for none)
#   CONTEXT         build context (default: the repository root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/image/common.sh
source "$here/common.sh"

repo=$(cd "$here/../.." && pwd)
context=${CONTEXT:-$repo}
engine=$(detect_engine)

# Stage the local wheel folder inside the context (hard links where possible: no copy).
staging="$context/deploy/image/wheels"
mkdir -p "$staging"
find "$staging" -maxdepth 1 -name '*.whl' -delete
wheels_dir=${WHEELS_DIR-$(python3 -m pip config get global.find-links 2>/dev/null || echo "${PIP_FIND_LINKS:-}")}
staged=0
if [[ -n $wheels_dir && -d $wheels_dir ]]; then
    for whl in "$wheels_dir"/*.whl; do
        [[ -e $whl ]] || continue
        ln -f "$whl" "$staging/" 2>/dev/null || cp -f "$whl" "$staging/"
        staged=$((staged + 1))
    done
    log "staged $staged wheel(s) from $wheels_dir"
fi
if [[ -z ${PIP_EXTRA_ARGS+x} ]]; then
    PIP_EXTRA_ARGS=$([[ $staged -gt 0 ]] && echo "--find-links /wheels" || echo "")
fi

ca_bundle=${PIP_CA_BUNDLE-$(python3 -m pip config get global.cert 2>/dev/null || echo "${PIP_CERT:-}")}
secret_args=()
if [[ -n $ca_bundle ]]; then
    [[ -r $ca_bundle ]] || die "PIP_CA_BUNDLE $ca_bundle is not readable"
    secret_args=(--secret "id=pip-ca,src=$ca_bundle")
fi

start=$(date +%s)
case $engine in
docker)
    base=${BASE_IMAGE:-python:3.11-slim-bookworm}
    log "docker build $IMAGE_NAME (base $base, pip args '$PIP_EXTRA_ARGS')"
    DOCKER_BUILDKIT=1 docker build \
        --build-arg BASE_IMAGE="$base" \
        --build-arg PIP_EXTRA_ARGS="$PIP_EXTRA_ARGS" \
        "${secret_args[@]}" \
        -f "$repo/Dockerfile" -t "$IMAGE_NAME" "$context"
    size=$(docker image inspect --format '{{.Size}}' "$IMAGE_NAME")
    ;;
buildah)
    base=${BASE_IMAGE:-$BASE_IMAGE_LOCAL}
    if [[ $base == "$BASE_IMAGE_LOCAL" ]] && ! buildah_has_image "$base"; then
        "$here/make-base.sh"
    fi
    log "buildah bud $IMAGE_NAME (base $base, pip args '$PIP_EXTRA_ARGS')"
    # --format docker keeps HEALTHCHECK (OCI has no field for it); --layers caches steps.
    buildah bud --isolation chroot --format docker --layers --force-rm \
        --build-arg BASE_IMAGE="$base" \
        --build-arg PIP_EXTRA_ARGS="$PIP_EXTRA_ARGS" \
        "${secret_args[@]}" \
        -f "$repo/Dockerfile" -t "$IMAGE_NAME" "$context"
    size=$(buildah images --format '{{.Size}}' "$IMAGE_NAME" | head -n1)
    ;;
*) die "unknown IMAGE_ENGINE '$engine' (docker or buildah)" ;;
esac
log "built $IMAGE_NAME with $engine in $(($(date +%s) - start))s, size $size"
