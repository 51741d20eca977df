"""Unit names as plans spell them."""

from __future__ import annotations

import pytest

from workflow.plan_import.units import UnitMatcher, is_all_units


@pytest.mark.parametrize("spelling,canonical", [
    ("VPĐU", "Văn phòng Đảng ủy"),
    ("Văn phòng đảng ủy", "Văn phòng Đảng ủy"),
    ("CA phường", "Công an phường"),
    ("Phòng VH-XH", "Phòng Văn hóa - Xã hội"),
    ("Phòng VHXH", "Phòng Văn hóa - Xã hội"),
    ("Phòng Văn hóa - Xã hội", "Phòng Văn hóa - Xã hội"),
    ("UBMTTQV N phường", "Ủy ban MTTQ Việt Nam phường"),
    ("Ban xây dựng Đảng", "Ban Xây dựng Đảng"),
    ("VP.HĐND-UBND", "Văn phòng HĐND và UBND phường"),
])
def test_aliases(spelling, canonical):
    assert UnitMatcher().match(spelling) == canonical


@pytest.mark.parametrize("text", ["Các cơ quan, đơn vị", "Các cơ quan đơn vị",
                                  "Các cơ quan, đơn vị.", "các đơn vị liên quan"])
def test_group_phrases_mean_all_units(text):
    assert is_all_units(text)
    result = UnitMatcher().split(text)
    assert result.all_units and result.names == [] and result.unmatched == []


def test_a_unit_with_commas_in_its_name_and_all_units():
    result = UnitMatcher().split("Phòng Kinh tế, hạ tầng, đô thị; Các cơ quan, đơn vị")
    assert result.names == ["Phòng Kinh tế, Hạ tầng và Đô thị"]
    assert result.all_units and result.unmatched == []


def test_group_followed_by_units():
    result = UnitMatcher().split("Các cơ quan đảng, UBND, UBMTTQ")
    assert result.all_units
    assert result.names == ["UBND phường", "Ủy ban MTTQ Việt Nam phường"]


def test_unknown_units_are_proposed_not_invented():
    result = UnitMatcher().split("Trường THCS Phước Bình, VPĐU")
    assert result.names == ["Văn phòng Đảng ủy"]
    assert result.unmatched == ["Trường THCS Phước Bình"]


def test_portal_units_take_precedence():
    matcher = UnitMatcher({"Văn phòng Đảng ủy phường": ["VPĐU"]})
    assert matcher.match("VPĐU") == "Văn phòng Đảng ủy phường"
