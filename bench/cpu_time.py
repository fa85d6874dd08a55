"""CPU time of a server process and its descendants, for the benchmarks that start servers."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cpu_seconds"]

TICKS = os.sysconf("SC_CLK_TCK")


def _on_cpu_s(pid: int, fields: list[str]) -> float:
    """The process's time on a CPU: its threads' scheduler counts in nanoseconds, where
    utime and stime count in ticks of 10 ms (the difference between two readings around
    a round of a few hundred requests would move in steps of 0.03-0.1 ms a request); the
    ticks where the kernel keeps no scheduler counts. A thread that ends within a round
    would take its time with it: the servers' threads live as long as they do."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            total += int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return (int(fields[11]) + int(fields[12])) / TICKS
    return total / 1e9


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            total += _on_cpu_s(p, stats[p])
        todo += children.get(p, [])
    return total
