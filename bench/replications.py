"""The SEED argument of the simulators: one seed ("7"), or a range of
replications ("1-200"), each drawn from its own random.Random(seed) exactly
as a run with that one seed draws it, its rows prefixed with "seed," (what
sql/23_intervals.sql loads).  One process for all replications: starting
Python once per replication cost more than the fits it feeds."""
import random


def replications(spec):
    """(prefix, rng) for each replication of spec"""
    first, _, last = spec.partition("-")
    if not last:
        yield "", random.Random(int(first))
        return
    for seed in range(int(first), int(last) + 1):
        yield "%d," % seed, random.Random(seed)
