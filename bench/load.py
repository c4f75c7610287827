"""Load: simulated residents for a fixed time against the real system, mixing questions and complete surveys through
the widget's web API, and a share through the Telegram relay (against the local fake Bot API). Loopback only; it
stops by itself. Runs the embedded default and the scale-out configuration, and prints their figures side by side.

Figures: turns per second, p50/p95/p99 turn latency, errors other than deliberate rate-limit replies, votes
acknowledged vs stored, and CPU per process (the bottleneck)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import redis

from bench.residents import START, survey_replies
from bench.stats import percentile
from bench.turn_cost import component_kind, tree_cpu_seconds
from bot.chat.sessions import ChatSessions
from index.evaluation import load_questions
from survey.definition import load_definition
from survey.pseudonyms import sender_id_of_resident
from survey.results import compute_results
from survey.service import open_survey
from survey.store import respondent_data
from tests import postgres
from tests.processes import BIN, stop
from tests.stack import Stack
from tests.telegram_fake import FakeTelegram, buttons_of

TURN_TIMEOUT = 120
FINISH_GRACE = 180  # a survey under way at the deadline may finish (so its vote counts), within this bound


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (channel, resident) whose vote was saved
    turns: int = 0


def run(workdir: Path, quick: bool = False) -> None:
    residents, seconds = (40, 20) if quick else (200, 60)
    results = {
        "embedded default": measure(workdir / "default", residents, seconds, scale_out=False),
        "scale-out": measure(workdir / "scaled", residents, seconds, scale_out=True),
    }
    print("\n" + "figure".ljust(34) + "".join(name.rjust(34) for name in results))
    for key in next(iter(results.values())):
        print(key.ljust(34) + "".join(str(figures[key]).rjust(34) for figures in results.values()))


def measure(data: Path, residents: int, seconds: int, scale_out: bool) -> dict[str, str]:
    with contextlib.ExitStack() as cleanup:
        settings = {"CONSULT_CHAT_LIMIT_SESSION": "600/minute"}
        if scale_out:
            answers, trackers = cleanup.enter_context(postgres.fresh_databases(2, prefix="consult_load"))
            redis.Redis(host="127.0.0.1", port=6379, db=3).flushdb()
            settings |= {
                "CONSULT_DATABASE_URL": postgres.app_url(answers),
                "CONSULT_TRACKER_STORE_URL": postgres.rasa_url(trackers),
                "CONSULT_LOCK_STORE_URL": "redis://127.0.0.1:6379/3",
                "CONSULT_RASA_INSTANCES": "2",
            }
        return _measure(Stack(data, settings=settings), residents, seconds, scale_out)


def _measure(stack: Stack, residents: int, seconds: int, scale_out: bool) -> dict[str, str]:
    stack.prepare()
    stack.start()
    fake = FakeTelegram()
    fake.start()
    telegram = _start_telegram(stack, fake)
    cpu = _CpuSampler(stack, telegram)
    try:
        print(f"== {'scale-out' if scale_out else 'embedded default'}: {residents} residents for {seconds} s ==")
        began = time.perf_counter()
        cpu.start()
        tally = asyncio.run(_drive(stack, fake, residents, seconds))
        elapsed = time.perf_counter() - began
        cpu.stop()
        acknowledged, stored, rows = _stored(stack, tally)
    finally:
        stop(telegram)
        fake.stop()
        stack.stop()
    errors = sum(n for status, n in tally.statuses.items() if status not in ("200", "429"))
    busiest = sorted(cpu.average().items(), key=lambda item: -item[1])[:3]
    return {
        "turns": str(tally.turns),
        "turns/s": f"{tally.turns / elapsed:.1f}",
        "p50 / p95 / p99 latency (ms)": "/".join(f"{percentile(tally.latencies, q):.0f}" for q in (50, 95, 99)),
        "rate-limit replies (429)": str(tally.statuses.get("429", 0)),
        "errors (other)": str(errors),
        "votes acknowledged (residents)": str(acknowledged),
        "  of which stored": str(stored),
        "responses in the store": str(rows),
        "busiest processes (% of a core)": ", ".join(f"{name} {share:.0f}" for name, share in busiest),
        **{
            f"CPU per turn, {kind} (ms)": f"{seconds * 1000 / max(tally.turns, 1):.1f}"
            for kind, seconds in cpu.seconds_by_kind().items()
        },
        "CPU per turn, all processes (ms)": f"{sum(cpu.cpu_seconds.values()) * 1000 / max(tally.turns, 1):.1f}",
    }


async def _drive(stack: Stack, fake: FakeTelegram, residents: int, seconds: int) -> Tally:
    """Residents ask questions or take the configured survey (answers made from its definition: any consultation)."""
    tally = Tally()
    definition = load_definition(stack.settings.survey_file)
    questions = [q.question for q in load_questions() if q.expect in ("answer", "abstain")]
    deadline = time.monotonic() + seconds
    hard_stop = deadline + FINISH_GRACE
    limits = httpx.Limits(max_connections=residents, max_keepalive_connections=residents)
    async with httpx.AsyncClient(timeout=TURN_TIMEOUT, limits=limits) as client:

        async def web_resident(number: int) -> None:
            rng = random.Random(number)
            await asyncio.sleep(rng.uniform(0, 5))  # arrivals spread over the first seconds
            while time.monotonic() < deadline:
                token = (await client.post(f"{stack.web_url}/api/chat/session")).json()["token"]
                surveying = rng.random() < 0.4
                survey = [START, *survey_replies(definition, rng), "/affirm"]
                for text in survey if surveying else rng.sample(questions, 3):
                    if time.monotonic() >= deadline and (not surveying or time.monotonic() >= hard_stop):
                        return
                    began = time.perf_counter()
                    try:
                        response = await client.post(
                            f"{stack.web_url}/api/chat/message", json={"token": token, "text": text}
                        )
                        status = str(response.status_code)
                    except httpx.HTTPError as error:
                        response, status = None, type(error).__name__
                    tally.latencies.append((time.perf_counter() - began) * 1000)
                    tally.statuses[status] += 1
                    tally.turns += 1
                    if (
                        response is not None
                        and status == "200"
                        and any("your answers are saved" in m["text"] for m in response.json()["messages"])
                    ):
                        tally.acknowledged.append(("web", token))
                    await asyncio.sleep(rng.uniform(3, 8))  # reading the reply, typing or tapping the next

        async def telegram_resident(number: int) -> None:
            rng = random.Random(-number)
            user = 8_000_000_000 + number
            await asyncio.sleep(rng.uniform(0, 5))
            while time.monotonic() < deadline:
                received = len(fake.messages_to(user))
                surveying = rng.random() < 0.5
                script = ["/survey", *survey_replies(definition, rng), "Save my answers"]
                for step, text in enumerate(script if surveying else rng.sample(questions, 3)):
                    if time.monotonic() >= deadline and (not surveying or time.monotonic() >= hard_stop):
                        return
                    began = time.perf_counter()
                    if step > 0 and text[0].isupper() and text in buttons_of(fake.messages_to(user)[-1]):
                        fake.push_callback(
                            user, fake.messages_to(user)[-1], buttons_of(fake.messages_to(user)[-1])[text]
                        )
                    else:
                        fake.push_text(user, text)
                    while len(fake.messages_to(user)) <= received and time.perf_counter() - began < TURN_TIMEOUT:
                        await asyncio.sleep(0.05)
                    arrived = len(fake.messages_to(user)) > received
                    tally.latencies.append((time.perf_counter() - began) * 1000)
                    tally.statuses["200" if arrived else "telegram_timeout"] += 1
                    tally.turns += 1
                    received = len(fake.messages_to(user))
                    if arrived and "your answers are saved" in fake.messages_to(user)[-1]["text"]:
                        tally.acknowledged.append(("telegram", str(user)))
                    await asyncio.sleep(rng.uniform(3, 8))

        telegram_share = max(1, residents // 10)
        await asyncio.gather(
            *(web_resident(n) for n in range(residents - telegram_share)),
            *(telegram_resident(n) for n in range(telegram_share)),
        )
    return tally


def _stored(stack: Stack, tally: Tally) -> tuple[int, int, int]:
    """(residents whose vote was acknowledged, how many of them are in the store, responses in the store).

    A resident who answers twice is acknowledged twice and stored once (the second replaces the first); the store's
    unique constraint makes a duplicate impossible, and the count of responses shows none appeared from nowhere."""
    pepper = stack.settings.resolved_pepper()
    sessions = ChatSessions(stack.settings.chat_secret(), 10**6)
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    respondents = {
        survey.pseudonym_of_sender(
            channel, sender_id_of_resident(pepper, channel, str(sessions.session_id(who) if channel == "web" else who))
        )
        for channel, who in tally.acknowledged
    }
    stored = sum(respondent_data(survey.db, r) is not None for r in respondents)
    rows = compute_results(survey.db, survey.definition)["respondents"]
    survey.db.dispose()
    return len(respondents), stored, int(rows)


def _start_telegram(stack: Stack, fake: FakeTelegram) -> subprocess.Popen[bytes]:
    env = {**os.environ, **stack.env, "CONSULT_TELEGRAM_TOKEN": "123456:LOAD", "CONSULT_TELEGRAM_API_URL": fake.url}
    log = (stack.logs / "telegram.log").open("ab")
    return subprocess.Popen(
        [str(BIN / "consult"), "telegram"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


class _CpuSampler:
    """Average CPU of each component (its whole process tree) while the load runs."""

    def __init__(self, stack: Stack, telegram: subprocess.Popen[bytes]) -> None:
        self._roots = {**{name: p.pid for name, p in stack.processes.items()}, "telegram": telegram.pid}
        self._samples: dict[str, list[float]] = {name: [] for name in self._roots}
        self._running = False
        self._cpu_at_start: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}  # per server process (with its children), during the load
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        self._running = True
        self._cpu_at_start = self._cpu_used()
        self._thread.start()

    def stop(self) -> None:
        self._running = False
        self._thread.join()
        self.cpu_seconds = {name: used - self._cpu_at_start[name] for name, used in self._cpu_used().items()}

    def seconds_by_kind(self) -> dict[str, float]:
        """CPU seconds per component kind (the scale-out's two Rasa instances count as one 'rasa')."""
        kinds: dict[str, float] = {}
        for name, seconds in self.cpu_seconds.items():
            kinds[component_kind(name)] = kinds.get(component_kind(name), 0.0) + seconds
        return kinds

    def _cpu_used(self) -> dict[str, float]:
        return {name: tree_cpu_seconds(pid) for name, pid in self._roots.items()}

    def average(self) -> dict[str, float]:
        return {name: sum(values) / len(values) for name, values in self._samples.items() if values}

    def _sample(self) -> None:
        trees = {
            name: [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
            for name, pid in self._roots.items()
        }
        for tree in trees.values():
            for process in tree:
                process.cpu_percent(None)
        while self._running:
            time.sleep(2)
            for name, tree in trees.items():
                self._samples[name].append(sum(p.cpu_percent(None) for p in tree if p.is_running()))
