"""uvicorn's error log hides tracebacks of readers we dropped on purpose, and nothing else."""

import logging

from live.sse import HideSlowReaderTraceback, ReaderTooSlow


def record_for(error: BaseException) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.error", logging.ERROR, __file__, 1, "boom", (), (type(error), error, None)
    )


def test_a_dropped_slow_reader_is_hidden_wherever_it_sits_in_the_chain() -> None:
    try:
        try:
            raise ReaderTooSlow
        except ReaderTooSlow as inner:
            raise ExceptionGroup("task group", [ValueError("other"), RuntimeError("wrapped")]) from inner
    except ExceptionGroup as error:
        assert not HideSlowReaderTraceback().filter(record_for(error))


def test_a_cyclic_context_chain_is_walked_once() -> None:
    first, second = ValueError("first"), KeyError("second")
    first.__context__, second.__context__ = second, first
    assert HideSlowReaderTraceback().filter(record_for(first)), "logged, and the walk ends"


def test_a_chain_deeper_than_the_stack_is_walked_without_recursion() -> None:
    error: BaseException = ReaderTooSlow()
    for level in range(100_000):
        wrapper = RuntimeError(str(level))
        wrapper.__cause__ = error
        error = wrapper
    assert not HideSlowReaderTraceback().filter(record_for(error)), "found at the bottom"
