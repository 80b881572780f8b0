"""The ``tandem schedule`` and ``tandem bench`` entry points."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tandem.engine import bench, cli

PLAN = {
    "format": "tandem-network",
    "version": 1,
    "name": "Relaunch",
    "start": "2026-02-09",
    "calendar": {"country": "VN"},
    "resources": [{"id": "dev", "capacity": 1}],
    "tasks": [
        {
            "id": "A",
            "name": "Brief",
            "duration": 3,
            "demands": {"dev": 1},
            "optimistic": 2,
            "most_likely": 3,
            "pessimistic": 6,
        },
        {"id": "B", "name": "Build", "duration": 5, "demands": {"dev": 1}},
        {"id": "C", "name": "Content", "duration": 2, "demands": {"dev": 1}},
        {"id": "M", "name": "Launch", "duration": 0},
    ],
    "dependencies": [
        {"from": "A", "to": "B"},
        {"from": "A", "to": "C", "type": "SS"},
        {"from": "B", "to": "M"},
        {"from": "C", "to": "M"},
    ],
}


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cpm_json_on_psplib(psplib_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cpm", str(psplib_dir / "j30" / "j301_1.sm"), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["makespan"] == 38
    assert doc["critical_path"][0] == "1"
    assert doc["critical_path"][-1] == "32"
    assert set(doc["tasks"]["2"]) >= {"es", "ef", "ls", "lf", "total_float", "free_float"}
    assert isinstance(doc["tasks"]["2"]["es"], int)


def test_cpm_json_on_a_dated_plan_gives_dates(
    plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "cpm", str(plan), "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["makespan"] == 8
    assert doc["tasks"]["B"]["es"] == "2026-02-12"
    assert doc["finish"] == "2026-02-25"  # Tết (16-20 February) is skipped


def test_cpm_table(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cpm", str(plan))
    assert code == 0
    assert "Critical path: A -> B" in out
    assert "2026-02-25" in out


def test_level_on_psplib(psplib_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "level", str(psplib_dir / "j30" / "j301_1.sm"), "--time-limit", "5", "--json"
    )
    doc = json.loads(out)
    assert code == 0
    assert set(doc) >= {"makespan", "lower_bound", "status", "starts", "seconds"}
    assert doc["status"] == "optimal"
    assert doc["makespan"] == 43
    assert len(doc["starts"]) == 32
    assert doc["starts"]["1"] == 0


def test_level_heuristic_on_a_dated_plan(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "level", str(plan), "--heuristic", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["makespan"] == 10
    assert doc["starts"]["A"] == "2026-02-09"
    code, out, _ = run(capsys, "level", str(plan), "--heuristic")
    assert code == 0
    assert "Leveled length: 10 working days" in out


def test_risk(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "risk", str(plan), "--iterations", "500", "--seed", "3", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["iterations"] == 500
    assert doc["seed"] == 3
    assert {"P10", "P50", "P80", "P95"} <= set(doc["percentiles"])
    assert "date" in doc["percentiles"]["P50"]
    code, out, _ = run(capsys, "risk", str(plan), "--iterations", "200", "--spread", "0.8,1.5")
    assert code == 0
    assert "P80" in out


def test_help_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "cpm" in out
    code, out, _ = run(capsys, "level", "--help")
    assert code == 0
    assert "--time-limit" in out
    code, _, err = run(capsys, "risk", "x.json")
    assert code == 2
    assert "--iterations" in err
    code, _, err = run(capsys)
    assert code == 2


def test_bad_input_is_reported_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "cpm", str(tmp_path / "missing.json"))
    assert code == 1
    assert out == ""
    assert "cannot read" in err
    assert "missing.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "cpm", str(bad))
    assert code == 1
    assert "invalid JSON" in err
    cyc = tmp_path / "cycle.json"
    doc = dict(
        PLAN,
        dependencies=[{"from": "A", "to": "B"}, {"from": "B", "to": "C"}, {"from": "C", "to": "A"}],
    )
    cyc.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(capsys, "cpm", str(cyc))
    assert code == 1
    assert "dependency cycle: A -> B -> C -> A" in err
    code, _, err = run(capsys, "risk", str(cyc.with_name("plan.txt")), "--iterations", "5")
    assert code == 1


def test_mspdi_file(mspdi_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cpm", str(mspdi_dir / "mspdirelations.xml"), "--json")
    assert code == 0
    assert json.loads(out)["finish"] == "2006-09-25"


# ---------------------------------------------------------------- bench (tiny runs)
def test_bench_psplib_tiny(
    psplib_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two instances and the reference table, in a layout like the shared data directory.
    data = tmp_path / "psplib"
    (data / "j30").mkdir(parents=True)
    (data / "reference").mkdir()
    for name in ("j301_1.sm", "j301_2.sm"):
        shutil.copy(psplib_dir / "j30" / name, data / "j30" / name)
    shutil.copy(psplib_dir / "reference" / "j30_bounds.csv", data / "reference" / "j30_bounds.csv")
    code = bench.main(
        [
            "psplib",
            "--set",
            "j30",
            "--data",
            str(data),
            "--time-limit",
            "1",
            "--heuristic-time",
            "0.1",
            "--verbose",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "optimizer" in out
    assert "heuristic" in out
    assert "single-pass LFT" in out
    assert "j301_1" in out
    assert "mean gap %" in out


def test_bench_cpm_and_risk_tiny(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["cpm", "--tasks", "3000", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "tandem full pass" in out
    assert bench.main(["risk", "--tasks", "50", "--iterations", "300"]) == 0
    assert "P80" in capsys.readouterr().out


def test_bench_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["psplib", "--set", "j30", "--data", str(tmp_path)]) == 1
    assert "no .sm files" in capsys.readouterr().err
    assert bench.main(["nothing"]) == 2
