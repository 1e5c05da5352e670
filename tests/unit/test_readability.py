"""The readability rules (fragments, openers that point back, lone quotes) and their
measurement, on sentences written for these tests."""

from __future__ import annotations

import pytest

from service.evaluation.readability import Tally, dangling_openers, split_lines, tally
from service.summarize.params import SelectionParams
from service.summarize.readability import (
    fragment_reason,
    has_quote,
    is_lone_quote,
    opener,
    stands_alone,
)


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("said Maria Lopez, who runs the bakery on Elm Street, and her nephew.", "attribution"),
        ("Responded the harbour master, a man of few words, to the crowd.", "attribution"),
        ("and the ferry was late again because of the fog over the bay.", "lower-case"),
        ('"The bridge will open in May, and we are proud of it.', "quote"),
        ("The mayor called it \u201ca triumph for the town and its people.", "quote"),
        ("\u201d and then the band played on until the rain stopped.", "quote"),
        ('"Moonlight Over Harbour Town," $12.4 million.', "row"),
        ("* Rainfall in the north of the county this week", "row"),
        ("2) Ferry timetables for the island routes", "row"),
        ("Oslo\t14\t22\tcloudy", "row"),
    ],
)
def test_fragments_are_named_by_their_rule(sentence: str, reason: str) -> None:
    assert fragment_reason(sentence) == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "The council voted 7-2 on Tuesday to close the old ferry pier.",
        '"We will rebuild the pier," said the mayor, Ana Ruiz.',
        "iPhone sales in the town doubled after the new shop opened.",
        "According to the harbour office, 40 boats were damaged by the storm.",
        "The storm cost the town $3 million in repairs.",
    ],
)
def test_whole_sentences_are_no_fragments(sentence: str) -> None:
    assert fragment_reason(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("He said the county will consider closing the pier for the winter.", "pronoun"),
        ("Their boats were tied up in the inner harbour all week.", "pronoun"),
        ("This was the third storm to hit the coast since August.", "demonstrative"),
        ("It was towed back to port by two fishing boats.", "demonstrative"),
        ("But the ferry company does not want to pay for the repairs.", "connective"),
        ("However, the council has not set a date for the vote.", "connective"),
        ('"Also, the insurance will not cover the pier," she said.', "connective"),
        ("His boat was damaged, Tom Berg said after the storm.", "pronoun"),
        ("Their crews, Ana Ruiz and Tom Berg, were rescued at dawn.", "pronoun"),
        ("Those boats were towed back to the harbour.", "demonstrative"),
    ],
)
def test_openers_that_point_back(sentence: str, kind: str) -> None:
    assert opener(sentence) == kind
    assert not stands_alone(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "This year the harbour festival drew twice as many visitors.",
        "It is not clear whether the pier can be repaired before summer.",
        "So far, no one has been hurt in the storms along the coast.",
        "The harbour master said he would close the pier on Monday.",
        "His voice breaking, Tom Berg thanked the crews who had saved the ferry.",
        "Its hull cracked by the waves, Berg's ferry drifted onto the rocks.",
        "Those who lost their boats will be paid by the county.",
        "Those living near the harbour were told to leave.",
    ],
)
def test_openers_that_hold_their_referent(sentence: str) -> None:
    assert opener(sentence) is None


def test_a_lone_quote_has_no_speaker_and_a_quote_with_one_stands() -> None:
    assert is_lone_quote('"We have never seen waves like these in forty years."')
    assert not is_lone_quote('"We have never seen waves like these," said Tom Berg.')
    assert not is_lone_quote("The ferry left at noon.")
    assert stands_alone('"We have never seen waves like these," said Tom Berg.')


def test_quotes_are_recognised_in_any_style() -> None:
    assert has_quote('"We will stay," he said.')
    assert has_quote("\u201cWe will stay,\u201d he said.")
    assert has_quote("\u00abNous restons\u00bb, a dit le maire.")
    assert not has_quote("He said they would stay.")


def test_selection_weighs_down_exactly_the_openers_the_evaluation_counts() -> None:
    from service.summarize.selection import _gain_factor

    texts = (
        "Meanwhile, the ferry company kept its boats in the harbour.",  # a connective
        "There were twelve boats in the harbour on Monday.",  # "there" points nowhere
        "This year the harbour festival drew twice as many visitors.",  # a time word
        "It is not clear whether the pier can be repaired.",  # an expletive "it"
        "He said the repairs would take weeks.",
        "The harbour master closed the pier.",
    )
    factor = _gain_factor(texts, None, SelectionParams(quote_factor=1.0))
    assert factor is not None
    lowered = [bool(value < 1.0) for value in factor]
    counted = [dangling_openers([text], []) == [0] for text in texts]
    assert lowered == counted == [True, False, False, False, True, False]


