"""The lock files: complete, fresh, hashed, and the only thing installs use.

requirements-dev.lock (runtime + apprise + dev + build backend) is what `make
install` and CI install; requirements.lock (runtime + apprise + build backend)
is what the image installs.  Both are one universal `uv pip compile` resolution
made by `make lock`.  Nothing here touches the network: freshness is checked
against pyproject.toml and against the metadata of the packages installed in
this environment (which `make install` put there from the dev lock).  Only the
pins that apply to this interpreter and platform can be checked that way; the
pins for other platforms are uv's resolution, as recorded.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.procs import run_in_group
from .conftest import DEV_LOCK_FILE, LOCK_FILE, MAKEFILE, REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = [LOCK_FILE, DEV_LOCK_FILE]
HASH = re.compile(r"sha256:[0-9a-f]{64}")
FIX = "run `make lock` and commit both lock files"


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]
    line: int

    def applies(self, env: dict[str, str] | None = None) -> bool:
        return self.marker is None or self.marker.evaluate(env)


def parse_lock(path: Path) -> list[Pin]:
    """A pip requirements file of `name==version ; marker --hash=...` entries
    (continuation lines joined, comments dropped); anything else fails."""
    pins: list[Pin] = []
    entry, start = "", 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not entry:
            start = number
        entry += " " + line.removesuffix("\\")
        if line.endswith("\\"):
            continue
        pins.append(_pin(path, start, entry.strip()))
        entry = ""
    assert not entry, f"{path.name}:{start}: the file ends inside a continued line"
    return pins


def _pin(path: Path, line: int, entry: str) -> Pin:
    where = f"{path.name}:{line}"
    requirement, *options = re.split(r"\s+(?=--)", entry)
    assert not requirement.startswith("-"), f"{where}: only pinned requirements belong in a lock: {entry!r}"
    hashes = []
    for option in options:
        assert option.startswith("--hash="), f"{where}: unexpected option {option!r}"
        value = option.removeprefix("--hash=")
        assert HASH.fullmatch(value), f"{where}: not a sha256 hash: {value!r}"
        hashes.append(value)
    req = Requirement(requirement)
    assert not req.url, f"{where}: a URL requirement cannot be hash-pinned from PyPI: {requirement!r}"
    specs = list(req.specifier)
    assert len(specs) == 1 and specs[0].operator == "==", f"{where}: {requirement!r} is not pinned with =="
    assert hashes, f"{where}: {req.name} has no --hash (pip's --require-hashes refuses the whole file)"
    return Pin(canonicalize_name(req.name), specs[0].version, req.marker, tuple(hashes), line)


@pytest.fixture(scope="module")
def locks() -> dict[str, list[Pin]]:
    return {path.name: parse_lock(path) for path in LOCKS}


def _roots(*extras: str) -> list[Requirement]:
    """What pyproject.toml asks for: the dependencies, the given extras and the
    build backend (the project is installed with --no-build-isolation)."""
    project = PYPROJECT["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    specs += PYPROJECT["build-system"]["requires"]
    return [Requirement(s) for s in specs]


ROOTS = {LOCK_FILE.name: _roots("apprise"), DEV_LOCK_FILE.name: _roots("apprise", "dev")}


def _env(python: str) -> dict[str, str]:
    return {**default_environment(), "python_version": python, "python_full_version": f"{python}.0",
            "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}


@pytest.mark.parametrize("path", LOCKS, ids=lambda p: p.name)
def test_lock_file_is_pinned_and_hashed(path: Path) -> None:
    pins = parse_lock(path)  # every entry: name==version, a marker at most, sha256 hashes
    assert len(pins) > 20, f"{path.name}: suspiciously few pins ({len(pins)})"
    header = path.read_text(encoding="utf-8").splitlines()[:2]
    assert header[-1].strip("# ") == "make lock", f"{path.name}: not written by `make lock` ({header})"


def test_a_package_pinned_twice_has_exclusive_markers(locks: dict[str, list[Pin]]) -> None:
    """uv forks a pin by Python version where one version cannot serve all
    (numpy, scipy): CPython 3.11 (hosts, bookworm) and 3.12 (the image's base)
    must each get exactly one."""
    for name, pins in locks.items():
        by_name: dict[str, list[Pin]] = {}
        for pin in pins:
            by_name.setdefault(pin.name, []).append(pin)
        for package, group in by_name.items():
            if len(group) == 1:
                continue
            for python in ("3.11", "3.12", "3.13"):
                hits = [p.version for p in group if p.applies(_env(python))]
                assert len(hits) == 1, f"{name}: {package} on CPython {python}/Linux gets {hits or 'no pin'}"


@pytest.mark.parametrize("lock", [LOCK_FILE.name, DEV_LOCK_FILE.name])
def test_every_pyproject_requirement_is_pinned_within_its_bounds(lock: str, locks: dict[str, list[Pin]]) -> None:
    pins = locks[lock]
    problems = []
    for req in ROOTS[lock]:
        matching = [p for p in pins if p.name == canonicalize_name(req.name)]
        if not matching:
            problems.append(f"{req} is not in {lock}")
        problems += [f"{req}: {lock}:{p.line} pins {p.version}" for p in matching
                     if not req.specifier.contains(p.version, prereleases=True)]
    assert not problems, f"the lock is stale ({FIX}):\n  " + "\n  ".join(problems)


def test_image_lock_pins_what_the_dev_lock_pins(locks: dict[str, list[Pin]]) -> None:
    """The image runs exactly the versions the suite tested."""
    dev = {(p.name, p.version, str(p.marker)) for p in locks[DEV_LOCK_FILE.name]}
    differ = [f"{p.name}=={p.version} ({LOCK_FILE.name}:{p.line})" for p in locks[LOCK_FILE.name]
              if (p.name, p.version, str(p.marker)) not in dev]
    assert not differ, f"{LOCK_FILE.name} pins what {DEV_LOCK_FILE.name} does not ({FIX}): {differ}"
    dev_only = {canonicalize_name(Requirement(s).name) for s in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    leaked = sorted(dev_only & {p.name for p in locks[LOCK_FILE.name]})
    assert not leaked, f"test tools in the image's lock: {leaked}"


def _closure(roots: list[Requirement]) -> tuple[dict[str, str], list[str]]:
    """Every distribution the roots need here, with its installed version,
    following installed metadata (extras included); plus what is missing."""
    env = default_environment()
    found: dict[str, str] = {}
    missing: list[str] = []
    done: set[tuple[str, str]] = set()
    todo = [(req, "pyproject.toml") for req in roots if req.marker is None or req.marker.evaluate({**env, "extra": ""})]
    while todo:
        req, wanted_by = todo.pop()
        name = canonicalize_name(req.name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(f"{req} (wanted by {wanted_by})")
            continue
        found[name] = dist.version
        for extra in {"", *(canonicalize_name(e) for e in req.extras)}:
            if (name, extra) in done:
                continue
            done.add((name, extra))
            for spec in dist.requires or []:
                dep = Requirement(spec)
                if dep.marker is None or dep.marker.evaluate({**env, "extra": extra}):
                    todo.append((dep, f"{name}{f'[{extra}]' if extra else ''}"))
    return found, missing


@pytest.mark.parametrize("lock", [LOCK_FILE.name, DEV_LOCK_FILE.name])
def test_lock_is_exactly_what_this_environment_needs(lock: str, locks: dict[str, list[Pin]]) -> None:
    """Against the installed packages' own metadata: every distribution the
    project needs on this interpreter is pinned (a new transitive dependency,
    one an older pip silently drops like lxml_html_clean, or a hand-edited
    lock fails here), and nothing pinned for it is needed by nobody (a
    dependency removed from pyproject.toml without `make lock`)."""
    needed, missing = _closure(ROOTS[lock])
    assert not missing, f"not installed: {missing} (run `make install`; if it was never locked, {FIX})"
    here = {p.name: p for p in locks[lock] if p.applies()}
    unpinned = sorted(set(needed) - set(here))
    assert not unpinned, f"{lock} lacks {unpinned}, which this environment needs ({FIX})"
    unneeded = sorted(set(here) - set(needed))
    assert not unneeded, f"{lock} pins {unneeded}, which nothing needs any more ({FIX})"


def test_this_environment_was_installed_from_the_dev_lock(locks: dict[str, list[Pin]]) -> None:
    needed, _ = _closure(ROOTS[DEV_LOCK_FILE.name])
    here = {p.name: p for p in locks[DEV_LOCK_FILE.name] if p.applies()}
    drift = sorted(f"{name} {version} installed, {here[name].version} locked"
                   for name, version in needed.items() if name in here and version != here[name].version)
    assert not drift, f"the venv is not what {DEV_LOCK_FILE.name} pins: {drift} (`make install` after `make clean`)"


def _recipe(makefile: str, target: str) -> tuple[list[str], list[str]]:
    """(prerequisites, recipe lines) of one rule of the Makefile."""
    lines = makefile.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"{target}:"):
            recipe = []
            for body in lines[index + 1:]:
                if not body.startswith("\t"):
                    break
                recipe.append(body.strip())
            return line.partition(":")[2].split(), recipe
    raise AssertionError(f"Makefile has no rule for {target}")


def test_make_install_installs_only_from_the_dev_lock() -> None:
    makefile = MAKEFILE.read_text(encoding="utf-8")
    prerequisites, recipe = _recipe(makefile, "$(BIN)/news-monitor")
    assert {"pyproject.toml", DEV_LOCK_FILE.name} <= set(prerequisites), \
        "a change to pyproject.toml or the lock must reinstall the venv"
    installs = [r for r in recipe if " install " in r and "/pip " in r]
    assert any(f"--require-hashes -r {DEV_LOCK_FILE.name}" in r for r in installs), installs
    assert "--require-hashes -r requirements-pip.lock" in installs[0], \
        "a known pip first: pip 23.2 resolves an extra to the newest release instead of the locked one"
    for r in installs:
        assert "--require-hashes" in r or "--no-deps" in r, f"an install that resolves on its own: {r!r}"
    assert any("--no-deps" in r and r.endswith("-e .") for r in installs), "the project itself: pip install --no-deps -e ."
    assert any(r.endswith("pip check") for r in recipe), "pip check: pyproject needs what the lock lacks"
    _, test_recipe = _recipe(makefile, "test")
    assert test_recipe and all("pip " not in r for r in test_recipe)


def test_make_lock_writes_both_hashed_universal_locks() -> None:
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^UV_VERSION := \d+\.\d+\.\d+$", makefile, re.M), "pin the lock tool: the output format is its"
    prerequisites, recipe = _recipe(makefile, "lock")
    compile_flags = re.search(r"^UV_COMPILE = (.*?)(?<!\\)$", makefile, re.M | re.S)
    assert compile_flags, "UV_COMPILE holds uv pip compile's flags"
    for flag in ("--universal", "--generate-hashes", "--python-version 3.11", "--custom-compile-command 'make lock'"):
        assert flag in compile_flags.group(1), f"make lock: uv pip compile needs {flag}"
    outputs = [r.split(" -o ")[1] for r in recipe if " -o " in r]
    assert outputs == ["requirements-pip.lock", DEV_LOCK_FILE.name, LOCK_FILE.name], \
        "pip's own lock; the dev lock; the image's held to its pins"
    assert f"-c {DEV_LOCK_FILE.name}" in recipe[-1]


def test_ci_installs_through_make() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert "make install" in commands and "make test" in commands
    assert not [c for c in commands if "pip install" in c], ".ci/run must install through make (the lock)"


def test_the_shipped_config_is_tracked_and_not_ignored() -> None:
    """Issue 14: config/monitor.yaml was tracked and listed in .gitignore, so an
    operator's edits met `git pull`; the example is tracked, a local copy ignored."""

    root = Path(__file__).resolve().parents[2]
    ignored = run_in_group(["git", "check-ignore", "--no-index", "-q", "config/monitor.yaml"], cwd=root, timeout=60)
    assert ignored.returncode == 1, "config/monitor.yaml is tracked: it must not be in .gitignore"
    local = run_in_group(["git", "check-ignore", "--no-index", "-q", "config/local.yaml"], cwd=root, timeout=60)
    assert local.returncode == 0, "config/local.yaml (the operator's copy) should be ignored"
