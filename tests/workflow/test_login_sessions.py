"""Server-side login sessions: tokens stored hashed, expiry, revocation, single-use rotation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import LoginSession
from workflow import accounts, login_sessions
from workflow.login_sessions import (
    REMEMBER_LIFETIME,
    ROTATION_GRACE,
    TOUCH_INTERVAL,
    hash_token,
    now,
)

TWELVE_HOURS = timedelta(hours=12)


def _open(session, user, *, remember=False, at=None):
    opened = login_sessions.open_session(session, user=user, remember=remember,
                                         lifetime=TWELVE_HOURS, user_agent="Firefox " * 60,
                                         at=at)
    session.commit()
    return opened


def test_only_the_hash_of_a_random_token_is_stored(session, world):
    opened = _open(session, world.member_a)
    other = _open(session, world.member_a)
    assert opened.token != other.token and len(opened.token) >= 43  # 32 random bytes
    stored = session.scalars(select(LoginSession.token_hash)).all()
    assert opened.token not in stored and hash_token(opened.token) in stored
    assert len(opened.row.user_agent) == 200
    resolved = login_sessions.resolve_session(session, token=opened.token)
    assert resolved.user.id == world.member_a.id
    assert login_sessions.resolve_session(session, token=hash_token(opened.token)) is None
    assert login_sessions.resolve_session(session, token="") is None
    assert login_sessions.resolve_session(session, token="x" * 5000) is None


def test_last_seen_is_written_every_few_minutes_not_every_request(session, world):
    start = now()
    opened = _open(session, world.member_a, at=start)
    login_sessions.resolve_session(session, token=opened.token, lifetime=TWELVE_HOURS,
                                   at=start + timedelta(minutes=1))
    assert not session.dirty
    later = start + TOUCH_INTERVAL + timedelta(seconds=1)
    row = login_sessions.resolve_session(session, token=opened.token, lifetime=TWELVE_HOURS,
                                         at=later)
    session.commit()
    assert row.last_seen_at == later
    # Without remember-me the session runs its lifetime from the last activity.
    assert row.expires_at == later + TWELVE_HOURS


def test_expiry_is_enforced_on_the_server(session, world):
    start = now()
    plain = _open(session, world.member_a, at=start)
    remembered = _open(session, world.member_a, remember=True, at=start)
    assert remembered.row.expires_at == start + REMEMBER_LIFETIME
    after_13h = start + timedelta(hours=13)
    assert login_sessions.resolve_session(session, token=plain.token, at=after_13h) is None
    assert login_sessions.resolve_session(session, token=remembered.token, at=after_13h)
    day_14 = start + REMEMBER_LIFETIME
    assert login_sessions.resolve_session(session, token=remembered.token,
                                          at=day_14 - timedelta(seconds=1))
    assert login_sessions.resolve_session(session, token=remembered.token, at=day_14) is None


def test_revoking_one_session_leaves_the_other_devices(session, world):
    laptop = _open(session, world.member_a)
    phone = _open(session, world.member_a, remember=True)
    login_sessions.revoke_session(session, token=laptop.token)
    session.commit()
    assert login_sessions.resolve_session(session, token=laptop.token) is None
    assert login_sessions.resolve_session(session, token=phone.token).user.id == world.member_a.id
    login_sessions.revoke_session(session, token="unknown")  # nothing to do, no error


def test_a_rotated_remember_token_has_a_short_grace_then_is_refused(session, world):
    start = now()
    old = _open(session, world.member_a, remember=True, at=start)
    at = start + timedelta(days=3)
    row = login_sessions.resolve_session(session, token=old.token, at=at)
    new = login_sessions.rotate_remember(session, row=row, at=at)
    session.commit()
    assert new.token != old.token
    assert new.row.expires_at == old.row.expires_at  # rotation never extends the 14 days
    assert old.row.revoked_at == at and old.row.replaced_by_id == new.row.id
    # Requests of the same page load still carrying the old cookie …
    assert login_sessions.resolve_session(session, token=old.token, at=at + ROTATION_GRACE)
    # … but not afterwards.
    late = at + ROTATION_GRACE + timedelta(seconds=1)
    assert login_sessions.resolve_session(session, token=old.token, at=late) is None
    assert login_sessions.resolve_session(session, token=new.token, at=late)


def test_logout_within_the_grace_ends_both_tokens(session, world):
    old = _open(session, world.member_a, remember=True)
    row = login_sessions.resolve_session(session, token=old.token)
    new = login_sessions.rotate_remember(session, row=row)
    session.commit()
    login_sessions.revoke_session(session, token=new.token)
    session.commit()
    assert login_sessions.resolve_session(session, token=old.token) is None
    assert login_sessions.resolve_session(session, token=new.token) is None

    # Logging out with the old token during its grace ends its successor as well.
    old = _open(session, world.member_a, remember=True)
    new = login_sessions.rotate_remember(
        session, row=login_sessions.resolve_session(session, token=old.token))
    login_sessions.revoke_session(session, token=old.token)
    session.commit()
    assert login_sessions.resolve_session(session, token=old.token) is None
    assert login_sessions.resolve_session(session, token=new.token) is None


def test_password_reset_deactivation_and_end_sessions_end_every_session(session, world):
    def open_two(user):
        return [_open(session, user), _open(session, user, remember=True)]

    def alive(tokens):
        return [login_sessions.resolve_session(session, token=t.token) is not None
                for t in tokens]

    member_b = open_two(world.member_b)
    tokens = open_two(world.member_a)
    accounts.reset_password(session, actor=world.admin, user_id=world.member_a.id,
                            new_password="MatKhau@456")
    session.commit()
    assert alive(tokens) == [False, False]
    assert alive(member_b) == [True, True]
    assert all(row.revoked_at for row in session.scalars(
        select(LoginSession).where(LoginSession.user_id == world.member_a.id)))

    tokens = open_two(world.member_a)
    accounts.set_active(session, actor=world.admin, user_id=world.member_a.id, active=False)
    session.commit()
    assert alive(tokens) == [False, False]
    accounts.set_active(session, actor=world.admin, user_id=world.member_a.id, active=True)
    session.commit()
    assert alive(tokens) == [False, False]  # reactivation does not bring old sessions back

    tokens = open_two(world.member_a)
    accounts.end_sessions(session, user_id=world.member_a.id)
    session.commit()
    assert alive(tokens) == [False, False]
    assert alive(member_b) == [True, True]


def test_a_changed_session_version_refuses_the_row(session, world):
    opened = _open(session, world.member_a)
    world.member_a.session_version += 1
    session.commit()
    assert login_sessions.resolve_session(session, token=opened.token) is None
