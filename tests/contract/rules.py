"""Pick classes from the seeded catalogue that exercise each rule."""


def overlaps(first, second) -> bool:
    """Return whether two classes meet on the same day at overlapping times."""
    return (
        first.day == second.day
        and first.start < second.end
        and second.start < first.end
    )


def pick_compatible(catalogue, count: int, credit_budget: int = 18) -> list:
    """Pick classes of distinct courses that never clash, within a credit budget."""
    chosen = []
    for row in catalogue:
        if len(chosen) == count:
            break
        if any(row.course_code == other.course_code for other in chosen):
            continue
        if any(overlaps(row, other) for other in chosen):
            continue
        if sum(other.credits for other in chosen) + row.credits > credit_budget:
            continue
        chosen.append(row)
    assert len(chosen) == count, "the catalogue has too few compatible classes"
    return chosen


def pick_clashing_pair(catalogue) -> tuple:
    """Pick two classes of different courses that overlap in time."""
    for first in catalogue:
        for second in catalogue:
            if first.course_code != second.course_code and overlaps(first, second):
                return first, second
    raise AssertionError("the catalogue has no clashing classes")


def fill_to_credit_limit(catalogue, limit: int) -> tuple[list, object]:
    """Pick compatible classes up to the limit and one more that exceeds it."""
    chosen = []
    for row in catalogue:
        if any(row.course_code == other.course_code for other in chosen):
            continue
        if any(overlaps(row, other) for other in chosen):
            continue
        if sum(other.credits for other in chosen) + row.credits > limit:
            return chosen, row
        chosen.append(row)
    raise AssertionError(f"the catalogue cannot exceed {limit} credits")
