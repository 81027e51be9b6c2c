"""The files of a result folder that the samplers write and the report reads."""

# resources.csv: one row per pod (locally, per replica's process tree) and poll.
RESOURCE_COLUMNS = ("time", "service", "pod", "node", "cpu_millicores", "memory_mib")

# replicas.csv, cluster runs only: one row per service and poll.
REPLICA_COLUMNS = (
    "time",
    "service",
    "current_replicas",
    "desired_replicas",
    "cpu_utilization_percent",
    "ready_pods",
)
