#!/usr/bin/env bash
# Run a command in a mounted image root the way the Kubernetes manifests run the pod:
# read-only root filesystem, fresh /tmp and /dev/shm tmpfs, the image's non-root user,
# no_new_privs, a private mount and PID namespace. The network is the host's, so bind to
# loopback. Must run as root, inside `unshare --mount --pid --fork` (test.sh does that).
#
#   run-readonly.sh ROOT USER WORKDIR ENVFILE -- CMD...
set -euo pipefail
root=$1 user=$2 workdir=$3 envfile=$4
shift 4
[[ ${1:-} == -- ]] && shift

mount --make-rprivate /
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o nosuid,nodev,mode=1777,size=256m tmpfs "$root/tmp"
mount -t tmpfs -o nosuid,mode=755,size=1m tmpfs "$root/dev"
for node in null zero full random urandom tty; do
    : >"$root/dev/$node"
    mount --bind "/dev/$node" "$root/dev/$node"
done
mkdir "$root/dev/shm"
mount -t tmpfs -o nosuid,nodev,mode=1777,size=64m tmpfs "$root/dev/shm"

mapfile -t env_vars <"$envfile"
exec setpriv --no-new-privs chroot --userspec="$user" "$root" \
    /usr/bin/env -i -C "$workdir" "${env_vars[@]}" "$@"
