"""Run the benchmarks and print their figures: `python -m bench [NAME ...]` (default: all)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench import comments, conversation, load, retrieval, survey

BENCHMARKS = {
    "retrieval": retrieval.run,
    "survey": survey.run,
    "conversation": conversation.run,
    "load": load.run,
    "comments": comments.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as workdir:
        for name in args.names or BENCHMARKS:
            print(f"== {name} ==", flush=True)
            BENCHMARKS[name](Path(workdir), quick=args.quick)


if __name__ == "__main__":
    main()
