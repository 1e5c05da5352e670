"""A wire story run by several outlets is one source: its copies do not take over (issue 16).

Eight outlets report one story, a fictional dam breach; ``wire`` is the agency's story.
The same request with three more outlets running ``wire`` word for word (each with a
line of its own before and after) must give the same summary: the copies are cited
where the wire's sentences are chosen and counted in ``support``, but they add no
independent source, so nothing of ``wire`` gains rank or coverage from them. Without
this rule the copies' identical sentences form cliques in the graph and their words
count four times in coverage, and the wire story takes over the summary.
"""

from __future__ import annotations

import pytest

from service.summarize import Article, Summary, SummaryOptions, summarize
from tests.api.stories import words

OUTLETS = {
    "wire": """Dam breach floods three villages in Corvane valley
A dam on the Selva river breached before dawn on Sunday, flooding three villages in the Corvane valley.
Water crews from Ostrel opened the lower sluices at noon to ease the pressure on the remaining wall.
The valley's governor, Petra Lund, said the breach began at a crack that engineers had logged in March.
A freight train on the valley line stopped at Hollin station and its forty passengers were taken to a school.
Insurance brokers in Ostrel said the claims could reach the highest figure the region has seen.
The Selva dam was completed in 1961 and holds the valley's drinking water.""",
    "courier": """Villagers rescued as Selva dam gives way
Rescue boats reached Marsh End, Tarrow and Bellin on Sunday morning after the Selva dam breached.
About 2,000 residents spent the night in the sports hall at Ostrel, the regional capital.
Governor Petra Lund promised an independent inquiry into the state of the dam.
Volunteers from neighbouring towns brought blankets, food and drinking water to the hall.
The army sent two helicopters to lift people from rooftops in Tarrow.""",
    "ledger": """Farmers count losses after Corvane flood
Farmers in the Corvane valley said the flood had drowned most of the spring crops.
The regional farm union asked the government for emergency payments to growers.
Cattle were moved to higher pastures above Bellin before the water arrived.
The union said the losses would be counted once the water has gone down.
Rescue boats reached Marsh End, Tarrow and Bellin on Sunday morning, the union said.""",
    "observer": """Engineers warned of crack in Selva dam, records show
Inspection records show engineers reported a crack in the Selva dam wall in March.
The report recommended lowering the reservoir, but the level was kept high for the summer.
Governor Petra Lund promised an independent inquiry into the state of the dam.
The engineering firm that wrote the report declined to comment on Sunday.
Opposition members called for the head of the water authority to resign.""",
    "tribune": """Corvane valley schools closed after dam breach
All schools in the Corvane valley will stay closed this week after the dam breach.
About 2,000 residents spent the night in the sports hall at Ostrel, the regional capital.
Teachers are helping families register for temporary housing at the hall.
The education office said exams planned for next week would be moved.
Volunteers from neighbouring towns brought blankets, food and drinking water to the hall.""",
    "post": """Drinking water rationed across the valley
Ostrel's water company rationed drinking water after the Selva reservoir emptied.
Tankers will deliver water to every village in the valley twice a day.
Residents were told to boil tap water until tests show it is safe.
The army sent two helicopters to lift people from rooftops in Tarrow.
The company said the rationing could last for a month.""",
    "record": """Rail line through Corvane closed for weeks
The valley rail line will stay closed for several weeks while the tracks are rebuilt.
Rail engineers found two bridges damaged between Hollin and Ostrel.
Buses will replace the trains on the line from Monday.
Inspection records show engineers reported a crack in the Selva dam wall in March.
The rail company said it would refund tickets bought for the coming week.""",
    "chronicle": """Inquiry ordered into Selva dam breach
The regional parliament voted on Sunday night to open an inquiry into the dam breach.
The inquiry will examine why the reservoir was kept high after the crack was reported.
Governor Petra Lund promised an independent inquiry into the state of the dam.
About 2,000 residents spent the night in the sports hall at Ostrel, the regional capital.
The first hearing is set for next month in Ostrel.""",
}
# Each outlet that runs the wire story adds a line of its own, as outlets do.
COPIERS = {
    "daily": "Roads into the valley from the north were still closed on Sunday evening.",
    "gazette": "Our reporter in Hollin saw families carrying belongings to the station.",
    "bulletin": "Church bells rang in Bellin to warn those who had stayed behind.",
}


def articles(*, copies: bool) -> list[Article]:
    story = [Article(id=name, text=text) for name, text in OUTLETS.items()]
    if copies:
        story += [
            Article(id=name, text=f"{OUTLETS['wire']}\n{own}") for name, own in COPIERS.items()
        ]
    return story


def summary(*, copies: bool, most: int = 6) -> Summary:
    return summarize(
        articles(copies=copies), SummaryOptions(similarity="lexical", max_sentences=most)
    )


def from_wire(result: Summary) -> list[str]:
    """Summary sentences that only the wire story (or a copy of it) says: sentences
    whose words are those of a ``wire`` line and of no other outlet's."""
    wire_lines = [words(line) for line in OUTLETS["wire"].splitlines()[1:]]
    others = [words(line) for name, text in OUTLETS.items() if name != "wire"
              for line in text.splitlines()[1:]]
    return [
        sentence.text for sentence in result.sentences
        if words(sentence.text) in wire_lines and words(sentence.text) not in others
    ]


def test_the_copies_are_reported_as_copies_of_the_wire_story() -> None:
    origins = {report.id: report.origin for report in summary(copies=True).articles}
    assert {name: origins[name] for name in COPIERS} == dict.fromkeys(COPIERS, "wire")
    assert all(origins[name] is None for name in OUTLETS)


def test_copies_do_not_take_over_the_summary() -> None:
    plain, copied = summary(copies=False), summary(copies=True)
    # Counted as sources, the copies made every one of the six sentences the wire's own.
    # As one source, the summary is the eight outlets' summary; the copies' own lines
    # shift the graph a little, so allow one sentence of difference either way.
    assert len(from_wire(copied)) <= len(from_wire(plain)) + 1
    shared = {s.text for s in plain.sentences} & {s.text for s in copied.sentences}
    assert len(shared) >= len(plain.sentences) - 2


@pytest.mark.parametrize(
    ("opening", "wire_says_it"),
    [("The Selva dam was completed in 1961", True), ("Governor Petra Lund promised", False)],
)
def test_copies_are_cited_and_counted_once(opening: str, wire_says_it: bool) -> None:
    (old,) = [s for s in summary(copies=False, most=40).sentences if s.text.startswith(opening)]
    (new,) = [s for s in summary(copies=True, most=40).sentences if s.text.startswith(opening)]
    cited = {c.article_id for c in new.citations}
    # Where the wire story is cited, so is every copy, verbatim; the copies add no origin.
    copies = set(COPIERS) if wire_says_it else set()
    assert cited == {c.article_id for c in old.citations} | copies
    assert all(c.relation == "verbatim" for c in new.citations if c.article_id in COPIERS)
    assert new.support == old.support + (len(COPIERS) if wire_says_it else 0)
    assert new.independent_support == old.independent_support
