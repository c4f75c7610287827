"""Wall and CPU time of each stage of finding themes, for the benchmark to say where the time goes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageTime:
    wall: float = 0.0
    cpu: float = 0.0  # this process's CPU time, all threads together


@dataclass
class StageTimes:
    stages: dict[str, StageTime] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = self.stages.setdefault(name, StageTime())
            spent.wall += time.perf_counter() - wall
            spent.cpu += time.process_time() - cpu

    def summary(self) -> str:
        return ", ".join(f"{name} {t.wall:.1f} s / {t.cpu:.1f} CPU-s" for name, t in self.stages.items())
