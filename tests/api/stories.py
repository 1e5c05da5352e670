"""A second story written for the tests, for agreement: copies, and outlets that disagree.

A flood in the town of Lorsk, told by three outlets:
- ``wire``: the agency's story.
- ``herald``: runs the wire story word for word under its own headline, with a sharing
  line (so its origin is ``wire``: the two count once in independent support).
- ``gazette``: its own reporting; it agrees on the flood, but says 15 people went to
  hospital (the wire says 12) and that the wall had *not* been inspected.
"""

# Hand-written articles: prose lines are as long as the sentences (as in tests/builders.py).
# ruff: noqa: E501

from __future__ import annotations

import re
from typing import Any

FLOOD_WIRE = """LORSK (Wire) - Floodwater broke through the river wall at Lorsk on Monday night, forcing about 3,000 residents from their homes in the old town.
The regional emergency service said 12 people had been taken to hospital with minor injuries.
Mayor Ilse Varga said the wall had been inspected in the spring and was judged sound.
Engineers expect the river to fall below the danger mark by Thursday, the water authority said.
Volunteers filled sandbags through the night at the cathedral square.
"""

FLOOD_HERALD = f"""Lorsk floods: thousands leave the old town

{FLOOD_WIRE}Share this article
"""

FLOOD_GAZETTE = """The river wall at Lorsk gave way late on Monday, and some 3,000 people in the old town had to leave their homes.
The regional emergency service said 15 people had been taken to hospital with minor injuries.
Mayor Ilse Varga said the wall had not been inspected in the spring.
Shopkeepers on the riverfront said the water reached the first floor of their buildings within an hour.
"""

FLOOD = {"wire": FLOOD_WIRE, "herald": FLOOD_HERALD, "gazette": FLOOD_GAZETTE}


def flood_payload(**options: Any) -> dict[str, Any]:
    """The flood story as a request body."""
    body: dict[str, Any] = {"articles": [{"id": k, "text": v} for k, v in FLOOD.items()]}
    if options:
        body["options"] = options
    return body


def words(text: str) -> list[str]:
    """A sentence's words, case and punctuation aside: equal for a ``verbatim`` citation."""
    return re.findall(r"\w+", text.casefold())
