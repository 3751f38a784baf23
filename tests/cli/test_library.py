"""`unknot prepare` and `unknot techniques`: what they show, their JSON, their errors, narrow terminals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import RunUnknot
from tests.test_imports import modules_after
from unknot.content import load_catalog

CATALOG = load_catalog()
TECHNIQUE_IDS = [t.id for t in CATALOG.techniques]
BOX = re.compile(r"[│╭╮╰╯─┃━┏┓┗┛┡┩╇┳┻┼├┤└┘┌┐┬┴]")


def flat(text: str) -> str:
    """The output without box drawing and with every run of white space made one space: wrapping-proof."""
    return " ".join(BOX.sub(" ", text).split())


def listed(out: str) -> list[str]:
    """The technique ids that start a row of the table, in order."""
    rows = {m.start(): tid for tid in TECHNIQUE_IDS for m in re.finditer(rf"^│ {tid} ", out, re.MULTILINE)}
    return [rows[k] for k in sorted(rows)]


def item_text(item_id: str) -> str:
    return next(i.text for i in CATALOG.preparation if i.id == item_id)


# --- prepare ----------------------------------------------------------------------------------------------


def test_prepare_partner_lists_the_oil_and_the_prone_surface_but_not_floor_items(unknot: RunUnknot) -> None:
    run = unknot("prepare", "--mode", "partner")
    assert run.code == 0, run.err
    out = flat(run.out)
    assert "Lying face down" in out  # partner defaults to prone
    assert item_text("oil") in out and item_text("firm_surface") in out
    assert item_text("pockets_empty") not in out and item_text("floor_mat") not in out
    assert "Tool tips" not in out


def test_prepare_self_on_the_floor_has_the_phone_item_the_mat_and_its_tools(unknot: RunUnknot) -> None:
    run = unknot("prepare", "--mode", "self", "--position", "supine_floor")
    assert run.code == 0, run.err
    out = flat(run.out)
    assert item_text("pockets_empty") in out and item_text("floor_mat") in out
    assert "a mat or towel on the floor" in out  # the position's supports
    assert item_text("oil") not in out and item_text("wall_space") not in out
    assert "Tool tips" in out and "Foam roller" in out and "Massage cane" not in out


def test_prepare_partner_seated_adds_the_table_and_pillow(unknot: RunUnknot) -> None:
    run = unknot("prepare", "--mode", "partner", "--position", "seated")
    assert run.code == 0, run.err
    out = flat(run.out)
    assert item_text("lean_table") in out and item_text("sturdy_chair") in out
    assert item_text("firm_surface") not in out


def test_prepare_items_are_numbered_checkboxes_with_their_reason(unknot: RunUnknot) -> None:
    run = unknot("prepare", "--mode", "partner")
    oil = next(i for i in CATALOG.preparation if i.id == "oil")
    assert re.search(r"^\s*\d+\. ☐ " + re.escape(oil.text), run.out, re.MULTILINE), run.out
    assert oil.why in flat(run.out)


def test_prepare_without_mode_shows_both_modes(unknot: RunUnknot) -> None:
    out = flat(unknot("prepare").out)
    assert "Partner massage" in out and "Self-massage" in out
    assert item_text("oil") in out and item_text("ball_in_sock") in out


def test_prepare_without_mode_at_a_self_only_position_shows_only_self(unknot: RunUnknot) -> None:
    out = flat(unknot("prepare", "--position", "standing_wall").out)
    assert "Self-massage" in out and "Partner massage" not in out
    assert "Put it in a long sock" in out  # the ball's tip


def test_prepare_json_is_one_checklist_for_a_mode(unknot: RunUnknot) -> None:
    run = unknot("prepare", "--mode", "self", "--position", "supine_floor", "--json")
    assert run.code == 0, run.err
    out = run.json()
    assert (out["mode"], out["position"]) == ("self", "supine_floor")
    ids = [i["id"] for i in out["items"]]
    assert "pockets_empty" in ids and "floor_mat" in ids and "oil" not in ids
    assert all(i["text"] and i["why"] for i in out["items"])
    assert out["supports"] == list(CATALOG.position("supine_floor").supports)  # type: ignore[union-attr]


def test_prepare_json_without_mode_lists_both_and_self_covers_every_position(unknot: RunUnknot) -> None:
    out = unknot("prepare", "--json").json()
    assert [(c["mode"], c["position"]) for c in out] == [("partner", "prone"), ("self", None)]
    self_ids = {i["id"] for i in out[1]["items"]}
    assert {"wall_space", "floor_mat", "sturdy_chair", "quiet_warm_room"} <= self_ids
    assert "oil" not in self_ids and out[1]["supports"] == []


def test_prepare_is_case_insensitive(unknot: RunUnknot) -> None:
    run = unknot("prepare", "--mode", "SELF", "--position", "Standing_Wall", "--json")
    assert run.code == 0, run.err
    assert (run.json()["mode"], run.json()["position"]) == ("self", "standing_wall")


# --- techniques -------------------------------------------------------------------------------------------


def test_techniques_lists_every_technique(unknot: RunUnknot) -> None:
    run = unknot("techniques")
    assert run.code == 0, run.err
    assert f"Techniques ({len(TECHNIQUE_IDS)})" in run.out
    assert listed(run.out) == TECHNIQUE_IDS


@pytest.mark.parametrize("mode", ["partner", "self"])
def test_techniques_mode_keeps_only_that_mode(unknot: RunUnknot, mode: str) -> None:
    wanted = [t.id for t in CATALOG.techniques if t.mode == mode]
    assert [t["id"] for t in unknot("techniques", "--mode", mode, "--json").json()] == wanted
    assert listed(unknot("techniques", "--mode", mode).out) == wanted


def test_trigger_point_shows_its_hold_rules_and_full_references(unknot: RunUnknot) -> None:
    run = unknot("techniques", "trigger_point")
    assert run.code == 0, run.err
    out = flat(run.out)
    assert "at most 30 s on a spot, then release slowly over 10 s; at most 3 holds on one spot" in out
    for key in ("GEMM", "JCPR"):
        assert CATALOG.source(key).reference() in out
    assert "medium (default), firm" in out  # a lay partner starts at medium (techniques.yaml)
    assert "Lean your weight into the left upper trapezius; hold up to 30 seconds." in out  # a cue, filled in
    assert "{region}" not in out
    assert "Stop at once if" in out and "Sharp, shooting or electric pain." in out


def test_ball_wall_mentions_the_sock_and_its_tools(unknot: RunUnknot) -> None:
    out = flat(unknot("techniques", "ball_wall").out)
    assert "long sock" in out
    assert "tennis ball, lacrosse ball" in out
    assert "Standing against a wall (standing_wall)" in out
    assert "Sources: HUGH, ROLL, CHEA." in out  # the dose's basis


def test_a_technique_without_hold_rules_shows_none(unknot: RunUnknot) -> None:
    out = flat(unknot("techniques", "effleurage").out)
    assert "Hold " not in out and "both sides:" in out and "midline: base of the neck, thoracic spine" in out


@pytest.mark.parametrize("technique_id", TECHNIQUE_IDS)
def test_techniques_json_has_every_field(unknot: RunUnknot, technique_id: str) -> None:
    run = unknot("techniques", technique_id, "--json")
    assert run.code == 0, run.err
    [out] = run.json()
    technique = CATALOG.technique(technique_id)
    assert technique is not None
    assert out["id"] == technique_id and out["mode"] == technique.mode.value
    assert out["seconds"]["default"] == technique.seconds.default
    assert (out["hold"] is None) == (technique.hold is None)
    assert out["references"] == [CATALOG.source(k).reference() for k in technique.sources]
    assert out["how"] and out["cues"] and out["stop_signs"] and out["regions"]


# --- errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "in_message"),
    [
        pytest.param(["prepare", "--mode", "both"], "choose one of: partner, self", id="prepare-bad-mode"),
        pytest.param(["prepare", "--position", "sofa"], "choose one of: prone, seated", id="prepare-bad-position"),
        pytest.param(
            ["prepare", "--mode", "partner", "--position", "supine_floor"],
            "not used in partner massage",
            id="prepare-position-not-for-mode",
        ),
        pytest.param(["prepare", "--mode", "x", "--json"], "mode 'x' does not exist", id="prepare-json-bad-mode"),
        pytest.param(["techniques", "shiatsu"], "the techniques are: effleurage", id="techniques-bad-id"),
        pytest.param(["techniques", "--mode", "robot"], "mode 'robot' does not exist", id="techniques-bad-mode"),
        pytest.param(
            ["techniques", "ball_wall", "--mode", "partner"], "is a self technique", id="techniques-wrong-mode"
        ),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(unknot: RunUnknot, args: list[str], in_message: str) -> None:
    run = unknot(*args)
    assert run.code == 2
    assert run.out == ""
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("unknot: error: "), run.err
    assert in_message in lines[0]
    assert "Traceback" not in run.err


# --- layout ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["prepare"], id="prepare"),
        pytest.param(["techniques"], id="techniques"),
        pytest.param(["techniques", "trigger_point"], id="trigger_point"),
    ],
)
@pytest.mark.parametrize("columns", [60, 100])
def test_output_fits_the_terminal(unknot: RunUnknot, args: list[str], columns: int) -> None:
    run = unknot(*args, env={"COLUMNS": str(columns)})
    assert run.code == 0, run.err
    too_long = [line for line in run.out.splitlines() if len(line.rstrip()) > columns]
    assert too_long == []
    assert "…" not in run.out  # nothing cut short


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["techniques", "--json"], id="techniques"),
        pytest.param(["prepare", "--json"], id="prepare"),
    ],
)
def test_the_json_paths_do_not_import_rich(tmp_path: Path, args: list[str]) -> None:
    assert "rich" not in modules_after(tmp_path, args)


@pytest.mark.parametrize("columns", [80, 160])
def test_the_rules_read_at_the_terminals_width(cli: RunUnknot, columns: int) -> None:
    run = cli("rules", env={"COLUMNS": str(columns)})
    assert run.code == 0, run.err
    assert max(len(line.rstrip()) for line in run.out.splitlines()) <= columns
    for rule in load_catalog().rules:  # every rule's id and the start of its words, unbroken
        assert rule.id in run.out and rule.label.split(",")[0][:20] in " ".join(run.out.split())
