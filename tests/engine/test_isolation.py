"""The engine is a library: importing any of its modules must not load Django."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import tandem.engine

SRC = Path(tandem.engine.__file__).resolve().parents[2]


def engine_modules() -> list[str]:
    names = ["tandem.engine"]
    for info in pkgutil.walk_packages(tandem.engine.__path__, prefix="tandem.engine."):
        names.append(info.name)
    return names


def test_every_engine_module_is_listed() -> None:
    mods = engine_modules()
    for expected in (
        "calendar",
        "cpm",
        "leveling",
        "optimizer",
        "heuristic",
        "risk",
        "evm",
        "cli",
        "bench",
        "formats.mspdi",
        "formats.psplib",
        "formats.jsonfmt",
    ):
        assert f"tandem.engine.{expected}" in mods


def test_importing_the_engine_loads_no_django() -> None:
    imports = ", ".join(engine_modules())
    code = (
        f"import {imports}; import sys; "
        "bad = sorted(m for m in sys.modules if m.startswith('django')); "
        "assert not bad, bad"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
