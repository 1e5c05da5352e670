"""Sentence units with exact offsets, on tidy prose, run-ons and hostile inputs."""

from __future__ import annotations

import random

import pytest

from service.summarize.segmentation import (
    MAX_SENTENCE_CHARS,
    MAX_SENTENCE_WORDS,
    Segment,
    _punkt,
    split_blocks,
    split_sentences,
)
from tests.builders import COPY, PARAPHRASE, RUNON, WIRE


def texts(text: str, segments: list[Segment]) -> list[str]:
    return [text[s.start : s.end] for s in segments]


def assert_well_formed(
    text: str,
    segments: list[Segment],
    *,
    max_words: int = MAX_SENTENCE_WORDS,
    max_chars: int = MAX_SENTENCE_CHARS,
) -> None:
    previous_end = 0
    for segment in segments:
        unit = text[segment.start : segment.end]
        assert 0 <= segment.start < segment.end <= len(text)
        assert unit == unit.strip(), "units are trimmed of white space"
        assert segment.start >= previous_end, "units are in reading order and never overlap"
        assert len(unit.split()) <= max_words
        assert len(unit) <= max_chars
        previous_end = segment.end


@pytest.mark.parametrize(
    "text", [WIRE, COPY, PARAPHRASE, RUNON], ids=["wire", "copy", "paraphrase", "runon"]
)
def test_offsets_give_back_the_trimmed_sentence(text: str) -> None:
    segments = split_sentences(text)

    assert segments
    assert_well_formed(text, segments)
    # Nothing but white space is lost between units.
    assert "".join("".join(texts(text, segments)).split()) == "".join(text.split())


def test_offsets_are_exact_around_odd_white_space() -> None:
    text = "\ufeff  \tFirst sentence here.   Second one follows it.\u00a0\n\n  Third line.  "

    units = texts(text, split_sentences(text))

    assert units == ["First sentence here.", "Second one follows it.", "Third line."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Mr. Smith met the port director on Monday.",
        "The talks were set for Jan. 12 in the capital.",
        "The U.S. Senate voted to approve the bill on Tuesday.",
        "Mr. Putin spoke with U.S. President Joe Biden on Jan. 12 about the talks.",
        "Dr. Jones said the U.S. and the U.K. would meet again.",
        "The club called the striker its No. 1 signing of the year.",
        "Gates Nos. 4 and 5 were closed for the night.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(sentence: str) -> None:
    text = f"{sentence} The strike went on. Ships waited outside."

    assert texts(text, split_sentences(text)) == [
        sentence,
        "The strike went on.",
        "Ships waited outside.",
    ]


def test_a_sentence_ending_in_no_still_ends() -> None:
    text = "The council voted no. 12 members left early. Then the hall closed."

    assert texts(text, split_sentences(text)) == [
        "The council voted no.",
        "12 members left early.",
        "Then the hall closed.",
    ]


def test_each_line_is_its_own_block() -> None:
    text = (
        "Valdoria dockworkers strike over safety\n"
        "Dockworkers rally outside the port gates. Photo: Lena Hart / Reuters\n"
        "Thousands of dockworkers walked off the job on Monday. Ships waited."
    )

    segments = split_sentences(text)

    assert texts(text, segments) == [
        "Valdoria dockworkers strike over safety",
        "Dockworkers rally outside the port gates.",
        "Photo: Lena Hart / Reuters",
        "Thousands of dockworkers walked off the job on Monday.",
        "Ships waited.",
    ]
    assert [s.block for s in segments] == [0, 1, 1, 2, 2]
    assert len(split_blocks(text)) == 3


def test_punctuated_sentences_are_not_forced() -> None:
    assert not any(s.forced for s in split_sentences(WIRE))


def test_runon_article_is_cut_into_short_units() -> None:
    segments = split_sentences(RUNON)
    units = texts(RUNON, segments)

    assert_well_formed(RUNON, segments)
    assert len(RUNON.split()) > MAX_SENTENCE_WORDS
    assert len(units) >= 4
    assert all(s.forced for s in segments)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("went on strike at the port on Monday", "We will not return to work"),
        ("outside the port gates on Monday", "The strike follows an accident"),
        ("cuts to safety inspections for the accident", "Port director Anton Belik"),
        ("two smaller ports in the south of the country", "Ships queued outside the harbour"),
    ],
)
def test_runon_is_cut_where_sentences_were_glued(left: str, right: str) -> None:
    units = texts(RUNON, split_sentences(RUNON))

    assert any(unit.endswith(left) for unit in units)
    assert any(unit.startswith(right) for unit in units)


RUNON_NAMES = (
    "Senator John McCain met proRussian leaders and President Bashar alAssad in the capital "
    "on MondayThey discussed the war and the future of the region with officials from many "
    "countries for hours and the talks ran late into the night while crowds gathered outside "
    "the building to protest against the meeting and the antiWar groups in the city on "
    "MondayWe will keep talking said a spokesman for the group of negotiators who had "
    "travelled from abroad to attend the meeting in the capital on an iPhone"
)


