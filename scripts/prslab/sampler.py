"""Sample the CPU and memory of each local service's process tree into resources.csv."""

import csv
import logging
import socket
import threading
import time
from datetime import UTC, datetime

import psutil

from prslab.results import RESOURCE_COLUMNS

logger = logging.getLogger(__name__)

MIB = 1024 * 1024


class ResourceSampler:
    """A background thread that writes one resources.csv row per replica per poll.

    `processes` maps each service name to its (replica label, root pid) pairs, as
    `run_stack(...).processes` does. CPU is in millicores (CPU seconds per second
    times 1000) and memory is RSS in MiB, both summed over the root process and
    all its descendants (a gunicorn master and its workers, or nginx's master and
    workers).
    """

    def __init__(self, processes, path, interval=1.0, node=None):
        if interval <= 0:
            raise ValueError(f"interval must be positive, not {interval}")
        self.path = path
        self.interval = interval
        self.node = node or socket.gethostname()
        self.replicas = [
            Replica(service, label, pid)
            for service, entries in processes.items()
            for label, pid in entries
        ]
        self.rows_written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="resource-sampler", daemon=True
        )

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        """Take the first reading and start polling in the background."""
        for replica in self.replicas:
            replica.read()
        self._thread.start()
        logger.info(
            "Sampling CPU and memory of %d processes every %.1f s into %s",
            len(self.replicas),
            self.interval,
            self.path,
        )

    def stop(self):
        """Stop polling and wait for the last row to be written."""
        self._stop.set()
        self._thread.join()
        logger.info("Wrote %d resource samples to %s", self.rows_written, self.path)

    def _run(self):
        """Poll until stopped, writing and flushing each row as it is taken."""
        with open(self.path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(RESOURCE_COLUMNS)
            while not self._stop.wait(self.interval):
                self._poll(writer)
                handle.flush()

    def _poll(self, writer):
        """Write one row for every replica that is still running."""
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        for replica in self.replicas:
            reading = replica.read()
            if reading is None:
                continue
            millicores, memory_mib = reading
            writer.writerow(
                (
                    stamp,
                    replica.service,
                    replica.label,
                    self.node,
                    f"{millicores:.1f}",
                    f"{memory_mib:.1f}",
                )
            )
            self.rows_written += 1


class Replica:
    """One replica's process tree and the CPU time it had used at the last read."""

    def __init__(self, service, label, pid):
        self.service = service
        self.label = label
        self.pid = pid
        self.last = None  # (monotonic seconds, CPU seconds) of the previous read
        self.gone = False

    def read(self):
        """Return (millicores since the last read, RSS MiB), or None without a rate."""
        if self.gone:
            return None
        try:
            now, cpu_seconds, rss = self._measure()
        except psutil.NoSuchProcess:
            logger.warning(
                "%s (pid %s) has exited; no more samples", self.label, self.pid
            )
            self.gone = True
            return None
        except psutil.AccessDenied as error:
            logger.warning("Cannot read %s (pid %s): %s", self.label, self.pid, error)
            self.gone = True
            return None

        previous, self.last = self.last, (now, cpu_seconds)
        if previous is None or now <= previous[0]:
            return None
        # An exited worker's time moves into the root's children_* counters once
        # it is reaped. Until then it drops out of the sum, so clamp at zero.
        used = max(cpu_seconds - previous[1], 0.0)
        return used / (now - previous[0]) * 1000, rss / MIB

    def _measure(self):
        """Return the time, the tree's total CPU seconds and its summed RSS bytes."""
        root = psutil.Process(self.pid)
        with root.oneshot():
            times = root.cpu_times()
            cpu_seconds = times.user + times.system
            # Reaped children (e.g. restarted gunicorn workers) count for the root.
            cpu_seconds += times.children_user + times.children_system
            rss = root.memory_info().rss
            children = root.children(recursive=True)

        for child in children:
            try:
                with child.oneshot():
                    times = child.cpu_times()
                    cpu_seconds += times.user + times.system
                    rss += child.memory_info().rss
            except psutil.NoSuchProcess:
                continue  # exited since children() listed it
        # NOTE: forked workers share pages with their master, so summed RSS
        # overstates the tree's real memory; it is the usual per-pod figure.
        return time.monotonic(), cpu_seconds, rss
