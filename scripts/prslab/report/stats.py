"""Compute response-time and throughput statistics from JMeter samples."""

import math
import statistics
from collections import Counter, defaultdict

PERCENTILES = (50, 90, 95, 99)
METRICS = (
    "samples",
    "throughput_rps",
    "mean_ms",
    "median_ms",
    "p90_ms",
    "p95_ms",
    "p99_ms",
    "error_rate_percent",
    "expected_outcomes",
)
TOTAL = "TOTAL"


def nearest_rank(sorted_values, percent):
    """Return the smallest value with at least percent% of values at or below it."""
    rank = math.ceil(percent / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def window_seconds(samples):
    """Return seconds from the first sample's start to the last response's end."""
    first = min(sample.start_ms for sample in samples)
    last = max(sample.end_ms for sample in samples)
    # One instant sample would give a zero window; count it as one millisecond.
    return max(last - first, 1) / 1000


def describe(samples, window_s):
    """Return the report's figures for one group of samples over the run's window."""
    elapsed = sorted(sample.elapsed_ms for sample in samples)
    errors = sum(1 for sample in samples if not sample.success)
    outcomes = Counter(s.expected_outcome for s in samples if s.expected_outcome)
    return {
        "samples": len(samples),
        "throughput_rps": len(samples) / window_s,
        "mean_ms": statistics.fmean(elapsed),
        "median_ms": nearest_rank(elapsed, 50),
        "p90_ms": nearest_rank(elapsed, 90),
        "p95_ms": nearest_rank(elapsed, 95),
        "p99_ms": nearest_rank(elapsed, 99),
        "errors": errors,
        "error_rate_percent": 100 * errors / len(samples),
        "expected_outcomes": sum(outcomes.values()),
        "expected_outcome_kinds": dict(sorted(outcomes.items())),
        "window_s": window_s,
    }


def describe_operations(samples):
    """Return figures per operation, plus a TOTAL entry over every sample.

    Every operation is divided by the window of the whole run, not by the span of
    its own samples, so the operations' throughputs add up to TOTAL's. A run
    without requests has no operations.
    """
    if not samples:
        return {}
    window_s = window_seconds(samples)
    by_operation = defaultdict(list)
    for sample in samples:
        by_operation[sample.operation].append(sample)

    figures = {
        name: describe(group, window_s) for name, group in sorted(by_operation.items())
    }
    figures[TOTAL] = describe(samples, window_s)
    return figures


def aggregate(values):
    """Return the mean and spread (sample standard deviation, min, max) of repeats."""
    return {
        "mean": statistics.fmean(values),
        "stdev": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def aggregate_runs(per_run):
    """Combine per-run figures of one topology into mean and spread per metric."""
    operations = sorted({name for figures in per_run for name in figures})
    combined = {}
    for name in operations:
        present = [figures[name] for figures in per_run if name in figures]
        combined[name] = {
            metric: aggregate([figures[metric] for figures in present])
            for metric in METRICS
        }
    return combined


def time_series(samples, bucket_s):
    """Return (seconds from start, requests per second, mean ms) per time bucket."""
    first = min(sample.start_ms for sample in samples)
    buckets = defaultdict(list)
    for sample in samples:
        # Bucket by response end, so throughput counts completed requests.
        buckets[int((sample.end_ms - first) / 1000 // bucket_s)].append(
            sample.elapsed_ms
        )

    series = []
    for index in range(max(buckets) + 1):
        elapsed = buckets.get(index, [])
        mean = statistics.fmean(elapsed) if elapsed else math.nan
        series.append((index * bucket_s, len(elapsed) / bucket_s, mean))
    return series
