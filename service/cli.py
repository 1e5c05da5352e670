"""``summarize``: the summariser on the command line, no server needed.

    summarize story/                      # every .txt file of a folder is an article
    summarize a.txt b.txt --max-words 100
    summarize cluster.jsonl --json        # one {"id", "text", ...} object a line
    summarize request.json                # a POST /v1/summaries body
    cat request.json | summarize -
    summarize story.jsonl --known a,b     # what is new to a reader who has read a and b
    summarize story.jsonl --since 2026-03-02T09:00:00Z   # ... read up to then
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from service.api.schemas import dump_summary
from service.config import Settings, set_library_defaults
from service.summarize import (
    ORDERS,
    SIMILARITY_KINDS,
    Article,
    Citation,
    Disagreement,
    SummarizationError,
    Summary,
    SummaryOptions,
    SummarySentence,
    load_encoder,
    summarize,
)


class InputError(ValueError):
    """The command line names something that is not a usable article."""


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run the command; returns the exit status (0 ok, 2 bad input, 1 nothing to summarise)."""
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    set_library_defaults(os.environ)
    try:
        articles = list(read_articles(args.inputs))
        if not articles:
            raise InputError("no article found in the inputs")
        options = SummaryOptions(
            max_sentences=args.max_sentences,
            max_words=args.max_words,
            order=args.order,
            similarity=args.similarity,
            query=args.query,
            known=args.known,
            since=args.since,
        )
        # The encoder as the service's SUMMARIZER_* variables set it up (runtime, int8,
        # passes side by side, cache); a bad value is a usage error naming the variable.
        encoder = (
            None
            if args.similarity == "lexical"
            else load_encoder(**Settings.from_env(os.environ).encoder_options())
        )
        summary = summarize(articles, options, encoder=encoder)
    except (InputError, ValueError) as exc:
        print(f"summarize: {exc}", file=sys.stderr)
        return 2
    except SummarizationError as exc:
        print(f"summarize: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(as_json(summary), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(as_text(summary, {a.id: a for a in articles}))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarize",
        description="Extractive summary of news articles about one story, with citations.",
    )
    parser.add_argument(
        "inputs", nargs="+", help="text files, folders of .txt files, .jsonl or .json files, or -"
    )
    parser.add_argument("--max-sentences", type=_positive, default=5)
    parser.add_argument("--max-words", type=_positive, default=None)
    parser.add_argument("--order", choices=ORDERS, default="rank")
    parser.add_argument("--similarity", choices=SIMILARITY_KINDS, default="hybrid")
    parser.add_argument(
        "--query", type=_query, default=None, help="focus the summary on this topic or question"
    )
    parser.add_argument(
        "--known",
        type=_ids,
        default=None,
        metavar="ID[,ID]",
        help="ids of articles the reader has read: summarise what is new to them",
    )
    parser.add_argument(
        "--since",
        type=_time,
        default=None,
        metavar="TIME",
        help="ISO 8601 time with an offset: articles published at or before it are known",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _ids(raw: str) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not ids:
        raise argparse.ArgumentTypeError("must name at least one article id")
    return ids


def _time(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {raw!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("needs a time-zone offset, e.g. 2026-03-02T09:00:00Z")
    return moment


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def _query(raw: str) -> str:
    if not raw.strip():
        raise argparse.ArgumentTypeError("must hold text")
    if len(raw) > 2000:
        raise argparse.ArgumentTypeError("must be at most 2000 characters")
    return raw


def read_articles(inputs: Iterable[str]) -> Iterable[Article]:
    """Articles from files, folders, JSON lines, a request body, or standard input."""
    for name in inputs:
        if name == "-":
            yield from _from_json_text(sys.stdin.read(), "<stdin>")
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.glob("*.txt")):
                yield Article(id=child.stem, text=_read(child))
        elif path.suffix == ".jsonl":
            for number, line in enumerate(_read(path).splitlines(), start=1):
                if line.strip():
                    yield _article(_loads(line, f"{path}:{number}"), f"{path}:{number}")
        elif path.suffix == ".json":
            yield from _from_json_text(_read(path), str(path))
        else:
            yield Article(id=path.stem, text=_read(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def _loads(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg})") from None


def _from_json_text(text: str, where: str) -> Iterable[Article]:
    data = _loads(text, where)
    items = data.get("articles") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f"{where}: expected a list of articles or {{'articles': [...]}}")
    for index, item in enumerate(items):
        yield _article(item, f"{where}#{index}")


def _article(item: Any, where: str) -> Article:
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise InputError(f"{where}: an article is an object with a 'text' string")
    return Article(
        id=str(item.get("id", where)),
        text=item["text"],
        title=item.get("title"),
        source=item.get("source"),
        url=item.get("url"),
        published_at=_published(item.get("published_at"), where),
    )


def _published(raw: Any, where: str) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise InputError(f"{where}: published_at is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InputError(f"{where}: published_at needs a time-zone offset")
    return moment


def as_json(summary: Summary) -> dict[str, Any]:
    """The API's 200 body without its ``articles`` and ``meta`` (timings differ run to run)."""
    body = dump_summary(summary, model=False, elapsed_ms=0.0)
    answer = {"summary": body["summary"], "sentences": body["sentences"]}
    if "query" in body["meta"]:
        answer["query"] = body["meta"]["query"]
    return answer


def as_text(summary: Summary, articles: dict[str, Article]) -> str:
    """Numbered sentences, each followed by its numbered citations and its disputes."""
    lines = []
    for number, sentence in enumerate(summary.sentences, start=1):
        news = "" if sentence.novelty is None else f" ({sentence.novelty})"
        lines.append(f"{number}. {sentence.text}{news}")
        for mark, citation in enumerate(sentence.citations, start=1):
            first = " (quoted)" if mark == 1 else ""
            lines.append(f"   [{mark}] {citation.article_id}: {_where(citation)}{first}")
        for dispute in sentence.disagreements:
            lines.append(
                f"   disputed by {dispute.article_id}: {_where(dispute)}"
                f" — {dispute.value} vs {dispute.other} ({dispute.kind})"
            )
        lines.append("")
    support = ", ".join(_support(s) for s in summary.sentences)
    lines.append(f"{len(articles)} articles, {summary.sentence_count} sentences; support {support}")
    if summary.query is not None:
        verdict = "answered" if summary.query.focused else "little is relevant: general summary"
        lines.append(f"query: best relevance {summary.query.max_relevance:.2f} ({verdict})")
    return "\n".join(lines) + "\n"


def _where(span: Citation | Disagreement) -> str:
    return f"sentence {span.sentence_index + 1}, chars {span.start}-{span.end}"


def _support(sentence: SummarySentence) -> str:
    """``4``, or ``4 (2 independent)`` when copies of one origin are among the four."""
    if sentence.independent_support == sentence.support:
        return str(sentence.support)
    return f"{sentence.support} ({sentence.independent_support} independent)"


if __name__ == "__main__":
    raise SystemExit(main())
