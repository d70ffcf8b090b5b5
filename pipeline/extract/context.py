"""What one report's sentences share: the report and its profile, and the story told so far."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from pipeline.extract.mention import Mention, PlaceRef
from pipeline.lexicon import Actor, Lexicon
from pipeline.profile import Profile

REPUBLISHED_BY = re.compile(r"\s*\((?:via|through|from|republished by)\b[^)]*\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Frame:
    """A date a sentence gave without telling an event ("On Sunday, the shelling went on.", a list's lead-in)."""

    dates: tuple[date, date, str]
    line: int  # its paragraph (or the list scope of a lead-in)
    sentence: int  # its number in the report
    truce: bool  # it spoke of a truce ("the ceasefire took effect on Sunday")
    background: bool  # the date was in a background frame ("erupted on", "took effect on")


@dataclass
class Context:
    """What carries from sentence to sentence within a report (a live-blog entry starts a new one)."""

    reference: datetime
    entry: int = 0
    speakers: list[Actor] = field(default_factory=list)  # named speakers so far, most recent last
    voices: list[Actor] = field(default_factory=list)  # speakers a statement was attributed to (or a headline named)
    answering: bool = False  # the paragraph answers an interviewer's question
    paragraph_claimants: dict[int, list[Actor]] = field(default_factory=dict)
    dated: tuple[date, date, str] | None = None  # the date of the latest event told
    late_in_day: bool = False  # that event was told "late on", "in the evening of" or "on the night of" its day
    frame: Frame | None = None  # the date the latest sentence that told no event gave
    truce_timing: str | None = None
    recent_places: list[tuple[int, int, list[PlaceRef], str, int]] = field(default_factory=list)  # (sentence no, entry, places, sentence, line)
    home: PlaceRef | None = None  # the first place the report names: where "us" and "our town" are
    last_time: datetime | None = None  # the latest clock time of an event told so far
    recent_mentions: list[Mention] = field(default_factory=list)
    recent_sentence: int = -10
    recent_line: int = -10  # the paragraph of the latest event sentence
    lead_figures: tuple[object, int] | None = None  # (figures, sentence no) of a lead that named no place yet
    lead_target: int | None = None  # the sentence number of an act at civilians that named no place
    told: list[tuple[int, list[Mention]]] = field(default_factory=list)  # (sentence no, mentions) of the latest event sentences
    paragraph_mentions: dict[int, list[Mention]] = field(default_factory=dict)
    next_sentence: str = ""  # the sentence after the one being read (within its paragraph or the next one)
    day_means: tuple[int, int, tuple[str, ...]] | None = None  # (paragraph, sentence no, weapon kinds) of a list of means with no place
    quotation_close: str = ""  # the later sentence of the paragraph that closes a quotation the one being read is in
    photo_credits: dict[int, Actor] = field(default_factory=dict)  # caption line -> the agency its photo is credited to

    def new_entry(self, stamp: datetime) -> Context:
        """The context of the next live-blog entry: speakers and the report's home carry over, the story does not."""
        return Context(
            reference=stamp, entry=self.entry + 1, speakers=self.speakers, voices=self.voices, recent_places=[], home=self.home,
            photo_credits=self.photo_credits,
        )

    def means_before(self, line: int, number: int) -> tuple[str, ...]:
        """The weapons a placeless sentence listed ("The enemy used mortars and small arms."), as the means of the acts
        after it in its paragraph, or in the sentence right after it."""
        if self.day_means is None:
            return ()
        means_line, means_number, kinds = self.day_means
        return kinds if line == means_line or number == means_number + 1 else ()

    def remember_places(self, number: int, places: list[PlaceRef], text: str, line: int) -> None:
        if places and self.home is None:
            self.home = next((p for p in places if not p.anaphoric), None)
        if places:
            self.recent_places.append((number, self.entry, [p for p in places if not p.anaphoric], text, line))
            del self.recent_places[:-4]


@dataclass
class Denial:
    side: str  # the denier's side
    entry: int
    sentence: int
    places: set[str]  # places named in the denial (lower case)


@dataclass(frozen=True)
class Report:
    """One report being coded: the article, the profile, and who speaks when the outlet speaks for itself."""

    article: dict
    profile: Profile
    gazetteer: object
    outlet_claimant: list[Actor]  # the outlet is a party's agency: its statements are its claims
    own_observer: Actor | None  # an independent outlet reporting its own people's observation
    denials: list[Denial] = field(default_factory=list)
    memo: dict[tuple[str, str], object] = field(default_factory=dict, repr=False)  # (what, sentence) -> result, this report's

    @property
    def lexicon(self) -> Lexicon:
        return self.profile.lexicon


def open_report(article: dict, profile: Profile, gazetteer) -> Report:
    lexicon = profile.lexicon
    lexicon.forget()  # the memo of cue look-ups holds one report's sentences at a time
    outlet = article.get("outlet") if isinstance(article.get("outlet"), str) else ""
    party = next((a for a in lexicon.claimants if a.side in profile.party_codes and a.pattern.search(outlet)), None) if outlet else None
    own_name = REPUBLISHED_BY.sub("", outlet)  # "AFP (via X)": the agency's own people are AFP's
    if party is None and outlet:
        party = _state_body(own_name, profile)  # "X's Office of Y (via a site)"
    observer = Actor("claimant", own_name, "independent", re.compile(re.escape(own_name))) if own_name and not party else None
    # A rights group's or monitor's report speaks in its own voice: its unattributed findings are its claims.
    voice = [observer] if observer is not None and lexicon.rx("claims.monitor_outlet").search(outlet) else []
    return Report(article, profile, gazetteer, [party] if party else voice, observer)


def _state_body(outlet: str, profile: Profile) -> Actor | None:
    """An outlet that is a body of a party's state ("Office of the X Commissioner of <party>"): the party's government."""
    m = profile.lexicon.rx("claims.state_body_outlet").match(outlet)
    return profile.government_claimant(profile.party_named(m.group("state")), m.re) if m else None
