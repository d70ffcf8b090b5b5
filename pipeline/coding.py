"""Coding helpers shared by extraction and merging: event types, claimant side, claim status, labels."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.profile import Profile
from pipeline.schema import EVENT_TYPES

EVENT_TYPE_OF = {sub: etype for etype, subs in EVENT_TYPES.items() for sub in subs}
REMOTE = "Explosions/Remote violence"
SHELLING = "Shelling/artillery/missile attack"
AIR = "Air/drone strike"
CLASH = "Armed clash"
ATTACK = "Attack"
INDEPENDENT = "independent"
MULTIPLE = "multiple"


def is_remote(sub_event_type: str) -> bool:
    return EVENT_TYPE_OF[sub_event_type] == REMOTE


def claimant_side(sides: Iterable[str]) -> str | None:
    """One side when every claim comes from it, else 'multiple'; None without claims."""
    sides = set(sides)
    if not sides:
        return None
    return next(iter(sides)) if len(sides) == 1 else MULTIPLE


def claim_status(sides: Iterable[str], profile: Profile) -> str:
    """contested when opposed parties both claim, observed when only independents do, else alleged (denials come later)."""
    sides = set(sides)
    if profile.contested(sides):
        return "contested"
    if sides == {INDEPENDENT}:
        return "observed"
    return "alleged"


def target_actor(target: str, side: str | None, profile: Profile) -> str | None:
    """The party's civilians or forces ('Civilians (Azerbaijan)'), or None when the side or the target is unknown."""
    if target == "civilians":
        return profile.civilians_name(side)
    if target == "military":
        return profile.force_name(side)
    return None
