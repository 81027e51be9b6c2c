{{/*
Environment that connects a container to the database, identical for every app,
the schema Job and the test pod. The in-chart URL embeds the password through
Kubernetes' $(VAR) expansion, which requires DATABASE_PASSWORD to come first.
*/}}
{{- define "prs-common.databaseEnv" -}}
{{- if .Values.postgresql.enabled }}
{{- $auth := .Values.postgresql.auth }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $auth.existingSecret | default (include "prs-common.secretName" .) }}
      key: {{ ternary $auth.existingSecretKey "database-password" (not (empty $auth.existingSecret)) }}
- name: DATABASE_URL
  value: {{ printf "postgresql+psycopg2://%s:$(DATABASE_PASSWORD)@%s:5432/%s" $auth.username (include "prs-common.componentName" (dict "root" . "component" "postgresql")) $auth.database | quote }}
{{- else }}
{{- $external := .Values.externalDatabase }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $external.existingSecret | default (include "prs-common.secretName" .) }}
      key: {{ ternary $external.existingSecretKey "database-url" (not (empty $external.existingSecret)) }}
{{- end }}
{{- end }}

{{/*
Environment shared by every PRS container: the mode and the token signing key.
*/}}
{{- define "prs-common.appEnv" -}}
- name: PRS_ENV
  value: {{ .Values.prsEnv | quote }}
- name: PRS_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.existingSecret | default (include "prs-common.secretName" .) }}
      key: {{ ternary .Values.auth.existingSecretKey "secret-key" (not (empty .Values.auth.existingSecret)) }}
{{ include "prs-common.databaseEnv" . }}
{{- end }}
