"""The benchmark harness's statistics and tables (benchmarks/run.py), on scripted times: no wall-time assertions."""

import pytest

from benchmarks import run


def test_quartiles_and_spread():
    assert run.quartiles([3.0]) == (3.0, 3.0, 3.0)
    lo, mid, hi = run.quartiles([1.0, 2.0, 3.0, 4.0, 5.0])
    assert (lo, mid, hi) == (1.5, 3.0, 4.5)
    assert run.spread((lo, mid, hi)) == pytest.approx(1.0)
    assert run.spread((0.9, 1.0, 1.1)) == pytest.approx(0.2)


def test_paired_times_take_turns_and_flip_the_order():
    calls = []
    steps = [lambda: calls.append("a"), lambda: calls.append("b")]
    times = run.paired_times(steps, 4)
    assert calls == ["a", "b"] + ["a", "b", "b", "a"] * 2  # warm-up, then the order flips every round
    assert [len(t) for t in times] == [4, 4]


def scripted(*rounds_per_attempt):
    """A timer that returns the given per-step times, one list of lists per attempt, and counts its calls."""
    attempts = iter(rounds_per_attempt)

    def timer(steps, rounds):
        timer.calls += 1
        return next(attempts)

    timer.calls = 0
    return timer


STEADY = [[2.0] * 15, [1.0] * 15]  # the ratio is 2, no spread
NOISY = [[2.0] * 8 + [6.0] * 7, [1.0] * 15]  # ratios of 2 and 6: IQR / median far over 25%


def test_measure_a_steady_workload_once():
    timer = scripted(STEADY)
    times, ratios, attempts, noisy = run.measure({"engine": None, "PyTorch": None}, timer=timer)
    assert (timer.calls, attempts, noisy) == (1, 1, [])
    assert ratios["PyTorch"] == (2.0, 2.0, 2.0)


def test_measure_again_when_noisy_and_keep_the_second_draw():
    timer = scripted(NOISY, STEADY)
    _, ratios, attempts, noisy = run.measure({"engine": None, "PyTorch": None}, timer=timer)
    assert (timer.calls, attempts, noisy) == (2, 2, [])
    assert ratios["PyTorch"][1] == 2.0


def test_still_noisy_after_the_rerun_is_said():
    timer = scripted(NOISY, NOISY)
    _, ratios, attempts, noisy = run.measure({"engine": None, "PyTorch": None}, timer=timer)
    assert (attempts, noisy) == (2, ["PyTorch"])
    assert run.spread(ratios["PyTorch"]) > run.NOISY_SPREAD


def test_a_step_of_several_calls_is_divided_by_them():
    engine = run._repeated(lambda: None, 10)
    timer = scripted([[10.0] * 15, [2.0] * 15])
    times, ratios, _, _ = run.measure({"engine": engine, "micrograd": lambda: None}, timer=timer)
    assert times["engine"][0] == 1.0
    assert ratios["micrograd"][1] == 0.5


def test_parse_threads():
    assert run.parse_threads("1") == [1]
    assert run.parse_threads("1,2") == [1, 2]
    with pytest.raises(Exception, match="threads"):
        run.parse_threads("0")


def fake_row(noisy=()):
    return {
        "key": "conv_large",
        "workload": "conv2d",
        "unit": "ms",
        "target": 1.5,
        "rounds": 15,
        "attempts": 2,
        "noisy": list(noisy),
        "engine": (9.0, 10.0, 11.0),
        "times": {"PyTorch": (4.0, 5.0, 6.0), run.FLOOR: (7.0, 8.0, 9.0), "micrograd": (900.0, 1000.0, 1100.0)},
        "ratios": {"PyTorch": (1.9, 2.0, 2.1), run.FLOOR: (1.2, 1.25, 1.3), "micrograd": (0.009, 0.01, 0.011)},
        "memory": {"engine": {"rss_peak_mib": 30.2, "tracemalloc_peak_mib": 29.0}, "torch": {"rss_peak_mib": 28}},
    }


def import_row():
    return {
        "key": "import",
        "workload": 'python -c "import autograd_core, nn"',
        "unit": "ms",
        "target_ms": 150.0,
        "engine": (110.0, 120.0, 130.0),
        "noisy": [],
    }


def test_console_row_shows_every_ratio_with_its_iqr_and_the_verdict():
    line = run.format_row(fake_row(noisy=["PyTorch"]))
    assert "2.00 [1.90-2.10]" in line and "1.25 [1.20-1.30]" in line
    assert "0.010 [0.009-0.011]" in line  # small ratios keep their digits
    assert " no " in line and "noisy (PyTorch)" in line and "30.2 / 28.0 (29.0)" in line
    assert "120.0" in run.format_row(import_row()) and "yes" in run.format_row(import_row())


def test_markdown_table_is_rectangular_and_marks_noisy_ratios():
    table = run.markdown([fake_row(noisy=["PyTorch"]), fake_row(), import_row()])
    lines = table.splitlines()
    assert len({line.count("|") for line in lines}) == 1
    assert "engine / products alone" in lines[0] and "engine / MyGrad" in lines[0]
    assert "2.00 [1.90-2.10] noisy" in lines[2] and "noisy" not in lines[3]
    assert "| 1.25 [1.20-1.30] |" in lines[3] and "30 / 28" in lines[3]
    assert "120 ms" in lines[4]


def test_run_workload_end_to_end_on_a_trivial_step():
    w = run.Workload(
        "trivial", "trivial", "ms", run.ms, 1.0, lambda lib, quick: lambda: None, floor=lambda quick: lambda: None
    )
    row = run.run_workload(w, quick=True, threads=1, memory=False)
    assert row["rounds"] == run.ROUNDS and row["attempts"] in (1, 2)
    assert run.FLOOR in row["ratios"] and all(len(q) == 3 for q in row["ratios"].values())
    assert "trivial" in run.markdown([row])
