"""The Kubernetes manifests in deploy/k8s: schema-valid offline, and wired together.

kubernetes-validate ships the JSON schemas, so this runs without a cluster or network
(the socket guard below proves it). It is in the ``deploy`` extra.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

try:
    import kubernetes_validate
except ImportError as missing:  # a failure, not a skip: make test installs the extra
    message = "tests/deploy needs kubernetes-validate (the deploy extra; make test installs it)"
    raise ImportError(message) from missing

K8S_DIR = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
# The oldest Kubernetes we claim to run on, and the newest schemas the package ships.
K8S_VERSIONS = ["1.30.0", kubernetes_validate.latest_version()]
APP_UID = 10001


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def _kustomization() -> dict[str, Any]:
    (doc,) = _load(K8S_DIR / "kustomization.yaml")
    return doc


def _resources() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for name in _kustomization()["resources"]:
        docs.extend(_load(K8S_DIR / name))
    return docs


def _one(kind: str) -> dict[str, Any]:
    (doc,) = [doc for doc in _resources() if doc["kind"] == kind]
    return doc


def _container() -> dict[str, Any]:
    (container,) = _one("Deployment")["spec"]["template"]["spec"]["containers"]
    return container


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to open a network connection."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = _kustomization()
    assert kustomization["kind"] == "Kustomization"
    listed = set(kustomization["resources"])
    on_disk = {path.name for path in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    kinds = sorted(doc["kind"] for doc in _resources())
    assert kinds == sorted(
        ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"]
    )
    image_name = _container()["image"].split(":")[0]
    assert [image["name"] for image in kustomization["images"]] == [image_name]


MANIFESTS = sorted(p.name for p in K8S_DIR.glob("*.yaml") if p.name != "kustomization.yaml")


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_is_schema_valid(name: str, version: str) -> None:
    for doc in _load(K8S_DIR / name):
        kubernetes_validate.validate(doc, version, strict=True)


def test_validator_rejects_a_broken_manifest() -> None:
    deployment = _one("Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = "2 CPUs"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


def test_probes_hit_the_service_endpoints() -> None:
    container = _container()
    (port,) = container["ports"]
    assert port == {"name": "http", "containerPort": 8080, "protocol": "TCP"}
    paths = {
        probe: (container[probe]["httpGet"]["path"], container[probe]["httpGet"]["port"])
        for probe in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert paths == {
        "startupProbe": ("/healthz", "http"),
        "livenessProbe": ("/healthz", "http"),
        "readinessProbe": ("/readyz", "http"),
    }
    startup = container["startupProbe"]
    # Model load happens before gunicorn listens: give it minutes, not seconds.
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120


def test_pod_runs_locked_down() -> None:
    pod = _one("Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == APP_UID
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = _container()["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security.get("privileged", False) is False


def test_writable_paths_are_empty_dirs() -> None:
    pod = _one("Deployment")["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["mountPath"]: mount["name"] for mount in _container()["volumeMounts"]}
    assert set(mounts) == {"/tmp", "/dev/shm"}
    for name in mounts.values():
        assert "emptyDir" in volumes[name]
        assert volumes[name]["emptyDir"].get("sizeLimit")
    assert volumes[mounts["/dev/shm"]]["emptyDir"]["medium"] == "Memory"


def test_resources_are_set() -> None:
    resources = _container()["resources"]
    assert resources["requests"] == {"cpu": "1", "memory": "1Gi"}
    assert resources["limits"] == {"cpu": "2", "memory": "3Gi"}


def test_settings_come_from_the_config_map() -> None:
    config_map = _one("ConfigMap")
    assert _container()["envFrom"] == [{"configMapRef": {"name": config_map["metadata"]["name"]}}]
    for key, value in config_map["data"].items():
        assert key.startswith("SUMMARIZER_") or key == "WEB_CONCURRENCY", key
        assert isinstance(value, str)
    assert int(config_map["data"]["WEB_CONCURRENCY"]) <= int(
        _container()["resources"]["limits"]["cpu"]
    ), "more workers than CPUs only adds contention"


def test_selectors_match_the_pods() -> None:
    deployment = _one("Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selectors = {
        "Deployment": deployment["spec"]["selector"]["matchLabels"],
        "Service": _one("Service")["spec"]["selector"],
        "PodDisruptionBudget": _one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
    }
    for kind, selector in selectors.items():
        assert selector.items() <= pod_labels.items(), kind
    (service_port,) = _one("Service")["spec"]["ports"]
    assert service_port["targetPort"] == "http"


def test_autoscaler_owns_the_replica_count() -> None:
    deployment = _one("Deployment")
    hpa = _one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert "replicas" not in deployment["spec"], "an applied replica count fights the HPA"
    assert hpa["spec"]["minReplicas"] >= 2, "a PDB with one replica blocks node drains"
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert _one("PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
