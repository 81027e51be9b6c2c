{{/*
NOTES.txt body: how to reach the entry point and load-test it. Takes a dict with
"root", "component" (the entry point) and "service" (its Service settings).
*/}}
{{- define "prs-common.notes" -}}
{{- $root := .root }}
{{- $name := include "prs-common.componentName" (dict "root" $root "component" .component) }}
{{- $namespace := $root.Release.Namespace }}
{{- $secret := $root.Values.auth.existingSecret | default (include "prs-common.secretName" $root) }}
{{- $secretKey := ternary $root.Values.auth.existingSecretKey "secret-key" (not (empty $root.Values.auth.existingSecret)) }}
PRS {{ $root.Chart.Name }} {{ $root.Chart.AppVersion }} is installed as release "{{ $root.Release.Name }}" in namespace "{{ $namespace }}".

The apps report ready once the hook Job {{ include "prs-common.componentName" (dict "root" $root "component" "database-setup") }} has created the schema and seeded the database. Watch the pods with:

  kubectl get pods -n {{ $namespace }} -l app.kubernetes.io/instance={{ $root.Release.Name }}

1. Reach the entry point ({{ $name }}):
{{- if $root.Values.ingress.enabled }}

  Through the Ingress: http://{{ $root.Values.ingress.host | default "<ingress controller address>" }}/api/classes
{{- end }}
{{- if eq .service.type "NodePort" }}

  export PRS_HOST=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
  export PRS_PORT=$(kubectl get svc {{ $name }} -n {{ $namespace }} -o jsonpath='{.spec.ports[0].nodePort}')
{{- else if eq .service.type "LoadBalancer" }}

  export PRS_HOST=$(kubectl get svc {{ $name }} -n {{ $namespace }} -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  export PRS_PORT={{ .service.port }}
{{- else }}

  kubectl port-forward -n {{ $namespace }} svc/{{ $name }} 8080:{{ .service.port }}
  export PRS_HOST=127.0.0.1 PRS_PORT=8080
{{- end }}
  curl "http://$PRS_HOST:$PRS_PORT/api/classes?per_page=5"

2. Check the student flow through the entry point:

  helm test {{ $root.Release.Name }} -n {{ $namespace }}

3. Load-test it with JMeter through Taurus, from the repository root. The tokens
   must be signed with this release's key, and `prs issue-tokens` must read a
   database seeded with the same options, so rebuild the local one under var/
   (students {{ $root.Values.databaseJob.seed.students }}, seed {{ $root.Values.databaseJob.seed.randomSeed }}):

  export PRS_SECRET_KEY=$(kubectl get secret {{ $secret }} -n {{ $namespace }} -o jsonpath='{.data.{{ $secretKey }}}' | base64 -d)
  prs reset-db --students {{ $root.Values.databaseJob.seed.students }} --seed {{ $root.Values.databaseJob.seed.randomSeed }}
  prs issue-tokens --out var/tokens.csv
  .venv/bin/bzt jmeter/prs.yml -o scenarios.prs.properties.protocol=http \
    -o scenarios.prs.properties.host=$PRS_HOST -o scenarios.prs.properties.port=$PRS_PORT \
    -o settings.env.PRS_TOKENS=$PWD/var/tokens.csv
{{- if not $root.Values.databaseJob.reset }}

   Each session uses up students, so a second run needs fresh data: upgrade
   with --set databaseJob.reset=true, or use `prslab cluster-run`, which does.
{{- end }}
{{- end }}
