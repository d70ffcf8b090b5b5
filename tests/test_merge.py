"""Merging mentions into incidents and reconciling their figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from pipeline.extract.mention import Mention, share_words
from pipeline.merge import merge_mentions
from pipeline.profile import load_profile

PROFILE = load_profile()


def merge(mentions: list[Mention]):
    return merge_mentions(mentions, PROFILE)


def mention(report: str, published: str, *, place: str = "Ganja", geonameid: int | None = 148565, day: date = date(2020, 10, 11), sub: str = "Shelling/artillery/missile attack", side: str | None = "ARM", generic: bool = False, start: int = 0, **extra) -> Mention:
    base = {
        "report_id": report, "outlet": report.split("-")[0], "published": pd.Timestamp(published, tz="UTC"),
        "sentence": f"sentence {start} of {report}", "char_start": start, "char_end": start + 20,
        "date_expression": None, "event_date": day, "date_start": day, "date_end": day, "date_precision": "day", "time_utc": None,
        "event_type": "Battles" if sub == "Armed clash" else "Explosions/Remote violence", "sub_event_type": sub, "act_generic": generic,
        "perpetrator": None if side is None else f"Military Forces of {side}", "perpetrator_side": side,
        "target": "civilians", "target_actor": None, "target_side": None, "civilian_targeting": True,
        "claimants": ["Prosecutor General's Office of Azerbaijan"], "claimant_sides": ["AZE"], "claimant_side": "AZE", "claim_status": "alleged",
        "location": place, "location_mention": place, "admin1": place, "country_iso3": "AZE", "geonameid": geonameid,
        "latitude": 40.68, "longitude": 46.36, "geo_precision": 1, "truce_timing": None,
        "killed": None, "killed_low": None, "killed_high": None, "injured": None, "injured_low": None, "injured_high": None,
        "killed_women": None, "killed_children": None, "injured_women": None, "injured_children": None,
    }
    base.update(extra)
    return Mention(**base)


def test_same_incident_across_reports_is_one_event_with_latest_best():
    mentions = [
        mention("a-1", "2020-10-11T06:00", killed=7, killed_low=7, killed_high=7, injured=34, injured_low=34, injured_high=34),
        mention("b-1", "2020-10-11T12:00", killed=9, killed_low=9, killed_high=9, killed_women=4),
        mention("c-1", "2020-10-12T14:00", killed=10, killed_low=10, killed_high=10, injured=35, injured_low=35, injured_high=35),
    ]
    events, coded = merge(mentions)
    assert len(events) == 1
    e = events.iloc[0]
    assert (e.killed, e.killed_low, e.killed_high) == (10, 7, 10)
    assert (e.injured, e.injured_low, e.injured_high) == (35, 34, 35)
    assert e.killed_women == 4
    assert e.source_count == 3 and list(e.report_ids) == ["a-1", "b-1", "c-1"]
    assert set(coded.event_id) == {e.event_id}


def test_hedged_figures_keep_their_bounds():
    mentions = [
        mention("a-1", "2020-10-11T06:00", killed=21, killed_low=21, killed_high=None),
        mention("b-1", "2020-10-12T06:00", injured=60, injured_low=None, injured_high=60),
    ]
    e = merge(mentions)[0].iloc[0]
    assert (e.killed, e.killed_low, e.killed_high) == (21, 21, 21)
    assert (e.injured, e.injured_low, e.injured_high) == (60, 60, 60)


@pytest.mark.parametrize(
    ("second", "expected_events"),
    [
        (dict(day=date(2020, 10, 12)), 2),  # another day
        (dict(place="Tartar", geonameid=147310), 2),  # another place
        (dict(sub="Air/drone strike"), 2),  # another kind of act at the same place
        (dict(side="AZE"), 2),  # another perpetrator
        (dict(side=None), 1),  # side not stated joins the one incident there
        (dict(generic=True), 1),  # "attacked" joins the shelling
        # a generic act that named its means ("attacked with small arms") keeps its kind: ground fire does not join a shelling
        (dict(generic=True, sub="Armed clash", side=None, rules=["cue.act.generic", "cue.weapon.clash"]), 2),
        # one typed only by the profile's default for unstated means ("an attack by X forces") joins the incident there
        (dict(generic=True, sub="Armed clash", side=None, rules=["cue.act.generic"]), 1),
    ],
)
def test_identity_of_an_incident(second, expected_events):
    events, _ = merge([mention("a-1", "2020-10-11T06:00"), mention("b-1", "2020-10-11T08:00", start=5, **second)])
    assert len(events) == expected_events


def test_ids_are_stable_and_independent_of_order():
    mentions = [mention("a-1", "2020-10-11T06:00"), mention("b-1", "2020-10-11T08:00", place="Tartar", geonameid=147310, start=3)]
    first, _ = merge(list(mentions))
    second, _ = merge(list(reversed(mentions)))
    assert list(first.event_id) == list(second.event_id)
    assert first.event_id.str.match(r"^ev-[0-9a-f]{12}$").all()


def test_civilian_target_wins_and_claims_combine():
    mentions = [
        mention("a-1", "2020-10-11T06:00", target="unknown"),
        mention("b-1", "2020-10-11T08:00", target="civilians", claimants=["Defence Army of Nagorno-Karabakh"], claimant_sides=["ARM"], claim_status="denied"),
    ]
    e = merge(mentions)[0].iloc[0]
    assert e.target == "civilians" and e.civilian_targeting
    assert e.claimant_side == "multiple"
    assert e.claim_status == "denied"
    assert "[a-1:0-20]" in e.evidence and "[b-1:0-20]" in e.evidence


def test_acts_a_sentence_tells_on_a_second_day_keep_their_own_mention():
    first = mention("wire-1", "2020-10-14", day=date(2020, 10, 12), rules=["timeline.own_date"])
    second = mention("wire-1", "2020-10-14", day=date(2020, 10, 13), rules=["timeline.own_date", "timeline.second_day"])
    events, mentions = merge([first, second])
    assert sorted(map(str, events["event_date"])) == ["2020-10-12", "2020-10-13"]
    assert mentions["mention_id"].is_unique and len(mentions) == 2
    # the same sentence, place and act on one day is one mention
    _, repeated = merge([first, mention("wire-1", "2020-10-14", day=date(2020, 10, 12), rules=["timeline.own_date"])])
    assert len(repeated) == 1


def test_an_attack_told_only_by_its_casualties_joins_the_fire_at_its_place():
    shelling = mention("mfa-1", "2020-10-15", target="unknown", start=0)
    killing = mention("mfa-1", "2020-10-15", sub="Attack", event_type="Violence against civilians", start=90, generic=True, killed=3, killed_low=3,
                      killed_high=3, rules=["acts.killing_without_means"])
    events, _ = merge([shelling, killing])
    assert list(events["sub_event_type"]) == ["Shelling/artillery/missile attack"]
    assert (events["killed"].iloc[0], events["target"].iloc[0]) == (3, "civilians")
    # with no fire there that day it stays an attack of its own
    alone, _ = merge([replace(killing, event_date=date(2020, 10, 16), date_start=date(2020, 10, 16), date_end=date(2020, 10, 16)), shelling])
    assert sorted(alone["sub_event_type"]) == ["Attack", "Shelling/artillery/missile attack"]


def test_words_of_many_reports_are_shared_and_their_values_kept():
    """A build holds every report's mentions: equal words become one object, sentences stay their own."""
    first = mention("r1-a", "2020-10-11", rules=["cue.act.shelling.1"])
    # the same values built again, as mentions read back from a worker or the cache carry them
    second = mention("".join(["r2", "-b"]), "2020-10-12", rules=["".join(["cue.act.", "shelling.1"])],
                     claimants=["".join(["Prosecutor General's Office ", "of Azerbaijan"])], location="".join(["Gan", "ja"]))
    second.sentence = "".join(["sentence 0 of ", "r1-a"])
    assert second.location is not first.location and second.rules[0] is not first.rules[0]
    before = [replace(first), replace(second)]
    share_words([first, second], {})
    assert second.location is first.location and second.rules[0] is first.rules[0] and second.claimants[0] is first.claimants[0]
    assert second.sentence is not first.sentence  # sentences rarely recur in real reports
    assert [first, second] == before
    assert not hasattr(first, "__dict__")  # slotted: a mention's fields cost no dict


