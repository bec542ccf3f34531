"""Planned calls on top of the ordinary traffic: repeat callers, and the incident.

The ordinary traffic draws every call on its own, so no two calls share a customer. These plans
add what a search needs to find: the same customers calling several times (a pool of repeat
callers, most of whom call back within minutes after giving up), and an incident (`showcase.
INCIDENT`: a stretch when one queue abandons most of its calls, with more calls than usual).

A plan fixes a call's start, scenario, customer and skill group; the call itself is drawn like
any other (`dataset` runs the scenario with the customer and group fixed). Plans come from their
own random streams and ids (`ids`), so the ordinary calls stay as they were.

Callbacks: a call that ends early (abandoned in the IVR, the queue or while ringing, or
overflowed) lasts at most about 8 minutes, so the next call of the same customer starts 8-14
minutes after the previous one started: within minutes of giving up. After a talk, the customer
calls again later the same day (30 minutes to 3 hours), the problem not solved.
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime
from typing import NamedTuple

from ccc_tui.emulator.builder import customer_number
from ccc_tui.emulator.showcase import INCIDENT, at_cst, incident_window, showcase_day
from ccc_tui.emulator.vocabulary import HOUR_CUM, SKILL_GROUPS

DAY_MS = 86_400_000

# Abandoned calls; the next call of the same customer follows within minutes.
EARLY_ENDS = frozenset({"ivr_abandon", "abandoned_in_queue", "abandoned_ring", "overflow_end"})
# Before the last call of a chain: mostly giving up, sometimes a talk that did not solve it.
_BEFORE_LAST: tuple[str, ...] = ("abandoned_in_queue",) * 4 + ("abandoned_ring", "inbound") * 2
_BEFORE_LAST += ("ivr_abandon", "overflow_end")
# The last call of a chain: answered at last, called back by the centre, or given up for good.
_LAST = ("inbound",) * 5 + ("inbound_waiting",) * 2 + ("outbound",) * 2 + ("abandoned_in_queue",)
_CHAIN_LENGTHS = (2, 3, 3, 4)
# What the incident's queue does with a call: mostly abandoned in it or overflowed out of it.
_INCIDENT_MIX: tuple[str, ...] = ("abandoned_in_queue",) * 12 + ("overflow_end",) * 5
_INCIDENT_MIX += ("abandoned_ring",)
_INCIDENT_MIX += ("inbound_waiting",) * 2
INCIDENT_GROUP = next(i for i, g in enumerate(SKILL_GROUPS) if g.name == INCIDENT.skill_group)


class Plan(NamedTuple):
    start_ms: int
    scenario: str
    customer: str
    group: int | None  # index into SKILL_GROUPS; None: drawn as usual


def caller_pool(seed: int, per_day: int) -> tuple[str, ...]:
    """The repeat callers, heaviest first; the incident's caller leads. Grows with the traffic
    so that each one calls a few times a month whatever the scale."""
    rng = random.Random(f"{seed}:callers")
    size = max(20, per_day // 4)
    pool = [INCIDENT.caller]
    seen = set(pool)
    while len(pool) < size:
        number = customer_number(rng)
        if number not in seen:
            seen.add(number)
            pool.append(number)
    return tuple(pool)


def _gap_s(rng: random.Random, scenario: str) -> int:
    """Seconds from a call's start to the same customer's next call."""
    if scenario in EARLY_ENDS:
        return 480 + int(rng.random() * 361)  # 8-14 minutes: the call lasted at most about 8
    return 1800 + int(rng.random() * 9001)  # 30 minutes to 3 hours after a talk


def _chain(rng: random.Random, length: int) -> list[str]:
    scenarios = [_BEFORE_LAST[int(rng.random() * len(_BEFORE_LAST))] for _ in range(length - 1)]
    return [*scenarios, _LAST[int(rng.random() * len(_LAST))]]


def repeat_calls(seed: int, day: int, per_day: int, pool: tuple[str, ...]) -> list[Plan]:
    """The repeat callers' calls of one UTC day: about one chain of 2-4 calls (3 on average) per
    30 ordinary calls, each from one customer of the pool about one skill group."""
    if not per_day:
        return []
    rng = random.Random(f"{seed}:repeat:{day}")
    chains = per_day // 30 + (rng.random() < (per_day % 30) / 30)
    day_ms = day * DAY_MS
    plans: list[Plan] = []
    used: set[str] = set()
    for _ in range(chains):
        # The incident's caller (the pool's first) is left to the incident; the rest are drawn
        # with a skew, so that a few call far more often than the others. One chain a day each,
        # so that a customer's calls never overlap (the pool has room: chains < len(pool) / 7).
        customer = pool[0]
        while customer in used or customer == pool[0]:
            customer = pool[1 + int(rng.random() ** 2 * (len(pool) - 1))]
        used.add(customer)
        group = int(rng.random() * 8)
        scenarios = _chain(rng, _CHAIN_LENGTHS[int(rng.random() * len(_CHAIN_LENGTHS))])
        # The hour is drawn in the service's zone (UTC+8), like the ordinary traffic's.
        hour = (bisect.bisect_right(HOUR_CUM, rng.random() * HOUR_CUM[-1]) - 8) % 24
        offsets = [hour * 3600 + int(rng.random() * 3600)]
        for scenario in scenarios[:-1]:
            offsets.append(offsets[-1] + _gap_s(rng, scenario))
        shift = max(0, offsets[-1] - (DAY_MS // 1000 - 1))  # the chain stays in its day
        for offset, scenario in zip(offsets, scenarios, strict=True):
            plans.append(Plan(day_ms + (offset - shift) * 1000, scenario, customer, group))
    return plans


def incident_calls(
    seed: int, anchor: datetime, per_day: int, pool: tuple[str, ...], busy: set[str]
) -> list[Plan]:
    """The incident's calls: about a quarter of a day's ordinary traffic (at least 12) into one
    queue within its window, most of them abandoned; some customers call back within minutes,
    a third come from the pool (but not those in `busy`, who call that day already). Plus the
    incident's own caller (`INCIDENT.caller_calls`)."""
    if not per_day:
        return []
    rng = random.Random(f"{seed}:incident")
    start, stop = incident_window(anchor)
    start_ms, stop_ms = int(start.timestamp()) * 1000, int(stop.timestamp()) * 1000
    day = showcase_day(anchor)
    plans = [
        Plan(int(at_cst(day, clock).timestamp()) * 1000, scenario, INCIDENT.caller, INCIDENT_GROUP)
        for scenario, clock in INCIDENT.caller_calls
    ]
    # First calls spread evenly over the window (each in its own stretch of it, so that every
    # 5 minutes has its share), and about 0.4 callbacks each: about the number wanted in all.
    first_calls = max(12, per_day // 4) * 5 // 7
    stretch_s = (stop_ms - start_ms) // 1000 / first_calls
    used = set(busy) | {INCIDENT.caller}
    for k in range(first_calls):
        customer = pool[1 + int(rng.random() * (len(pool) - 1))]
        if rng.random() >= 1 / 3 or customer in used:
            customer = customer_number(rng)
        used.add(customer)
        at = start_ms + int((k + rng.random()) * stretch_s) * 1000
        for _ in range(1 + (rng.random() < 1 / 3) + (rng.random() < 0.1)):
            scenario = _INCIDENT_MIX[int(rng.random() * len(_INCIDENT_MIX))]
            plans.append(Plan(at, scenario, customer, INCIDENT_GROUP))
            at += _gap_s(rng, scenario) * 1000
            if at >= stop_ms:
                break
    return plans
