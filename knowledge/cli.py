"""`consult knowledge ...`: add documents to the corpus and list it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from knowledge.corpus import CorpusError, add_document, load_corpus
from knowledge.documents import DocumentMeta, Kind
from knowledge.ingest import extract_text


def build_cli(corpus_dir: Callable[[typer.Context], Path]) -> typer.Typer:
    app = typer.Typer(help="The consultation's documents.", no_args_is_help=True)

    @app.command("add")
    def add_command(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="A .txt, .md, .html or .pdf file.")],
        title: Annotated[str, typer.Option(help="The document's title.")],
        kind: Annotated[Kind, typer.Option(help="What sort of document it is.", case_sensitive=False)],
        speaker: Annotated[str, typer.Option(help="Who speaks in it: candidate, office holder or organisation.")],
        date: Annotated[
            str | None, typer.Option(help="Date as the text states it: YYYY, YYYY-MM or YYYY-MM-DD.")
        ] = None,
        url: Annotated[str | None, typer.Option(help="Where the original can be read.")] = None,
        publisher: Annotated[str | None, typer.Option(help="Who published it, if not the speaker.")] = None,
        speaker_role: Annotated[
            str | None, typer.Option(help="The speaker's role, e.g. 'candidate for Mayor'.")
        ] = None,
        doc_id: Annotated[str | None, typer.Option("--id", help="Document id (default: from the title).")] = None,
    ) -> None:
        """Add a document to the corpus.

        Example: consult knowledge add plan.pdf --title "Police and Crime Plan" --kind plan --speaker "Jane Doe"
        """
        identifier = doc_id or slugify(title)
        try:
            meta = DocumentMeta(
                id=identifier,
                title=title.strip(),
                kind=kind,
                speaker=speaker.strip() or None,
                speaker_role=speaker_role,
                publisher=publisher,
                published=date,
                url=url,
                file=f"docs/{identifier}.md",
            )
            document = add_document(corpus_dir(ctx), meta, extract_text(path))
        except ValidationError as error:
            first = error.errors()[0]
            field = "--" + str(first["loc"][0]).replace("published", "date").replace("_", "-")
            raise _fail(f"{field}: {first['msg'].removeprefix('Value error, ')}") from None
        except CorpusError as error:
            raise _fail(str(error)) from None
        typer.echo(
            f"Added '{document.id}' ({len(document.text.split())} words). Run `consult index build` to index it."
        )

    @app.command("list")
    def list_command(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
    ) -> None:
        """List the documents in the corpus.

        Example: consult knowledge list
        """
        try:
            documents = load_corpus(corpus_dir(ctx))
        except CorpusError as error:
            raise _fail(str(error)) from None
        if as_json:
            for document in documents:
                typer.echo(document.meta.model_dump_json())
            return
        table = Table("id", "kind", "speaker", "date", "words", "title")
        for document in documents:
            meta = document.meta
            table.add_row(
                meta.id,
                meta.kind,
                meta.speaker or "",
                meta.published or "",
                str(len(document.text.split())),
                meta.title,
            )
        Console().print(table)

    return app


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-") or "document"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)
