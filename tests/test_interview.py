"""The screen interview (``unknot.interview``): the one state machine the terminal and the web wizard both drive.

Every (stage, answer) pair of its ``ACCEPTS`` table; the order of the questions (emergency first and decisive, then
which, where, cleared); wrong answers leave the state as it was; the JSON a form carries reads back the same and
refuses anything a crafted form could slip in; and properties over random runs: any sequence of answers ends, and
its intake screens to the verdict of the same findings given as a contract request.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unknot import load_catalog, screen
from unknot.contract import intake_from_json
from unknot.errors import RequestError
from unknot.interview import ACCEPTS, Cleared, InterviewError, ScreenInterview, Stage
from unknot.model import Answer, Category

CATALOG = load_catalog()
TODAY = date(2026, 12, 4)
GROUPS = {g.id: i for i, g in enumerate(CATALOG.groups)}


def fresh(**kw: Any) -> ScreenInterview:
    return ScreenInterview(CATALOG, TODAY, **kw)


def through(interview: ScreenInterview, group_id: str) -> ScreenInterview:
    """Answer no to every group before ``group_id``."""
    while interview.question.group is not None and interview.question.group.id != group_id:
        interview.answer_group(Answer.NO)
    return interview


def at(stage: Stage) -> ScreenInterview:
    """An interview waiting at ``stage``."""
    interview = fresh()
    if stage is Stage.GROUP:
        return interview
    if stage is Stage.WHICH:
        interview.answer_group(Answer.YES)
        return interview
    if stage is Stage.DONE:
        interview.answer_group(Answer.YES)
        interview.answer_which(["chest_pain"])
        return interview
    through(interview, "health")
    interview.answer_group(Answer.YES)
    interview.answer_which(["dvt"])
    through(interview, "local")
    interview.answer_group(Answer.YES)
    interview.answer_which(["bruise"])
    assert interview.stage is Stage.WHERE
    if stage is Stage.CLEARED:
        interview.answer_where("bruise", ["scapula_left"])
    return interview


ANSWERS = {
    Stage.GROUP: lambda i: i.answer_group(Answer.NO),
    Stage.WHICH: lambda i: i.answer_which(["chest_pain"]),
    Stage.WHERE: lambda i: i.answer_where("bruise", ["scapula_left"]),
    Stage.CLEARED: lambda i: i.answer_cleared("dvt", Cleared.NO),
}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("answer", list(ANSWERS))
def test_every_stage_takes_only_the_answers_its_table_lists(stage: Stage, answer: Stage) -> None:
    interview = at(stage)
    assert interview.stage is stage
    before = interview.dump()
    if answer in ACCEPTS[stage]:
        ANSWERS[answer](interview)
        assert interview.dump() != before
    else:
        with pytest.raises(InterviewError) as refused:
            ANSWERS[answer](interview)
        assert f"'{answer.value}' question" in refused.value.message
        assert (stage.value if stage is not Stage.DONE else "finished") in refused.value.message
        assert refused.value.http_status == 400
        assert interview.dump() == before  # nothing changed


def test_an_emergency_yes_ends_the_interview_at_once() -> None:
    interview = fresh()
    assert interview.question.emergency and interview.question.number == 1
    interview.answer_group(Answer.UNSURE)
    assert interview.stage is Stage.WHICH and interview.question.pending is Answer.UNSURE
    interview.answer_which(["tearing_pain"])
    assert interview.done and interview.stopped_early
    intake = interview.intake()
    assert not intake.complete
    assert screen(intake, CATALOG).category is Category.EMERGENCY


def test_none_ticked_takes_the_yes_back_and_asks_the_group_again() -> None:
    interview = through(fresh(), "today")
    interview.answer_group(Answer.YES)
    interview.answer_which([])
    assert interview.stage is Stage.GROUP and interview.question.group.id == "today"  # type: ignore[union-attr]
    assert interview.ticked == {}


def test_all_no_is_a_complete_screen_with_nothing_found() -> None:
    interview = fresh()
    for _ in CATALOG.groups:
        interview.answer_group(Answer.NO)
    assert interview.done and interview.intake().complete and interview.intake().findings == ()
    assert screen(interview.intake(), CATALOG).category is Category.OK


def test_details_come_after_every_group_local_areas_first_then_clearances() -> None:
    interview = at(Stage.WHERE)
    question = interview.question
    assert question.rule is not None and question.rule.id == "bruise"
    with pytest.raises(RequestError, match="at least one area"):
        interview.answer_where("bruise", [])
    with pytest.raises(RequestError, match="not an area"):
        interview.answer_where("bruise", ["elbow"])
    with pytest.raises(InterviewError, match="'bruise' now, not 'dvt'"):
        interview.answer_where("dvt", ["scapula_left"])
    assert interview.stage is Stage.WHERE  # each wrong answer left it where it was
    interview.answer_where("bruise", ["scapula_left", "scapula_left"])
    assert interview.regions == {"bruise": ("scapula_left",)}
    assert interview.stage is Stage.CLEARED and interview.question.rule.id == "dvt"  # type: ignore[union-attr]


def test_a_clearance_day_is_asked_and_never_one_still_to_come() -> None:
    interview = at(Stage.CLEARED)
    with pytest.raises(RequestError, match="never assumed to be today"):
        interview.answer_cleared("dvt", Cleared.YES, "")
    with pytest.raises(RequestError, match="still to come"):
        interview.answer_cleared("dvt", Cleared.YES, TODAY + timedelta(days=1))
    with pytest.raises(RequestError, match="no clearance kept"):
        interview.answer_cleared("dvt", Cleared.SAME)
    assert interview.stage is Stage.CLEARED and interview.cleared == {}
    interview.answer_cleared("dvt", Cleared.YES, "2026-11-20")
    assert interview.done
    assert interview.new_clearances == {"dvt": date(2026, 11, 20)}
    verdict = screen(interview.intake(), CATALOG)
    assert [r.rule for r in verdict.reasons if r.cleared] == ["dvt"]


def test_a_kept_clearance_is_confirmed_and_an_expired_one_is_offered_so_the_verdict_says_so() -> None:
    kept = {"dvt": TODAY - timedelta(days=10)}
    interview = at(Stage.CLEARED)
    interview.known_clearances = kept
    assert interview.question.holds and interview.question.known == kept["dvt"]
    interview.answer_cleared("dvt", Cleared.SAME)
    assert interview.cleared == kept and interview.new_clearances == {}

    not_same = at(Stage.CLEARED)
    not_same.known_clearances = kept
    not_same.answer_cleared("dvt", Cleared.NO)
    assert not_same.cleared == {}
    assert screen(not_same.intake(), CATALOG).category is Category.CONSULT_FIRST

    expired = at(Stage.CLEARED)
    expired.known_clearances = {"dvt": TODAY - timedelta(days=400)}
    assert not expired.question.holds
    with pytest.raises(RequestError):
        expired.answer_cleared("dvt", Cleared.SAME)
    expired.answer_cleared("dvt", Cleared.NO)
    verdict = screen(expired.intake(), CATALOG)
    assert verdict.category is Category.CONSULT_FIRST
    assert any(r.clearance_expired for r in verdict.reasons)


def test_not_sure_about_a_consult_first_rule_asks_no_clearance() -> None:
    interview = through(fresh(), "health")
    interview.answer_group(Answer.UNSURE)
    interview.answer_which(["dvt"])
    for _ in range(len(CATALOG.groups) - GROUPS["health"] - 1):
        interview.answer_group(Answer.NO)
    assert interview.done  # a clearance never covers "not sure" alone


def test_a_group_of_one_question_needs_no_which() -> None:
    local = CATALOG.groups[-1]
    catalog = replace(CATALOG, groups=(*CATALOG.groups[:-1], replace(local, rules=("bruise",))))
    interview = ScreenInterview(catalog, TODAY)
    for _ in catalog.groups[:-1]:
        interview.answer_group(Answer.NO)
    interview.answer_group(Answer.YES)
    assert interview.ticked == {"bruise": Answer.YES} and interview.stage is Stage.WHERE


def test_the_receiver_is_screened_as_the_receiver() -> None:
    with pytest.raises(RequestError, match="'self' or 'receiver'"):
        fresh(subject="giver")
    interview = fresh(subject="receiver")
    assert ScreenInterview.load(interview.dump(), CATALOG, TODAY).subject == "receiver"


def test_the_intake_waits_for_the_last_answer() -> None:
    with pytest.raises(InterviewError, match="not finished"):
        at(Stage.WHERE).intake()


def test_what_a_form_carries_reads_back_the_same_at_every_step() -> None:
    interview = fresh()
    seen = []
    for step in (
        lambda: through(interview, "health"),
        lambda: interview.answer_group(Answer.YES),
        lambda: interview.answer_which(["dvt", "anticoagulants", "high_bp"]),
        lambda: through(interview, "local"),
        lambda: interview.answer_group(Answer.UNSURE),
        lambda: interview.answer_which(["inflammation"]),
        lambda: interview.answer_where("inflammation", ["rhomboid_left"]),
        lambda: interview.answer_cleared("dvt", Cleared.YES, "2026-12-01"),
    ):
        step()
        again = ScreenInterview.load(interview.dump(), CATALOG, TODAY)
        assert again.dump() == interview.dump() and again.stage is interview.stage
        seen.append(interview.stage)
    assert seen[-1] is Stage.CLEARED  # high_bp, asked next
    interview.answer_cleared("high_bp", Cleared.NO)
    assert ScreenInterview.load(interview.dump(), CATALOG, TODAY).intake() == interview.intake()


def crafted(**changes: Any) -> str:
    state = json.loads(at(Stage.CLEARED).dump())
    state.update(changes)
    return json.dumps(state)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "{",
        '{"group": Infinity}',
        '{"group": 1, "group": 2}',  # a key given twice
        crafted(group=99),
        crafted(group=-1),
        crafted(group=True),
        crafted(group="2"),
        crafted(pending="no"),
        crafted(ticked={"no_such_rule": "yes"}),
        crafted(ticked={"fever": "no"}),
        crafted(ticked={"bruise": "yes", "inflammation": "yes"}, group=3),  # a group not yet asked
        crafted(regions={"bruise": ["elbow"]}),
        crafted(regions={"dvt": ["scapula_left"]}),  # not a local rule
        crafted(regions={"bruise": []}),
        crafted(cleared={"dvt": "2027-01-01"}, asked_cleared=["dvt"]),  # a day still to come
        crafted(cleared={"dvt": "2026-1-1"}, asked_cleared=["dvt"]),
        crafted(cleared={"fever": "2026-11-01"}, asked_cleared=["fever"]),  # not consult first
        crafted(new_clearances={"dvt": "2026-11-01"}),  # kept without being asked
        crafted(stopped_early=1),
        crafted(stopped_early=True),  # an emergency stop outside the emergency group
        crafted(subject="giver"),
        crafted(ticked=[]),
    ],
)
def test_a_crafted_or_garbled_form_is_refused_not_a_crash(text: str) -> None:
    with pytest.raises(RequestError, match="start the screen again|'self' or 'receiver'"):
        ScreenInterview.load(text, CATALOG, TODAY)


@st.composite
def replies(draw: st.DrawFn) -> list[Any]:
    return draw(st.lists(st.tuples(st.sampled_from(list(Answer)), st.randoms(use_true_random=False)), max_size=40))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(script=replies(), subject=st.sampled_from(["self", "receiver"]))
def test_any_run_of_answers_ends_and_screens_as_the_same_findings_sent_as_a_request(
    script: list[Any], subject: str
) -> None:
    interview = fresh(subject=subject, known_clearances={"high_bp": TODAY - timedelta(days=3)})
    moves = iter(script)
    spare = random.Random(0)
    for _ in range(200):
        if interview.done:
            break
        reply, rnd = next(moves, (Answer.NO, spare))
        question = interview.question
        if question.stage is Stage.GROUP:
            interview.answer_group(reply)
        elif question.stage is Stage.WHICH:
            ids = [r.id for r in question.rules]
            interview.answer_which(rnd.sample(ids, rnd.randint(0, min(3, len(ids)))))
        elif question.stage is Stage.WHERE:
            regions = [r.id for r in CATALOG.regions]
            assert question.rule is not None
            interview.answer_where(question.rule.id, rnd.sample(regions, 2))
        else:
            rule = question.rule
            assert rule is not None
            choice = {Answer.YES: Cleared.SAME if question.holds else Cleared.YES, Answer.UNSURE: Cleared.YES}
            interview.answer_cleared(rule.id, choice.get(reply, Cleared.NO), TODAY - timedelta(days=1))
        ScreenInterview.load(interview.dump(), CATALOG, TODAY)  # every step's state is one a form may carry
    assert interview.done
    intake = interview.intake()
    request = {
        "findings": [
            {"rule": f.rule, "regions": list(f.regions)} if f.regions else f.rule
            for f in intake.findings
            if f.answer is Answer.YES
        ],
        "unsure": [
            {"rule": f.rule, "regions": list(f.regions)} if f.regions else f.rule
            for f in intake.findings
            if f.answer is Answer.UNSURE
        ],
        "cleared": [{"rule": r, "on": d.isoformat()} for r, d in intake.cleared_on],
        "all_others_answered_no": intake.complete,
        "today": TODAY.isoformat(),
    }
    assert screen(intake, CATALOG) == screen(intake_from_json(request), CATALOG)
    if interview.stopped_early:
        assert screen(intake, CATALOG).category is Category.EMERGENCY
