{{/*
Optional Ingress to the entry point, for clusters that run an ingress controller.
Takes a dict with "root" and "component" (the entry point's Service).
*/}}
{{- define "prs-common.ingress" -}}
{{- $root := .root }}
{{- $ingress := $root.Values.ingress }}
{{- if $ingress.enabled }}
{{- $labels := dict "root" $root "component" .component }}
{{- $serviceName := include "prs-common.componentName" $labels }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $serviceName }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
  {{- with $ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $ingress.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- with $ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    - {{- with $ingress.host }}
      host: {{ . | quote }}
      {{- end }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $serviceName }}
                port:
                  name: http
{{- end }}
{{- end }}
