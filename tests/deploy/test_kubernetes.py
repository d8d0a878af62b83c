"""deploy/kubernetes: every object is well formed, names cross-reference, the
Deployment is non-root on a read-only root with probes on /healthz and
/readyz; strict schema validation when kubernetes-validate is installed."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import KUBERNETES, REPO, yaml_documents

SCHEMA_VERSION = "1.30.0"


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_every_object_has_api_version_kind_and_name(k8s_objects: dict[str, dict[str, Any]]) -> None:
    kinds = {key.split("/")[0] for key in k8s_objects}
    assert {"Deployment", "ConfigMap", "Secret", "PersistentVolumeClaim", "Service"} <= kinds
    for key, obj in k8s_objects.items():
        assert obj["apiVersion"] and obj["metadata"]["name"], key


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    [kustomization] = yaml_documents(KUBERNETES / "kustomization.yaml")
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk - {"secret.example.yaml"}


def test_probes_point_at_healthz_and_readyz(deployment: dict[str, Any]) -> None:
    container = _container(deployment)
    port_names = {p["name"] for p in container["ports"]}
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in port_names
    readiness = container["readinessProbe"]
    if "httpGet" in readiness:
        assert readiness["httpGet"] == {"path": "/readyz", "port": "http"}
    else:  # `news-monitor healthcheck` is the CLI face of /readyz (it sends http.token)
        assert readiness["exec"]["command"][:2] == ["news-monitor", "healthcheck"]
        assert readiness["timeoutSeconds"] > float(readiness["exec"]["command"][-1])


def test_readiness_matches_what_the_api_leaves_open(deployment: dict[str, Any]) -> None:
    auth = pytest.importorskip("monitor.web.auth", reason="monitor.web.auth is not built yet")
    readiness = _container(deployment)["readinessProbe"]
    if "httpGet" in readiness:
        assert readiness["httpGet"]["path"] in auth.OPEN_PATHS, \
            "an httpGet probe cannot send the API token: open /readyz in monitor/web/auth.py or probe with exec"
    assert "/healthz" in auth.OPEN_PATHS, "liveness and startup probes use httpGet /healthz without a token"


def test_runs_non_root_on_a_read_only_root(deployment: dict[str, Any]) -> None:
    pod = deployment["spec"]["template"]["spec"]
    container = _container(deployment)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert container["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/config", "/data", "/tmp"} <= mounts, "writes go to /data and /tmp only"


def test_resources_and_listen_address(deployment: dict[str, Any]) -> None:
    container = _container(deployment)
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert "memory" in container["resources"]["limits"]
    env = {e["name"]: e for e in container["env"]}
    assert env["NEWS_MONITOR_HTTP_LISTEN"]["value"] == "0.0.0.0:8080"
    assert env["NEWS_MONITOR_DATABASE"]["valueFrom"]["secretKeyRef"]["optional"] is True


def test_names_cross_reference(deployment: dict[str, Any], k8s_objects: dict[str, dict[str, Any]]) -> None:
    pod = deployment["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert f"ConfigMap/{volumes['config']['configMap']['name']}" in k8s_objects
    assert f"PersistentVolumeClaim/{volumes['data']['persistentVolumeClaim']['claimName']}" in k8s_objects
    for source in _container(deployment)["envFrom"]:
        assert f"Secret/{source['secretRef']['name']}" in k8s_objects
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = k8s_objects["Service/news-monitor"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] in {p["name"] for p in _container(deployment)["ports"]}


def test_configmap_mounts_a_loadable_config_with_its_rule_files(
    deployment: dict[str, Any], k8s_objects: dict[str, dict[str, Any]]
) -> None:
    data = k8s_objects["ConfigMap/news-monitor-config"]["data"]
    volume = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == "config")
    items = {item["path"]: item["key"] for item in volume["configMap"]["items"]}
    assert all(key in data for key in items.values()), "every mounted item must name a ConfigMap key"
    config = yaml.safe_load(data[items["monitor.yaml"]])
    assert {"database", "feeds", "rules", "channels"} <= config.keys()
    for pattern in config.get("rule_files", []):
        matched = [path for path in items if fnmatch.fnmatch(path, pattern)]
        assert matched, f"rule_files {pattern!r} matches no file mounted under /config"
        for path in matched:
            assert "rules" in yaml.safe_load(data[items[path]])


def test_configmap_config_passes_the_real_loader(
    deployment: dict[str, Any], k8s_objects: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Lays the ConfigMap out as the pod sees it (/config beside the image's
    /seeds) and loads it: rule examples, channels and feeds are all checked."""
    loader = pytest.importorskip("monitor.config.loader", reason="monitor.config.loader is not built yet")
    data = k8s_objects["ConfigMap/news-monitor-config"]["data"]
    volume = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == "config")
    for item in volume["configMap"]["items"]:
        target = tmp_path / "config" / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data[item["key"]], encoding="utf-8")
    (tmp_path / "seeds").symlink_to(REPO / "seeds", target_is_directory=True)
    environ = {"NEWS_MONITOR_HTTP_LISTEN": "0.0.0.0:8080", "NEWS_MONITOR_HTTP_TOKEN": "t0ken",
               "NEWS_MONITOR_DATABASE": "sqlite:////data/monitor.db"}
    config = loader.load_config(tmp_path / "config" / "monitor.yaml", environ=environ)
    assert config.http.listen == "0.0.0.0:8080" and config.http.token, \
        "the pod listens on all addresses: monitor.yaml must take listen and token from the environment"


def test_objects_validate_against_the_kubernetes_schema(k8s_objects: dict[str, dict[str, Any]]) -> None:
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed: strict schema check not run")
    for key, obj in k8s_objects.items():
        try:
            kubernetes_validate.validate(obj, SCHEMA_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{key}: {exc.message} at {'.'.join(map(str, exc.path))}")
