"""Conversation-turn latency over Rasa's REST channel (the real stack, started like the end-to-end tests) at 1 and
10 concurrent residents, for a question turn and a survey turn, and the memory of each process; then the cost of a turn
as a conversation grows: one resident asks 200 questions through the chat API (as the widget does), and the latency and
the CPU spent by all server processes are compared around turn 5 and around turn 200."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from pathlib import Path

import httpx
import psutil

from bench.residents import START, survey_replies
from bench.stats import percentile
from bench.turn_cost import long_conversation
from index.evaluation import load_questions
from survey.definition import load_definition
from tests.stack import Stack


def run(workdir: Path, quick: bool = False) -> None:
    stack = Stack(workdir / "stack", settings={"CONSULT_CHAT_LIMIT_SESSION": "100000/minute"})
    began = time.perf_counter()
    stack.prepare()
    stack.start()
    print(f"stack prepared and started in {time.perf_counter() - began:.0f} s")
    try:
        questions = [q.question for q in load_questions() if q.expect in ("answer", "abstain")]
        long_conversation(stack, questions, 60 if quick else 200)
        rounds = 2 if quick else 6
        for concurrency in (1, 10):
            began = time.perf_counter()
            question_times = asyncio.run(_questions(stack, questions, concurrency, rounds))
            print(_line(f"question turn, {concurrency:>2} concurrent", question_times, time.perf_counter() - began))
            began = time.perf_counter()
            survey_times = asyncio.run(_surveys(stack, concurrency, rounds))
            print(_line(f"survey turn,   {concurrency:>2} concurrent", survey_times, time.perf_counter() - began))
        for name, process in stack.processes.items():
            tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
            rss = sum(p.memory_info().rss for p in tree)
            print(f"memory {name}: {rss / 2**20:.0f} MiB resident")
    finally:
        stack.stop()


async def _questions(stack: Stack, questions: list[str], concurrency: int, rounds: int) -> list[float]:
    times: list[float] = []
    async with httpx.AsyncClient(timeout=60) as client:

        async def resident(worker: int) -> None:
            sender = f"bench-{uuid.uuid4().hex[:10]}"
            for number in range(rounds * 10):
                question = questions[(worker * 7 + number) % len(questions)]
                times.append(await _turn(client, stack, sender, question))

        await asyncio.gather(*(resident(w) for w in range(concurrency)))
    return times


async def _surveys(stack: Stack, concurrency: int, rounds: int) -> list[float]:
    times: list[float] = []
    definition = load_definition(stack.settings.survey_file)  # the configured consultation, whichever it is
    rng = random.Random(7)
    async with httpx.AsyncClient(timeout=60) as client:

        async def resident() -> None:
            for _ in range(rounds):
                sender = f"bench-{uuid.uuid4().hex[:10]}"
                await _turn(client, stack, sender, START)
                for reply in [*survey_replies(definition, rng), "/affirm"]:
                    times.append(await _turn(client, stack, sender, reply))

        await asyncio.gather(*(resident() for _ in range(concurrency)))
    return times


async def _turn(client: httpx.AsyncClient, stack: Stack, sender: str, text: str) -> float:
    began = time.perf_counter()
    response = await client.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
    response.raise_for_status()
    return (time.perf_counter() - began) * 1000


def _line(label: str, times: list[float], seconds: float) -> str:
    return (
        f"{label}: p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms over {len(times)} turns, "
        f"{len(times) / seconds:.1f} turns/s"
    )
