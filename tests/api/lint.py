"""Spectral, as the API tests run it: the CLI from node_modules (package-lock.json pins it) with
the repository's ruleset, api/spectral.yaml."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
RULESET = ROOT / "api" / "spectral.yaml"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"


def spectral() -> Path:
    """The CLI; skips outside CI when `npm ci` has not run, fails under CI=true."""
    require_service(SPECTRAL.exists(), f"Spectral ({SPECTRAL}, installed by `npm ci`)")
    return SPECTRAL


def lint(
    document: dict, directory: Path, *, output: str = "stylish"
) -> subprocess.CompletedProcess:
    """Lint ``document`` (written to ``directory``) with the ruleset; a warning counts as a
    failure, as an error does."""
    path = directory / "openapi.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [
            str(spectral()),
            "lint",
            "--fail-severity=warn",
            "--ruleset",
            str(RULESET),
            "--format",
            output,
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def findings(document: dict, directory: Path) -> list[dict]:
    """Spectral's findings on ``document`` as a list of {code, path, message, severity}."""
    result = lint(document, directory, output="json")
    assert result.returncode in (0, 1), result.stderr or result.stdout
    start = result.stdout.find("[")
    return json.loads(result.stdout[start:]) if start >= 0 else []
