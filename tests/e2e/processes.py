"""Process-tree helpers for checking that a stack leaves nothing behind."""

import psutil


def process_tree(pids):
    """Return the processes started as `pids` together with all their descendants."""
    tree = []
    for pid in pids:
        root = psutil.Process(pid)
        tree.append(root)
        tree.extend(root.children(recursive=True))
    return tree


def still_running(processes):
    """Return the pids among `processes` that are alive and not zombies."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process.pid)
        except psutil.NoSuchProcess:
            continue
    return alive
