"""The chart's alert rules, rendered for AKS, pass `promtool check rules` and the unit tests in
deploy/monitoring/alerts_test.yaml (Debian's prometheus package provides promtool)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from tests.deploy.manifests import ROOT, find, render

TESTS = ROOT / "deploy" / "monitoring" / "alerts_test.yaml"


def _promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: apt-get install prometheus (make test does)"
    return found


def rendered_rules(folder: Path) -> Path:
    rules = find(render("aks"), "PrometheusRule")["spec"]
    path = folder / "alerts.yaml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False))
    return path


def test_rules_are_valid_and_their_unit_tests_pass(tmp_path: Path) -> None:
    rules = rendered_rules(tmp_path)
    check = subprocess.run(
        [_promtool(), "check", "rules", str(rules)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    shutil.copy(TESTS, tmp_path / TESTS.name)
    run = subprocess.run(
        [_promtool(), "test", "rules", TESTS.name], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_unit_tests_catch_a_broken_rule(tmp_path: Path) -> None:
    rules = rendered_rules(tmp_path)
    doc = yaml.safe_load(rules.read_text())
    for group in doc["groups"]:
        for rule in group["rules"]:
            if rule["alert"] == "ColonnadeBreakerOpen":
                rule["expr"] = rule["expr"].replace("== 2", "== 1")  # half-open, not open
    rules.write_text(yaml.safe_dump(doc, sort_keys=False))
    shutil.copy(TESTS, tmp_path / TESTS.name)
    run = subprocess.run(
        [_promtool(), "test", "rules", TESTS.name], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode != 0 and "ColonnadeBreakerOpen" in run.stdout + run.stderr
