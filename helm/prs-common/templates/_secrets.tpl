{{/*
Name of the Secret that the chart creates for generated and given credentials.
*/}}
{{- define "prs-common.secretName" -}}
{{- include "prs-common.fullname" . }}
{{- end }}

{{/*
One base64 value of the chart's Secret: the value given in values, else the one
already stored in the cluster (so upgrades keep it), else a new random string.
`helm template` has no cluster, so it always generates.
Takes a dict with "root", "key", "value" and "length".
*/}}
{{- define "prs-common.secretValue" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace (include "prs-common.secretName" .root) }}
{{- $stored := dig "data" .key "" $existing }}
{{- if .value }}
{{- .value | toString | b64enc }}
{{- else if $stored }}
{{- $stored }}
{{- else }}
{{- randAlphaNum (int .length) | b64enc }}
{{- end }}
{{- end }}

{{/*
The chart's Secret: the token signing key, the in-chart database password and
the external database URL, each only when no existing Secret supplies it.
*/}}
{{- define "prs-common.secret" -}}
{{- $root := . }}
{{- $data := dict }}
{{- if not .Values.auth.existingSecret }}
{{- $_ := set $data "secret-key" (include "prs-common.secretValue" (dict "root" $root "key" "secret-key" "value" .Values.auth.secretKey "length" 64)) }}
{{- end }}
{{- if and .Values.postgresql.enabled (not .Values.postgresql.auth.existingSecret) }}
{{- $_ := set $data "database-password" (include "prs-common.secretValue" (dict "root" $root "key" "database-password" "value" .Values.postgresql.auth.password "length" 32)) }}
{{- end }}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.url (not .Values.externalDatabase.existingSecret) }}
{{- $_ := set $data "database-url" (.Values.externalDatabase.url | b64enc) }}
{{- end }}
{{- if $data }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "prs-common.secretName" . }}
  labels:
    {{- include "prs-common.labels" (dict "root" . "component" "credentials") | nindent 4 }}
type: Opaque
data:
  {{- range $key, $value := $data }}
  {{ $key }}: {{ $value | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Checksum of the values that feed the Secret, for pod annotations: changing a
given credential rolls the pods, while generated ones stay stable on upgrade.
*/}}
{{- define "prs-common.secretChecksum" -}}
{{- $inputs := dict "auth" .Values.auth "postgresql" .Values.postgresql.auth "externalDatabase" .Values.externalDatabase "enabled" .Values.postgresql.enabled }}
{{- toJson $inputs | sha256sum }}
{{- end }}
