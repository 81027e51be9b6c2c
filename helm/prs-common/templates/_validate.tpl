{{/*
Problems in one service's settings, one line each. Takes a dict with "service"
and "key" (the values path, e.g. "services.add-selection.").
*/}}
{{- define "prs-common.serviceProblems" -}}
{{- $service := .service }}
{{- $autoscaling := $service.autoscaling }}
{{- $requests := dig "resources" "requests" dict $service }}
{{- if $autoscaling.enabled }}
{{- if not $requests.cpu }}
{{ .key }}autoscaling.enabled is true but {{ .key }}resources.requests.cpu is not set: the HPA measures CPU utilization against the request, so set one (for example 100m).
{{- end }}
{{- if lt (int $autoscaling.maxReplicas) (int $autoscaling.minReplicas) }}
{{ .key }}autoscaling.maxReplicas ({{ $autoscaling.maxReplicas }}) is below {{ .key }}autoscaling.minReplicas ({{ $autoscaling.minReplicas }}): raise maxReplicas or lower minReplicas.
{{- end }}
{{- if and $autoscaling.targetMemoryUtilizationPercentage (not $requests.memory) }}
{{ .key }}autoscaling.targetMemoryUtilizationPercentage is set but {{ .key }}resources.requests.memory is not: set a memory request.
{{- end }}
{{- end }}
{{- $budget := $service.podDisruptionBudget }}
{{- if and $budget.enabled (kindIs "invalid" $budget.maxUnavailable) (kindIs "invalid" $budget.minAvailable) }}
{{ .key }}podDisruptionBudget.enabled is true but neither minAvailable nor maxUnavailable is set.
{{- end }}
{{- include "prs-common.budgetProblems" . }}
{{- end }}

{{/*
A PodDisruptionBudget that admits no eviction from a service of fixed size.
Such a budget makes `kubectl drain` wait forever, so rendering fails instead of
warning in NOTES.txt, which nobody reads at drain time. Percentages are not
checked. Takes the same dict as prs-common.serviceProblems.
NOTE: an autoscaled service idling at minReplicas blocks drains the same way;
it is not checked because the HPA, not the values, sets its pod count.
*/}}
{{- define "prs-common.budgetProblems" -}}
{{- $service := .service }}
{{- $budget := $service.podDisruptionBudget }}
{{- if and $budget.enabled (not $service.autoscaling.enabled) }}
{{- if kindIs "invalid" $budget.maxUnavailable }}
{{- if and (not (kindIs "string" $budget.minAvailable)) (ge (int $budget.minAvailable) (int $service.replicaCount)) }}
{{ .key }}podDisruptionBudget.minAvailable ({{ $budget.minAvailable }}) is not below {{ .key }}replicaCount ({{ $service.replicaCount }}), so no pod can be evicted and node drains block: raise replicaCount, lower minAvailable or set maxUnavailable.
{{- end }}
{{- else if eq (toString $budget.maxUnavailable) "0" "0%" }}
{{ .key }}podDisruptionBudget.maxUnavailable is {{ $budget.maxUnavailable }}, so no pod can be evicted and node drains block: set it to 1 or more.
{{- end }}
{{- end }}
{{- end }}

{{/*
Node ports that two Services of the release would share, one line each. Takes
a list of dicts with "key" (the values path of the port) and "service" (the
Service settings: type, nodePort).
*/}}
{{- define "prs-common.nodePortProblems" -}}
{{- $seen := dict }}
{{- range . }}
{{- $spec := .service }}
{{- if and (has $spec.type (list "NodePort" "LoadBalancer")) (not (kindIs "invalid" $spec.nodePort)) }}
{{- $port := toString $spec.nodePort }}
{{- if hasKey $seen $port }}
{{ .key }} ({{ $port }}) equals {{ index $seen $port }}: give each Service its own node port, or leave nodePort null so Kubernetes picks one.
{{- else }}
{{- $_ := set $seen $port .key }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Problems in the settings that both charts share, one line each.
*/}}
{{- define "prs-common.sharedProblems" -}}
{{- if .Values.postgresql.enabled }}
{{- if or .Values.externalDatabase.url .Values.externalDatabase.existingSecret }}
externalDatabase is set while postgresql.enabled is true: set postgresql.enabled=false to use the external database, or clear externalDatabase.
{{- end }}
{{- else if not (or .Values.externalDatabase.url .Values.externalDatabase.existingSecret) }}
postgresql.enabled is false but no external database is set: set externalDatabase.url or externalDatabase.existingSecret.
{{- end }}
{{- if and .Values.auth.secretKey (lt (len (toString .Values.auth.secretKey)) 32) }}
auth.secretKey has {{ len (toString .Values.auth.secretKey) }} characters but needs at least 32 for HS256: leave it empty to generate one.
{{- end }}
{{- if and .Values.networkPolicy.enabled (not .Values.postgresql.enabled) }}
networkPolicy.enabled only guards the in-chart database: set postgresql.enabled=true or networkPolicy.enabled=false.
{{- end }}
{{- end }}

{{/*
Fail once, listing every problem given as lines in "problems".
*/}}
{{- define "prs-common.failOnProblems" -}}
{{- $lines := list }}
{{- range splitList "\n" . }}
{{- if trim . }}
{{- $lines = append $lines (printf "- %s" (trim .)) }}
{{- end }}
{{- end }}
{{- if $lines }}
{{- fail (printf "\n\nInvalid values:\n%s\n" (join "\n" $lines)) }}
{{- end }}
{{- end }}
