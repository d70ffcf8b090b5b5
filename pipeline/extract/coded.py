"""The coding of one act at one place: sides, target, claimants, date and figures of a mention, from what its
sentence shares (:class:`Coding`)."""

from __future__ import annotations

from dataclasses import replace

from pipeline.coding import ATTACK, CLASH, EVENT_TYPE_OF, claim_status, claimant_side, target_actor
from pipeline.extract import claims, timeline
from pipeline.extract.context import Context, Report
from pipeline.extract.mention import Act, Clause, Mention, PlaceRef
from pipeline.extract.roles import code_sides
from pipeline.lexicon import Actor
from pipeline.profile import Profile
from pipeline.text import Sentence

SMALL_ARMS_RULE = "cue.weapon.clash"  # the cue of small arms, machine guns, snipers and grenade launchers
TOWNS_TARGET_RULE = "cue.target.civilians.2"  # the cue of towns and settlements as targets


def _for_place(actor: Actor, place: PlaceRef, profile: Profile) -> Actor:
    """Local officials speak for the party that holds the place the act hit."""
    if actor.side != claims.LOCAL_SIDE:
        return actor
    side = profile.party_of_place(place.location or place.surface, place.admin1, place.country)
    return replace(actor, side=side or "")


def _claimant_side(actor: Actor, place: PlaceRef, profile: Profile) -> str | None:
    """A claimant's side; one that may be of several parties ("the separatist authorities") is the one the place decides."""
    return actor.side if len(actor.sides) == 1 else profile.side_at(actor.sides, place.admin1)


class Coding:
    """What every mention of one sentence shares, and the coding of one act at one place."""

    def __init__(
        self, sentence: Sentence, number: int, text: str, acts: list[Act], speakers, claimants, claim_rule: str, own_timing, sentence_date,
        ctx: Context, report: Report, in_list: bool,
    ):
        self.sentence, self.number, self.text, self.acts, self.speakers = sentence, number, text, acts, speakers
        self.claimants, self.claim_rule, self.own_timing, self.sentence_date = claimants, claim_rule, own_timing, sentence_date
        self.ctx, self.report, self.in_list = ctx, report, in_list
        self.speaker_places: list[tuple[int, Actor]] = []  # (start, speaker) where each speaker tells places of its own

    def claimants_at(self, clause: Clause, place: PlaceRef) -> list[Actor]:
        """The sentence's claimants, or the one whose words hold the place ("A said X was shelled, while B said Y was")."""
        own = [actor for start, actor in self.speaker_places if start < clause.start + place.start]
        return own[-1:] or self.claimants

    def mention(
        self, clause: Clause, place: PlaceRef, clause_date, sub_event_type: str, generic: bool, act_rule: str, at_civilians: str | None = None
    ) -> Mention:
        """The mention of one act at one place. ``at_civilians`` is the profile's unstated fire where a later phase's
        (``sub_event_type``) differs: a phase of clashes still hits a town with it, and people with an attack."""
        profile, ctx = self.report.profile, self.ctx
        claimants = [_for_place(a, place, profile) for a in self.claimants_at(clause, place)]
        sides = code_sides(clause, place, self.text, self.acts, self.speakers, claimants, sub_event_type, profile)
        if at_civilians is not None and sides.target == "civilians" and sub_event_type == CLASH:
            town = TOWNS_TARGET_RULE in sides.rules
            sub_event_type, act_rule = (at_civilians, act_rule) if town else (ATTACK, "acts.phase_fire_at_civilians")
            sides = code_sides(clause, place, self.text, self.acts, self.speakers, claimants, sub_event_type, profile)
        elif at_civilians is not None:
            act_rule = "acts.phase_unstated_fire"
        if sub_event_type == CLASH and sides.target == "civilians" and act_rule == SMALL_ARMS_RULE:
            sub_event_type, act_rule = ATTACK, "acts.small_arms_at_civilians"  # a sniper firing at a civilian
        when = timeline.event_time(
            clause_date, self.sentence_date, ctx, clause.text, profile.local_time, profile.lexicon, self.sentence.line, self.number, self.in_list,
            self.own_timing is not None,
        )
        timing = self.own_timing
        if timing is None and not (clause_date.day or self.sentence_date.day or clause_date.clock or self.sentence_date.clock):
            timing = ctx.truce_timing
        claimant_sides = {side for a in sides.claimants if (side := _claimant_side(a, place, profile))}
        article = self.report.article
        mention = Mention(
            report_id=article["report_id"],
            outlet=article.get("outlet"),
            published=article["published"],
            sentence=self.sentence.text,
            char_start=self.sentence.start,
            char_end=self.sentence.end,
            date_expression=when.expression,
            event_date=when.start,
            date_start=when.start,
            date_end=when.end,
            date_precision=when.precision,
            time_utc=when.time_utc,
            event_type=EVENT_TYPE_OF[sub_event_type],
            sub_event_type=sub_event_type,
            act_generic=generic,
            perpetrator=profile.force_name(sides.perpetrator),
            perpetrator_side=sides.perpetrator,
            target=sides.target,
            target_actor=target_actor(sides.target, sides.target_side, profile),
            target_side=sides.target_side,
            civilian_targeting=sides.target == "civilians",
            claimants=sorted({a.name for a in sides.claimants}),
            claimant_side=claimant_side(claimant_sides),
            claim_status=claim_status(claimant_sides, profile),
            location_mention=place.surface,
            village_mention=place.village,
            village_offset=list(place.offset or ()),
            geo_precision=place.precision,
            truce_timing=timing,
            entry=ctx.entry,
            claimant_sides=sorted(claimant_sides),
            place_admin1=place.admin1,
            clock_is_local=when.clock_is_local,
        )
        claim_rule = "claims.our_side" if sides.claimants != claimants else self.claim_rule
        for rule in (act_rule, place.rule, place.precision_rule, *sides.rules, claim_rule, when.rule):
            mention.add_rule(rule)
        return mention