SOURCE = (
    "The storm closed the ferry pier on Monday. It was the third storm this month. "
    "Harbour master Tom Berg inspected the damage. He said repairs would take weeks."
)


def test_an_opener_is_resolved_by_its_own_predecessor_only() -> None:
    sources = [" ".join(SOURCE.split())]
    in_order = ["The storm closed the ferry pier on Monday.", "It was the third storm this month."]
    assert dangling_openers(in_order, sources) == []
    alone = ["It was the third storm this month."]
    assert dangling_openers(alone, sources) == [0]
    elsewhere = [
        "Harbour master Tom Berg inspected the damage.",
        "It was the third storm this month.",
    ]
    assert dangling_openers(elsewhere, sources) == [1]


def test_a_pronoun_is_resolved_by_a_name_just_before_it() -> None:
    summary = [
        "The pier will reopen when Tom Berg signs it off.",
        "He said repairs would take weeks.",
    ]
    assert dangling_openers(summary, []) == []
    assert dangling_openers(summary[1:], []) == [0]


def test_the_tally_counts_per_100_sentences() -> None:
    tallies: dict[str, Tally] = {}
    summary = [
        "The storm closed the ferry pier on Monday.",
        "and the harbour was empty.",
        "But nobody knew why.",
        "Boats waited outside.",
    ]
    tally(tallies, "x", summary, [])
    entry = tallies["x"]
    assert (entry.sentences, entry.fragments, entry.dangling) == (4, 1, 1)
    assert entry.per_100(entry.fragments) == 25.0


def test_a_summary_on_one_line_is_cut_into_sentences() -> None:
    assert split_lines("The pier closed. The ferry stopped.\nBoats waited.") == [
        "The pier closed.",
        "The ferry stopped.",
        "Boats waited.",
    ]


def test_rows_of_a_list_are_not_candidates() -> None:
    from service.summarize.candidates import cut_article

    text = (
        "The island's three cinemas sold more tickets this weekend than in any week of "
        "the year.\n"
        '"Moonlight Over Harbour Town," $12.4 million.\n'
        '"The Last Ferry," $8.1 million.\n'
        "Owners said the rain had kept people off the beaches and in the cinemas."
    )
    kept = [text[start:end] for _, start, end, _ in cut_article(text).kept]
    assert kept == [
        "The island's three cinemas sold more tickets this weekend than in any week of the year.",
        "Owners said the rain had kept people off the beaches and in the cinemas.",
    ]


def test_selection_keeps_an_opener_only_right_after_its_predecessor() -> None:
    import numpy as np

    from service.summarize.readability import keep_readable, readable

    texts = [
        "The storm closed the ferry pier on Monday morning.",  # article 0, position 0
        "It was the third storm to hit the coast this month.",  # article 0, position 1
        "But the ferry company will not pay for the repairs.",  # article 1, position 4
        "said Tom Berg, the harbour master, after the meeting.",  # a fragment
        '"We have never seen waves like these in forty years."',  # a lone quote
        "Boats waited outside the harbour until the wind dropped.",
    ]
    spans = [((0, 0),), ((0, 1),), ((1, 4),), ((1, 5),), ((2, 0),), ((2, 1),)]
    assert readable(texts, openers=True).tolist() == [True, False, False, False, False, True]
    chosen, values = keep_readable(
        [5, 1, 2, 3, 4, 0], np.arange(6, dtype=np.float64), texts, spans, openers=True
    )
    # "It was ..." follows its predecessor only when that one is chosen first.
    assert chosen == [5, 0]
    chosen, values = keep_readable([0, 5, 1, 2], np.arange(4, dtype=np.float64), texts, spans)
    assert chosen == [0, 1, 5]
    assert values.tolist() == [0.0, 2.0, 1.0]


def test_without_exclude_dangling_only_fragments_and_lone_quotes_go() -> None:
    import numpy as np

    from service.summarize.readability import keep_readable, readable

    texts = [
        "But the ferry company will not pay for the repairs to the pier.",
        "said Tom Berg, the harbour master, after the meeting.",
        '"We have never seen waves like these in forty years."',
    ]
    assert readable(texts, openers=False).tolist() == [True, False, False]
    chosen, _ = keep_readable(
        [2, 1, 0], np.zeros(3), texts, [((0, 3),), ((1, 0),), ((2, 0),)], openers=False
    )
    assert chosen == [0]


