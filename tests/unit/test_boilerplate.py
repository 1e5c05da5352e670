"""Captions, credits, headings and page furniture are set aside; prose is kept."""

from __future__ import annotations

import random
import re

import pytest

from service.summarize import boilerplate
from service.summarize.boilerplate import Verdict, classify, is_unpunctuated
from service.summarize.segmentation import split_blocks, split_sentences
from tests.builders import BOILERPLATE_LINES, COPY, PARAPHRASE, RUNON, WIRE

# The wire story's prose, without its byline, caption and dateline line.
PROSE_LINES = [
    "Thousands of dockworkers walked off the job at the port of Valdoria on Monday, halting "
    "the loading of ships at the country's busiest harbour.",
    "The strike began after two workers were injured when a crane collapsed last week, an "
    "accident the union blames on cuts to safety inspections.",
    "Port director Anton Belik said the inspections had been reorganised, not cut, and that "
    "the port was safe.",
    "More than forty ships were waiting outside the harbour by Monday evening, according to "
    "the port authority.",
    "The transport ministry said it would meet union leaders on Wednesday to discuss the dispute.",
]


def judge(text: str) -> list[tuple[str, Verdict]]:
    segments = split_sentences(text)
    verdicts = classify(text, segments, split_blocks(text))
    assert len(verdicts) == len(segments)
    return [(text[v.start : v.end], v) for v in verdicts]


def overlaps(verdict: Verdict, start: int, end: int) -> bool:
    return verdict.start < end and start < verdict.end


@pytest.mark.parametrize("where", [0, 2, len(PROSE_LINES)], ids=["top", "middle", "bottom"])
@pytest.mark.parametrize("line", BOILERPLATE_LINES)
def test_boilerplate_line_is_never_a_candidate(line: str, where: int) -> None:
    lines = [*PROSE_LINES]
    lines.insert(where, line)
    text = "\n".join(lines) + "\n"
    line_start = text.index(line)
    line_end = line_start + len(line)

    judged = judge(text)

    inside = [v for _, v in judged if overlaps(v, line_start, line_end)]
    assert inside, "the line was segmented"
    assert not any(v.candidate for v in inside)
    assert all(v.reason for v in inside)
    # The prose around it is unharmed.
    prose = [sentence for sentence, v in judged if v.candidate]
    assert prose == PROSE_LINES


@pytest.mark.parametrize("text", [WIRE, COPY, PARAPHRASE], ids=["wire", "copy", "para"])
def test_builder_articles_boilerplate_is_not_a_candidate(text: str) -> None:
    for sentence, verdict in judge(text):
        in_boilerplate = any(sentence in line for line in BOILERPLATE_LINES)
        assert verdict.candidate is not in_boilerplate, sentence


