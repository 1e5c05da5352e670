"""Peers on the same texts: sumy's ``LexRankSummarizer`` and the ``lexrank`` package.

Each runs in-process in a child process (spawned), one case at a time, so that a time cap
can stop it; both see the service's sentence split, and their time includes splitting
and building their document or model.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

from cases import Case
from measure import summary

PEERS = ("sumy LexRank", "lexrank")


def _peer_run(name: str, articles: list[dict[str, str]]) -> Callable[[], int]:
    """One run of peer ``name`` on ``articles``: the number of sentences it picked."""
    from service.evaluation.data import Cluster, Document
    from service.evaluation.peers import LEXRANK_THRESHOLD, _sumy_document, cluster_sentences

    cluster = Cluster(
        id="bench",
        documents=tuple(Document(id=a["id"], text=a["text"]) for a in articles),
        references=(),
    )
    if name == "sumy LexRank":
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.utils import get_stop_words

        summarizer = LexRankSummarizer(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")

        def run() -> int:
            # Splitting and building the document are part of the cost, as for us.
            return len(summarizer(_sumy_document(cluster), 5))

        return run

    from lexrank import STOPWORDS, LexRank

    def run_lexrank() -> int:
        documents = cluster_sentences(cluster)
        model = LexRank(documents, stopwords=STOPWORDS["en"])
        sentences = [s for document in documents for s in document]
        return len(model.get_summary(sentences, summary_size=5, threshold=LEXRANK_THRESHOLD))

    return run_lexrank


def _peer_child(name: str, articles: list[dict[str, str]], repeats: int, conn: Any) -> None:
    """In a child process: run one peer ``repeats`` times, send each time as it finishes."""
    try:
        run = _peer_run(name, articles)
        for _ in range(repeats):
            started = time.perf_counter()
            picked = run()
            conn.send(("time", time.perf_counter() - started, picked))
        conn.send(("done", None, None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300], None))
    finally:
        conn.close()


def _receive(
    parent: Any, process: Any, started: float, cap_s: float
) -> tuple[list[float], str | None, bool]:
    """The child's times until it is done, fails or ``cap_s`` passes: (times, error, capped)."""
    times: list[float] = []
    error: str | None = None
    capped = False
    while True:
        remaining = cap_s - (time.perf_counter() - started)
        if remaining <= 0 or not parent.poll(remaining):
            capped = True
            break
        try:
            kind, value, _ = parent.recv()
        except EOFError:
            error = error or f"child exited with {process.exitcode}"
            break
        if kind == "time":
            times.append(value)
        elif kind == "error":
            error = value
            break
        else:
            break
    return times, error, capped


def measure_peer(name: str, case: Case, cap_s: float) -> dict[str, Any]:
    """Median of the case's repeats, in a child process stopped at ``cap_s`` seconds."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(
        target=_peer_child, args=(name, case.articles, case.peer_repeats, child), daemon=True
    )
    started = time.perf_counter()
    process.start()
    child.close()
    try:
        times, error, capped = _receive(parent, process, started, cap_s)
    finally:
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
        process.join(5)
        parent.close()
    out = summary(times)
    out.update(
        {
            "peer": name,
            "capped": capped and not times,
            "cap_s": cap_s,
            "partial": capped and bool(times),
            "error": error,
        }
    )
    return out


def measure_peers(
    cases: list[Case], cap_s: float, progress: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Every peer on every case, by case name; once a peer hits the cap, larger clusters
    are skipped for it (its cost only grows with the sentences)."""
    results: dict[str, dict[str, Any]] = {}
    capped_at: dict[str, str] = {}
    for case in cases:
        peers: dict[str, Any] = {}
        for name in PEERS:
            if name in capped_at:
                peers[name] = {"peer": name, "skipped": f"> cap at {capped_at[name]}"}
                continue
            progress(f"peer {name}: {case.name}")
            peer = measure_peer(name, case, cap_s)
            peer["sentences"] = case.sentences
            peers[name] = peer
            if peer["capped"]:
                capped_at[name] = case.name
        results[case.name] = peers
    return results
