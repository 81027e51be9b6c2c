{{/*
Fail once with every problem in the values, each naming the key to set.
*/}}
{{- define "monolith.validateValues" -}}
{{- $problems := list (include "prs-common.sharedProblems" .) }}
{{- $problems = append $problems (include "prs-common.serviceProblems" (dict "service" (.Values | toJson | fromJson) "key" "")) }}
{{- include "prs-common.failOnProblems" (join "\n" $problems) }}
{{- end }}

{{/*
URL of the entry point inside the cluster, for the test pod.
*/}}
{{- define "monolith.entryPointURL" -}}
{{- printf "http://%s:%v" (include "prs-common.componentName" (dict "root" . "component" "monolith")) .Values.service.port }}
{{- end }}
