"""Measure the claim layer (``POST /v1/claims``) on MRPC sentence pairs.

Run ``python -m service.evaluation.claims_check mrpc_train.tsv`` (the MRPC file; see
:mod:`service.evaluation.agreement_check` for its format). The data is read at run
time and never stored.

Each pair becomes a two-article story: article ``a`` is a filler sentence, the pair's
first sentence and another filler, one sentence a line; article ``b`` the same around
the second sentence. The four fillers are sentences of four other pairs, chosen by a
seeded generator from the pair's index, so a story is the same whatever ``--limit``.
Each story is posted to ``/v1/claims`` through the Flask test client of
:func:`service.app.create_app` (the HTTP code path, in process), with
``{"similarity": KIND, "max_claims": 5000}``.

Same claim: the pair's two sentences are among the ``sentences`` of one claim (found
by article id and character offsets). A sentence the service lists as a disagreement
is never among a claim's sentences, so a disagreement counts as "not the same".
Accuracy, precision, recall and F1 against the MRPC label stand beside two baselines
whose thresholds are tuned on the same pairs (in-sample, so optimistic): the cosine of
the project's MiniLM embeddings and the TF-IDF cosine (scikit-learn, fitted on every
MRPC sentence), each at its best-accuracy and its best-F1 threshold; and all-positive.

Disagreements: :func:`agreement_check.perturb`'s pairs (one side of a paraphrase given
another figure, date, name or polarity) go through the same stories. A perturbation is
found when the claim holding one sentence lists the other as a disagreement; false
alarms are the untouched paraphrases with the same figures and weekdays on both sides
(:func:`agreement_check.consistent`) where one is listed as disagreeing with the other.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from service.config import Settings, set_library_defaults
from service.evaluation.agreement_check import (
    Pair,
    Perturbation,
    consistent,
    load_pairs,
    perturb,
    recall,
)
from service.summarize import SIMILARITY_KINDS
from service.summarize.agreement import KINDS

SIMILARITIES = ("lexical", "hybrid")
"""The similarity kinds measured by default."""

MAX_CLAIMS = 5000
"""``options.max_claims``: the API's maximum, so every claim of a story is returned."""

FILLERS = 4
"""Filler sentences of a story: one before and one after each pair sentence."""

