"""Small articles written for the tests, with the traits of scraped news.

One story (a port strike) told by four outlets:
- ``wire``: clean prose, a byline, a photo caption with its credit, a dateline.
- ``copy``: repeats the union leader's quote word for word, plus a headline,
  a photo credit line, an "automated translation" line and a comment box.
- ``paraphrase``: says the same thing in other words, plus a stray id.
- ``runon``: lost all its punctuation, so its sentences run together
  ("the port on MondayWe will not"), and paraphrases the quote.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp

from service.summarize import Article, SentenceEncoder, Summary, SummaryOptions, summarize
from service.summarize.support import Match, find_agreeing_support

QUOTE = "We will not go back to work until the safety rules are restored"

WIRE = """By Tom Reyes

Dockworkers rally outside the port gates in Valdoria on Monday. Photo: Lena Hart / Reuters

VALDORIA (Reuters) - Thousands of dockworkers walked off the job at the port of Valdoria on Monday, halting the loading of ships at the country's busiest harbour.
"We will not go back to work until the safety rules are restored," union leader Mara Ostrova told reporters at the port gates.
The strike began after two workers were injured when a crane collapsed last week, an accident the union blames on cuts to safety inspections.
Port director Anton Belik said the inspections had been reorganised, not cut, and that the port was safe.
More than forty ships were waiting outside the harbour by Monday evening, according to the port authority.
The transport ministry said it would meet union leaders on Wednesday to discuss the dispute.
"""

COPY = """Valdoria dockworkers strike over safety

Photo credit: Lena Hart / Reuters
Powered by automated translation

Dockworkers at the port of Valdoria stopped work on Monday in protest over safety rules, leaving dozens of ships stranded at anchor.
"We will not go back to work until the safety rules are restored," union leader Mara Ostrova told reporters at the port gates.
Exporters warned that a long strike would delay shipments of grain and timber during the busiest month of the year.
The transport ministry said it would meet union leaders on Wednesday to discuss the dispute.
Please let us know if you're having issues with commenting.
"""

PARAPHRASE = """4.2231907-118273

Union leader Mara Ostrova said the dockworkers would not go back to work until the port restored its safety rules.
Ostrova spoke hours after thousands of workers left their posts at the port of Valdoria, the country's largest harbour.
Last week two workers were hurt when a crane fell, and the union says cuts to inspections caused the accident.
Farmers' groups said grain exports could be delayed if the stoppage lasted more than a few days.
"""

RUNON = (
    "Dockworkers in Valdoria went on strike at the port on Monday"
    "We will not return to work until the safety rules are brought back union leader Mara "
    "Ostrova said outside the port gates on MondayThe strike follows an accident last week in "
    "which a crane collapsed and injured two workers the union blames cuts to safety inspections "
    "for the accidentPort director Anton Belik rejected the claim and said the port was safe and "
    "the inspections had only been reorganised by the new management team in the spring "
    "after a review of working practices that had been ordered by the transport ministry earlier "
    "in the year and carried out by outside consultants who interviewed dozens of workers and "
    "managers at the harbour and at two smaller ports in the south of the countryShips queued "
    "outside the harbour as the stoppage continued into the evening"
)

BOILERPLATE_LINES = (
    "Dockworkers rally outside the port gates in Valdoria on Monday. Photo: Lena Hart / Reuters",
    "Photo credit: Lena Hart / Reuters",
    "Powered by automated translation",
    "Please let us know if you're having issues with commenting.",
    "4.2231907-118273",
    "By Tom Reyes",
    "Valdoria dockworkers strike over safety",
)

STORY = {"wire": WIRE, "copy": COPY, "paraphrase": PARAPHRASE, "runon": RUNON}


def make_article(article_id: str = "a1", text: str | None = None, **extra: Any) -> Article:
    """An ``Article``; by default the clean wire story."""
    return Article(id=article_id, text=WIRE if text is None else text, **extra)


def make_story() -> list[Article]:
    """The four outlets' articles, in a fixed order."""
    return [Article(id=name, text=text) for name, text in STORY.items()]


