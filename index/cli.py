"""`consult index ...`, `consult ask` and `consult eval`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from index.abstention import MODEL_FILE
from index.abstention_fit import fit, training_questions
from index.answer import Answer, AnswerPipeline, open_pipeline
from index.build import build_index, read_manifest
from index.config import IndexConfig
from index.evaluation import DEFAULT_FITTING, DEFAULT_QUESTIONS, DEFAULT_SAFETY, load_questions, load_safety
from index.evaluation_figures import DEFAULT_FIGURES, record, run_evaluation
from index.evaluation_report import print_run
from index.loading import IndexNotReadyError, index_state
from index.question_exemplars import EXEMPLARS_FILE_NAME, QuestionExemplars
from index.quote_fit import fit_ranking, save_ranking
from index.quoting import RANKING_FILE
from knowledge.corpus import CorpusError

LoadConfig = Callable[[typer.Context], IndexConfig]  # from the settings on the command's context


def build_cli(load_config: LoadConfig) -> typer.Typer:
    app = typer.Typer(help="The retrieval index.", no_args_is_help=True)

    @app.command("build")
    def build_command(
        ctx: typer.Context, force: Annotated[bool, typer.Option(help="Rebuild even if nothing changed.")] = False
    ) -> None:
        """Build the index for the corpus (only new or changed text is embedded).

        Example: consult index build
        """
        config = load_config(ctx)
        with Progress(
            TextColumn("Embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        ) as progress:
            task = progress.add_task("embed", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                report = build_index(config, progress=advance, force=force)
            except CorpusError as error:
                raise _fail(str(error)) from None
        if not report.rebuilt:
            typer.echo(f"The index is up to date ({report.chunks} chunks from {report.documents} documents).")
            return
        typer.echo(
            f"Indexed {report.documents} documents: {report.chunks} chunks, {report.sentences} sentences "
            f"({report.embedded} texts embedded, {report.reused} reused) with a {report.index_type} index "
            f"in {report.seconds:.1f} s."
        )

    @app.command("status")
    def status_command(ctx: typer.Context) -> None:
        """Say whether the index is missing, stale or current, and what it holds.

        Example: consult index status
        """
        config = load_config(ctx)
        try:
            state = index_state(config)
        except CorpusError as error:
            raise _fail(str(error)) from None
        manifest = read_manifest(config.index_dir) or {}
        typer.echo(f"state: {state}")
        for key in ("model", "dimension", "documents", "chunks", "index_type", "built_at", "content_hash"):
            if key in manifest:
                typer.echo(f"{key}: {manifest[key]}")

    return app


def add_answer_commands(app: typer.Typer, load_config: LoadConfig) -> None:
    @app.command("ask")
    def ask_command(
        ctx: typer.Context,
        question: Annotated[
            str | None, typer.Argument(help="The question; omit it to read one per line from stdin.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per answer.")] = False,
    ) -> None:
        """Answer a question with quotes from the sources.

        Example: consult ask "What do the candidates say about facial recognition?" --json
        """
        pipeline = _open(load_config, ctx)
        if question is not None:
            _print_answer(pipeline.answer(question), as_json)
            return
        interactive = sys.stdin.isatty() and not as_json
        if interactive:
            typer.echo("Ask a question about the consultation's documents (Ctrl-D to finish).")
        while True:
            if interactive:
                typer.echo("> ", nl=False)
            line = sys.stdin.readline()
            if not line:
                break
            if line.strip() or as_json:
                _print_answer(pipeline.answer(line), as_json)

    @app.command("eval")
    def eval_command(
        ctx: typer.Context,
        questions: Annotated[Path, typer.Option(help="The labelled question set.")] = DEFAULT_QUESTIONS,
        safety: Annotated[Path, typer.Option(help="The labelled safety set.")] = DEFAULT_SAFETY,
        split: Annotated[str, typer.Option(help="dev, test or all.")] = "test",
        as_json: Annotated[bool, typer.Option("--json", help="Print the run as one JSON object.")] = False,
        record_run: Annotated[bool, typer.Option("--record", help="Store the figures for the test gates.")] = False,
        figures: Annotated[Path, typer.Option(help="Where --record stores the figures.")] = DEFAULT_FIGURES,
        calibrate_thresholds: Annotated[
            bool,
            typer.Option(
                "--calibrate",
                help="Fit the ranking of passages and the abstention model on dev and tests/eval/training.yaml; "
                "write them.",
            ),
        ] = False,
    ) -> None:
        """Evidence in the quote (per question style), Recall@1/3/5, MRR@10, abstention, quote length and routing for
        hybrid, dense-only and BM25-only retrieval, and the safety routing (999, 101).

        Example: consult eval --split dev
        """
        if split not in ("dev", "test", "all"):
            raise _fail("--split must be dev, test or all")
        pipeline = _open(load_config, ctx)
        run = run_evaluation(pipeline, split, load_questions(questions, split), load_safety(safety, split))
        if as_json:
            typer.echo(run.model_dump_json())
        else:
            print_run(run, Console())
        if record_run:
            record(run, figures)
            typer.echo(f"Recorded the {split} figures in {figures}.", err=as_json)
        if calibrate_thresholds:
            # The ranking first: which passage is a source's best changes the abstention model's quote signal.
            dev = load_questions(questions, "dev")
            training = load_questions(DEFAULT_FITTING, "train")
            ranking = fit_ranking(pipeline, dev + training)
            save_ranking(ranking, RANKING_NOTE.format(accuracy=ranking.accuracy, hand=ranking.hand_accuracy))
            pipeline.quotes.ranking = ranking.weights
            typer.echo(
                f"Ranking of passages: cross-validated on dev and training.yaml {ranking.accuracy:.3f} "
                f"(hand-set weights {ranking.hand_accuracy:.3f}). Written to {RANKING_FILE}.",
                err=as_json,
            )
            fitted = fit(pipeline, dev + training, training_questions())
            note = FIT_NOTE.format(precision=fitted.precision, recall=fitted.recall)
            fitted.model.save(MODEL_FILE, note)
            exemplars_file = load_config(ctx).corpus_dir / EXEMPLARS_FILE_NAME
            QuestionExemplars.save(fitted.answerable, fitted.unanswerable, EXEMPLARS_NOTE, exemplars_file)
            typer.echo(f"{note.splitlines()[-1]} Written to {MODEL_FILE} and {exemplars_file}.", err=as_json)


RANKING_NOTE = """The ranking of a source's passages (index/quoting.py): pairwise logistic regression on features,
fitted on the dev split of tests/eval/questions.yaml and our own questions in tests/eval/training.yaml only
(index/quote_fit.py).
Written by `consult eval --split dev --calibrate`; do not edit by hand.
Cross-validated on both by gold passage group: the top-ranked passage of the gold source holds the evidence for
{accuracy:.3f} of questions (the hand-set score weights: {hand:.3f})."""

EXEMPLARS_NOTE = """The questions the abstention model was fitted on, the exemplars of its leaning signal
(index/question_exemplars.py): the dev split of tests/eval/questions.yaml and our own questions in
tests/eval/training.yaml and abstention_training.yaml, never the test split.
Written by `consult eval --split dev --calibrate`; do not edit by hand."""

FIT_NOTE = """The abstention model (index/abstention.py): logistic regression over the signals, fitted on the dev split
of tests/eval/questions.yaml and our own questions in tests/eval/abstention_training.yaml and training.yaml only.
Written by `consult eval --split dev --calibrate`; do not edit by hand.
Cross-validated on dev and training.yaml: abstention precision {precision:.3f}, recall {recall:.3f}."""


def _open(load_config: LoadConfig, ctx: typer.Context) -> AnswerPipeline:
    try:
        return open_pipeline(load_config(ctx))
    except (IndexNotReadyError, CorpusError) as error:
        raise _fail(str(error)) from None


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        typer.echo(answer.model_dump_json())
    else:
        typer.echo(answer.text + "\n")
    sys.stdout.flush()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)