ARTICLES = ("a", "b")
"""The articles' ids: ``a`` holds the pair's first sentence, ``b`` its second."""

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Story:
    """The two articles made of a pair, and where the pair's sentences stand in them."""

    texts: tuple[str, str]
    spans: tuple[Span, Span]

    def body(self, similarity: str) -> dict[str, Any]:
        """The ``POST /v1/claims`` request."""
        articles = [
            {"id": name, "text": text} for name, text in zip(ARTICLES, self.texts, strict=True)
        ]
        return {
            "articles": articles,
            "options": {"similarity": similarity, "max_claims": MAX_CLAIMS},
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the claim map says of a pair's two sentences.

    ``placed`` is whether each sentence is in some claim (a sentence set aside as
    boilerplate is in none); ``dispute`` is the kind of the disagreement listed between
    the two, or None.
    """

    same: bool
    dispute: str | None
    placed: bool


@dataclass(frozen=True, slots=True)
class Scores:
    """A confusion matrix and what it gives; the ratios are 0 where undefined."""

    tp: int
    fp: int
    fn: int
    tn: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    threshold: float | None = None


@dataclass(slots=True)
class KindRun:
    """One similarity kind's results and run times (seconds)."""

    similarity: str
    pairs: list[Outcome] = field(default_factory=list)
    perturbed: list[Outcome] = field(default_factory=list)
    pair_seconds: float = 0.0
    perturbed_seconds: float = 0.0


def choose_fillers(pairs: Sequence[Pair], index: int, *, seed: int = 0) -> list[str]:
    """:data:`FILLERS` sentences of distinct other pairs for pair ``index``, deterministic.

    A candidate whose text is one of the pair's sentences, or already chosen, is passed
    over (MRPC repeats some sentences across pairs).

    Raises:
        ValueError: If there are too few other pairs to draw from.
    """
    pair = pairs[index]
    others = [k for k in range(len(pairs)) if k != index]
    rng = random.Random(f"{seed}:fillers:{index}")
    rng.shuffle(others)
    chosen: list[str] = []
    for other in others:
        text = (pairs[other].first, pairs[other].second)[rng.randrange(2)]
        if text not in (pair.first, pair.second) and text not in chosen:
            chosen.append(text)
            if len(chosen) == FILLERS:
                return chosen
    raise ValueError(f"pair {index}: fewer than {FILLERS} other sentences to fill with")


def build_story(first: str, second: str, fillers: Sequence[str]) -> Story:
    """A pair's story: ``a`` is fillers 0, 1 around ``first``, ``b`` 2, 3 around ``second``."""
    texts: list[str] = []
    spans: list[Span] = []
    for sentence, before, after in (
        (first, fillers[0], fillers[1]),
        (second, fillers[2], fillers[3]),
    ):
        start = len(before) + 1
        texts.append(f"{before}\n{sentence}\n{after}")
        spans.append((start, start + len(sentence)))
    return Story((texts[0], texts[1]), (spans[0], spans[1]))


def _overlaps(item: dict[str, Any], article: str, span: Span) -> bool:
    """Whether a citation or disagreement stands in ``article`` over ``span``."""
    return item["article_id"] == article and item["start"] < span[1] and item["end"] > span[0]


def read_outcome(body: dict[str, Any], story: Story) -> Outcome:
    """Where the claim map puts the story's two sentences, and any disagreement between them.

    A sentence the segmenter cut in two may lie in two claims; the pair is the same
    claim when one claim holds a part of each.
    """
    holding: list[set[int]] = [set(), set()]
    dispute: str | None = None
    for number, claim in enumerate(body["claims"]):
        for side, (article, span) in enumerate(zip(ARTICLES, story.spans, strict=True)):
            if not any(_overlaps(s, article, span) for s in claim["sentences"]):
                continue
            holding[side].add(number)
            other = 1 - side
            for item in claim["disagreements"]:
                if dispute is None and _overlaps(item, ARTICLES[other], story.spans[other]):
                    dispute = item["kind"]
    same = bool(holding[0] & holding[1])
    return Outcome(same=same, dispute=dispute, placed=all(holding))


def confusion(
    predicted: Sequence[bool], labels: Sequence[int], threshold: float | None = None
) -> Scores:
    """Accuracy, precision, recall and F1 of ``predicted`` against the labels (1 positive)."""
    tp = sum(p and y == 1 for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and y != 1 for p, y in zip(predicted, labels, strict=True))
    fn = sum(not p and y == 1 for p, y in zip(predicted, labels, strict=True))
    tn = len(labels) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / len(labels) if labels else 0.0
    return Scores(tp, fp, fn, tn, accuracy, precision, recall, f1, threshold)


def tune_thresholds(scores: Sequence[float], labels: Sequence[int]) -> tuple[Scores, Scores]:
    """The best-accuracy and the best-F1 threshold (predict same at ``score >= t``).

    Every distinct score is tried as ``t``; ties go to the lowest threshold. One sort,
    then cumulative counts, so the sweep is linear after it.
    """
    given = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-given, kind="stable")
    values, positive = given[order], (np.asarray(labels) == 1)[order]
    # Cut after position k (predict the first k+1 same): only where the value changes.
    cuts = np.flatnonzero(np.append(values[1:] != values[:-1], True))
    tp = np.cumsum(positive)[cuts]
    fp = (cuts + 1) - tp
    total = int(positive.sum())
    accuracy = (tp + (len(values) - total - fp)) / len(values)
    f1 = np.where(tp > 0, 2 * tp / np.maximum(1, tp + fp + total), 0.0)
    best = []
    for metric in (accuracy, f1):
        # The last of the maxima is the lowest threshold among equals.
        k = int(cuts[len(metric) - 1 - int(np.argmax(metric[::-1]))])
        threshold = float(values[k])
        best.append(confusion((given >= threshold).tolist(), labels, threshold))
    return best[0], best[1]


