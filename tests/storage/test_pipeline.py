"""InOrder: calls run in the order given, beside the caller, and their errors surface."""

from __future__ import annotations

import threading

import pytest

from storage.pipeline import InOrder


def test_calls_run_in_order_on_another_thread():
    seen, threads = [], set()

    def keep(number: int) -> None:
        seen.append(number)
        threads.add(threading.get_ident())

    with InOrder(depth=3) as helper:
        for number in range(200):
            helper.submit(keep, number)
        helper.finish()
    assert seen == list(range(200))
    assert threads and threading.get_ident() not in threads


def test_an_error_of_a_call_is_raised_to_the_caller():
    def fail(_chunk: bytes) -> None:
        raise OSError("No space left on device")

    with InOrder() as helper, pytest.raises(OSError, match="No space"):
        helper.submit(fail, b"x")
        helper.finish()
