"""Benchmarks: skclassgap beside its peer, same process, same data.

Run ``python -m benchmarks`` (quick set, under 2 minutes) or ``--full``.
"""
