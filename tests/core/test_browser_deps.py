"""`make test` on a machine without Chromium: scripts/browser_deps.sh installs it (as root with
apt-get) or stops naming what to install; it never lets the suite pass with browser tests skipped."""

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "browser_deps.sh"


def _run(tmp_path, chromium: Path) -> subprocess.CompletedProcess:
    # A PATH with a shell and `id` but neither apt-get nor npm: a machine where nothing can be installed.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("sh", "id"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "CONGVU_CHROMIUM": str(chromium), "HOME": str(tmp_path)}
    return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


def test_missing_chromium_stops_with_one_line_naming_what_to_install(tmp_path):
    result = _run(tmp_path, tmp_path / "no-chromium")

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium" in lines[0] and "npm" in lines[0] and "make test-fast" in lines[0]


def test_present_browser_and_npm_pass_without_installing(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    npm = tmp_path / "bin" / "npm"
    npm.parent.mkdir()
    npm.write_text("#!/bin/sh\n")
    npm.chmod(0o755)

    result = _run(tmp_path, chromium)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert os.access(chromium, os.X_OK)
