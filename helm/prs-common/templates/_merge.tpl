{{/*
Deep-merge "override" into a copy of "base" and return the result as JSON.
Sprig's mergeOverwrite skips false, 0 and "" in the override, so a service could
not switch off a default that is on; this merge copies every key it is given.
*/}}
{{- define "prs-common.merge" -}}
{{- $merged := deepCopy .base }}
{{- range $key, $value := .override }}
{{- $current := index $merged $key }}
{{- if and (kindIs "map" $value) (kindIs "map" $current) }}
{{- $_ := set $merged $key (include "prs-common.merge" (dict "base" $current "override" $value) | fromJson) }}
{{- else }}
{{- $_ := set $merged $key $value }}
{{- end }}
{{- end }}
{{- toJson $merged }}
{{- end }}