def misjudged(sentence: str, name: str, reason: str) -> object:
    """Prose that an earlier version of the rules rejected (the reason says why)."""
    return pytest.param(sentence, id=name)


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Peskov's comments came a day after the meeting, he said.", id="comments"),
        pytest.param(
            "Ostrova said the union would not comment on the talks until Wednesday.",
            id="comment",
        ),
        pytest.param(
            "Union members posted comments on social media urging workers to stay home.",
            id="posted-comments",
        ),
        pytest.param(
            "The photo of the collapsed crane was shared widely online, the union said.",
            id="photo",
        ),
        pytest.param(
            "The image of the collapsed crane became a symbol of the strike, Ostrova said.",
            id="image",
        ),
        pytest.param(
            "Reuters reported that the talks would resume next week in the capital.",
            id="agency-name",
        ),
        pytest.param("He said: the port will stay closed until the ministry acts.", id="colon"),
        misjudged(
            "Peskov's comments on the policy were criticised by opposition lawmakers on Tuesday.",
            "comments-on-the-policy",
            "_FURNITURE 'comment...{0,30}policy' (a comment-policy link) matches prose",
        ),
        misjudged(
            "A photo by a passer-by showed the crane lying across the quay.",
            "photo-by",
            "_CREDIT 'photo by' marks prose as a caption",
        ),
        misjudged(
            "The state-sponsored inspections were cut last year, the union said.",
            "state-sponsored",
            "_FURNITURE '\\bsponsored\\b' matches 'state-sponsored'",
        ),
        misjudged(
            "Both governments share this concern, the minister told reporters on Tuesday.",
            "share-this",
            "_FURNITURE 'share this' (a share button) matches prose",
        ),
        misjudged(
            "The company said it would sign up to the new safety code by the end of the month.",
            "sign-up",
            "_FURNITURE 'sign up' (a newsletter prompt) matches prose",
        ),
    ],
)
@pytest.mark.parametrize("layout", ["own-line", "in-paragraph"])
def test_prose_is_a_candidate_even_when_it_mentions_photos_or_comments(
    sentence: str, layout: str
) -> None:
    if layout == "own-line":
        text = "\n".join([*PROSE_LINES[:2], sentence, *PROSE_LINES[2:]])
    else:
        # One long paragraph (> 80 words), judged sentence by sentence.
        text = " ".join([*PROSE_LINES[:2], sentence, *PROSE_LINES[2:]])

    judged = dict(judge(text))

    assert sentence in judged
    assert judged[sentence].candidate, judged[sentence].reason


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("The strike went on.", "fragment"),
        ("Workers said the code was " + "Q" * 45 + " in the logs.", "stray"),
        ("Click here to read the union's full statement on the strike.", "furniture"),
    ],
)
def test_sentences_in_a_paragraph_can_still_be_rejected(sentence: str, reason: str) -> None:
    text = " ".join([*PROSE_LINES[:2], sentence, *PROSE_LINES[2:]])

    verdict = dict(judge(text))[sentence]

    assert (verdict.candidate, verdict.reason) == (False, reason)


def test_dateline_is_skipped_and_the_span_still_maps_exactly() -> None:
    line = next(line for line in WIRE.splitlines() if line.startswith("VALDORIA (Reuters) - "))
    body = line.removeprefix("VALDORIA (Reuters) - ")
    sentence_start = WIRE.index(line)

    judged = judge(WIRE)

    verdict = next(v for _, v in judged if overlaps(v, sentence_start, sentence_start + len(line)))
    assert verdict.candidate
    assert verdict.start == sentence_start + len("VALDORIA (Reuters) - ")
    assert WIRE[verdict.start : verdict.end] == body


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("MOSCOW // Officials said on Tuesday that the talks would resume.", "Officials"),
        ("WASHINGTON (AP) — Officials said on Tuesday that the talks would resume.", "Officials"),
        ("NEW YORK: Officials said on Tuesday that the talks would resume.", "Officials"),
        ("He said: Officials would meet on Tuesday to discuss the dispute.", "He said"),
        ("The port - Officials said on Tuesday - would reopen next week.", "The port"),
    ],
)
def test_only_an_all_capitals_place_is_a_dateline(sentence: str, kept: str) -> None:
    text = "\n".join([PROSE_LINES[0], sentence])

    text_of_verdict = judge(text)[-1][0]

    assert text_of_verdict.startswith(kept)
    assert sentence.endswith(text_of_verdict)


@pytest.mark.parametrize(
    "dateline",
    [
        "VALDORIA (Reuters) - ",
        "NEW YORK (AP) — ",
        "WASHINGTON, D.C. (AP) - ",
        "SAN FRANCISCO — ",
        "VALDORIA -- ",
        "MOSCOW // ",
        "LONDON, May 6 (Reuters) - ",
        "KYIV, Ukraine (AP) — ",
    ],
)
def test_wire_datelines_are_skipped(dateline: str) -> None:
    text = "\n".join([PROSE_LINES[1], dateline + PROSE_LINES[0], PROSE_LINES[2]])
    start = text.index(dateline)

    line_end = start + len(dateline) + len(PROSE_LINES[0])
    verdict = next(v for _, v in judge(text) if overlaps(v, start, line_end))

    assert verdict.candidate
    assert verdict.start == start + len(dateline)
    assert text[verdict.start : verdict.end] == PROSE_LINES[0]


def test_unpunctuated_article_is_recognised() -> None:
    assert is_unpunctuated(RUNON)
    assert not is_unpunctuated(WIRE)
    assert not is_unpunctuated(COPY)


def test_short_text_is_never_called_unpunctuated() -> None:
    assert not is_unpunctuated("a few words with no full stop at all")


