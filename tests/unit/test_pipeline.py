"""The whole summariser on the four-outlet test story."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import (
    Article,
    ArticleCache,
    Citation,
    EncoderUnavailable,
    InsufficientContent,
    RankingParams,
    SentenceEncoder,
    ShortlistParams,
    Summary,
    SummaryOptions,
    TooManySentences,
    summarize,
)
from service.summarize.ranking import Ranking
from service.summarize.segmentation import split_sentences
from service.summarize.shortlist import choose_shortlist
from tests.builders import BOILERPLATE_LINES, QUOTE, make_story, run

KINDS = ["lexical", "hybrid", "semantic"]
PARAPHRASED_QUOTE = (
    "Union leader Mara Ostrova said the dockworkers would not go back to work until the port "
    "restored its safety rules."
)
RUNON_QUOTE = "We will not return to work until the safety rules are brought back"


def key(citation: Citation) -> tuple[str, int]:
    return citation.article_id, citation.sentence_index


def boilerplate_spans(article: Article) -> list[tuple[int, int]]:
    spans = []
    for line in BOILERPLATE_LINES:
        start = article.text.find(line)
        while start != -1:
            spans.append((start, start + len(line)))
            start = article.text.find(line, start + 1)
    return spans


@pytest.mark.parametrize("kind", KINDS)
def test_every_citation_maps_exactly_into_its_article(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    by_id = {article.id: article for article in story}

    summary = run(request, story, kind, max_sentences=6)

    assert summary.sentences
    for sentence in summary.sentences:
        first = sentence.citations[0]
        assert by_id[first.article_id].text[first.start : first.end] == sentence.text
        assert sentence.support == len(sentence.citations)
        assert len({c.article_id for c in sentence.citations}) == len(sentence.citations)
        for citation in sentence.citations:
            text = by_id[citation.article_id].text
            segments = split_sentences(text)
            segment = segments[citation.sentence_index]
            cited = text[citation.start : citation.end]
            # The span is the sentence unit itself, or its tail after a dateline.
            assert segment.start <= citation.start < citation.end == segment.end
            assert cited == cited.strip()
            assert not cited.startswith("VALDORIA")


@pytest.mark.parametrize("kind", ["lexical", "hybrid"])
def test_union_leaders_quote_is_chosen_and_cites_every_outlet(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    by_id = {article.id: article for article in story}

    summary = run(request, story, kind, max_sentences=5)

    quoted = [
        s
        for s in summary.sentences
        if QUOTE in s.text or s.text == PARAPHRASED_QUOTE or s.text.startswith(RUNON_QUOTE)
    ]
    assert len(quoted) == 1
    cited = {c.article_id: by_id[c.article_id].text[c.start : c.end] for c in quoted[0].citations}
    assert set(cited) == {"wire", "copy", "paraphrase", "runon"}
    assert QUOTE in cited["wire"] and QUOTE in cited["copy"]
    assert cited["paraphrase"] == PARAPHRASED_QUOTE
    assert cited["runon"].startswith(RUNON_QUOTE)


@pytest.mark.parametrize("kind", ["lexical", "hybrid"])
def test_quote_is_quoted_from_a_clean_source_not_the_runon(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    summary = run(request, story, kind, max_sentences=5)

    assert summary.sentences[0].citations[0].article_id != "runon"


@pytest.mark.parametrize("kind", KINDS)
def test_no_boilerplate_is_ever_chosen_or_cited(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    by_id = {article.id: article for article in story}

    summary = run(request, story, kind, max_sentences=None)

    assert len(summary.sentences) >= 5
    for sentence in summary.sentences:
        assert not any(sentence.text in line or line in sentence.text for line in BOILERPLATE_LINES)
        for citation in sentence.citations:
            for start, end in boilerplate_spans(by_id[citation.article_id]):
                assert citation.end <= start or end <= citation.start


@pytest.mark.parametrize("kind", KINDS)
def test_chosen_sentences_never_cite_each_other(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    summary = run(request, story, kind, max_sentences=None)

    for a, b in itertools.combinations(summary.sentences, 2):
        assert key(b.citations[0]) not in {key(c) for c in a.citations}
        assert key(a.citations[0]) not in {key(c) for c in b.citations}
        # Nor do they share a citation: that would be one claim said twice.
        assert not {key(c) for c in a.citations} & {key(c) for c in b.citations}


@pytest.mark.parametrize("kind", ["lexical", "hybrid"])
@pytest.mark.parametrize("max_words", [12, 25, 40, 80, 1000])
def test_word_budget_holds(
    request: pytest.FixtureRequest, story: list[Article], kind: str, max_words: int
) -> None:
    summary = run(request, story, kind, max_sentences=None, max_words=max_words)

    assert sum(len(s.text.split()) for s in summary.sentences) <= max_words
    if max_words >= 25:
        assert summary.sentences, "a budget that fits a sentence gets one"


@pytest.mark.parametrize("max_sentences", [1, 2, 3])
def test_sentence_budget_holds(
    request: pytest.FixtureRequest, story: list[Article], max_sentences: int
) -> None:
    summary = run(request, story, max_sentences=max_sentences)

    assert len(summary.sentences) == max_sentences


def test_rank_order_is_best_first(request: pytest.FixtureRequest, story: list[Article]) -> None:
    summary = run(request, story, max_sentences=5)

    scores = [s.score for s in summary.sentences]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0


@pytest.mark.parametrize("kind", ["lexical", "hybrid"])
def test_source_order_is_reading_order(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    ids = [article.id for article in story]

    ranked = run(request, story, kind, max_sentences=5)
    in_source = run(request, story, kind, max_sentences=5, order="source")

    reading = [(ids.index(c.article_id), c.sentence_index) for c in _firsts(in_source)]
    assert reading == sorted(reading)
    assert sorted(in_source.sentences, key=lambda s: s.text) == sorted(
        ranked.sentences, key=lambda s: s.text
    )


def test_published_at_reorders_articles(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    # Newest outlet first in the list; "copy" has no date and so comes last.
    base = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    dates = {"wire": base + timedelta(hours=3), "paraphrase": base + timedelta(hours=1)}
    dates["runon"] = base.replace(tzinfo=None)  # naive: read as UTC, the earliest
    dated = [replace(a, published_at=dates.get(a.id)) for a in story]
    rank = {"runon": 0, "paraphrase": 1, "wire": 2, "copy": 3}

    summary = run(request, dated, max_sentences=None, order="source")

    reading = [(rank[c.article_id], c.sentence_index) for c in _firsts(summary)]
    assert reading == sorted(reading)
    assert len({article for article, _ in reading}) >= 3, "the order was tested across articles"


def test_same_input_gives_identical_output(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    first = run(request, story, max_sentences=None)
    second = run(request, make_story(), max_sentences=None)

    assert first.sentences == second.sentences
    assert first.articles == second.articles
    assert (first.sentence_count, first.candidate_count) == (
        second.sentence_count,
        second.candidate_count,
    )


def test_hybrid_is_deterministic_and_hits_the_cache_the_second_time(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    first = run(request, story, "hybrid", max_sentences=5)
    second = run(request, story, "hybrid", max_sentences=5)

    assert first.sentences == second.sentences
    assert second.embedding_cache is not None
    assert second.embedding_cache["misses"] == 0
    assert second.embedding_cache["hits"] > 0
    assert run(request, story, "lexical").embedding_cache is None


def test_reports_count_sentences_and_boilerplate(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    summary = run(request, story)

    assert [r.id for r in summary.articles] == [a.id for a in story]
    for report, article in zip(summary.articles, story, strict=True):
        assert report.sentence_count == len(split_sentences(article.text))
        assert report.candidate_count + report.boilerplate_count == report.sentence_count
        lines = sum(line in article.text for line in BOILERPLATE_LINES)
        assert report.boilerplate_count >= lines
    assert summary.sentence_count == sum(r.sentence_count for r in summary.articles)
    assert summary.candidate_count == sum(r.candidate_count for r in summary.articles)
    assert next(r for r in summary.articles if r.id == "runon").boilerplate_count == 0


@pytest.mark.parametrize(
    "text",
    ["\n".join(BOILERPLATE_LINES), "", "   \n\t", "Short line.\nAnother one."],
    ids=["boilerplate", "empty", "blank", "fragments"],
)
def test_articles_without_prose_are_insufficient(request: pytest.FixtureRequest, text: str) -> None:
    articles = [Article(id="a", text=text), Article(id="b", text="\n".join(BOILERPLATE_LINES[:3]))]

    with pytest.raises(InsufficientContent):
        run(request, articles)


@pytest.mark.parametrize("kind", ["hybrid", "semantic"])
def test_encoder_is_required_beyond_lexical(story: list[Article], kind: str) -> None:
    with pytest.raises(EncoderUnavailable, match=kind):
        summarize(story, SummaryOptions(similarity=kind))  # type: ignore[arg-type]


def test_too_many_sentences_are_refused(story: list[Article]) -> None:
    options = SummaryOptions(similarity="lexical")
    total = summarize(story, options).sentence_count

    with pytest.raises(TooManySentences) as raised:
        summarize(story, options, max_sentences_considered=total - 1)

    assert (raised.value.count, raised.value.limit, raised.value.complete) == (
        total,
        total - 1,
        True,
    )
    assert summarize(story, options, max_sentences_considered=total).sentences


def test_a_request_over_the_limit_is_refused_before_the_rest_is_cut(
    story: list[Article],
) -> None:
    options = SummaryOptions(similarity="lexical")
    first = summarize(story[:1], options).sentence_count
    cache = ArticleCache()

    with pytest.raises(TooManySentences) as raised:
        summarize(story, options, max_sentences_considered=first - 1, article_cache=cache)

    assert (raised.value.count, raised.value.complete) == (first, False)
    assert f"at least {first} sentences" in str(raised.value)
    assert (cache.hits, cache.misses) == (0, 1)  # the later articles were never cut


@pytest.mark.parametrize(
    ("articles", "options", "message"),
    [
        ([Article("a", "x"), Article("a", "y")], SummaryOptions(), "unique"),
        ([], SummaryOptions(), "at least one"),
        ([Article("a", "x")], SummaryOptions(max_sentences=0), "max_sentences"),
        ([Article("a", "x")], SummaryOptions(max_words=0), "max_words"),
        ([Article("a", "x")], SummaryOptions(order="date"), "order"),  # type: ignore[arg-type]
        ([Article("a", "x")], SummaryOptions(similarity="bm25"), "similarity"),  # type: ignore[arg-type]
    ],
    ids=["duplicate-ids", "no-articles", "max_sentences", "max_words", "order", "similarity"],
)
def test_bad_input_raises_value_error(
    articles: list[Article], options: SummaryOptions, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        summarize(articles, options)


def test_single_article_is_summarised(request: pytest.FixtureRequest, story: list[Article]) -> None:
    summary = run(request, story[:1], max_sentences=3)

    assert len(summary.sentences) == 3
    assert all(s.support == 1 and s.citations[0].article_id == "wire" for s in summary.sentences)


@pytest.mark.parametrize(
    ("factor", "least", "max_sentences", "max_words"),
    [(1, 3, 2, None), (1, 5, 5, None), (2, 4, 3, None), (1, 3, None, 30)],
)
def test_encoder_shortlist_keeps_every_guarantee(
    encoder: SentenceEncoder,
    story: list[Article],
    factor: int,
    least: int,
    max_sentences: int | None,
    max_words: int | None,
) -> None:
    by_id = {article.id: article for article in story}
    params = RankingParams(shortlist=ShortlistParams(factor=factor, min_size=least))

    summary = summarize(
        story,
        SummaryOptions(similarity="hybrid", max_sentences=max_sentences, max_words=max_words),
        encoder=encoder,
        params=params,
    )

    # The encoder saw only a shortlist, not every candidate.
    assert summary.embedding_cache is not None
    encoded = summary.embedding_cache["hits"] + summary.embedding_cache["misses"]
    assert least <= encoded < summary.candidate_count
    if max_sentences is not None:
        assert len(summary.sentences) == max_sentences
    if max_words is not None:
        assert sum(len(s.text.split()) for s in summary.sentences) <= max_words
    seen: set[tuple[str, int]] = set()
    for sentence in summary.sentences:
        first = sentence.citations[0]
        assert by_id[first.article_id].text[first.start : first.end] == sentence.text
        keys = {key(c) for c in sentence.citations}
        assert not keys & seen
        seen |= keys
    top = summary.sentences[0]
    assert QUOTE in top.text or top.text == PARAPHRASED_QUOTE
    assert {c.article_id for c in top.citations} == {"wire", "copy", "paraphrase", "runon"}


def test_crlf_articles_give_the_same_summary(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    crlf = [replace(article, text=article.text.replace("\n", "\r\n")) for article in story]
    by_id = {article.id: article for article in crlf}

    lf_summary = run(request, story, max_sentences=5)
    crlf_summary = run(request, crlf, max_sentences=5)

    assert [s.text for s in crlf_summary.sentences] == [s.text for s in lf_summary.sentences]
    for sentence in crlf_summary.sentences:
        for citation in sentence.citations:
            cited = by_id[citation.article_id].text[citation.start : citation.end]
            assert "\r" not in cited and "\n" not in cited


def _firsts(summary: Summary) -> list[Citation]:
    return [s.citations[0] for s in summary.sentences]


def _ranking_of(
    scores: list[float], articles: list[int], edges: dict[tuple[int, int], float]
) -> Ranking:
    n = len(scores)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for (a, b), value in edges.items():
        rows += [a, b]
        cols += [b, a]
        values += [value, value]
    graph = sp.csr_matrix((values, (rows, cols)), shape=(n, n))
    return Ranking(
        graph,
        np.asarray(articles, dtype=np.int64),
        np.ones(n),
        np.asarray(scores, dtype=np.float64),
        [[] for _ in range(n)],
        [[] for _ in range(n)],
        [[] for _ in range(n)],
        threshold=0.45,
    )


def test_shortlist_holds_the_best_and_their_closest_sentences_elsewhere() -> None:
    # Sentences 0 and 1 rank best (article 0); 7 and 8 rank last but are the closest
    # sentences of articles 1 and 2 to sentence 0; 5 is close to 1 but under the floor;
    # 6 is close to 0 but in its own article (support comes from other articles).
    scores = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 0.2, 0.1]
    articles = [0, 0, 1, 1, 2, 2, 0, 1, 2]
    edges = {(0, 7): 0.5, (0, 3): 0.3, (0, 8): 0.4, (1, 5): 0.1, (0, 6): 0.9}
    ranking = _ranking_of(scores, articles, edges)
    params = ShortlistParams(core=1, min_core=2, partner_floor=0.15)

    two = SummaryOptions(max_sentences=2)

    chosen = choose_shortlist(ranking, 5, two, params).tolist()
    assert chosen == [0, 1, 7, 8]  # 7 beats 3 in article 1; 5 under the floor; 6 at home

    # The size is a cap: the closest partner first.
    assert choose_shortlist(ranking, 3, two, params).tolist() == [0, 1, 7]
    # core 0: the best by rank, as before.
    plain = replace(params, core=0)
    assert choose_shortlist(ranking, 4, two, plain).tolist() == [0, 1, 2, 3]
