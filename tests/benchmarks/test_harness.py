"""Tests of the benchmark harness's timing modes."""

from benchmarks._harness import Case, time_case


def test_time_case_self_timed_reports_the_seconds_the_calls_return():
    """Check that a self-timed case reports the median of the seconds its calls
    measured themselves (not the wall time of the calls), with no warm-up call,
    and hands every result of each side to check."""
    ours_seconds = iter([3.0, 1.0, 2.0])
    calls = []

    def ours():
        calls.append("ours")
        return {"seconds": next(ours_seconds), "import_s": 9.0}

    def peer():
        calls.append("peer")
        return {"seconds": 4.0}

    seen = {}

    def check(ours_results, peer_results):
        seen["ours"], seen["peer"] = ours_results, peer_results
        return "checked"

    case = Case("g", "c", ours, peer, "p", check, 3, memory=False, self_timed=True)
    row = time_case(case)
    assert (row["ours_s"], row["peer_s"], row["ratio"]) == (2.0, 4.0, 0.5)
    assert row["check"] == "checked"
    assert calls == ["ours", "peer"] * 3
    assert [r["seconds"] for r in seen["ours"]] == [3.0, 1.0, 2.0]
    assert len(seen["peer"]) == 3
