"""Wire copies are found and grouped under their earliest article; different articles are not.

The articles are made up for these tests (Valdoria, its port and its people do not exist).
The wire story and its copies set the defaults: the copies keep 0.9 or more of the smaller
article's shingles; the articles that only share a long quote keep under 0.2 (0.32 for one
cut to three paragraphs, the quote a third of it); find_origins' threshold of 0.8 sits
between them.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from service.summarize import origins
from service.summarize.origins import containment, find_origins, shingle_sets

QUOTE = (
    '"We will not let a single ship leave this harbour until every crane has been inspected '
    "by people who do not answer to the port director, and until the families of the two "
    'injured men have been told the truth about what happened on that pier," she said.'
)

WIRE_PARAGRAPHS = [
    "Dockworkers at the port of Valdoria walked off the job on Monday, halting the loading "
    "of ships at the country's busiest harbour for the first time in eleven years.",
    "The strike began two days after a crane collapsed on the eastern pier, injuring two "
    "workers, one of them seriously. The union blames the accident on cuts to safety "
    "inspections that the port authority made last spring to save money.",
    "Union leader Mira Castell told a crowd of several hundred workers outside the main "
    f"gate that the walkout would go on until the inspections were restored. {QUOTE}",
    "Port director Anton Belik said the inspections had been reorganised, not cut, and that "
    "an independent engineer would examine every crane on the site before the end of the "
    "week. He called the strike premature and said it would cost the port several million "
    "crowns a day.",
    "More than forty ships were waiting outside the harbour by Monday evening, according to "
    "the port authority, and shipping agents warned that fuel and grain deliveries to the "
    "capital could be delayed by the end of the week.",
    "The transport ministry said it would meet union leaders and the port's management on "
    "Wednesday to discuss the dispute. A spokesman declined to say whether the government "
    "would order the inspections to be restored.",
]
WIRE = "\n\n".join(WIRE_PARAGRAPHS)

# One outlet's own paragraph, set inside its copy of the wire story.
OWN_PARAGRAPH = (
    "In Harlen, the river port two hours to the north, local traders said they had already "
    "begun to divert cargo through their own smaller docks, where the queue of lorries "
    "stretched past the old customs house by Monday afternoon. The harbour master there "
    "said his cranes had been checked in the autumn."
)

# An outlet's own reporting on the same strike, quoting the same statement.
INDEPENDENT = "\n\n".join(
    [
        "VALDORIA - The country's largest harbour stood almost silent on Monday as hundreds "
        "of workers gathered at the gates instead of on the piers, the first such stoppage "
        "since the long dispute over pensions a decade ago.",
        "Standing on a flatbed lorry with a loudhailer, Mira Castell, who has led the "
        "dockers' union for six years, set out her demands in blunt terms. " + QUOTE,
        "Her members cheered, but several older workers said privately that they feared a "
        "long strike would push shipping lines towards rival ports across the bay, where "
        "wages are lower and the unions weaker.",
        "The collapsed crane, a forty-year-old machine bought second-hand from a northern "
        "shipyard, still lay across the eastern pier, its jib resting on the roof of a "
        "warehouse. Investigators in orange helmets photographed the wreckage all morning.",
        "The port authority has said little in public since the accident. Its director did "
        "not answer calls on Monday, and a written statement released in the evening said "
        "only that safety remained the authority's first concern.",
        "Economists at the national bank estimated that a stoppage of one week would take "
        "a tenth of a percentage point off growth this quarter, mostly through delayed "
        "exports of timber and machinery.",
    ]
)

# Two sentences of the wire story, run as a brief: too short to be a copy by text.
BRIEF = " ".join(WIRE_PARAGRAPHS[1].split(". ")[:2])


def dateline(outlet: str, text: str) -> str:
    return f"VALDORIA, March 3 ({outlet}) -\n\n{text}"


def copies_of_the_wire() -> list[str]:
    """Three outlets' copies, each with its own first and last lines."""
    with_own_paragraph = WIRE_PARAGRAPHS[:4] + [OWN_PARAGRAPH] + WIRE_PARAGRAPHS[4:]
    edited = (
        WIRE.replace("walked off the job", "stopped work")
        .replace("one of them seriously", "one of them badly")
        .replace("several hundred", "hundreds of")
        .replace("premature", "hasty")
    )
    return [
        dateline("Harbour Courier", WIRE) + "\n\nRelated: Crane safety rules, explained",
        dateline("Daily Ledger", "\n\n".join(with_own_paragraph))
        + "\n\nReporting by the Ledger's business desk; editing by staff.",
        "Valdoria port strike: what we know\n\n"
        + edited
        + "\n\nThis story was provided by a news agency. Share this article.",
    ]


