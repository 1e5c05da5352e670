#!/usr/bin/env bash
# Build the local base image localhost/summarizer-base:bookworm without a registry:
# debootstrap a minimal Debian bookworm (python3 is 3.11 there) from the Debian mirror
# this machine's apt already uses, then import the root filesystem into buildah.
#
# Cached in $IMAGE_CACHE_DIR (default /var/tmp/summarizer-image): the rootfs tarball is
# reused, and the script is a no-op when the image already exists. FORCE=1 rebuilds both.
# No python3-pip: the image's venv gets pip from python3-venv (ensurepip) while it is
# built, and the runtime image carries no pip at all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/image/common.sh
source "$here/common.sh"

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap and rootful buildah need it)"
command -v buildah >/dev/null || die "buildah not found (apt-get install buildah)"

tarball="$IMAGE_CACHE_DIR/rootfs-$DEBIAN_SUITE.tar"

if [[ ${FORCE:-0} != 1 ]] && buildah_has_image "$BASE_IMAGE_LOCAL"; then
    log "$BASE_IMAGE_LOCAL already exists (FORCE=1 to rebuild)"
    exit 0
fi

mkdir -p "$IMAGE_CACHE_DIR"

if [[ ${FORCE:-0} == 1 || ! -s $tarball ]]; then
    command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
    mirror=${DEBIAN_MIRROR:-$(detect_debian_mirror)}
    security=${DEBIAN_SECURITY_MIRROR:-${mirror%/}-security}
    rootfs="$IMAGE_CACHE_DIR/rootfs-$DEBIAN_SUITE"
    rm -rf "$rootfs"
    log "debootstrap $DEBIAN_SUITE from $mirror into $rootfs"
    debootstrap --variant=minbase \
        --include=python3,python3-venv,ca-certificates \
        "$DEBIAN_SUITE" "$rootfs" "$mirror"

    # Same suites as the host (incl. security), then take the pending updates.
    cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $DEBIAN_SUITE main
deb $mirror $DEBIAN_SUITE-updates main
deb $security $DEBIAN_SUITE-security main
SOURCES
    cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
    mount -t proc proc "$rootfs/proc"
    trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
    chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update && apt-get -y upgrade && apt-get clean'
    umount "$rootfs/proc"
    trap - EXIT

    # Slim it the way Debian's docker images do: no apt lists, man pages or caches.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
        "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/*.log \
        "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/tmp/* "$rootfs"/root/.cache
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    : >"$rootfs/etc/resolv.conf"
    printf '%s\n' "$DEBIAN_SUITE-$(date -u +%Y%m%d)" >"$rootfs/etc/summarizer-base-release"

    log "packing $tarball"
    tar --numeric-owner --xattrs -C "$rootfs" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
fi

log "importing $tarball as $BASE_IMAGE_LOCAL"
ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah add "$ctr" "$tarball" /
buildah config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 \
    --cmd /bin/bash \
    --os linux --arch "$(dpkg --print-architecture)" \
    --label org.opencontainers.image.title="summarizer-base" \
    --label org.opencontainers.image.description="debootstrap $DEBIAN_SUITE minbase + python3, python3-venv" \
    "$ctr"
buildah commit --rm "$ctr" "$BASE_IMAGE_LOCAL"
trap - EXIT

# Smoke test: the image runs and its python is 3.11.
ctr=$(buildah from "$BASE_IMAGE_LOCAL")
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah run --isolation chroot "$ctr" python3 -c 'import sys, venv, ensurepip; assert sys.version_info[:2] == (3, 11), sys.version'
log "done: $(buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$BASE_IMAGE_LOCAL")"
