{{/*
Selector labels of one component. Takes a dict with "root" and "component";
these labels must never change after install because Deployment selectors are
immutable.
*/}}
{{- define "prs-common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "prs-common.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Recommended labels of one component's objects. Takes a dict with "root" and
"component".
*/}}
{{- define "prs-common.labels" -}}
helm.sh/chart: {{ include "prs-common.chart" .root }}
{{ include "prs-common.selectorLabels" . }}
app.kubernetes.io/part-of: prs
{{- with .root.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
Label that the database NetworkPolicy admits: the app pods and the schema Job.
*/}}
{{- define "prs-common.databaseClientLabel" -}}
prs-lab/database-client: "true"
{{- end }}
