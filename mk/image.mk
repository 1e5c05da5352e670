# Container image targets (deploy/image/). Slow, so not part of `make test`.
# docker when `docker info` answers, else buildah on a local debootstrap base image.
# Variables: IMAGE_NAME, IMAGE_ENGINE (docker|buildah), BASE_IMAGE, WHEELS_DIR,
# PIP_EXTRA_ARGS, TEST_PORT, RUN_MODE; see the scripts' headers.

VENV ?= .venv
IMAGE_NAME ?= localhost/summarizer:latest
HADOLINT ?= $(firstword $(wildcard $(VENV)/bin/hadolint) hadolint)
export IMAGE_NAME

.PHONY: image image-base image-test image-clean lint-docker

image-base: ## build the local Debian bookworm base image (buildah, cached)
	deploy/image/make-base.sh

image: ## build the service image (docker if a daemon answers, else buildah)
	deploy/image/build.sh

image-test: image ## build, run the image, POST examples/request.json, check citations
	deploy/image/test.sh

lint-docker: ## hadolint the Dockerfile (fails on warnings)
	@command -v $(HADOLINT) >/dev/null || { echo "hadolint missing: pip install '.[deploy]'"; exit 1; }
	$(HADOLINT) --failure-threshold warning Dockerfile

image-clean: ## remove the service image, buildah's layer cache and leftover build containers
	-buildah rmi "$(IMAGE_NAME)"
	-buildah rmi --prune
