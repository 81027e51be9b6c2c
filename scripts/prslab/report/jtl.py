"""Read JMeter CSV results (kpi.jtl) into samples."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from prslab.report.errors import ReportError

REQUIRED_COLUMNS = ("timeStamp", "elapsed", "label", "responseCode", "success")

# The plan labels an outcome that is correct under load apart from the operation,
# e.g. "add selection (409 class_full)", and the report counts it under the operation.
EXPECTED_SUFFIX = re.compile(
    r"^(?P<operation>.+?) \((?P<code>\d{3}) (?P<reason>[a-z_]+)\)$"
)


@dataclass(frozen=True)
class Sample:
    """One JMeter sample: times in milliseconds since the epoch."""

    start_ms: int
    elapsed_ms: int
    operation: str
    response_code: str
    success: bool
    all_threads: int
    expected_outcome: str | None  # e.g. "409 class_full", else None

    @property
    def end_ms(self):
        """Return the time the response ended."""
        return self.start_ms + self.elapsed_ms


def read_jtl(path):
    """Parse a JMeter CSV file into samples, raising ReportError on bad input."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(
            f"{path}: missing. A run folder needs the JMeter CSV results of its run"
        )

    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.DictReader(handle)
        check_header(path, reader.fieldnames)
        samples = [parse_row(path, reader.line_num, row) for row in reader]

    if not samples:
        raise ReportError(f"{path}: contains a header but no samples")
    return samples


def check_header(path, fieldnames):
    """Raise ReportError unless the CSV header has the columns the report needs."""
    if not fieldnames:
        raise ReportError(f"{path}: empty file, expected a JMeter CSV header")

    missing = [name for name in REQUIRED_COLUMNS if name not in fieldnames]
    if missing:
        raise ReportError(
            f"{path}: header lacks {', '.join(missing)}. Save JMeter results as CSV"
            " with the default columns"
        )


def parse_row(path, line, row):
    """Turn one CSV row into a Sample, raising ReportError that names file and line."""
    if None in row or any(row[name] is None for name in REQUIRED_COLUMNS):
        raise ReportError(f"{path}:{line}: wrong number of fields")

    try:
        start_ms = int(row["timeStamp"])
        elapsed_ms = int(row["elapsed"])
        all_threads = int(row.get("allThreads") or 0)
    except ValueError as error:
        raise ReportError(f"{path}:{line}: invalid number ({error})") from None

    success = row["success"].strip().lower()
    if success not in ("true", "false"):
        raise ReportError(
            f"{path}:{line}: success is {row['success']!r}, not true/false"
        )

    operation, expected = split_label(
        row["label"], row["responseCode"], success == "true"
    )
    return Sample(
        start_ms=start_ms,
        elapsed_ms=elapsed_ms,
        operation=operation,
        response_code=row["responseCode"],
        success=success == "true",
        all_threads=all_threads,
        expected_outcome=expected,
    )


def split_label(label, response_code, success):
    """Return the operation and, for a correct-under-load outcome, its kind."""
    match = EXPECTED_SUFFIX.match(label)
    if match:
        reason = f"{match['code']} {match['reason']}"
        return match["operation"], reason if success else None

    # A 4xx that the plan's assertions passed is correct under load, e.g. a 409.
    if success and response_code.startswith("4"):
        return label, response_code
    return label, None
