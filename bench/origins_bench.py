"""Time find_origins (service/summarize/origins.py) on synthetic news feeds of given sizes.

Each feed has N articles of about --sentences sentences of random words (a Zipf-like
vocabulary, so that common words recur as in news); a share --copies of them are wire
copies of another article of the feed: the original with an outlet's dateline line
before it, a credit or "Related:" line after it, and in turn an extra paragraph of the
outlet's own, a few words changed, or the punctuation lost. The bench checks that
find_origins returns exactly the planted groups, then reports the best and median
wall-clock seconds over --repeat runs, the best CPU seconds of this process (on a shared
machine, the wall clock also counts the time other processes held the cores), and the
peak traced memory of one more run (tracemalloc: Python and numpy allocations):

    .venv/bin/python bench/origins_bench.py 1000 5000
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.summarize.origins import find_origins  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def make_vocabulary(rng: random.Random, size: int) -> Vocabulary:
    """Random words and their cumulative Zipf weights (rank r weighs 1 / (r + 10))."""
    words = sorted({"".join(rng.choices(LETTERS, k=rng.randint(2, 10))) for _ in range(size)})
    rng.shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 10)
        cumulative.append(total)
    return words, cumulative


def make_sentence(rng: random.Random, vocabulary: Vocabulary) -> str:
    """12 to 28 words, capitalised, a comma somewhere, a full stop."""
    words, cumulative = vocabulary
    chosen = rng.choices(words, cum_weights=cumulative, k=rng.randint(12, 28))
    chosen[rng.randrange(2, len(chosen) - 2)] += ","
    return " ".join(chosen).capitalize() + "."


Vocabulary = tuple[list[str], list[float]]


def make_article(rng: random.Random, vocabulary: Vocabulary, sentences: int) -> str:
    """Paragraphs of 2 to 4 sentences, about ``sentences`` in all, one per line."""
    count = max(1, sentences + rng.randint(-3, 3))
    body = [make_sentence(rng, vocabulary) for _ in range(count)]
    paragraphs, start = [], 0
    while start < len(body):
        step = rng.randint(2, 4)
        paragraphs.append(" ".join(body[start : start + step]))
        start += step
    return "\n".join(paragraphs)


def make_copy(rng: random.Random, vocabulary: Vocabulary, original: str) -> str:
    """The original with an outlet's lines, and an extra paragraph, edits, or no punctuation."""
    outlet = "".join(rng.choices(LETTERS, k=6)).capitalize()
    text = original
    variant = rng.randrange(3)
    if variant == 0:
        paragraphs = text.split("\n")
        own = " ".join(make_sentence(rng, vocabulary) for _ in range(3))
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), own)
        text = "\n".join(paragraphs)
    elif variant == 1:
        words = text.split(" ")
        for place in rng.sample(range(len(words)), k=min(4, len(words))):
            words[place] = rng.choice(vocabulary[0])
        text = " ".join(words)
    else:
        text = re.sub(r"[^\w\s]", "", text)
    return f"CITY ({outlet}) -\n{text}\nRelated: more from {outlet}, {rng.randint(1, 99)} stories"


def make_feed(
    size: int, sentences: int, copies: float, seed: int
) -> tuple[list[str], list[int | None]]:
    """The feed's texts and the origins find_origins should return."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, 30_000)
    n_copies = int(size * copies)
    n_originals = size - n_copies
    texts = [make_article(rng, vocabulary, sentences) for _ in range(n_originals)]
    sources = list(range(n_originals)) + [rng.randrange(n_originals) for _ in range(n_copies)]
    texts += [make_copy(rng, vocabulary, texts[source]) for source in sources[n_originals:]]
    order = list(range(size))
    rng.shuffle(order)
    shuffled_texts = [texts[item] for item in order]
    first_place: dict[int, int] = {}
    for place, item in enumerate(order):
        first_place.setdefault(sources[item], place)
    expected: list[int | None] = []
    for place, item in enumerate(order):
        origin = first_place[sources[item]]
        expected.append(None if origin == place else origin)
    return shuffled_texts, expected


def measure(
    texts: list[str], repeat: int
) -> tuple[list[float], list[float], int, list[int | None]]:
    """Wall and CPU seconds of each run, peak traced bytes of one more, the origins found."""
    seconds, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        found = find_origins(texts)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    tracemalloc.start()
    find_origins(texts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, cpu, peak, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="articles per feed")
    parser.add_argument("--sentences", type=int, default=20, help="sentences per article")
    parser.add_argument("--copies", type=float, default=1 / 3, help="share that are copies")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    find_origins(["warm up the character table once"])
    failed = False
    for size in args.sizes:
        texts, expected = make_feed(size, args.sentences, args.copies, args.seed)
        n_sentences = sum(text.count(".") + text.count("\n") for text in texts)
        n_words = sum(len(text.split()) for text in texts)
        seconds, cpu, peak, found = measure(texts, args.repeat)
        wrong = sum(1 for got, want in zip(found, expected, strict=True) if got != want)
        failed = failed or wrong > 0
        print(
            f"{size} articles, ~{n_sentences} sentences, {n_words} words, "
            f"{sum(o is not None for o in expected)} copies: "
            f"wall best {min(seconds):.3f} s, median {statistics.median(seconds):.3f} s; "
            f"CPU best {min(cpu):.3f} s; "
            f"peak {peak / 2**20:.1f} MiB traced, {wrong} articles with a wrong origin"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
