"""The fader desk and step lines are pure geometry: easy to check without a page."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lsa_portal.charts import Fader, fader_desk, step_line, wrap_label
from pioneers.forms import parse_position


def test_a_knob_sits_at_its_position_on_the_track():
    desk = fader_desk([Fader("A", 0), Fader("B", 100), Fader("C", 50)], "desk")
    bottom, top = desk.track_bottom, desk.track_top
    assert [f.knob_y for f in desk.faders] == [bottom, top, (top + bottom) / 2]
    assert desk.faders[1].x - desk.faders[0].x == desk.pitch


def test_what_moved_is_signed_with_a_real_minus():
    assert Fader("A", 40, previous=30).moved_text == "+10"
    assert Fader("A", 20, previous=30).moved_text == "\u221210"
    assert Fader("A", 30, previous=30).moved_text == "0"
    assert Fader("A", 30).moved_text == ""


def test_long_labels_wrap_into_at_most_three_lines():
    assert wrap_label("Bezit van grond en gebouwen", 12) == ("Bezit van", "grond en", "gebouwen")
    assert len(wrap_label("een twee drie vier vijf zes zeven acht negen", 5)) == 3


def test_a_step_line_holds_each_value_until_the_next():
    line = step_line([(0.0, 0), (0.5, 100)], "line", width=108, height=108, until=1.0)
    assert line.path == "M4.0 104.0 H54.0 V4.0 H104.0"
    assert [value for _, _, value in line.dots] == [0, 100]


@given(st.integers(min_value=0, max_value=100), st.sampled_from(["", " ", "%", " %"]))
def test_any_position_typed_with_spaces_or_a_percent_sign_reads_back(value, suffix):
    assert parse_position(f" {value}{suffix}") == value


@given(st.text(max_size=12))
def test_any_typed_text_is_a_position_or_a_validation_error(text):
    try:
        value = parse_position(text)
    except ValidationError as error:
        assert "0 to 100" in str(error.messages) or "0 tot en met 100" in str(error.messages)
    else:
        assert 0 <= value <= 100


@pytest.mark.parametrize("typed", ["101", "-1", "1e2", "vijftig", "50.5"])
def test_positions_outside_the_fader_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_position(typed)


@given(st.lists(st.one_of(st.none(), st.integers(-50, 150)), max_size=15))
def test_every_knob_stays_on_its_track_whatever_the_input(positions):
    desk = fader_desk([Fader(str(i), p) for i, p in enumerate(positions)], "desk")
    for fader in desk.faders:
        assert desk.track_top <= fader.knob_y <= desk.track_bottom
