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
