"""Extraction: one report's text -> coded event mentions.

An engine over rules kept in data: the profile's lexicon (cues, actors) and the language's named
patterns. One module per concern: ``segment`` (list items, clauses), ``places``, ``acts``, ``roles``
(perpetrator, target), ``speakers`` (who is named as speaking), ``claims`` (whose claim, denials), ``figures`` (casualties), ``timeline`` (dates),
and ``report`` (the loop over a report's sentences). :class:`Mention` is the contract with the
later stages.
"""

from pipeline.extract.mention import Mention
from pipeline.extract.report import extract_report

__all__ = ["Mention", "extract_report"]
