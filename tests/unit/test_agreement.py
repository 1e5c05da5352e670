"""Agreement of similar sentences: numbers, dates, negation, names (service.summarize.agreement).

Every sentence here is written for the test: one earthquake story told several ways.
"""

from __future__ import annotations

import pytest

from service.summarize.agreement import KINDS, Conflict, Kind, disagreement, facts

QUAKE = "The quake killed 12 people on Tuesday."


def conflict(a: str, b: str) -> Conflict:
    """The conflict of ``a`` with ``b``, checking that its spans quote both texts."""
    found = disagreement(a, b)
    assert found is not None, (a, b)
    assert a[found.start : found.end] == found.value
    assert b[found.other_start : found.other_end] == found.other
    return found


# Pairs that disagree: (first, second, kind, value in first, other in second).
DISAGREEING: list[tuple[str, str, Kind, str, str]] = [
    # number: counts of the same thing
    (QUAKE, "The quake killed 15 people on Tuesday.", "number", "12", "15"),
    ("The quake killed a dozen people.", "The quake killed 15 people.", "number", "a dozen", "15"),
    ("The quake killed twelve people.", "The quake killed fifteen people.", "number", "twelve",
     "fifteen"),
    ("About 12 people died in the quake.", "Fifteen people died in the quake.", "number", "12",
     "Fifteen"),
    ("Rebuilding will cost $2.5 billion.", "Rebuilding will cost $1.8 billion.", "number",
     "$2.5 billion", "$1.8 billion"),
    ("Insurers expect to pay 2.5bn dollars.", "Insurers expect to pay $3 billion.", "number",
     "2.5bn dollars", "$3 billion"),
    ("Aid rose 15% after the quake.", "Aid rose 12 percent after the quake.", "number", "15%",
     "12 percent"),
    ("The quake killed 12 people and injured 30.", "The quake killed 12 people and injured 45.",
     "number", "30", "45"),
    ("Rescuers reached the town, killed 12.", "Rescuers reached the town, killed 15.", "number",
     "12", "15"),
    ("More than 12 people died.", "More than 20 people died.", "number", "12", "20"),
    ("Survivors were taken to Ward 7.", "Survivors were taken to Ward 9.", "number", "7", "9"),
    # date: weekdays, month days, months, years, times
    (QUAKE, "The quake killed 12 people on Wednesday.", "date", "Tuesday", "Wednesday"),
    ("The quake struck on March 3, 2003.", "The quake struck on March 4, 2003.", "date",
     "March 3", "March 4"),
    ("The quake struck in March.", "The quake struck in April.", "date", "March", "April"),
    ("The last quake there was in 2003.", "The last quake there was in 2004.", "date", "2003",
     "2004"),
    ("The quake struck at 3 p.m. local time.", "The quake struck at 4 p.m. local time.", "date",
     "3 p.m.", "4 p.m."),
    # negation
    ("The quake killed 12 people.", "The quake killed no one.", "negation", "12 people",
     "no one"),
    ("The quake killed 12 people.", "The quake did not kill 12 people.", "negation", "killed",
     "did not kill"),
    ("The mayor was hurt in the quake.", "The mayor wasn't hurt in the quake.", "negation",
     "hurt", "n't hurt"),
    ("The dam has failed, officials said.", "The dam has never failed, officials said.",
     "negation", "failed", "never failed"),
    ("The governor said the dam had been damaged by the quake.",
     "Officials have denied that the dam was damaged in the tremor.", "negation",
     "The governor said", "Officials have denied that"),
    # entity: a different name in the same slot, names swapped
    ("The quake was felt in Lima, said Smith.", "The quake was felt in Lima, said Brown.",
     "entity", "Smith", "Brown"),
    ("Rescuers were led by Gen. Ana Torres of the army.",
     "Rescuers were led by Gen. Ana Vargas of the army.", "entity", "Torres", "Vargas"),
    ("Smith beat Jones in the race to the summit.", "Jones beat Smith in the race to the summit.",
     "entity", "Smith beat Jones", "Jones beat Smith"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "kind", "value", "other"), DISAGREEING)
def test_disagreement_names_kind_value_and_spans(
    a: str, b: str, kind: Kind, value: str, other: str
) -> None:
    found = conflict(a, b)

    assert (found.kind, found.value, found.other) == (kind, value, other)


@pytest.mark.parametrize(("a", "b", "kind", "value", "other"), DISAGREEING)
def test_disagreement_is_found_in_both_directions(
    a: str, b: str, kind: Kind, value: str, other: str
) -> None:
    found = conflict(b, a)

    assert found.kind == kind
    assert value in a and other in b