def without_punctuation(text: str) -> str:
    """The text as a feed that lost its punctuation carries it: letters, digits, spaces."""
    return "".join(char for char in text if char.isalnum() or char.isspace())


_LETTERS = random.Random(0)
VOCABULARY = ["".join(_LETTERS.choices("abcdefghij", k=6)) for _ in range(2000)]


def random_article(rng: random.Random, words: int) -> str:
    """Words drawn at random: unrelated texts share next to no 5-word run."""
    return " ".join(rng.choices(VOCABULARY, k=words))


def test_wire_story_and_its_three_copies_are_one_group() -> None:
    assert find_origins([WIRE, *copies_of_the_wire()]) == [None, 0, 0, 0]


def test_the_representative_is_the_lowest_index_even_when_it_is_a_copy() -> None:
    first, second, third = copies_of_the_wire()
    texts = [INDEPENDENT, first, WIRE, second, third]
    assert find_origins(texts) == [None, None, 1, 1, 1]


def test_copies_keep_most_of_the_smaller_article_and_quoting_articles_little() -> None:
    wire, *copies = shingle_sets([WIRE, *copies_of_the_wire()])
    cut = "\n\n".join(INDEPENDENT.split("\n\n")[:3])
    independent, short_independent = shingle_sets([INDEPENDENT, cut])
    copy_shares = [containment(wire, copy) for copy in copies]
    quote_shares = [containment(wire, independent), containment(wire, short_independent)]
    assert min(copy_shares) >= 0.9 >= origins.THRESHOLD + 0.1
    assert max(quote_shares) <= 0.35 <= origins.THRESHOLD - 0.4
    assert containment(wire, independent) < 0.2


def test_an_article_quoting_the_same_long_statement_is_not_a_copy() -> None:
    assert QUOTE in WIRE and QUOTE in INDEPENDENT
    assert len(QUOTE.split()) >= 40
    assert find_origins([WIRE, INDEPENDENT, *copies_of_the_wire()]) == [None, None, 0, 0, 0]


def test_a_copy_whose_punctuation_was_lost_is_a_copy() -> None:
    bare = without_punctuation(copies_of_the_wire()[0])
    assert "," not in bare and "." not in bare and "'" not in bare
    wire, copy = shingle_sets([WIRE, bare])
    assert containment(wire, copy) == 1.0
    assert find_origins([WIRE, bare]) == [None, 0]


def test_crlf_line_ends_change_no_shingle() -> None:
    crlf = WIRE.replace("\n", "\r\n")
    wire, copy = shingle_sets([WIRE, crlf])
    assert np.array_equal(wire, copy)
    assert find_origins([WIRE, crlf]) == [None, 0]


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("\u201cWe will\u201d \u2014 not\u2026 let it go", "we will not let it go"),
        ("U.S.-led talks on the crane's fate", "usled talks on the cranes fate"),
        ("The \ufb01nal report, in \uff26\uff55\uff4c\uff4c", "the final report in full"),
        ("caf\u0065\u0301 owners near the pier", "caf\u00e9 owners near the pier"),
        ("soft\u00adhyphen and zero\u200bwidth split", "softhyphen and zerowidth split"),
        ("ships \U0001f6a2 waiting at \U00020000 dock", "ships waiting at \U00020000 dock"),
    ],
    ids=["unicode-punctuation", "ascii-punctuation", "nfkc", "combining-accent", "format",
         "beyond-bmp"],
)
def test_words_are_compared_lower_cased_without_punctuation(text: str, same_as: str) -> None:
    shingles, expected = shingle_sets([text, same_as], shingle_size=2)
    assert expected.size > 0
    assert np.array_equal(shingles, expected)


def test_empty_and_wordless_texts_are_their_own() -> None:
    texts = ["", "   \r\n\t", "--- ... !!!", WIRE, "", copies_of_the_wire()[0]]
    assert find_origins(texts) == [None, None, None, None, None, 3]
    assert [s.size for s in shingle_sets(texts[:3])] == [0, 0, 0]
    assert find_origins([]) == []
    assert find_origins([""]) == [None]


def test_a_short_article_is_never_a_copy_by_text_alone() -> None:
    assert len(shingle_sets([BRIEF])[0]) < origins.MIN_SHINGLES
    wire, brief = shingle_sets([WIRE, BRIEF])
    assert containment(wire, brief) == 1.0
    assert find_origins([WIRE, BRIEF]) == [None, None]
    assert find_origins([BRIEF, BRIEF]) == [None, None]
    assert find_origins([WIRE, BRIEF], min_shingles=5) == [None, 0]


def test_the_same_url_makes_copies_whatever_the_text() -> None:
    texts = [WIRE, INDEPENDENT, BRIEF, "", random_article(random.Random(1), 300)]
    urls = [
        "https://example.org/a",
        None,
        " https://example.org/a ",
        "https://example.org/b",
        "https://example.org/b",
    ]
    assert find_origins(texts, urls=urls) == [None, None, 0, None, 3]
    assert find_origins(texts, urls=["", "  ", None, "", None]) == [None] * 5


