"""Track the peak resident set size of every process of a running stack."""

import threading

import psutil

MIB = 1024 * 1024


class PeakRss:
    """Poll process trees in a background thread and keep each process's peak RSS."""

    def __init__(self, roots, interval=0.2):
        self.roots = roots  # {service: [(label, root pid)]}
        self.interval = interval
        self.peaks = {}  # pid -> (service, label, name, peak bytes)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def poll(self):
        """Sample every process until stopped, so short peaks are kept."""
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def sample(self):
        """Record the RSS of each root process and all of its children once."""
        for service, replicas in self.roots.items():
            for label, pid in replicas:
                for process in process_tree(pid):
                    self.record(service, label, process)

    def record(self, service, label, process):
        """Keep the larger of the recorded and the current RSS of one process."""
        try:
            rss = process.memory_info().rss
            name = process.name()
        except psutil.Error:
            return  # the process exited between listing and reading
        role = "master" if process.pid == root_pid(self.roots, label) else "worker"
        known = self.peaks.get(process.pid)
        if known is None or rss > known[3]:
            self.peaks[process.pid] = (
                service,
                f"{label} {name} {role}",
                process.pid,
                rss,
            )

    def rows(self):
        """Return (service, process, pid, peak MiB) rows sorted by service and pid."""
        return [
            (service, process, pid, rss / MIB)
            for service, process, pid, rss in sorted(self.peaks.values())
        ]


def root_pid(roots, label):
    """Return the root pid of a replica label."""
    for replicas in roots.values():
        for replica_label, pid in replicas:
            if replica_label == label:
                return pid
    return None


def process_tree(pid):
    """Return a process and all of its descendants, or [] when it is gone."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
