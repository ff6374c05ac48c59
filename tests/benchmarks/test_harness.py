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


def test_main_case_filter_runs_only_the_named_cases(capsys, monkeypatch):
    """Check that ``--case`` times only the cases whose name contains it."""
    from benchmarks import __main__ as cli
    from benchmarks._harness import Case

    timed = []

    def fake_time_case(case):
        timed.append(case.name)
        return {
            "group": case.group,
            "case": case.name,
            "peer": case.peer_name,
            "ours_s": 1.0,
            "peer_s": 2.0,
            "ratio": 0.5,
            "speedup": 2.0,
            "check": "",
            "ours_mib": 0.0,
            "peer_mib": 0.0,
        }

    class Module:
        @staticmethod
        def cases(full=False):
            return [
                Case("g", name, lambda: None, lambda: None, "peer")
                for name in ("SMOTEENN 1e5x20", "SMOTETomek 1e5x20", "SMOTEENN 5e4")
            ]

    monkeypatch.setattr(cli, "time_case", fake_time_case)
    monkeypatch.setattr(cli.importlib, "import_module", lambda name: Module)
    cli.main(["--only", "under_sampling", "--case", "SMOTEENN"])
    assert timed == ["SMOTEENN 1e5x20", "SMOTEENN 5e4"]