def story_payload(**options: Any) -> dict[str, Any]:
    """The story as a ``POST /v1/summaries`` body."""
    body: dict[str, Any] = {"articles": [{"id": k, "text": v} for k, v in STORY.items()]}
    if options:
        body["options"] = options
    return body


def run(
    request: pytest.FixtureRequest,
    articles: list[Article],
    kind: str = "lexical",
    **options: object,
) -> Summary:
    """Summarise ``articles`` with similarity ``kind``; the session encoder when it needs one."""
    encoder: SentenceEncoder | None = None
    if kind != "lexical":
        encoder = request.getfixturevalue("encoder")
    return summarize(
        articles,
        SummaryOptions(similarity=kind, **options),  # type: ignore[arg-type]
        encoder=encoder,
    )


def find_support(
    similarity: sp.csr_matrix, articles: npt.NDArray[np.int64], *, threshold: float
) -> list[list[Match]]:
    """Support by similarity alone: every sentence has the same words, so none disagrees."""
    texts = [""] * similarity.shape[0]
    return find_agreeing_support(similarity, articles, texts, threshold=threshold)[0]


# An update story we wrote: a flood in Lorsk. The reader has read the first three
# reports (known); two new ones arrive. The first new one raises the death toll the known
# reports gave (12 -> 15): a correction. Both new ones report the pumping and the rebuilding
# money (news), and n1 repeats no known sentence but the toll.
FLOOD_KNOWN = {
    "k1": """The river wall at Lorsk broke on Monday night and floodwater forced about 3,000 residents from their homes in the old town.
The regional emergency service said 12 people had died in the flood.
Mayor Ilse Varga said the wall had been inspected in the spring and was judged sound.
Volunteers filled sandbags through the night at the cathedral square near the river.""",
    "k2": """Floodwater broke through the river wall at Lorsk on Monday night, and about 3,000 residents had to leave their homes in the old town.
The regional emergency service said 12 people had died in the flood.
Volunteers filled sandbags through the night at the cathedral square near the river.
Shops on the riverfront closed as the water rose through the old town streets.""",
    "k3": """About 3,000 residents left their homes in the old town of Lorsk after the river wall broke on Monday night.
Mayor Ilse Varga said the wall had been inspected in the spring and was judged sound.
Shops on the riverfront closed as the water rose through the old town streets.
The army sent two trucks of sandbags to the town from the base at Tervik.""",
}
FLOOD_NEW = {
    "n1": """The regional emergency service said 15 people had died in the flood, after rescuers searched the flooded houses of the old town.
Engineers from the water authority began pumping water out of the old town on Wednesday morning.
The national government promised 40 million euros to rebuild the river wall at Lorsk before the winter.""",
    "n2": """Engineers from the water authority began pumping water out of the old town on Wednesday morning.
The national government promised 40 million euros to rebuild the river wall at Lorsk before the winter.
Schools in the old town of Lorsk will stay closed until the end of the month, the council said.""",
}
FLOOD_PUBLISHED = {
    "k1": "2026-03-02T08:00:00+00:00",
    "k2": "2026-03-02T11:30:00+00:00",
    "k3": "2026-03-03T07:00:00+00:00",
    "n1": "2026-03-04T09:00:00+00:00",
    "n2": "2026-03-04T15:00:00+00:00",
}


def flood_update_articles(*, dated: bool = False) -> list[Article]:
    """The five reports, known first; with ``dated``, each with its ``published_at``."""
    texts = {**FLOOD_KNOWN, **FLOOD_NEW}
    return [
        make_article(
            article_id,
            text,
            published_at=datetime.fromisoformat(FLOOD_PUBLISHED[article_id]) if dated else None,
        )
        for article_id, text in texts.items()
    ]


def flood_update_payload(**options: Any) -> dict[str, Any]:
    """The five reports as a request body, each with its ``published_at``."""
    texts = {**FLOOD_KNOWN, **FLOOD_NEW}
    articles = [
        {"id": article_id, "text": text, "published_at": FLOOD_PUBLISHED[article_id]}
        for article_id, text in texts.items()
    ]
    return {"articles": articles, "options": {"similarity": "lexical", **options}}