def tfidf_cosines(pairs: Sequence[Pair], fitted_on: Sequence[Pair]) -> npt.NDArray[np.float64]:
    """TF-IDF cosine of each pair's two sentences (scikit-learn, default settings).

    The vectoriser is fitted on both sentences of every pair of ``fitted_on``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer().fit([s for p in fitted_on for s in (p.first, p.second)])
    first = vectoriser.transform([p.first for p in pairs])
    second = vectoriser.transform([p.second for p in pairs])
    return np.asarray(first.multiply(second).sum(axis=1), dtype=np.float64).ravel()


def embedding_cosines(
    pairs: Sequence[Pair], encode: Callable[[Sequence[str]], Any]
) -> npt.NDArray[np.float64]:
    """Cosine of each pair's two sentence embeddings (``encode`` gives unit rows)."""
    first = np.asarray(encode([p.first for p in pairs]), dtype=np.float64)
    second = np.asarray(encode([p.second for p in pairs]), dtype=np.float64)
    return np.einsum("ij,ij->i", first, second)


class ClaimsClient:
    """``POST /v1/claims`` through the Flask test client of :func:`service.app.create_app`.

    Args:
        similarity: ``lexical`` (the app is built without a model) or ``hybrid`` /
            ``semantic`` (built with ``encoder``).
        encoder: A loaded sentence encoder; required unless ``similarity`` is lexical.
    """

    def __init__(self, similarity: str, encoder: Any = None) -> None:
        # The factory by its public name, the package's lazy re-export (service/__init__.py).
        from service import create_app

        lexical = similarity == "lexical"
        if not lexical and encoder is None:
            raise ValueError(f"{similarity} similarity needs the encoder")
        settings = Settings(
            load_model=not lexical,
            default_similarity="lexical" if lexical else similarity,
            log_level="WARNING",
        )
        self.similarity = similarity
        self._client = create_app(settings, encoder=None if lexical else encoder).test_client()

    def outcome(self, story: Story) -> Outcome:
        """The claim map's verdict on the story's pair.

        Raises:
            RuntimeError: If the service does not answer 200.
        """
        response = self._client.post("/v1/claims", json=story.body(self.similarity))
        if response.status_code != 200:
            detail = response.get_data(as_text=True)[:500]
            raise RuntimeError(f"/v1/claims answered {response.status_code}: {detail}")
        return read_outcome(response.get_json(), story)


def load_encoder_once() -> Any:
    """The service's sentence encoder as its settings (``SUMMARIZER_*``) ask for it."""
    from service.summarize import load_encoder

    set_library_defaults(os.environ)
    return load_encoder(**Settings.from_env(os.environ).encoder_options())


def _timed(
    client: ClaimsClient, stories: Sequence[Story], label: str, progress: bool
) -> tuple[list[Outcome], float]:
    """Every story's outcome, and the seconds they took."""
    began = time.perf_counter()
    bar = tqdm(stories, desc=f"{client.similarity} {label}", unit="story", disable=not progress)
    outcomes = [client.outcome(story) for story in bar]
    return outcomes, time.perf_counter() - began


def chosen_indices(count: int, *, limit: int | None, sample: int | None, seed: int) -> list[int]:
    """The pairs to measure: all, the first ``limit``, or a seeded sample (in file order)."""
    indices = list(range(count))
    if sample is not None and sample < count:
        indices = sorted(random.Random(f"{seed}:sample").sample(indices, sample))
    return indices[:limit] if limit is not None else indices


