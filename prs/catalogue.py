"""Serve the class schedule from memory, refreshed from the database."""

import threading
import time
from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, select

from prs.api.views import format_time
from prs.db import db
from prs.models import ClassSection, Course, Selection

EXTENSION_KEY = "prs_schedule"


class TimedCache:
    """A value loaded by `load` and reused until `ttl_seconds` have passed."""

    def __init__(self, load: Callable, ttl_seconds: float, clock=time.monotonic):
        self.load = load
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._loaded_at = float("-inf")
        self._value = None

    def get(self):
        """Return the cached value, loading it again once it has expired."""
        if self.clock() - self._loaded_at < self.ttl_seconds:
            return self._value

        # One thread reloads while the others wait, so an expiry under load
        # costs one query per process, not one per thread.
        with self._lock:
            if self.clock() - self._loaded_at >= self.ttl_seconds:
                self._value = self.load()
                self._loaded_at = self.clock()
        return self._value


class Schedule:
    """The classes of the catalogue and how many seats each has taken."""

    def __init__(self, catalogue_ttl: float, seats_ttl: float):
        self.classes = TimedCache(load_classes, catalogue_ttl)
        self.seats_taken = TimedCache(count_seats_taken, seats_ttl)


def load_classes() -> tuple[dict, ...]:
    """Read every class joined with its course, in API order."""
    rows = db.session.execute(
        select(ClassSection, Course)
        .join(Course, Course.code == ClassSection.course_code)
        .order_by(ClassSection.course_code, ClassSection.section)
    )
    return tuple(static_class_json(section, course) for section, course in rows)


def static_class_json(section: ClassSection, course: Course) -> dict:
    """Return the API fields of a class that do not change at run time."""
    return {
        "id": section.id,
        "course_code": section.course_code,
        "course_name": course.name,
        "credits": course.credits,
        "section": section.section,
        "day": section.day,
        "start": format_time(section.start),
        "end": format_time(section.end),
        "room": section.room,
        "lecturer": section.lecturer,
        "capacity": section.capacity,
    }


def count_seats_taken() -> dict[int, int]:
    """Count the selections of every class in one grouped query."""
    rows = db.session.execute(
        select(Selection.class_id, func.count()).group_by(Selection.class_id)
    )
    return {class_id: count for class_id, count in rows}


def get_schedule() -> Schedule:
    """Return the app's schedule cache, creating it on first use."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        config = current_app.config
        extensions[EXTENSION_KEY] = Schedule(
            config["CATALOGUE_TTL_SECONDS"], config["SEATS_TTL_SECONDS"]
        )
    return extensions[EXTENSION_KEY]
