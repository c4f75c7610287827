"""What one turn costs as a conversation grows: latency, and CPU time of every server process (process trees, read
with psutil before and after each turn), in a window of turns around turn 5 and one around the last turn."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import httpx
import psutil

from tests.stack import Stack

WINDOW = 10  # turns per window: turns 1-10 ("turn 5") and the last ten ("turn 200")
CYCLE = 10  # the same ten questions over and over, so every window asks the same ones


@dataclass(frozen=True)
class Turn:
    latency_ms: float
    cpu_ms: dict[str, float]  # per server process

    @property
    def total_cpu_ms(self) -> float:
        return sum(self.cpu_ms.values())


def long_conversation(stack: Stack, questions: list[str], turns: int) -> list[Turn]:
    """One resident, `turns` questions in one conversation through the web application's chat API."""
    with httpx.Client(base_url=stack.web_url, timeout=120) as client:
        warm_up = client.post("/api/chat/session").json()["token"]  # first-use costs are not a turn's cost
        for number in range(WINDOW):
            _turn(client, stack, warm_up, questions[number % CYCLE])
        token = client.post("/api/chat/session").json()["token"]
        measured = [_turn(client, stack, token, questions[number % CYCLE]) for number in range(turns)]
    early, late = measured[:WINDOW], measured[-WINDOW:]
    for label, window in ((f"turns 1-{WINDOW}", early), (f"turns {turns - WINDOW + 1}-{turns}", late)):
        print(_describe(label, window))
    ratio = statistics.median(t.latency_ms for t in late) / statistics.median(t.latency_ms for t in early)
    cpu_ratio = statistics.fmean(t.total_cpu_ms for t in late) / statistics.fmean(t.total_cpu_ms for t in early)
    print(f"turn {turns} / turn 5: latency x{ratio:.2f}, CPU x{cpu_ratio:.2f}")
    return measured


def _turn(client: httpx.Client, stack: Stack, token: str, question: str) -> Turn:
    before = _cpu_ms(stack)
    began = time.perf_counter()
    response = client.post("/api/chat/message", json={"token": token, "text": question})
    latency = (time.perf_counter() - began) * 1000
    response.raise_for_status()
    after = _cpu_ms(stack)
    return Turn(latency, {name: after[name] - before[name] for name in after})


def _cpu_ms(stack: Stack) -> dict[str, float]:
    return {name: tree_cpu_seconds(process.pid) * 1000 for name, process in stack.processes.items()}


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (Rasa's work is done in a child)."""
    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def component_kind(name: str) -> str:
    """'rasa-2' -> 'rasa': the scale-out's instances of a component are reported together."""
    return name.rsplit("-", 1)[0] if name.rsplit("-", 1)[-1].isdigit() else name


def _describe(label: str, window: list[Turn]) -> str:
    per_process = {name: statistics.fmean(t.cpu_ms[name] for t in window) for name in window[0].cpu_ms}
    return (
        f"{label}: latency p50 {statistics.median(t.latency_ms for t in window):.0f} ms, "
        f"CPU per turn {statistics.fmean(t.total_cpu_ms for t in window):.0f} ms mean, "
        f"{statistics.median(t.total_cpu_ms for t in window):.0f} ms median "
        f"({', '.join(f'{name} {ms:.0f}' for name, ms in per_process.items())})"
    )