def test_runon_article_sentences_are_candidates() -> None:
    judged = judge(RUNON)

    assert judged
    assert all(v.candidate for _, v in judged)


def test_runon_lines_are_not_mistaken_for_headings() -> None:
    # In an unpunctuated article a short line without a full stop is prose, not a heading.
    text = RUNON + "\nShips queued outside the harbour as the stoppage continued"

    assert judge(text)[-1][1].candidate


# Words the expressions look for, written in mixed case, with the signs and bits of prose
# around them, so that random lines hit every branch of _CREDIT, _FURNITURE and
# _WEAK_FURNITURE now and then.
_PIECES = (
    "Photo PHOTOS: photograph Image images Picture Video graphic credit courtesy source pool"
    " File handout stock via AP AFP Reuters EPA Getty Images Xinhua / Shutterstock iStock"
    " (L) (r) (Centre) please Sign in log join to comment comments Automated Translation"
    " Click TAP here All rights Reserved © cookie policy We use Cookies JavaScript is"
    " disabled http://example.org/a www.example.org desk@example.org by powered Subscribe"
    " newsletter up Copyright Follow us Share this on Read more next Related stories:"
    " Advertisement sponsored state-sponsored Terms of service Privacy the port strike said"
    " Monday. talks, ſhare İmage \u212aremlin"
).split()


def _random_lines(count: int) -> list[str]:
    rng = random.Random(20261121)
    return [
        " ".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14)))
        + rng.choice(["", ".", "?"])
        for _ in range(count)
    ]


@pytest.mark.parametrize(
    ("expression", "triggers"),
    [
        (boilerplate._CREDIT, boilerplate._CREDIT_TRIGGERS),
        (boilerplate._FURNITURE, boilerplate._FURNITURE_TRIGGERS),
        (boilerplate._WEAK_FURNITURE, boilerplate._WEAK_TRIGGERS),
    ],
)
def test_an_expression_matches_only_text_holding_one_of_its_triggers(
    expression: re.Pattern[str], triggers: tuple[str, ...]
) -> None:
    # The triggers let most lines skip the costly expressions: a line that one matches
    # but whose triggers say "cannot match" would slip through as prose.
    lines = _random_lines(4000)
    matched = [line for line in lines if expression.search(line)]
    assert len(matched) > 100  # the lines do reach the expression
    lowered = [boilerplate._lowered(line) for line in matched]
    missed = [
        line
        for line, low in zip(matched, lowered, strict=True)
        if not boilerplate._holds(low, triggers)
    ]
    assert missed == []


def test_the_weak_expression_is_tried_where_its_triggers_start() -> None:
    # classify tries _WEAK_FURNITURE only where one of its triggers starts (every
    # alternative opens with its trigger); searching every position must agree.
    lead = "Sponsored-by share:"  # before the line: lookbehind and \\b must not see it
    indexed = 0
    for line in _random_lines(4000):
        found = boilerplate._WEAK_FURNITURE.search(line) is not None
        lookup = boilerplate._TriggerIndex(lead + line).within(len(lead), len(lead) + len(line))
        indexed += found and isinstance(lookup, boilerplate._IndexLookup)
        assert lookup.weak(line) == found, line
    assert indexed > 100  # the positions, not the fallback, judged these


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "Talks ended.",
        "Talks ended.\n",
        "Talks ended. ",
        'He said: "No."',
        'He said: "No." ',
        "(Talks ended.)",
        'Talks ended. ")',
        'Talks ended." "',
        "Talks ended\u2026\u00a0",
        "Is it over?\u2019\u201d",
        "Stop!]",
        "No end here",
        '"',
        ".",
    ],
)
def test_ends_sentence_is_the_terminal_expression(text: str) -> None:
    expected = re.search(r"[.!?…][\"'”’)\]]*\s*$", text) is not None
    assert boilerplate._ends_sentence(text) == expected