@dataclass(frozen=True, slots=True)
class Plan:
    """The measured pairs, their stories, and the perturbations of those pairs."""

    pairs: list[Pair]
    indices: list[int]
    stories: list[Story]
    perturbations: list[Perturbation]
    perturbed_stories: list[Story]


def make_plan(pairs: Sequence[Pair], indices: Sequence[int], *, seed: int = 0) -> Plan:
    """Stories of the chosen pairs and of their perturbations (the pair's own fillers).

    Perturbations are built from every pair (so a name replacement is drawn from the
    whole file) and kept for the chosen pairs.
    """
    fillers = {index: choose_fillers(pairs, index, seed=seed) for index in indices}
    stories = [build_story(pairs[i].first, pairs[i].second, fillers[i]) for i in indices]
    perturbations = [p for p in perturb(pairs, seed=seed) if p.source in fillers]
    perturbed_stories = [build_story(p.first, p.second, fillers[p.source]) for p in perturbations]
    return Plan(list(pairs), list(indices), stories, perturbations, perturbed_stories)


def run_kind(client: ClaimsClient, plan: Plan, *, progress: bool = True) -> KindRun:
    """The pairs and the perturbations of a plan through one client."""
    run = KindRun(client.similarity)
    run.pairs, run.pair_seconds = _timed(client, plan.stories, "pairs", progress)
    run.perturbed, run.perturbed_seconds = _timed(
        client, plan.perturbed_stories, "perturbed", progress
    )
    return run


def claim_scores(run: KindRun, plan: Plan) -> Scores:
    """The claim layer's same-claim confusion over the plan's pairs."""
    labels = [plan.pairs[i].label for i in plan.indices]
    return confusion([outcome.same for outcome in run.pairs], labels)


def perturbation_rows(run: KindRun, plan: Plan) -> list[dict[str, Any]]:
    """Per perturbation variant: pairs, disagreement found, right kind, still one claim.

    ``alone_right_kind`` counts the pairs that ``disagreement`` itself, called on the
    two sentences (:func:`agreement_check.recall`), flags with the right kind: what the
    claim layer could find if it compared every perturbed pair.
    """
    alone = {
        (row.kind, row.variant): row.right_kind for row in recall(plan.perturbations, plan.pairs)
    }
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item, outcome in zip(plan.perturbations, run.perturbed, strict=True):
        key = (item.kind, item.variant)
        row = rows.setdefault(
            key,
            {"kind": item.kind, "variant": item.variant, "pairs": 0, "found": 0,
             "right_kind": 0, "same_claim": 0, "alone_right_kind": alone[key]},
        )  # fmt: skip
        row["pairs"] += 1
        row["found"] += outcome.dispute is not None
        row["right_kind"] += outcome.dispute == item.kind
        row["same_claim"] += outcome.same
    return sorted(rows.values(), key=lambda row: (KINDS.index(row["kind"]), row["variant"]))


def unplaced(run: KindRun) -> int:
    """Pairs with a sentence in no claim (set aside as boilerplate)."""
    return sum(not outcome.placed for outcome in run.pairs)


def disputed_paraphrases(run: KindRun, plan: Plan) -> int:
    """Untouched paraphrases with a disagreement listed between the two sentences."""
    return sum(
        outcome.dispute is not None and plan.pairs[index].label == 1
        for index, outcome in zip(plan.indices, run.pairs, strict=True)
    )


def false_alarms(run: KindRun, plan: Plan) -> dict[str, Any]:
    """Untouched paraphrases with the same figures and weekdays that are listed as disagreeing."""
    kinds: dict[str, int] = {}
    total = 0
    for index, outcome in zip(plan.indices, run.pairs, strict=True):
        pair = plan.pairs[index]
        if pair.label != 1 or not consistent(pair):
            continue
        total += 1
        if outcome.dispute is not None:
            kinds[outcome.dispute] = kinds.get(outcome.dispute, 0) + 1
    return {"pairs": total, "flagged": sum(kinds.values()), "by_kind": dict(sorted(kinds.items()))}