def test_a_url_group_and_a_text_group_merge_under_the_lowest_index() -> None:
    copy = copies_of_the_wire()[0]
    texts = [INDEPENDENT, WIRE, BRIEF, copy]
    urls = [None, None, "https://example.org/x", None]
    assert find_origins(texts, urls=urls) == [None, None, None, 1]
    urls = ["https://example.org/x", None, None, "https://example.org/x"]
    assert find_origins(texts, urls=urls) == [None, 0, None, 0]


def test_grouping_is_transitive() -> None:
    rng = random.Random(2)
    paragraphs = [random_article(rng, 60) for _ in range(6)]
    early = "\n".join(paragraphs[:4])
    late = "\n".join(paragraphs[2:])
    whole = "\n".join(paragraphs)
    early_set, late_set, whole_set = shingle_sets([early, late, whole])
    assert containment(early_set, late_set) < 0.6
    assert containment(early_set, whole_set) == containment(late_set, whole_set) == 1.0
    assert find_origins([early, late]) == [None, None]
    assert find_origins([early, late, whole]) == [None, 0, 0]


def test_a_story_run_by_many_outlets_is_one_group() -> None:
    rng = random.Random(3)
    story = random_article(rng, 400)
    feed = [f"Outlet {n} reports:\n{story}\nMore from outlet {n}." for n in range(80)]
    others = [random_article(rng, 400) for _ in range(20)]
    assert find_origins(others + feed) == [None] * 20 + [None] + [20] * 79


def test_bucket_pairs_are_all_pairs_up_to_the_clique_limit_then_a_star_and_a_chain() -> None:
    assert origins._bucket_pairs([1, 4, 9]) == [(1, 4), (1, 9), (4, 9)]
    many = list(range(origins._CLIQUE + 1))
    pairs = origins._bucket_pairs(many)
    assert len(pairs) == 2 * len(many) - 3
    assert {(0, n) for n in many[1:]} | set(zip(many[1:], many[2:], strict=False)) == set(pairs)


def test_results_do_not_depend_on_the_other_texts_or_the_batches() -> None:
    rng = random.Random(4)
    filler = [random_article(rng, 30) for _ in range(origins._TEXTS_PER_BATCH + 10)]
    alone = shingle_sets([WIRE])[0]
    among = shingle_sets([*filler, WIRE])
    assert np.array_equal(among[-1], alone)
    texts = [WIRE, *filler, copies_of_the_wire()[1]]
    assert find_origins(texts)[-1] == 0
    assert find_origins(texts) == find_origins(list(texts))


def test_an_outsized_text_and_its_copy() -> None:
    rng = random.Random(5)
    huge = random_article(rng, 90_000)
    assert len(huge) > 1 << 19
    assert find_origins([huge, "Related:\n" + huge + "\nThe end."]) == [None, 0]


def test_signatures_are_datasketchs_minhash_of_the_folded_fingerprints() -> None:
    sets = [s for s in shingle_sets([WIRE, INDEPENDENT, *copies_of_the_wire()])]
    signatures = origins.minhash_signatures(sets)
    assert signatures.shape == (len(sets), origins.NUM_PERM)
    for fingerprints, signature in zip(sets, signatures, strict=True):
        folded = ((fingerprints >> np.uint64(32)) ^ fingerprints).astype(np.uint32)
        minhash = MinHash(num_perm=origins.NUM_PERM, seed=origins.SEED, hashfunc=int)
        minhash.update_batch(folded.tolist())
        assert np.array_equal(minhash.hashvalues, signature)


def test_shingle_sets_are_sorted_unique_and_sized_by_words() -> None:
    text = "one two three four five six two three four five six"
    (shingles,) = shingle_sets([text], shingle_size=5)
    assert shingles.size == 6  # 7 runs of 5 words, "two three four five six" twice
    assert np.all(np.diff(shingles.astype(np.int64)) > 0)
    assert shingle_sets(["one two three"], shingle_size=5)[0].size == 0
    assert shingle_sets(["one two three"], shingle_size=1)[0].size == 3


def test_same_results_every_run() -> None:
    texts = [WIRE, INDEPENDENT, *copies_of_the_wire(), BRIEF]
    first = find_origins(texts)
    assert all(find_origins(texts) == first for _ in range(3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"min_shingles": 0}, "min_shingles"),
        ({"shingle_size": 0}, "shingle_size"),
        ({"urls": ["https://example.org/a"]}, "urls"),
    ],
)
def test_arguments_out_of_range_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_origins([WIRE, INDEPENDENT], **kwargs)  # type: ignore[arg-type]