def test_ends_sentence_agrees_with_the_expression_on_random_endings() -> None:
    rng = random.Random(7)
    alphabet = [".", "!", "?", "…", '"', "'", "”", "’", ")", "]", " ", "\n", "\u00a0", "a", "1"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        expected = re.search(r"[.!?…][\"'”’)\]]*\s*$", text) is not None
        assert boilerplate._ends_sentence(text) == expected, repr(text)


def test_a_sentence_of_a_cleared_line_is_judged_as_if_alone() -> None:
    # classify skips the caption and furniture expressions for a sentence of a line they
    # did not match; judging each sentence with every expression must agree.
    lines = _random_lines(1500)
    text = "\n".join(lines)
    segments = split_sentences(text)
    blocks = split_blocks(text)
    verdicts = classify(text, segments, blocks)
    judged = 0
    for segment, verdict in zip(segments, verdicts, strict=True):
        start, end = blocks[segment.block]
        if boilerplate._block_reason(text[start:end], unpunctuated=False)[0]:
            continue  # a caption, furniture, byline, heading or stray line: its line's verdict
        judged += 1
        alone = boilerplate._sentence_reason(text[verdict.start : verdict.end])
        assert verdict.reason == alone, text[segment.start : segment.end]
    assert judged > 300


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain ASCII prose, with digits 2024 and under_scores.",
        "“Curly quotes” and an em dash — and café, naïve, Zürich.",
        "Superscript² and fractions ½ are letters to the expression; 3 and ٣ are digits.",
        "Кремль заявил, что 西方 國家 ready — ıſİ",
        "emoji 😀🚢 and zero\u200bwidth and \ufeffBOM",
        "12:30 / 14.5% ---",
    ],
)
def test_letter_count_is_what_the_letter_expression_counts(text: str) -> None:
    assert boilerplate._letter_count(text) == len(re.findall(r"[^\W\d_]", text))


WEB_FURNITURE = [
    "You can add location information to your posts, such as your town or precise spot.",
    "These crawls are part of a project to keep copies of pages as they appear on the web.",
    "Top ranked pages (up to a limit) from every domain linked to are kept as well.",
    "CLOSE The harbour master said the waves were the highest he had seen in years.",
    "Advertisement The storm closed the ferry pier for the rest of the week.",
    "Sign up for our morning newsletter and get the best stories every day of the week.",
    "Download the Harbour News app to follow the storm on your phone wherever you are.",
    "Get the best of the coast delivered straight to your inbox every single morning.",
]


# Web furniture in wordings of our own, none taken from the issue or the rules' examples:
# each would read as a sentence (six words or more, end punctuation) if it were prose.
HELD_OUT_FURNITURE = [
    # embedded posts
    "This embedded post is not shown because it may use cookies and collect data about you.",
    "To show content from social networks here, allow embedded posts in your privacy settings.",
    "Posts can carry the place they were sent from, and you can switch that off in your account.",
    # web-archive banners
    "This page was captured by an automated archiving service and may differ from the live site.",
    "Snapshots of this page are saved by the archive so that researchers can see how it looked.",
    "The archived copy of this page was taken in March and may not match what is online today.",
    # video players
    "Close video Waves broke over the harbour wall on Monday as the storm reached the coast.",
    "Replay video Waves broke over the harbour wall on Monday as the storm reached the coast.",
    "Video unavailable: this video cannot be played in your browser right now, sorry.",
    # advertisements
    "Sponsored content from our partners appears below this article and is paid for.",
    # newsletter and app prompts
    "Get our free morning briefing in your email every weekday, with the stories that matter.",
    "Enter your email address to receive breaking news alerts about the storm and the coast.",
    "Thanks for signing up, and look out for the first edition in the morning.",
    "Open this story in the Harbour News app for the best reading experience on your phone.",
    "Turn on notifications to be the first to hear about breaking news from the coast.",
    # cookies and sharing
    "By continuing to browse this site you agree to the use of cookies for analytics and ads.",
    "We and our partners store and access information on your device to personalise ads.",
    "You can manage your cookie preferences at any time from the settings page of this site.",
    "Share this article on Facebook, Twitter or by email with your friends and family.",
    "Copy the link to share this story with others, or send it to a friend by email.",
    # photo credits
    "Waves break over the harbour wall in Brenn on Monday. Lena Hart/Harbour Images",
    "(Photo by Lena Hart/Harbour Images) The storm reached the coast on Monday night.",
]


