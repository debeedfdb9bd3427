"""Tracking: progress and score in both directions, the status rule and its thresholds, sampling
noise, forecasts on synthetic series, reading check-ins, and the ``track`` command."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan import (
    CheckIn,
    CheckInError,
    StatusRule,
    load_plan,
    okr_score,
    progress_pct,
    read_checkins,
    status_of,
    track_progress,
    wilson_interval,
)
from backplan.analysis.measures import student_t_quantile
from backplan.calendars import WorkingCalendar
from backplan.cli import main
from backplan.models import Plan
from strategies import checkin_series

D = dt.date
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def linear_plan(metric: str = "fcr", baseline: float = 70, target: float = 80,
                baseline_date: str = "2027-01-01", due: str = "2027-01-29",
                actions: list[dict[str, Any]] | None = None,
                checkins: list[dict[str, Any]] | None = None) -> Plan:
    kr: dict[str, Any] = {"id": "kr", "metric": metric, "baseline": baseline, "target": target,
                          "baseline_date": baseline_date}
    if checkins:
        kr["checkins"] = checkins
    return load_plan({"goal": {"id": "g", "due": due, "key_results": [kr]},
                      "actions": actions or []})


# --------------------------------------------------------------------------------------------
# Progress and score


def test_progress_of_a_decrease_is_positive_toward_the_target() -> None:
    assert progress_pct(400, 420, 360) == pytest.approx(100 / 3)
    assert progress_pct(360, 420, 360) == 100.0
    assert progress_pct(420, 420, 360) == 0.0
    assert progress_pct(440, 420, 360) == pytest.approx(-100 / 3)  # worse than the baseline
    assert progress_pct(330, 420, 360) == 150.0  # beyond the target: not clamped


@given(baseline=finite, distance=st.floats(0.01, 1e4), sign=st.sampled_from([1, -1]),
       a=finite, b=finite)
def test_progress_is_0_at_baseline_100_at_target_and_monotone(
    baseline: float, distance: float, sign: int, a: float, b: float
) -> None:
    target = baseline + sign * distance
    assert progress_pct(baseline, baseline, target) == 0.0
    assert progress_pct(target, baseline, target) == pytest.approx(100.0)
    # monotone in the value, in the direction of the target
    low, high = sorted((a, b))
    toward_low, toward_high = progress_pct(low, baseline, target), progress_pct(high, baseline,
                                                                               target)
    if sign > 0:
        assert toward_low <= toward_high
    else:
        assert toward_low >= toward_high
    score = okr_score(a, baseline, target)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(min(1.0, max(0.0, progress_pct(a, baseline, target) / 100)))


def test_okr_score_is_clamped_progress() -> None:
    assert okr_score(75.5, 71, 80) == 0.5
    assert okr_score(390, 420, 360) == 0.5
    assert okr_score(60, 71, 80) == 0.0
    assert okr_score(99, 71, 80) == 1.0
    with pytest.raises(ValueError, match="equals baseline"):
        progress_pct(1, 2, 2)


# --------------------------------------------------------------------------------------------
# Status


@pytest.mark.parametrize(("value", "status"), [
    (78.0, "on_track"),   # ahead
    (75.0, "on_track"),   # on the path
    (74.0, "on_track"),   # 10 % of the distance behind: the tolerance itself
    (73.9, "at_risk"),
    (72.5, "at_risk"),    # 25 % behind: the off-track threshold itself
    (72.4, "off_track"),
    (60.0, "off_track"),
])
def test_status_thresholds_increase(value: float, status: str) -> None:
    # The straight path is at 75 on Fri Jan 15 (10 of 20 working days).
    plan = linear_plan()
    report = track_progress(plan, [{"date": "2027-01-15", "value": value}], today=D(2027, 1, 15))
    tracked = report.key_result("kr")
    assert tracked.latest is not None
    assert tracked.latest.expected == 75.0
    assert tracked.latest.gap == pytest.approx(value - 75.0)
    assert tracked.status == status


@pytest.mark.parametrize(("value", "status"), [
    (380.0, "on_track"), (396.0, "on_track"), (396.1, "at_risk"), (405.0, "at_risk"),
    (405.1, "off_track"),
])
def test_status_thresholds_decrease(value: float, status: str) -> None:
    plan = linear_plan("aht", 420, 360)  # 390 s expected on Jan 15; distance 60 s
    report = track_progress(plan, [{"date": "2027-01-15", "value": value}], today=D(2027, 1, 15))
    assert report.key_result("kr").status == status


def test_status_over_a_hand_made_series() -> None:
    # 70 -> 90 over the 20 working days from Fri Jan 1 to Fri Jan 29: one point a working day.
    plan = linear_plan(target=90)
    series = [("2027-01-04", 71.0), ("2027-01-08", 73.5), ("2027-01-15", 76.0),
              ("2027-01-22", 79.0)]
    report = track_progress(plan, [{"date": d, "value": v} for d, v in series],
                            today=D(2027, 1, 22))
    tracked = report.key_result("kr")
    assert [c.expected for c in tracked.checkins] == pytest.approx([71.0, 75.0, 80.0, 85.0])
    # behind by 0, 1.5, 4 and 6 points of 20: 0 %, 7.5 %, 20 %, 30 %
    assert [c.status for c in tracked.checkins] == ["on_track", "on_track", "at_risk",
                                                    "off_track"]
    assert tracked.status == "off_track"
    assert tracked.progress_pct == pytest.approx(45.0)
    assert tracked.score == pytest.approx(0.45)


def test_custom_rule() -> None:
    kr = {"baseline": 70.0, "target": 80.0, "direction": "increase"}
    strict = StatusRule(tolerance=0.0, off_track=0.05)
    assert status_of(74.9, 75, **kr, rule=strict) == "at_risk"
    assert status_of(74.4, 75, **kr, rule=strict) == "off_track"
    with pytest.raises(ValueError, match="tolerance"):
        StatusRule(tolerance=0.3, off_track=0.2)


def test_wilson_interval_matches_the_formula_and_narrows_with_n() -> None:
    low, high = wilson_interval(0.7, 12)
    assert (low, high) == pytest.approx((0.4207, 0.8823), abs=1e-4)
    assert wilson_interval(0.0, 10)[0] == 0.0
    assert wilson_interval(1.0, 10)[1] == 1.0
    widths = [wilson_interval(0.8, n)[1] - wilson_interval(0.8, n)[0] for n in (10, 100, 1000)]
    assert widths == sorted(widths, reverse=True)
    assert wilson_interval(0.8, 100, confidence=0.99)[1] > wilson_interval(0.8, 100)[1]


@given(rate=st.floats(0, 1), n=st.integers(1, 10_000))
def test_wilson_interval_holds_the_rate(rate: float, n: int) -> None:
    low, high = wilson_interval(rate, n)
    assert 0.0 <= low <= rate + 1e-12
    assert rate - 1e-12 <= high <= 1.0


def test_a_bad_day_on_few_surveys_is_not_off_track() -> None:
    plan = linear_plan("csat")  # 75 expected on Jan 15
    on = D(2027, 1, 15)

    def status(n: int | None) -> str | None:
        checkin: dict[str, Any] = {"date": "2027-01-15", "value": 65.0}
        if n is not None:
            checkin["n"] = n
        return track_progress(plan, [checkin], today=on).key_result("kr").status

    assert status(None) == "off_track"
    assert status(12) == "at_risk"  # Wilson 95 %: 38..86, could be noise
    assert status(5000) == "off_track"  # 63.7..66.3: it is not noise
    report = track_progress(plan, [{"date": "2027-01-15", "value": 65.0, "n": 12}], today=on)
    latest = report.key_result("kr").latest
    assert latest is not None
    assert latest.interval is not None
    assert latest.interval[0] < 65.0 < latest.interval[1]


def test_sample_size_on_a_metric_that_is_not_a_rate_gives_no_interval() -> None:
    plan = linear_plan("aht", 420, 360)
    report = track_progress(plan, [{"date": "2027-01-15", "value": 420.0, "n": 12}],
                            today=D(2027, 1, 15))
    tracked = report.key_result("kr")
    assert tracked.latest is not None
    assert tracked.latest.interval is None
    assert tracked.status == "off_track"


# --------------------------------------------------------------------------------------------
# Forecasts

LONG_DUE = "2027-03-31"
CAL = WorkingCalendar()
T0 = CAL.number(D(2026, 10, 30))
T_DUE = CAL.number(D(2027, 3, 31))


def noisy_series(seed: int, slope: float, sigma: float, weeks: int = 13) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    series = []
    for week in range(weeks):
        day = D(2026, 11, 2) + dt.timedelta(weeks=week)
        t = CAL.number(day) - T0
        series.append({"date": day.isoformat(), "value": 70 + slope * t + rng.gauss(0, sigma)})
    return series


def test_forecast_recovers_a_known_trend() -> None:
    plan = linear_plan(baseline_date="2026-10-30", due=LONG_DUE)
    report = track_progress(plan, noisy_series(7, 0.05, 0.4), today=D(2027, 1, 25))
    forecast = report.key_result("kr").forecast
    assert forecast is not None
    truth = 70 + 0.05 * (T_DUE - T0)  # 76.5
    assert forecast.method == "trend"
    assert forecast.observations == 14  # 13 check-ins and the baseline
    assert forecast.value == pytest.approx(truth, abs=0.6)
    assert forecast.low is not None
    assert forecast.high is not None
    assert forecast.low < truth < forecast.high
    assert forecast.trend_per_week == pytest.approx(0.25, abs=0.04)
    assert not forecast.reaches_target
    # the target (80) is reached 200 working days after the baseline date
    assert forecast.target_date is not None
    assert abs(CAL.count(CAL.day(T0 + 200), forecast.target_date)) <= 25
    (flag,) = report.flags
    assert (flag.code, flag.severity, flag.subject) == ("off-trajectory", "error", "kr")
    assert "on the current trend" not in flag.message
    assert "at this rate the target is reached on" in flag.message
    assert [fix.kind for fix in flag.fixes] == ["add-impact", "move-due"]


def test_forecast_interval_covers_the_truth_about_as_often_as_it_says() -> None:
    plan = linear_plan(baseline_date="2026-10-30", due=LONG_DUE)
    covered = 0
    runs = 150
    for seed in range(runs):
        rng = random.Random(10_000 + seed)
        actual = 70 + 0.05 * (T_DUE - T0) + rng.gauss(0, 0.4)
        forecast = track_progress(plan, noisy_series(seed, 0.05, 0.4),
                                  today=D(2027, 1, 25)).key_result("kr").forecast
        assert forecast is not None
        assert forecast.low is not None
        assert forecast.high is not None
        covered += forecast.low <= actual <= forecast.high
    assert 0.70 <= covered / runs <= 0.90  # an 80 % prediction interval


def test_forecast_on_track_raises_no_flag() -> None:
    plan = linear_plan(baseline_date="2026-10-30", due=LONG_DUE)
    report = track_progress(plan, noisy_series(3, 0.11, 0.3), today=D(2027, 1, 25))
    forecast = report.key_result("kr").forecast
    assert forecast is not None
    assert forecast.reaches_target
    assert forecast.target_date is not None
    assert forecast.target_date <= D(2027, 3, 31)
    assert report.flags == ()


def test_forecast_follows_the_actions_still_to_come() -> None:
    # Two steps of +5 each: finishing Fri Mar 5 and Wed Mar 31 (latest schedule).
    actions = [{"id": "a", "duration": 5, "impact": {"kr": 5.0}, "not_after": "2027-03-05"},
               {"id": "b", "duration": 5, "impact": {"kr": 5.0}}]
    plan = linear_plan(baseline_date="2026-10-30", due=LONG_DUE, actions=actions)
    rng = random.Random(1)
    series = [{"date": (D(2026, 11, 2) + dt.timedelta(weeks=w)).isoformat(),
               "value": 70 + rng.gauss(0, 0.3)} for w in range(13)]
    report = track_progress(plan, series, today=D(2027, 1, 25))
    forecast = report.key_result("kr").forecast
    assert forecast is not None
    assert forecast.method == "plan+trend"
    assert forecast.value == pytest.approx(80, abs=1.0)
    assert abs(forecast.trend_per_week) < 0.1


def test_forecast_with_one_checkin_keeps_the_offset_from_the_plan() -> None:
    actions = [{"id": "a", "duration": 5, "impact": {"kr": 10.0}}]
    plan = linear_plan(baseline_date="2026-10-30", due=LONG_DUE, actions=actions)
    report = track_progress(plan, [{"date": "2027-01-04", "value": 69.0}], today=D(2027, 1, 4))
    forecast = report.key_result("kr").forecast
    assert forecast is not None
    assert (forecast.method, forecast.value, forecast.low) == ("plan+offset", 79.0, None)
    assert forecast.target_date is None
    (flag,) = report.flags
    assert (flag.code, flag.severity) == ("off-trajectory", "warning")


def test_no_checkins_no_status_no_forecast() -> None:
    report = track_progress(linear_plan(), None, today=D(2027, 1, 15))
    tracked = report.key_result("kr")
    assert (tracked.status, tracked.latest, tracked.forecast, tracked.score) == (
        None, None, None, None)
    assert tracked.expected_today == 75.0
    assert "no data" in str(report)


def test_student_t_quantiles() -> None:
    known = {(0.975, 1): 12.7062, (0.975, 2): 4.3027, (0.975, 10): 2.2281,
             (0.9, 5): 1.4759, (0.95, 30): 1.6973, (0.99, 120): 2.3578}
    for (p, df), value in known.items():
        assert student_t_quantile(p, df) == pytest.approx(value, abs=1e-4)
    assert student_t_quantile(0.1, 5) == pytest.approx(-1.4759, abs=1e-4)


# --------------------------------------------------------------------------------------------
# Check-ins in, from every source


def test_checkins_in_the_plan_file_are_used_and_merged() -> None:
    plan = linear_plan(checkins=[{"date": "2027-01-08", "value": 72.5}])
    report = track_progress(plan, [{"date": "2027-01-08", "value": 72.5},
                                   {"date": "2027-01-15", "value": 75.0}],
                            today=D(2027, 1, 20))
    assert [c.date for c in report.key_result("kr").checkins] == [D(2027, 1, 8), D(2027, 1, 15)]
    with pytest.raises(CheckInError, match="two check-ins on 2027-01-08"):
        track_progress(plan, [{"date": "2027-01-08", "value": 73.0}], today=D(2027, 1, 20))


def test_checkins_after_today_are_left_out_and_counted() -> None:
    plan = linear_plan()
    report = track_progress(plan, [{"date": "2027-01-08", "value": 72.5},
                                   {"date": "2027-01-15", "value": 75.0}], today=D(2027, 1, 10))
    tracked = report.key_result("kr")
    assert [c.date for c in tracked.checkins] == [D(2027, 1, 8)]
    assert tracked.ignored_after_today == 1


def test_unknown_key_result_and_out_of_bounds() -> None:
    plan = linear_plan()
    with pytest.raises(CheckInError) as error:
        track_progress(plan, {"kr ": [{"date": "2027-01-08", "value": 72}],
                              "kr": [{"date": "2027-01-08", "value": 172}]},
                       today=D(2027, 1, 10))
    assert error.value.codes == ["unknown-id", "out-of-bounds"]
    assert error.value.problems[0].hint == "did you mean 'kr'?"


def test_csv_problems_come_together_at_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("key_result,date,value\nkr,2027-01-08,172\nkrr,2027-01-08,72\n"
                    "kr,2027-01-09,abc\n", encoding="utf-8")
    with pytest.raises(CheckInError) as error:
        track_progress(linear_plan(), path, today=D(2027, 1, 10))
    got = [(p.code, p.line) for p in error.value.problems]
    assert got == [("unknown-id", 3), ("invalid-value", 4), ("out-of-bounds", None)]
    assert error.value.problems[0].hint == "did you mean 'kr'?"
    assert str(error.value).startswith(f"{path}: 3 problems in the check-ins")


def test_read_csv(tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("\ufeffkey_result,date,value,n\nfcr,2027-01-15,73.5,\n"
                    "aht,2027-01-15,6:40,900\n\nfcr,2027-01-22,74,120\n", encoding="utf-8")
    checkins = read_checkins(path)
    assert checkins == {
        "fcr": (CheckIn(date=D(2027, 1, 15), value=73.5), CheckIn(date=D(2027, 1, 22), value=74,
                                                                  n=120)),
        "aht": (CheckIn(date=D(2027, 1, 15), value=400.0, n=900),),
    }


def test_read_csv_with_the_short_column_names(tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("kr,date,value,sample_size\ncsat,2027-01-15,84,120\n", encoding="utf-8")
    assert read_checkins(path) == {"csat": (CheckIn(date=D(2027, 1, 15), value=84, n=120),)}


def test_read_csv_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("date,value,n\n2027-01-15,73.5,\n15/01/2027,74,\n2027-01-22,high,\n"
                    "2027-01-23,74,0\n2027-01-24,74\n", encoding="utf-8")
    with pytest.raises(CheckInError) as error:
        read_checkins(path, key_result="fcr")
    found = [(p.code, p.field, p.line) for p in error.value.problems]
    assert found == [("syntax", "", 6), ("invalid-value", "date", 3),
                     ("invalid-value", "value", 4), ("invalid-value", "n", 5)]
    assert all(p.file == str(path) for p in error.value.problems)


def test_read_csv_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("team,date,vlaue\nfcr,2027-01-15,73.5\n", encoding="utf-8")
    with pytest.raises(CheckInError) as error:
        read_checkins(path)
    found = [(p.code, p.field, p.hint) for p in error.value.problems]
    assert ("unknown-field", "vlaue", "did you mean 'value'?") in found
    assert ("unknown-field", "team", "columns: key_result, date, value, n") in found
    assert ("missing-field", "key_result", "the header needs key_result,date,value (and n, "
            "optional)") in found
    with pytest.raises(CheckInError, match="no such file"):
        read_checkins(tmp_path / "missing.csv")


def test_read_dataframe() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({
        "date": pandas.to_datetime(["2027-01-15", "2027-01-22"]),
        "value": [73.5, 74.0],
        "n": [None, 120],
    })
    checkins = read_checkins(frame, key_result="fcr")
    assert checkins == {"fcr": (CheckIn(date=D(2027, 1, 15), value=73.5),
                                CheckIn(date=D(2027, 1, 22), value=74.0, n=120))}
    with pytest.raises(CheckInError, match="'when' is not a check-in column"):
        read_checkins(frame.rename(columns={"date": "when"}), key_result="fcr")


@given(checkin_series(low=0, high=100))
def test_tracking_any_series_in_bounds(series: list[dict[str, Any]]) -> None:
    plan = linear_plan(baseline_date="2026-11-02", due="2027-04-30")
    report = track_progress(plan, series, today=D(2027, 5, 1))
    tracked = report.key_result("kr")
    assert len(tracked.checkins) == len(series)
    for checkin in tracked.checkins:
        assert checkin.status in ("on_track", "at_risk", "off_track")
        assert 0.0 <= checkin.score <= 1.0
        assert checkin.progress_pct == pytest.approx((checkin.value - 70) * 10)
        assert 70.0 <= checkin.expected <= 80.0
    assert json.loads(report.to_json())["key_results"][0]["status"] == tracked.status
    off = any(f.code == "off-trajectory" for f in report.flags)
    assert off == (tracked.forecast is not None and not tracked.forecast.reaches_target)


# --------------------------------------------------------------------------------------------
# The command


def test_track_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("goal:\n  id: g\n  due: 2027-01-29\n  key_results:\n"
                    "    - {id: fcr, metric: fcr, baseline: 70, target: 80, "
                    "baseline_date: 2027-01-01}\n", encoding="utf-8")
    checkins = tmp_path / "c.csv"
    checkins.write_text("date,value\n2027-01-15,73\n", encoding="utf-8")
    assert main(["track", str(plan), str(checkins), "--today", "2027-01-15"]) == 0
    out = capsys.readouterr().out
    assert "fcr" in out
    assert "at risk" in out
    assert "30%" in out
    assert main(["track", str(plan), str(checkins), "--today", "2027-01-15",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["key_results"][0]["status"] == "at_risk"
    assert data["key_results"][0]["latest"]["expected"] == 75.0
    assert main(["track", str(plan), str(checkins), "--today", "2027-01-15",
                 "--tolerance", "0.3", "--off-track", "0.5", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["key_results"][0]["status"] == "on_track"
    checkins.write_text("date,value\n2027-01-15,lots\n", encoding="utf-8")
    assert main(["track", str(plan), str(checkins), "--today", "2027-01-15"]) == 2
    err = capsys.readouterr().err
    assert "1 problem in the check-ins" in err
    assert f"{checkins}:2: fcr.value: line 2: value 'lots'" in err
