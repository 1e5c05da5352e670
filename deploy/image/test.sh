#!/usr/bin/env bash
# Start the built image, wait for /readyz, POST examples/request.json to /v1/summaries and
# check the answer (deploy/image/smoke.py); the server is always stopped on exit.
#
# Environment:
#   IMAGE_NAME     image to test (default localhost/summarizer:latest)
#   IMAGE_ENGINE   docker | buildah (default: detected)
#   RUN_MODE       buildah only: "readonly" (default) runs the image's CMD the way the
#                  Kubernetes manifests do (read-only root, tmpfs /tmp and /dev/shm, non-root,
#                  no_new_privs); "buildah-run" uses plain `buildah run --isolation chroot`.
#   TEST_PORT      loopback port for the server (default 18080)
#   REQUEST        request body (default examples/request.json)
#   READY_TIMEOUT  seconds to wait for /readyz (default 240)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/image/common.sh
source "$here/common.sh"

repo=$(cd "$here/../.." && pwd)
engine=$(detect_engine)
port=${TEST_PORT:-18080}
request=${REQUEST:-$repo/examples/request.json}
ready_timeout=${READY_TIMEOUT:-240}
run_mode=${RUN_MODE:-readonly}
work=$(mktemp -d "${TMPDIR:-/tmp}/summarizer-image-test.XXXXXX")
server_log="$work/server.log"

[[ -s $request ]] || die "no request body at $request"

pgid= ctr= mounted= docker_name=
cleanup() {
    local rc=$?
    set +e
    if [[ -n $pgid && $pgid != "$(ps -o pgid= -p $$ | tr -d ' ')" ]]; then
        log "stopping server (process group $pgid)"
        kill -TERM -- "-$pgid" 2>/dev/null
        for _ in $(seq 1 40); do
            kill -0 -- "-$pgid" 2>/dev/null || break
            sleep 1
        done
        kill -KILL -- "-$pgid" 2>/dev/null
    fi
    [[ -n $docker_name ]] && docker rm -f "$docker_name" >/dev/null 2>&1
    [[ -n $mounted ]] && buildah umount "$ctr" >/dev/null
    [[ -n $ctr ]] && buildah rm "$ctr" >/dev/null
    if [[ $rc -ne 0 && -s $server_log ]]; then
        log "server log (last 40 lines):"
        tail -n 40 "$server_log" >&2
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

image_config() { buildah inspect --type image --format "$1" "$IMAGE_NAME"; }

case $engine in
docker)
    docker_name="summarizer-image-test-$$"
    # The same restrictions as deploy/k8s/deployment.yaml.
    docker run -d --name "$docker_name" \
        --read-only --tmpfs /tmp:size=256m --shm-size 64m \
        --cap-drop ALL --security-opt no-new-privileges \
        -p "127.0.0.1:$port:8080" "$IMAGE_NAME" >/dev/null
    (docker logs -f "$docker_name" >"$server_log" 2>&1 &)
    server_pid=
    ;;
buildah)
    buildah_has_image "$IMAGE_NAME" || die "no image $IMAGE_NAME (make image)"
    ctr=$(buildah from --pull=false "$IMAGE_NAME")
    mapfile -t cmd < <(image_config '{{range .Docker.Config.Cmd}}{{println .}}{{end}}')
    # HOST: bind loopback only (the host's network is shared).
    extra_env=(HOST=127.0.0.1 "PORT=$port")
    case $run_mode in
    readonly)
        mounted=$(buildah mount "$ctr")
        {
            image_config '{{range .Docker.Config.Env}}{{println .}}{{end}}'
            printf '%s\n' "HOME=/home/app" "${extra_env[@]}"
        } | grep -v '^$' >"$work/env"
        setsid unshare --mount --pid --fork --kill-child -- \
            "$here/run-readonly.sh" "$mounted" "$(image_config '{{.Docker.Config.User}}')" \
            "$(image_config '{{.Docker.Config.WorkingDir}}')" "$work/env" -- "${cmd[@]}" \
            >"$server_log" 2>&1 &
        ;;
    buildah-run)
        env_args=()
        for kv in "${extra_env[@]}"; do env_args+=(--env "$kv"); done
        setsid buildah run --isolation chroot "${env_args[@]}" "$ctr" -- "${cmd[@]}" \
            >"$server_log" 2>&1 &
        ;;
    *) die "unknown RUN_MODE '$run_mode' (readonly or buildah-run)" ;;
    esac
    server_pid=$!
    # setsid makes the server the leader of its own process group, so stopping the group
    # reaches gunicorn's master and workers. Wait until it has (it is not instant), and
    # never take our own group for it.
    for _ in $(seq 1 50); do
        [[ $(ps -o pgid= -p "$server_pid" | tr -d ' ') == "$server_pid" ]] && break
        sleep 0.1
    done
    [[ $(ps -o pgid= -p "$server_pid" | tr -d ' ') == "$server_pid" ]] ||
        { kill -TERM "$server_pid"; die "server did not get its own process group"; }
    pgid=$server_pid
    log "started ${cmd[*]} ($run_mode, pid $server_pid) on 127.0.0.1:$port"
    ;;
*) die "unknown IMAGE_ENGINE '$engine'" ;;
esac

python3 "$here/smoke.py" --base-url "http://127.0.0.1:$port" --request "$request" \
    --ready-timeout "$ready_timeout" ${server_pid:+--pid "$server_pid"}

# The image's own HEALTHCHECK command, run as the image runs it.
if [[ $engine == buildah ]]; then
    mapfile -t health < <(image_config '{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}')
    [[ ${health[0]:-} == CMD ]] || die "unexpected HEALTHCHECK ${health[*]}"
    buildah run --isolation chroot --env "PORT=$port" "$ctr" -- "${health[@]:1}" ||
        die "HEALTHCHECK command failed"
    log "HEALTHCHECK command ok"
fi

if grep -E -i 'Traceback|Read-only file system|Permission denied|\[(ERROR|CRITICAL)\]' "$server_log" >&2; then
    die "server log shows errors (above)"
fi
log "image test passed: $IMAGE_NAME"
