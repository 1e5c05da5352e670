"""Evaluation harness: ROUGE recall against benchmark references, and peer summarisers.

Nothing here is needed at run time. It imports the ``eval`` extra (rouge-score, sumy,
lexrank) and is driven by ``python -m service.evaluate``.
"""

from __future__ import annotations
