{{/*
WSGI module of each service, in the order the gateway routes them.
*/}}
{{- define "microservices.modules" -}}
class-schedule: microservices.class_schedule:app
exam-schedule: microservices.exam_schedule:app
add-selection: microservices.add_selection:app
validate-plan: microservices.validate_plan:app
drop-selection: microservices.drop_selection:app
{{- end }}

{{/*
Settings of one service: serviceDefaults with services.<name> merged over it.
Takes a dict with "root" and "name"; returns JSON.
*/}}
{{- define "microservices.serviceSettings" -}}
{{- $override := index .root.Values.services .name | default dict }}
{{- include "prs-common.merge" (dict "base" .root.Values.serviceDefaults "override" $override) }}
{{- end }}

{{/*
Fail once with every problem in the values, each naming the key to set.
*/}}
{{- define "microservices.validateValues" -}}
{{- $problems := list (include "prs-common.sharedProblems" .) }}
{{- $nodePorts := list (dict "key" "gateway.service.nodePort" "service" .Values.gateway.service) }}
{{- range $name, $module := include "microservices.modules" . | fromYaml }}
{{- $service := include "microservices.serviceSettings" (dict "root" $ "name" $name) | fromJson }}
{{- $problems = append $problems (include "prs-common.serviceProblems" (dict "service" $service "key" (printf "services.%s." $name))) }}
{{- $nodePorts = append $nodePorts (dict "key" (printf "services.%s.service.nodePort" $name) "service" $service.service) }}
{{- end }}
{{- $problems = append $problems (include "prs-common.nodePortProblems" $nodePorts) }}
{{- $gateway := dict "podDisruptionBudget" .Values.gateway.podDisruptionBudget "replicaCount" .Values.gateway.replicaCount "autoscaling" (dict "enabled" false) }}
{{- $problems = append $problems (include "prs-common.serviceProblems" (dict "service" $gateway "key" "gateway.")) }}
{{- include "prs-common.failOnProblems" (join "\n" $problems) }}
{{- end }}

{{/*
URL of the entry point inside the cluster, for the test pod.
*/}}
{{- define "microservices.entryPointURL" -}}
{{- printf "http://%s:%v" (include "prs-common.componentName" (dict "root" . "component" "gateway")) .Values.gateway.service.port }}
{{- end }}
