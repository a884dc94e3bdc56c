"""CANON_… switches: on unless turned off."""

from __future__ import annotations

import pytest

from canon.pg import switches


@pytest.mark.parametrize("value", ["off", "0", "no", "false", " OFF ", "False"])
def test_a_switch_turned_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CANON_TEST_SWITCH", value)
    assert not switches.is_on("CANON_TEST_SWITCH")


@pytest.mark.parametrize("value", ["on", "1", "yes", ""])
def test_a_switch_left_on(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CANON_TEST_SWITCH", value)
    assert switches.is_on("CANON_TEST_SWITCH")


def test_an_unset_switch_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANON_TEST_SWITCH", raising=False)
    assert switches.is_on("CANON_TEST_SWITCH")