AGREEING: list[tuple[str, str]] = [
    # the same figure written differently
    ("The quake killed a dozen people.", "The quake killed 12 people."),
    ("The quake killed twelve people.", "The quake killed 12 people."),
    ("About 12 people died in the quake.", "Thirteen people died in the quake."),
    ("More than 12 people died.", "Fifteen people died."),
    ("Dozens of people died in the quake.", "The quake killed 15 people."),
    ("Rebuilding will cost $2.5bn.", "Rebuilding will cost $2.5 billion."),
    ("Rebuilding will cost $2.47 billion.", "Rebuilding will cost $2.5 billion."),
    ("The fund holds 1.5 million dollars.", "The fund holds $1,500,000."),
    ("Aid rose 15% after the quake.", "Aid rose 15 percent after the quake."),
    ("Twenty-five people died.", "25 people died."),
    # silence: a figure, date or name the other does not mention
    (QUAKE, "The quake struck the coast."),
    ("The quake killed 12 people and injured 30.", "The quake killed 12 people."),
    ("12 people died in the quake.", "3 hospitals were hit by the quake."),
    ("The quake killed 12 people.", "The quake, the worst since 2003, killed 12 people."),
    (QUAKE, "The quake killed 12 people on Tuesday night."),
    ("The quake struck on March 3.", "The quake struck in March."),
    ("The quake was felt in Lima, said Smith.", "The quake was felt in Lima."),
    # ordinals are not quantities
    ("It was the third quake this year.", "It was the fourth quake this year."),
    # both negated, in different words
    ("The quake did not kill anyone.", "The quake killed no one."),
    ("The mayor declined to comment.", "The mayor did not comment."),
    # not negations
    ("Not only did the quake kill 12 people, it razed the port.", "The quake killed 12 people."),
    ("Whether or not the dam holds, 12 people died.", "12 people died."),
    # one name spelt two ways, a title, an acronym, a demonym
    ("Mr. Qurei visited Lima.", "Qureia visited Lima."),
    ("The U.S. team flew in.", "The United States team flew in."),
    ("The American team flew in.", "The U.S. team flew in."),
    ("Sgt. Randy Force said the road was shut.", "Sergeant Randy Force said the road was shut."),
    # a passive is not a swap
    ("Smith beat Jones in the race.", "Jones was beaten by Smith in the race."),
]


@pytest.mark.parametrize(("a", "b"), AGREEING)
def test_agreeing_or_silent_pairs_have_no_conflict(a: str, b: str) -> None:
    assert disagreement(a, b) is None
    assert disagreement(b, a) is None


def test_kinds_are_looked_for_in_priority_order() -> None:
    assert KINDS == ("number", "date", "negation", "entity")
    number_and_date = conflict(QUAKE, "The quake did not kill 15 people on Wednesday.")
    date_and_negation = conflict(QUAKE, "The quake did not kill 12 people on Wednesday.")
    negation_and_name = conflict(
        "The quake was felt in Lima, said Smith.", "The quake was not felt in Lima, said Brown."
    )

    assert number_and_date.kind == "number"
    assert date_and_negation.kind == "date"
    assert negation_and_name.kind == "negation"


def test_a_negation_inserted_into_shared_text_comes_before_other_values() -> None:
    # "were hurt" / "were not hurt" is the plainest contradiction of the two; a rephrased
    # negation ("killed" / "did not kill") still comes after the figures.
    found = conflict(
        "Police said 12 people were hurt on Tuesday.",
        "Police said 15 people were not hurt on Tuesday.",
    )
    rephrased = conflict(QUAKE, "The quake did not kill 15 people on Tuesday.")

    assert (found.kind, found.value, found.other) == ("negation", "hurt", "not hurt")
    assert rephrased.kind == "number"


def test_a_negative_word_both_sentences_have_does_not_carry_the_negation() -> None:
    found = conflict(
        "The judge ordered him held without bail.", "The judge did not order him held without bail."
    )

    assert found.kind == "negation"
    assert disagreement("He was held without bail.", "He was not granted bail.") is None


def test_facts_normalises_figures() -> None:
    sentence = "Aid of $2.5bn, 15 percent more, reached about 1,200 people and a dozen towns."
    found = [(q.value, q.unit, q.bound) for q in facts(sentence).quantities]

    assert found == [
        (2.5e9, "$", "exact"),
        (15.0, "%", "exact"),
        (1200.0, "count", "about"),
        (12.0, "count", "exact"),
    ]
    assert [sentence[q.start : q.end] for q in facts(sentence).quantities] == [
        "$2.5bn",
        "15 percent",
        "1,200",
        "a dozen",
    ]


def test_years_times_ordinals_and_names_are_not_quantities() -> None:
    sentence = "On March 3, 2003, at 3 p.m., the 12th aftershock hit Route 66."
    found = facts(sentence)

    assert [(q.unit, q.value) for q in found.quantities] == [("id route", 66.0)]
    assert [(d.field, d.value) for d in found.dates] == [
        ("month", "03"),
        ("month_day", "03-03"),
        ("year", "2003"),
        ("time", "15:00"),
    ]


def test_facts_finds_cues_and_names() -> None:
    found = facts("Nobody in Lima said the quake didn't hit San Isidro.")

    assert [cue.norm for cue in found.cues] == ["nobody", "not"]
    assert [name.norm for name in found.names] == ["lima", "san isidro"]


def test_facts_is_memoised() -> None:
    facts.cache_clear()

    assert facts(QUAKE) is facts(QUAKE)
    assert facts.cache_info().hits == 1


def test_a_name_between_the_same_two_words_is_a_slot_where_the_rest_is_reordered() -> None:
    first = "The ferry was steered into the harbour by captain Olsen yesterday after the storm."
    second = "After the storm had passed, captain Brandt yesterday steered the ferry to harbour."

    conflict = disagreement(first, second)

    assert conflict is not None and conflict.kind == "entity"
    assert (conflict.value, conflict.other) == ("Olsen", "Brandt")
    assert first[conflict.start : conflict.end] == "Olsen"
    assert second[conflict.other_start : conflict.other_end] == "Brandt"
    # One shared neighbour is not a slot: a paraphrase often names another party there.
    assert disagreement(first.replace(" yesterday", ""), second.replace(" yesterday", "")) is None
