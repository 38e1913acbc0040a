import threading

import pytest

from apps.mirror.prefetch import prefetched


def test_items_arrive_in_order_and_reading_happens_in_another_thread():
    readers = set()

    def pages():
        for number in range(5):
            readers.add(threading.current_thread().name)
            yield number

    assert list(prefetched(pages())) == [0, 1, 2, 3, 4]
    assert readers == {"mirror-prefetch"}


def test_a_reading_error_is_raised_to_the_consumer_after_the_pages_before_it():
    def pages():
        yield 1
        raise ConnectionError("Odoo went away")

    received = []
    with pytest.raises(ConnectionError, match="went away"):
        for page in prefetched(pages()):
            received.append(page)
    assert received == [1]


def test_the_reader_stops_when_the_consumer_gives_up():
    produced = []

    def pages():
        for number in range(1000):
            produced.append(number)
            yield number

    for page in prefetched(pages(), depth=2):
        if page == 1:
            break
    assert len(produced) < 10