FLOOD = (
    "Heavy rain fell on the valley town of Brenn on Tuesday night. "
    "It sent the river three metres over its banks, flooded the lower town and cut the "
    "main road to the coast. "
    "The mayor opened the school gym as a shelter."
)
FLOOD_REPORTS = (
    "The river rose three metres over its banks in Brenn. "
    "Rescue boats carried forty families from the lower town to safety. "
    "Farmers said the rain had ruined most of the late harvest.",
    "Floods cut the main road to the coast near Brenn, police said. "
    "Families from the flooded lower town spent the night in the school gym. "
    "Forecasters expect more rain on Thursday.",
)


def test_leads_name_the_sentence_an_opener_needs() -> None:
    from service.summarize.readability import leads

    texts = [
        "Heavy rain fell on the valley town of Brenn on Tuesday night.",
        "It sent the river three metres over its banks.",
        "But the bridge held.",  # its predecessor (0, 3) is no candidate
        "The mayor opened the school gym.",
    ]
    assert leads(texts, [((0, 0),), ((0, 1),), ((0, 4),), ((1, 0),)]).tolist() == [
        -1,
        0,
        -2,
        -1,
    ]
    # A wire copy (article 2) of article 0: its sentences are candidates of article 0 with
    # article 2's places as copies, and "But the bridge held." stands in article 2 only,
    # right after its copy of sentence 1.
    copied = [((0, 0), (2, 0)), ((0, 1), (2, 1)), ((2, 2),), ((1, 0),)]
    assert leads(texts, copied).tolist() == [-1, 0, 1, -1]


@pytest.mark.parametrize("words", [15, 25, 35, 50, 80])
def test_a_summary_holds_an_opener_only_right_after_its_predecessor(words: int) -> None:
    from dataclasses import replace

    from service.summarize import DEFAULT_PARAMS, Article, SummaryOptions, summarize

    articles = [
        Article(id=str(index), text=text)
        for index, text in enumerate((FLOOD, *FLOOD_REPORTS))
    ]
    options = SummaryOptions(max_words=words, max_sentences=None, similarity="lexical")
    sentences = [sentence.text for sentence in summarize(articles, options).sentences]
    assert sentences
    for index, text in enumerate(sentences):
        if opener(text) is not None:
            assert index > 0
            assert f"{sentences[index - 1]} {text}" in FLOOD
    # The rule is what keeps it out: without it the "It ..." sentence leads at 25 words.
    loose = replace(
        DEFAULT_PARAMS, selection=replace(DEFAULT_PARAMS.selection, exclude_dangling=False)
    )
    if words == 25:
        first = summarize(articles, options, params=loose).sentences[0].text
        assert first.startswith("It sent the river")


BRIDGE = (
    "The council of Brenn closed the old harbour bridge to all traffic on Monday. "
    "It will stay shut to cars and trucks until the repairs end next spring, the mayor said. "
    "Ferry crews will carry commuters across the harbour for free.",
    "Brenn closed the old harbour bridge to all traffic on Monday after engineers found "
    "cracks. Ferry crews will carry commuters across the harbour for free, the council said. "
    "Shop owners on the quay fear a quiet winter.",
    "The old harbour bridge in Brenn was closed to all traffic on Monday. "
    "Ferry crews will carry commuters across the harbour for free until the repairs end "
    "next spring. Engineers found cracks in two of its piers.",
)


def test_a_ranked_summary_stays_best_first_with_an_opener_after_its_predecessor() -> None:
    from dataclasses import replace

    from service.summarize import DEFAULT_PARAMS, Article, SummaryOptions, summarize

    articles = [Article(id=str(index), text=text) for index, text in enumerate(BRIDGE)]
    options = SummaryOptions(max_words=None, max_sentences=50, order="rank", similarity="lexical")

    def ranked(adjacent: bool) -> list[tuple[float, str]]:
        selection = replace(DEFAULT_PARAMS.selection, adjacent_followers=adjacent)
        summary = summarize(articles, options, params=replace(DEFAULT_PARAMS, selection=selection))
        return [(sentence.score, sentence.text) for sentence in summary.sentences]

    chosen = ranked(True)
    scores = [score for score, _ in chosen]
    assert scores == sorted(scores, reverse=True)
    for index, (_, text) in enumerate(chosen):
        if opener(text) is not None:
            assert index > 0 and chosen[index - 1][1].startswith("The council of Brenn")
    # "It will stay shut ..." is worth less than the ferry sentence chosen after the
    # bridge one; allowed any time after its predecessor, it is moved ahead of it.
    loose = ranked(False)
    assert loose[1][1].startswith("It will stay shut")
    assert loose[1][0] < loose[2][0]