def test_the_mentions_table_owns_its_lists_and_the_mentions_get_their_ids_in_place():
    given = [mention("r1-a", "2020-10-11", rules=["b", "a"]), mention("r2-b", "2020-10-12", start=5)]
    mentions = list(given)
    _, table = merge(given)
    assert given == []  # let go as the table is made
    assert [m.mention_id for m in mentions] == table["mention_id"].tolist()
    assert [m.event_id for m in mentions] == table["event_id"].tolist()
    assert table["rules"].tolist() == [["a", "b"], []] and mentions[0].rules == ["b", "a"]
    table.loc[0, "claimants"].append("someone else")
    assert mentions[0].claimants == ["Prosecutor General's Office of Azerbaijan"]


def test_the_mentions_table_made_a_few_rows_at_a_time_writes_the_same_rows_and_lets_the_mentions_go():
    import pyarrow as pa

    from pipeline import publish
    from pipeline.merge import mention_frames, merge_events

    places = [("Ganja", 148565), ("Tartar", 147310), ("Barda", 587057)]

    def made() -> list[Mention]:
        return [
            mention(f"r{i % 3}-x", f"2020-10-1{i % 4}T06:00", place=places[i % 3][0], geonameid=places[i % 3][1], start=i * 40, rules=[f"rule.{i}"])
            for i in range(7)
        ]

    events_whole, whole = merge(made())
    events, coded = merge_events(made(), PROFILE)
    frames = mention_frames(coded, 3)
    first = next(frames)
    assert len(first) == 3 and len(coded) == 4  # the first three mentions are let go once their rows are made
    rest = list(frames)
    assert [len(f) for f in rest] == [3, 1] and coded == []
    pd.testing.assert_frame_equal(events, events_whole)
    in_parts = pa.concat_tables([publish.to_arrow(f, "mentions") for f in [first, *rest]])
    assert in_parts.equals(publish.to_arrow(whole, "mentions"))
