"""Fixed values written into SQL text (db.sql.constant)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import ClaimState, CompletionClaim
from db.sql import constant, constants


def test_a_constant_is_written_into_the_statement():
    statement = select(CompletionClaim.id).where(
        CompletionClaim.state.in_(constants([ClaimState.PENDING, ClaimState.APPROVED])))
    compiled = statement.compile()
    assert "IN ('pending', 'approved')" in str(compiled)
    assert compiled.params == {}


@pytest.mark.parametrize("value", ["", "it's", "a b", "x;--", "'", "đ", "a" * 65, 5, None])
def test_only_plain_names_can_be_constants(value):
    with pytest.raises(ValueError):
        constant(value)
