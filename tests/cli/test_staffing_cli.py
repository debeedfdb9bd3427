"""``backplan staffing``: the published example, its JSON, ranges, durations and bad input."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys

import pytest

from backplan.cli import build_parser, main
from backplan.cli._staffing import duration_seconds, target, volumes

EXAMPLE = "staffing --volume 100 --interval 30m --aht 180s --target 80/20"
KEYS = ("traffic_erlangs", "agents", "rostered", "service_level", "asa_seconds", "occupancy",
        "wait_probability")


def run(capsys: pytest.CaptureFixture[str], command: str) -> tuple[int, str, str]:
    try:
        code = main(shlex.split(command))
    except SystemExit as exit_:  # argparse's own errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_published_example_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{EXAMPLE} --shrinkage 0.3 --max-occupancy 0.85 --format json")
    assert code == 0
    data = json.loads(out)
    assert set(KEYS) <= set(data)
    assert data["traffic_erlangs"] == 10.0
    assert (data["agents"], data["rostered"]) == (14, 20)
    assert round(data["service_level"], 4) == 0.8884
    assert round(data["asa_seconds"], 2) == 7.84
    assert round(data["occupancy"], 3) == 0.714
    assert round(data["wait_probability"], 4) == 0.1741
    assert data["model"] == "erlang-c"
    assert data["shrinkage"] == 0.3


def test_the_published_example_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{EXAMPLE} --shrinkage 30% --max-occupancy 85%")
    assert code == 0
    lines = {line.strip().split("  ")[0]: line.split()[-1] for line in out.splitlines()[1:]}
    assert lines["agents on queue"] == "14"
    assert lines["rostered"] == "20"
    assert "0.8884" in out
    assert "7.84 s" in out
    assert "0.714" in out
    assert "0.1741" in out
    assert out.startswith("Erlang C: 100 contacts per 30 min interval")


@pytest.mark.parametrize("aht", ["180", "180s", "3:00", "3m", "3min", "0:03:00", "2m60s"])
def test_aht_in_any_spelling(capsys: pytest.CaptureFixture[str], aht: str) -> None:
    code, out, _ = run(capsys, f"staffing --volume 100 --interval 30m --aht {aht} --target 80/20 "
                               "--format json")
    assert code == 0
    assert json.loads(out)["aht_seconds"] == 180.0


@pytest.mark.parametrize(("interval", "seconds"), [
    ("15m", 900), ("30m", 1800), ("1h", 3600), ("900s", 900), ("0.5h", 1800), ("1800", 1800),
    ("30min", 1800), ("1h30m", 5400),
])
def test_interval_lengths(capsys: pytest.CaptureFixture[str], interval: str, seconds: int) -> None:
    code, out, _ = run(capsys, f"staffing --volume 50 --interval {interval} --aht 180 "
                               "--target 80/20 --format json")
    assert code == 0
    assert json.loads(out)["interval_seconds"] == seconds


def test_a_range_of_volumes_is_a_table_and_a_json_list(capsys: pytest.CaptureFixture[str]) -> None:
    command = ("staffing --volume 80..140/10 --interval 30m --aht 3:00 --target 80/20 "
               "--shrinkage 0.3")
    code, out, _ = run(capsys, f"{command} --format json")
    rows = json.loads(out)
    assert code == 0
    assert [row["volume"] for row in rows] == [80, 90, 100, 110, 120, 130, 140]
    agents = [row["agents"] for row in rows]
    assert agents == sorted(agents)
    assert agents[2] == 14
    assert all(set(KEYS) <= set(row) for row in rows)
    code, out, _ = run(capsys, command)
    lines = out.splitlines()
    assert code == 0
    assert len(lines) == 2 + 7
    assert lines[1].split()[:4] == ["volume", "traffic", "agents", "rostered"]
    assert lines[4].split()[:4] == ["100", "10.00", "14", "20"]


def test_a_range_of_one_volume_is_still_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "staffing --volume 100..100 --interval 30m --aht 180 "
                               "--target 80/20 --format json")
    assert code == 0
    assert len(json.loads(out)) == 1


def test_patience_switches_to_erlang_a(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{EXAMPLE} --patience 90s --format json")
    data = json.loads(out)
    assert code == 0
    assert data["model"] == "erlang-a"
    assert data["patience_seconds"] == 90
    assert data["agents"] < 14
    assert data["abandon_probability"] > 0
    code, out, _ = run(capsys, f"{EXAMPLE} --patience 1:30")
    assert "P(abandon)" in out
    assert "mean patience 90 s" in out


@pytest.mark.parametrize(("arguments", "message"), [
    ("--shrinkage 1", "--shrinkage"),
    ("--shrinkage 100%", "--shrinkage"),
    ("--max-occupancy 0", "no finite staffing keeps occupancy at 0"),
    ("--max-occupancy 1.5", "--max-occupancy"),
    ("--patience 0", "--patience"),
    ("--format csv", "--format"),
])
def test_bad_options_exit_2_without_a_traceback(
        capsys: pytest.CaptureFixture[str], arguments: str, message: str) -> None:
    code, out, err = run(capsys, f"{EXAMPLE} {arguments}")
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--target", "100/20", "below 100"),
    ("--target", "0/20", "above 1"),
    ("--target", "0.8/20", "in percent"),
    ("--target", "80", "PERCENT/SECONDS"),
    ("--target", "80/-5", "PERCENT/SECONDS"),
    ("--aht", "0", "above 0"),
    ("--aht", "3:75", "3:00"),
    ("--aht", "fast", "average handle time"),
    ("--interval", "30", "did you mean 30m"),
    ("--interval", "-30m", "interval length"),
    ("--volume", "-5", "number of contacts"),
    ("--volume", "140..80/10", "smaller to a larger"),
    ("--volume", "0..100000/1", "more than 1,000"),
    ("--volume", "lots", "number of contacts"),
])
def test_bad_values_exit_2_naming_the_option(
        capsys: pytest.CaptureFixture[str], option: str, value: str, message: str) -> None:
    arguments = {"--volume": "100", "--interval": "30m", "--aht": "180", "--target": "80/20",
                 option: value}
    command = "staffing " + " ".join(f"{k} {shlex.quote(v)}" if not v.startswith("-")
                                     else f"{k}={v}" for k, v in arguments.items())
    code, out, err = run(capsys, command)
    assert code == 2
    assert out == ""
    assert f"argument {option}" in err
    assert message in err


def test_traffic_no_staffing_can_serve_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "staffing --volume 1e9 --interval 30m --aht 180 --target 80/20 "
                                 "--max-occupancy 0.85")
    assert (code, out) == (2, "")
    assert err.startswith("backplan: volume: ")
    assert "100,000 agents" in err
    assert "Traceback" not in err


def test_the_real_program_exits_2_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backplan", *shlex.split(EXAMPLE), "--shrinkage", "1.2"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--shrinkage" in result.stderr


def help_examples(command: str) -> list[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    epilog = subparsers.choices[command].epilog or ""
    return [line.strip() for line in epilog.splitlines() if line.strip().startswith("backplan ")]


@pytest.mark.parametrize("line", help_examples("staffing"))
def test_every_help_example_runs_as_written(capsys: pytest.CaptureFixture[str], line: str) -> None:
    code, out, err = run(capsys, line.removeprefix("backplan "))
    assert code == 0, err
    assert out.strip()


def test_help_lists_the_examples() -> None:
    assert len(help_examples("staffing")) >= 4


def test_parsers() -> None:
    assert duration_seconds("1:02:03") == 3723.0
    assert duration_seconds("2m 30s") == 150.0
    assert target("85%/30s") == (0.85, 30.0)
    assert volumes("0..1/0.25") == [0.0, 0.25, 0.5, 0.75, 1.0]
    for bad in ("1:60:00", "3s2m", "1h1h", "", "m"):
        with pytest.raises(ValueError):  # noqa: PT011
            duration_seconds(bad)