def baselines(plan: Plan, encode: Callable[[Sequence[str]], Any] | None) -> dict[str, Scores]:
    """Cosine thresholds tuned on the measured pairs, and all-positive."""
    chosen = [plan.pairs[i] for i in plan.indices]
    labels = [pair.label for pair in chosen]
    found: dict[str, Scores] = {}
    if encode is not None:
        found["MiniLM cosine, best accuracy"], found["MiniLM cosine, best F1"] = tune_thresholds(
            list(embedding_cosines(chosen, encode)), labels
        )
    tfidf = list(tfidf_cosines(chosen, plan.pairs))
    found["TF-IDF cosine, best accuracy"], found["TF-IDF cosine, best F1"] = tune_thresholds(
        tfidf, labels
    )
    found["all positive"] = confusion([True] * len(labels), labels)
    return found


def _percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage with one decimal."""
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _score_row(name: str, scores: Scores) -> str:
    """One Markdown row of the same-claim table."""
    threshold = "" if scores.threshold is None else f"{scores.threshold:.3f}"
    return (
        f"| {name} | {threshold} | {100 * scores.accuracy:.1f} | {100 * scores.precision:.1f} "
        f"| {100 * scores.recall:.1f} | {100 * scores.f1:.1f} "
        f"| {scores.tp} | {scores.fp} | {scores.fn} | {scores.tn} |"
    )


def format_report(plan: Plan, runs: Sequence[KindRun], reference: dict[str, Scores]) -> str:
    """The Markdown tables: same claim, disagreement recall, false alarms, run times."""
    lines = [
        f"Same claim on {len(plan.indices)} MRPC pairs "
        f"({sum(plan.pairs[i].label for i in plan.indices)} paraphrases):",
        "",
        "| system | threshold | accuracy | precision | recall | F1 | TP | FP | FN | TN |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    lines += [_score_row(f"/v1/claims, {run.similarity}", claim_scores(run, plan)) for run in runs]
    lines += [_score_row(name, scores) for name, scores in reference.items()]
    for run in runs:
        lines.append(
            f"\n{run.similarity}: {unplaced(run)} pairs with a sentence in no claim (set aside); "
            f"{disputed_paraphrases(run, plan)} paraphrases split by a disagreement."
        )
    lines += _perturbation_lines(plan, runs)
    lines += [
        "",
        "| similarity | consistent paraphrases | flagged | by kind |",
        "|---|--:|--:|---|",
    ]
    for run in runs:
        alarms = false_alarms(run, plan)
        by_kind = ", ".join(f"{kind} {n}" for kind, n in alarms["by_kind"].items())
        lines.append(
            f"| {run.similarity} | {alarms['pairs']} "
            f"| {_percent(alarms['flagged'], alarms['pairs'])} | {by_kind} |"
        )
    lines += [
        "",
        "| similarity | pairs s | ms/story | perturbed s | ms/story |",
        "|---|--:|--:|--:|--:|",
    ]
    for run in runs:
        per_pair = 1000 * run.pair_seconds / max(1, len(run.pairs))
        per_perturbed = 1000 * run.perturbed_seconds / max(1, len(run.perturbed))
        lines.append(
            f"| {run.similarity} | {run.pair_seconds:.1f} | {per_pair:.1f} "
            f"| {run.perturbed_seconds:.1f} | {per_perturbed:.1f} |"
        )
    return "\n".join(lines)


def _perturbation_lines(plan: Plan, runs: Sequence[KindRun]) -> list[str]:
    """The disagreement-recall table, one row per similarity and variant."""
    lines = [
        "",
        f"Disagreements on {len(plan.perturbations)} perturbed paraphrases:",
        "",
        "| similarity | perturbation | pairs | disagreement found | right kind | still one claim "
        "| disagreement() alone, right kind |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        rows = perturbation_rows(run, plan)
        total = {
            key: sum(row[key] for row in rows)
            for key in ("pairs", "found", "right_kind", "same_claim", "alone_right_kind")
        }
        for row in [*rows, {"kind": "all", "variant": "", **total}]:
            name = f"{row['kind']}: {row['variant']}" if row["variant"] else "**all**"
            lines.append(
                f"| {run.similarity} | {name} | {row['pairs']} "
                f"| {_percent(row['found'], row['pairs'])} "
                f"| {_percent(row['right_kind'], row['pairs'])} "
                f"| {_percent(row['same_claim'], row['pairs'])} "
                f"| {_percent(row['alone_right_kind'], row['pairs'])} |"
            )
    return lines


def figures_json(
    plan: Plan, runs: Sequence[KindRun], reference: dict[str, Scores]
) -> dict[str, Any]:
    """Every figure of the report, for ``--json``."""
    return {
        "pairs": len(plan.indices),
        "paraphrases": sum(plan.pairs[i].label for i in plan.indices),
        "perturbations": len(plan.perturbations),
        "claims": {
            run.similarity: {
                "same_claim": asdict(claim_scores(run, plan)),
                "unplaced": unplaced(run),
                "disputed_paraphrases": disputed_paraphrases(run, plan),
                "perturbations": perturbation_rows(run, plan),
                "false_alarms": false_alarms(run, plan),
                "seconds": {"pairs": run.pair_seconds, "perturbed": run.perturbed_seconds},
            }
            for run in runs
        },
        "baselines": {name: asdict(scores) for name, scores in reference.items()},
    }


def publish(
    plan: Plan,
    runs: Sequence[KindRun],
    reference: dict[str, Scores],
    path: Path | None,
    options: dict[str, Any],
) -> None:
    """The report on stdout and, for ``--json`` (``path``), every figure with the options
    that produced them."""
    print(format_report(plan, runs, reference))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        figures = figures_json(plan, runs, reference)
        path.write_text(json.dumps({**figures, "options": options}, indent=2) + "\n")


def _similarities(raw: str) -> list[str]:
    """``--similarity``: a comma-separated list of similarity kinds."""
    kinds = [kind.strip() for kind in raw.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in SIMILARITY_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(SIMILARITY_KINDS)}")
    return kinds


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(prog="python -m service.evaluation.claims_check")
    parser.add_argument("pairs", help="MRPC TSV file, e.g. mrpc_train.tsv")
    parser.add_argument(
        "--similarity",
        type=_similarities,
        default=list(SIMILARITIES),
        help="comma-separated kinds (default lexical,hybrid)",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--sample", type=int, default=None, help="a seeded sample of N pairs")
    parser.add_argument("--seed", type=int, default=0, help="seed of fillers and perturbations")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--no-semantic-baseline",
        action="store_true",
        help="skip the MiniLM cosine baseline (no encoder for a lexical-only run)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the claim-layer report (and write ``--json``)."""
    args = parse_args(argv)
    pairs = load_pairs(args.pairs)
    indices = chosen_indices(len(pairs), limit=args.limit, sample=args.sample, seed=args.seed)
    plan = make_plan(pairs, indices, seed=args.seed)
    needs_encoder = any(k != "lexical" for k in args.similarity) or not args.no_semantic_baseline
    encoder = load_encoder_once() if needs_encoder else None
    runs = [
        run_kind(ClaimsClient(kind, encoder), plan, progress=not args.no_progress)
        for kind in args.similarity
    ]
    semantic = None if args.no_semantic_baseline or encoder is None else encoder.encode
    reference = baselines(plan, semantic)
    publish(
        plan, runs, reference, args.json,
        {"limit": args.limit, "sample": args.sample, "seed": args.seed},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
