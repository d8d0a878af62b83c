"""Fixtures and small parsers for the deployment-file tests: the repository
paths, every YAML document under deploy/, the Dockerfile's instructions and
the systemd unit's keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
UNIT_FILE = DEPLOY / "systemd" / "news-monitor.service"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
MAKEFILE = REPO / "Makefile"
LOCK_FILE = REPO / "requirements.lock"  # runtime + apprise: the image
DEV_LOCK_FILE = REPO / "requirements-dev.lock"  # + dev: make install, CI


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    args: str
    stage: int


def parse_dockerfile(text: str) -> list[Instruction]:
    joined = re.sub(r"\\\n", " ", text)
    out: list[Instruction] = []
    stage = -1
    for raw in joined.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        out.append(Instruction(keyword, " ".join(args.split()), stage))
    return out


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """systemd unit -> {section: {key: [values in order]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{UNIT_FILE}:{number}: not 'Key=value' in a section: {raw!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def yaml_documents(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    docs = yaml_documents(COMPOSE_FILE)
    assert len(docs) == 1, f"{COMPOSE_FILE} should hold one YAML document"
    return docs[0]


@pytest.fixture(scope="session")
def k8s_objects() -> dict[str, dict[str, Any]]:
    """Every Kubernetes object under deploy/kubernetes, keyed by 'Kind/name'."""
    objects: dict[str, dict[str, Any]] = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for doc in yaml_documents(path):
            if doc.get("kind") == "Kustomization":
                continue
            key = f"{doc['kind']}/{doc['metadata']['name']}"
            assert key not in objects, f"{path.name}: {key} is defined twice"
            objects[key] = doc
    return objects


@pytest.fixture(scope="session")
def deployment(k8s_objects: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return k8s_objects["Deployment/news-monitor"]


@pytest.fixture(scope="session")
def dockerfile() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def unit() -> dict[str, dict[str, list[str]]]:
    return parse_unit(UNIT_FILE.read_text(encoding="utf-8"))