@pytest.mark.parametrize("line", WEB_FURNITURE + HELD_OUT_FURNITURE)
def test_web_furniture_is_never_a_candidate(line: str) -> None:
    from service.summarize.candidates import cut_article

    prose = "The council voted on Tuesday to rebuild the ferry pier before the summer season."
    text = f"{prose}\n{line}\n{prose.replace('Tuesday', 'Friday')}"
    kept = [text[start:end] for _, start, end, _ in cut_article(text).kept]
    assert line not in kept
    assert len(kept) == 2


def test_the_same_words_in_prose_stay() -> None:
    from service.summarize.candidates import cut_article

    text = (
        "Close to 200 people came to the meeting, which lasted until well after midnight.\n"
        "The app the council built for ferry times crashed twice during the storm last week."
    )
    assert len(cut_article(text).kept) == 2


def test_furniture_shared_by_outlets_gains_no_support() -> None:
    from service.summarize import Article, SummaryOptions, summarize

    notice = WEB_FURNITURE[0]
    bodies = [
        "The storm closed the ferry pier on Monday and boats stayed in the inner harbour. "
        "Harbour master Tom Berg said repairs to the pier would take at least three weeks.",
        "Boats stayed in the inner harbour after the storm closed the ferry pier on Monday. "
        "The council said the pier repairs would cost the town about two million dollars.",
        "Ferry services to the island stopped on Monday when the storm closed the pier. "
        "Islanders crossed on fishing boats while the harbour stayed closed to ferries.",
    ]
    articles = [Article(id=f"a{i}", text=f"{body}\n{notice}") for i, body in enumerate(bodies)]
    summary = summarize(articles, SummaryOptions(max_sentences=6, similarity="lexical"))
    assert summary.sentences
    assert all("location information" not in s.text for s in summary.sentences)


@pytest.mark.parametrize(
    "sentence",
    [
        "The group asked supporters to share the video on their phones, organisers said.",
        '"You can see it on our website and share it with your friends," the mayor said.',
        "Officials urged residents to sign up for text alerts about the flooding.",
        "The company said its browser had been downloaded from its web site 2 million times.",
        "The video was played at the trial on Monday, and the jury watched it twice.",
    ],
)
def test_news_about_the_web_stays_a_candidate(sentence: str) -> None:
    from service.summarize.candidates import cut_article

    text = f"The storm reached the coast of Brenn on Monday night.\n{sentence}"
    kept = [text[start:end] for _, start, end, _ in cut_article(text).kept]
    assert sentence in kept


def test_held_out_furniture_shared_by_outlets_is_never_chosen_nor_support() -> None:
    from service.summarize import Article, SummaryOptions, summarize

    bodies = [
        "The storm closed the ferry pier in Brenn on Monday and boats stayed in the harbour. "
        "Harbour master Tom Berg said repairs to the pier would take at least three weeks.",
        "Boats stayed in the inner harbour after the storm closed the Brenn ferry pier on Monday. "
        "The council said the pier repairs would cost the town about two million dollars.",
        "Ferry services to the island stopped on Monday when the storm closed the pier at Brenn. "
        "Islanders crossed on fishing boats while the harbour stayed closed to ferries.",
        "The storm that closed the ferry pier on Monday was the worst in Brenn for decades. "
        "Tom Berg, the harbour master, said the pier would reopen in three weeks at the earliest.",
    ]
    # Every outlet carries the same furniture, word for word, between its sentences.
    furniture = "\n".join(HELD_OUT_FURNITURE)
    articles = [
        Article(id=f"a{i}", text=f"{body}\n{furniture}") for i, body in enumerate(bodies)
    ]
    for options in (
        SummaryOptions(max_sentences=None, max_words=100, similarity="lexical"),
        SummaryOptions(max_sentences=8, similarity="lexical"),
    ):
        summary = summarize(articles, options)
        assert summary.sentences
        texts = {article.id: article.text for article in articles}
        for sentence in summary.sentences:
            assert not any(line in sentence.text for line in HELD_OUT_FURNITURE)
            for citation in sentence.citations:
                cited = texts[citation.article_id][citation.start : citation.end]
                assert not any(part in cited for part in HELD_OUT_FURNITURE), cited
        for report in summary.articles:
            assert report.candidate_count == 2
