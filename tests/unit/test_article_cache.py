"""The article cache: an article's cut is made once per text, and is the cut itself."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.summarize import Article, ArticleCache, Summary, SummaryOptions, summarize
from service.summarize.candidates import cut_article
from tests.builders import make_story


def _same(summary: Summary) -> Summary:
    return replace(summary, timings_ms={}, article_cache=None)


def test_a_repeated_story_hits_and_gives_the_same_summary() -> None:
    story = make_story()
    cache = ArticleCache()
    options = SummaryOptions(similarity="lexical", max_sentences=5)
    first = summarize(story, options, article_cache=cache)
    second = summarize(story, options, article_cache=cache)

    assert first.article_cache == {"hits": 0, "misses": len(story)}
    assert second.article_cache == {"hits": len(story), "misses": 0}
    assert _same(second) == _same(first)


def test_a_changed_article_is_cut_again() -> None:
    story = make_story()
    cache = ArticleCache()
    options = SummaryOptions(similarity="lexical", max_sentences=5)
    summarize(story, options, article_cache=cache)
    edited = [story[0], *story[1:-1], replace(story[-1], text=story[-1].text + " Updated.")]

    again = summarize(edited, options, article_cache=cache)

    assert again.article_cache == {"hits": len(story) - 1, "misses": 1}
    fresh = summarize(edited, options, article_cache=ArticleCache())
    assert fresh.article_cache == {"hits": 0, "misses": len(story)}
    assert _same(again) == _same(fresh)


def test_without_a_cache_every_request_cuts_afresh() -> None:
    # No hidden process-wide cache: a summary depends on its request alone.
    story = make_story()
    options = SummaryOptions(similarity="lexical", max_sentences=5)
    first = summarize(story, options)
    second = summarize(story, options)

    assert first.article_cache == second.article_cache == {"hits": 0, "misses": len(story)}
    assert _same(second) == _same(first)


def test_an_empty_cache_passed_in_is_the_one_used() -> None:
    # An empty cache is falsy (it has a length): it must still be filled, not replaced.
    story = make_story()
    cache = ArticleCache()
    summarize(story, SummaryOptions(similarity="lexical"), article_cache=cache)

    assert len(cache) == len(story) and cache.misses == len(story)


def test_a_cached_cut_is_the_cut_of_that_text() -> None:
    cache = ArticleCache()
    texts = [article.text for article in make_story()]
    for text in texts + texts:
        cut, _ = cache.cut(text)
        assert cut == cut_article(text)
    assert (cache.hits, cache.misses) == (len(texts), len(texts))


def test_the_cache_holds_no_more_sentences_than_its_bound() -> None:
    texts = [article.text for article in make_story()]
    sizes = [len(cut_article(text).kept) for text in texts]
    cache = ArticleCache(most_sentences=sizes[0] + sizes[1])

    for text in texts:
        cache.cut(text)
        assert cache.held <= cache.most_sentences

    # The least recently used went first: the last article is in, the first is not.
    assert cache.cut(texts[-1])[1] is True
    assert cache.cut(texts[0])[1] is False


def test_an_article_larger_than_the_bound_is_cut_but_not_held() -> None:
    text = make_story()[0].text
    cache = ArticleCache(most_sentences=1)

    cut, hit = cache.cut(text)

    assert not hit and cut == cut_article(text)
    assert len(cache) == 0 and cache.held == 0


@pytest.mark.parametrize(
    "text", ["Caf\u00e9 owners said the port would reopen on Monday.", "\ud800 x"]
)
def test_any_text_can_be_looked_up(text: str) -> None:
    # Lone surrogates reach the service from JSON ("\ud800"): the digest must take them.
    cache = ArticleCache()
    assert cache.cut(text)[0] == cache.cut(text)[0]
    assert cache.hits == 1


def test_articles_with_the_same_text_share_a_cut_but_keep_their_ids() -> None:
    text = make_story()[0].text
    summary = summarize(
        [Article(id="a", text=text), Article(id="b", text=text)],
        SummaryOptions(similarity="lexical"),
        article_cache=ArticleCache(),
    )
    assert summary.article_cache == {"hits": 1, "misses": 1}
    assert [report.id for report in summary.articles] == ["a", "b"]
    assert summary.articles[0].sentence_count == summary.articles[1].sentence_count