@pytest.mark.parametrize("word", ["McCain", "proRussian", "alAssad", "antiWar", "iPhone"])
def test_glue_cutting_keeps_names_and_prefixes_whole(word: str) -> None:
    units = texts(RUNON_NAMES, split_sentences(RUNON_NAMES))

    assert len(units) >= 3, "the run-on was cut at its glued boundaries"
    assert any(word in unit.split() for unit in units)


def test_short_glued_text_is_left_alone() -> None:
    # Glue is only looked for in a unit that is too long; a short one is left as it is.
    text = "The port reopened on MondayWe are told."

    assert texts(text, split_sentences(text)) == [text]


def test_enormous_token_is_cut_by_characters() -> None:
    text = "x" * 1_000_000

    segments = split_sentences(text)

    assert_well_formed(text, segments)
    assert sum(s.end - s.start for s in segments) == len(text)
    assert segments[-1].end == len(text)


def test_megabyte_of_words_without_punctuation_obeys_the_limits() -> None:
    rng = random.Random(7)
    vocabulary = ["port", "strike", "Harbour", "ships", "union", "Valdoria", "crane", "the"]
    text = " ".join(rng.choice(vocabulary) for _ in range(160_000))[:1_000_000]
    assert len(text) >= 900_000

    segments = split_sentences(text)

    assert_well_formed(text, segments)
    assert sum(len(text[s.start : s.end].split()) for s in segments) == len(text.split())


@pytest.mark.parametrize(("max_words", "max_chars"), [(2, 20), (10, 60), (30, 200)])
def test_custom_limits_are_obeyed(max_words: int, max_chars: int) -> None:
    text = RUNON + "\n" + WIRE + "\n" + "y" * 500

    segments = split_sentences(text, max_words=max_words, max_chars=max_chars)

    assert_well_formed(text, segments, max_words=max_words, max_chars=max_chars)


def test_crlf_text_keeps_exact_offsets() -> None:
    text = WIRE.replace("\n", "\r\n")

    crlf = split_sentences(text)
    lf = split_sentences(WIRE)

    assert_well_formed(text, crlf)
    assert not any("\r" in unit or "\n" in unit for unit in texts(text, crlf))
    assert texts(text, crlf) == texts(WIRE, lf)


def test_lone_carriage_returns_and_unicode_line_breaks_separate_blocks() -> None:
    text = "First line here\rSecond line here\u2028Third line here"

    assert texts(text, split_sentences(text)) == [
        "First line here",
        "Second line here",
        "Third line here",
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \r\n\t \u2028 ", "\ufeff"])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"max_words": 1}, "max_words"),
        ({"max_words": 0}, "max_words"),
        ({"max_chars": 19}, "max_chars"),
    ],
)
def test_bad_limits_raise_value_error_naming_the_parameter(
    kwargs: dict[str, int], parameter: str
) -> None:
    with pytest.raises(ValueError, match=parameter):
        split_sentences("Some text here.", **kwargs)


@pytest.mark.parametrize(
    "line",
    [
        "The talks resumed on Monday",
        "The talks resumed on Monday.",
        "Will the talks resume on Monday?",
        '"We will not go back," she said.',
        'She said the talks would resume on Monday."',
        "Mr. Ostrova said the talks would resume. They did not.",
        "The talks resumed!The port stayed shut",
        "...",
        ".",
        "The vote (held on Jan. 5) passed",
        "U.S. officials declined to comment",
    ],
)
def test_lines_split_as_punkt_splits_them(line: str) -> None:
    # Lines without ".", "?" or "!" before their last character skip Punkt: the result
    # must be what Punkt itself gives, for those lines and for the ones it still sees.
    expected = list(_punkt().span_tokenize(line))
    got = [(s.start, s.end) for s in split_sentences(line)]
    assert got == expected


def test_a_paragraph_per_sentence_article_keeps_its_sentences() -> None:
    text = "\n".join(
        [
            "Dockworkers walked out on Monday",
            "The port said its safety rules were under review.",
            'Union leader Mara Ostrova said: "We stay out."',
            "Mr. Hale, the port's director, did not answer calls. Ships waited offshore.",
        ]
    )
    units = [text[s.start : s.end] for s in split_sentences(text)]
    assert units == [
        "Dockworkers walked out on Monday",
        "The port said its safety rules were under review.",
        'Union leader Mara Ostrova said: "We stay out."',
        "Mr. Hale, the port's director, did not answer calls.",
        "Ships waited offshore.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"Who will pay for the pier?" asked the mayor, Ana Ruiz. The council met at noon.',
        '"We lost everything." said Jane Roe, a teacher on the island. The council met at noon.',
        '"Go home!" shouted the harbour master. The council met at noon.',
    ],
)
def test_a_quote_and_its_attribution_are_one_sentence(text: str) -> None:
    sentences = texts(text, split_sentences(text))
    assert len(sentences) == 2
    assert sentences[1] == "The council met at noon."


def test_a_quote_before_a_new_sentence_stays_apart() -> None:
    text = '"I am done with the pier." He left the meeting before the vote.'
    assert texts(text, split_sentences(text)) == [
        '"I am done with the pier."',
        "He left the meeting before the vote.",
    ]
