"""Property tests of ``service.summarize.summarize`` on hostile text (hypothesis).

Whatever the articles hold (any Unicode, lone surrogates, NUL and control characters,
zero-width and bidi marks, right-to-left scripts, markup, emoji sequences, CRLF, one
enormous token), the summariser either refuses it with ``InsufficientContent`` (the only
documented refusal of a text) or returns a summary in which:

- every citation is a non-empty span inside its article, and ``citations[0]`` is
  exactly the sentence (``article.text[start:end] == sentence.text``);
- ``support`` counts the distinct articles cited, scores are in [0, 1];
- the budgets hold (``max_sentences``, ``max_words`` in white-space words);
- the same input gives the same output.

Blank articles (empty, white space only) always give ``InsufficientContent``. Runs are
bounded and reproducible: ``derandomize=True``, no example database.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from service.summarize import (
    ORDERS,
    Article,
    InsufficientContent,
    SentenceEncoder,
    Summary,
    SummaryOptions,
    summarize,
)

BOUNDED = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- text strategies ------------------------------------------------------------------

WHITESPACE = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BIDI = [
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2069",
]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x9b"]
EMOJI = [
    "\U0001f6a2",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1fa\U0001f1e6",
    "\u2764\ufe0f",
    "\U0001f44d\U0001f3fd",
]
MARKUP = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br/>",
    "<script>alert(1)</script>",
    "&amp;",
    "&nbsp;",
    "<!-- x -->",
    "<a href='http://x.y/'>",
]
WORDS = (
    "the port strike workers union said on Monday ships harbour safety rules minister "
    "talks crane accident inspections director week thousands police city government "
    "election vote president report officials agreed meeting Wednesday would not return"
).split()
RTL_WORDS = [
    "\u05d4\u05e9\u05d1\u05d9\u05ea\u05d4",
    "\u05e0\u05de\u05dc",
    "\u0627\u0644\u0625\u0636\u0631\u0627\u0628",
    "\u0645\u064a\u0646\u0627\u0621",
    "\u0627\u0644\u0633\u0641\u0646",
]
ENDINGS = [".", ".", ".", "!", "?", "...", "\u3002", "\u061f", "", ".\u201d", ".)"]
SEPARATORS = [" ", " ", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\x00", "\u2028", "\t", ""]

# Any code point, lone surrogates included (json.loads turns "\ud800" into one).
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=600)
# Any code point that UTF-8 can encode; lone surrogates have explicit examples below.
any_utf8_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=600)

odd_word = st.one_of(
    st.sampled_from(RTL_WORDS),
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "M", "N")), min_size=1, max_size=12
    ),
    st.sampled_from(ZERO_WIDTH + BIDI + CONTROL + EMOJI + MARKUP),
    st.builds(lambda n: "x" * n, st.integers(100, 5_000)),  # a long token
)
# Mostly plain words, so that many articles hold sentences worth choosing.
word = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(WORDS), odd_word)
word_gap = st.sampled_from([" ", " ", " ", "\u00a0", "\t", "\u200b", "\u3000", "  "])


@st.composite
def sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(word, min_size=3, max_size=30))
    gaps = [draw(word_gap) for _ in words]
    text = "".join(w + g for w, g in zip(words, gaps, strict=True)).strip()
    return text + draw(st.sampled_from(ENDINGS))


@st.composite
def article_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(sentence(), min_size=0, max_size=12))
    return "".join(part + draw(st.sampled_from(SEPARATORS)) for part in parts)


texts = st.one_of(article_text(), article_text(), any_text)
utf8_texts = st.one_of(article_text(), article_text(), any_utf8_text)
published = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)),
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2030, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]),
    ),
)


@st.composite
def articles(draw: st.DrawFn, max_articles: int = 5, surrogates: bool = True) -> list[Article]:
    bodies = draw(st.lists(texts if surrogates else utf8_texts, min_size=1, max_size=max_articles))
    # Copied wire text: some articles repeat another's text, as outlets do.
    if len(bodies) > 1 and draw(st.booleans()):
        bodies[-1] = bodies[0]
    return [
        Article(id=f"a{index}", text=body, published_at=draw(published))
        for index, body in enumerate(bodies)
    ]


options = st.builds(
    SummaryOptions,
    max_sentences=st.one_of(st.none(), st.integers(1, 8)),
    max_words=st.one_of(st.none(), st.integers(1, 120)),
    order=st.sampled_from(ORDERS),
    similarity=st.just("lexical"),
)

# --- the properties ---------------------------------------------------------------------


def summarize_checked(
    given_articles: Sequence[Article],
    given_options: SummaryOptions,
    encoder: SentenceEncoder | None = None,
) -> Summary | None:
    """Summarise twice and check every property; None when the input was refused.

    The only refusal documented for any text is ``InsufficientContent`` (nothing
    summarisable); any other ``SummarizationError`` (a ``ConvergenceError`` is a 500 in
    the API) fails the property.
    """
    try:
        first = summarize(given_articles, given_options, encoder=encoder)
    except InsufficientContent:
        # The second run must refuse the same way.
        _event("refused: InsufficientContent")
        with pytest.raises(InsufficientContent):
            summarize(given_articles, given_options, encoder=encoder)
        return None
    _event(f"summary of {min(len(first.sentences), 3)}{'+' if len(first.sentences) > 3 else ''}")
    check_summary(first, given_articles, given_options)
    if given_options.similarity != "lexical":
        # The encoder ran: a hybrid summary that fell back to lexical would pass otherwise.
        assert first.embedding_cache is not None, "no encoder call"
        assert sum(first.embedding_cache.values()) > 0, first.embedding_cache
        assert "encode" in first.timings_ms
    second = summarize(given_articles, given_options, encoder=encoder)
    assert comparable(second) == comparable(first), "same input, different summary"
    return first


def _event(label: str) -> None:
    # Tallied by --hypothesis-show-statistics; explicit tests run outside hypothesis.
    if currently_in_test_context():
        event(label)


def comparable(summary: Summary) -> Summary:
    # Timings vary, and the embedding and article caches are warm on the second run (so
    # the second run checks that a cached cut gives the summary a fresh one gave).
    return dataclasses.replace(summary, timings_ms={}, embedding_cache=None, article_cache=None)


def check_summary(summary: Summary, given: Sequence[Article], opts: SummaryOptions) -> None:
    by_id = {article.id: article for article in given}
    assert [report.id for report in summary.articles] == [article.id for article in given]
    reports = {report.id: report for report in summary.articles}
    for report in summary.articles:
        assert report.candidate_count + report.boilerplate_count == report.sentence_count
    assert summary.sentence_count == sum(r.sentence_count for r in summary.articles)
    assert summary.candidate_count == sum(r.candidate_count for r in summary.articles)
    for chosen in summary.sentences:
        assert chosen.citations, "a summary sentence without a citation"
        first = chosen.citations[0]
        assert by_id[first.article_id].text[first.start : first.end] == chosen.text
        for citation in chosen.citations:
            text = by_id[citation.article_id].text
            assert 0 <= citation.start < citation.end <= len(text), citation
            assert text[citation.start : citation.end].strip(), citation
            assert 0 <= citation.sentence_index < reports[citation.article_id].sentence_count
        cited = [citation.article_id for citation in chosen.citations]
        assert len(set(cited)) == len(cited) == chosen.support
        assert 0.0 <= chosen.score <= 1.0
        assert chosen.centrality >= 0.0
    assert summary.text == " ".join(chosen.text for chosen in summary.sentences)
    if opts.max_sentences is not None:
        assert len(summary.sentences) <= opts.max_sentences
    if opts.max_words is not None:
        assert sum(len(chosen.text.split()) for chosen in summary.sentences) <= opts.max_words
    positions = [(c.citations[0].article_id, c.citations[0].start) for c in summary.sentences]
    assert len(set(positions)) == len(positions), "a sentence chosen twice"


# --- tests ------------------------------------------------------------------------------


@BOUNDED
@given(st.text(alphabet=WHITESPACE, max_size=200), st.integers(1, 4))
@example("", 1)
@example("\r\n" * 1000, 3)
def test_blank_articles_are_insufficient_content(blank: str, count: int) -> None:
    blanks = [Article(id=str(index), text=blank) for index in range(count)]
    with pytest.raises(InsufficientContent):
        summarize(blanks, SummaryOptions(similarity="lexical"))


@BOUNDED
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(ZERO_WIDTH + BIDI + CONTROL + list(WHITESPACE)), max_size=80
        ),
        min_size=1,
        max_size=3,
    )
)
def test_invisible_characters_only_are_insufficient_content(bodies: list[str]) -> None:
    invisible = [Article(id=str(index), text=body) for index, body in enumerate(bodies)]
    with pytest.raises(InsufficientContent):
        summarize(invisible, SummaryOptions(similarity="lexical"))


@pytest.mark.slow
@BOUNDED
@given(articles(), options)
def test_lexical_summaries_keep_their_properties(
    given_articles: list[Article], opts: SummaryOptions
) -> None:
    summarize_checked(given_articles, opts)


@BOUNDED
@given(any_text, any_text, options)
def test_any_unicode_is_summarised_or_refused(one: str, two: str, opts: SummaryOptions) -> None:
    summarize_checked([Article(id="one", text=one), Article(id="two", text=two)], opts)


@pytest.mark.slow
@settings(BOUNDED, max_examples=12)
@given(articles(max_articles=3, surrogates=False), options)
def test_hybrid_summaries_keep_their_properties(
    encoder: SentenceEncoder, given_articles: list[Article], opts: SummaryOptions
) -> None:
    summarize_checked(given_articles, dataclasses.replace(opts, similarity="hybrid"), encoder)


# --- explicit hostile inputs ------------------------------------------------------------

STORY = (
    "Thousands of dockworkers walked off the job at the port of Valdoria on Monday. "
    "The strike began after two workers were injured when a crane collapsed last week. "
    "The transport ministry said it would meet union leaders on Wednesday to discuss the dispute."
)

HOSTILE = {
    "one enormous token": "x" * 300_000,
    "a token among sentences": STORY + " " + "y" * 200_000 + " " + STORY,
    "NUL bytes": STORY.replace(" ", "\x00 ").replace(".", ".\x00"),
    "CRLF lines": STORY.replace(". ", ".\r\n") + "\r\n\r\n",
    "bare CR lines": STORY.replace(". ", ".\r"),
    "zero-width joiners": STORY.replace(" ", " \u200b").replace("o", "o\u200d"),
    "right-to-left override": "\u202e" + STORY + "\u202c",
    "Hebrew and Arabic": (
        "\u05d4\u05e9\u05d1\u05d9\u05ea\u05d4 \u05d4\u05d7\u05dc\u05d4 \u05d1\u05d9\u05d5\u05dd "
        "\u05e9\u05e0\u05d9 \u05d1\u05e0\u05de\u05dc \u05d5\u05dc\u05d3\u05d5\u05e8\u05d9\u05d4. "
        "\u0627\u0644\u0625\u0636\u0631\u0627\u0628 \u0628\u062f\u0623 \u064a\u0648\u0645 "
        "\u0627\u0644\u0627\u062b\u0646\u064a\u0646 \u0641\u064a \u0645\u064a\u0646\u0627\u0621. "
    )
    * 5
    + STORY,
    "HTML": "<html><body><p>" + STORY.replace(". ", ".</p>\n<p>") + "</p><script>x()</script>",
    "emoji": STORY.replace(" the ", " the \U0001f6a2 \U0001f469\u200d\U0001f469\u200d\U0001f467 "),
    "lone surrogates": STORY.replace("a", "\ud800a").replace("e", "e\udfff"),
    "control characters": STORY.replace(" ", "\x1b[31m ").replace(".", ".\x07\x08\x7f"),
    "line and paragraph separators": STORY.replace(". ", ".\u2028").replace("o", "o\u2029"),
    "combining marks": STORY.replace("e", "e\u0301\u0302\u0303"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text(name: str) -> None:
    hostile = Article(id="hostile", text=HOSTILE[name])
    clean = Article(id="clean", text=STORY)
    for opts in (
        SummaryOptions(similarity="lexical"),
        SummaryOptions(similarity="lexical", max_words=25, order="source"),
    ):
        summarize_checked([hostile], opts)
        assert_cites_clean(summarize_checked([hostile, clean], opts))


@pytest.mark.parametrize(
    "name",
    [
        "NUL bytes",
        "emoji",
        "right-to-left override",
        "zero-width joiners",
        "control characters",
        # The encoder's (Rust) tokenizer rejects a lone surrogate; the encoder replaces it.
        "lone surrogates",
    ],
)
def test_hostile_text_hybrid(name: str, encoder: SentenceEncoder) -> None:
    hostile = Article(id="hostile", text=HOSTILE[name])
    clean = Article(id="clean", text=STORY)
    assert_cites_clean(
        summarize_checked([hostile, clean], SummaryOptions(similarity="hybrid"), encoder)
    )


def assert_cites_clean(summary: Summary | None) -> None:
    """A hostile text beside a clean story still gets a summary that cites the story."""
    assert summary is not None, "refused although the clean article is summarisable"
    assert "clean" in {c.article_id for s in summary.sentences for c in s.citations}


@pytest.mark.slow
def test_a_million_characters_without_punctuation() -> None:
    rng = random.Random(2004)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(3000)
    ]
    words: list[str] = []
    length = 0
    while length < 1_000_000:
        words.append(rng.choice(vocabulary))
        length += len(words[-1]) + 1
    text = " ".join(words)[:1_000_000]
    assert len(text) == 1_000_000
    summary = summarize_checked(
        [Article(id="run-on", text=text)], SummaryOptions(similarity="lexical")
    )
    assert summary is not None
    # Cut into sentence-sized units (at most 55 words), never one block.
    assert summary.sentence_count > 1_000
    assert all(len(chosen.text.split()) <= 55 for chosen in summary.sentences)
