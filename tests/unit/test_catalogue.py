"""The timed cache behind the class schedule."""

from prs.catalogue import TimedCache


class FakeClock:
    """A monotonic clock that moves only when the test advances it."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_cache_reuses_value_within_ttl():
    clock = FakeClock()
    loads = []
    cache = TimedCache(lambda: loads.append(1) or len(loads), 1.0, clock=clock)

    first = cache.get()
    clock.now += 0.5
    second = cache.get()

    assert first == 1
    assert second == 1
    assert len(loads) == 1


def test_cache_reloads_after_ttl():
    clock = FakeClock()
    loads = []
    cache = TimedCache(lambda: loads.append(1) or len(loads), 1.0, clock=clock)

    cache.get()
    clock.now += 1.0

    assert cache.get() == 2


def test_zero_ttl_loads_every_time():
    loads = []
    cache = TimedCache(lambda: loads.append(1) or len(loads), 0.0)

    values = [cache.get() for _ in range(3)]

    assert values == [1, 2, 3]
