{{/*
Deployment of one gunicorn app. Takes a dict with "root", "component" (the
service name), "service" (its merged settings) and "module" (the WSGI app).
*/}}
{{- define "prs-common.deployment" -}}
{{- $root := .root }}
{{- $service := .service }}
{{- $labels := dict "root" $root "component" .component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  {{- if not $service.autoscaling.enabled }}
  replicas: {{ $service.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "prs-common.selectorLabels" $labels | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/secret: {{ include "prs-common.secretChecksum" $root }}
        {{- with $service.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "prs-common.labels" $labels | nindent 8 }}
        {{- include "prs-common.databaseClientLabel" $root | nindent 8 }}
        {{- with $service.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      # The preStop pause, then gunicorn's graceful timeout, plus 5 s of slack
      # before the kubelet kills what is left.
      terminationGracePeriodSeconds: {{ add (int $service.preStopSleepSeconds) (int $service.gunicorn.gracefulTimeout) 5 }}
      containers:
        - name: {{ .component }}
          image: {{ include "prs-common.image" (dict "root" $root "image" $root.Values.image) | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            - gunicorn
            - --config
            - python:prs.gunicorn_conf
            - {{ .module }}
          env:
            - name: HOST
              value: "0.0.0.0"
            - name: PORT
              value: {{ $service.containerPort | quote }}
            - name: GUNICORN_WORKERS
              value: {{ $service.gunicorn.workers | quote }}
            - name: GUNICORN_THREADS
              value: {{ $service.gunicorn.threads | quote }}
            - name: GUNICORN_TIMEOUT
              value: {{ $service.gunicorn.timeout | quote }}
            - name: GUNICORN_GRACEFUL_TIMEOUT
              value: {{ $service.gunicorn.gracefulTimeout | quote }}
            {{- include "prs-common.appEnv" $root | nindent 12 }}
            {{- with $service.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $service.containerPort }}
              protocol: TCP
          {{- include "prs-common.preStopSleep" $service.preStopSleepSeconds | nindent 10 }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $service.livenessProbe | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            {{- toYaml $service.readinessProbe | nindent 12 }}
          resources:
            {{- toYaml $service.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The root filesystem is read-only; Python and gunicorn need a scratch /tmp.
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with $service.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $service.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $service.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
Container lifecycle that pauses before SIGTERM, so that kube-proxy and the
gateway drop the pod's endpoint before the server closes its listener. Takes
the pause in seconds; 0 renders nothing.
*/}}
{{- define "prs-common.preStopSleep" -}}
{{- if . }}
lifecycle:
  preStop:
    exec:
      command: ["/bin/sleep", {{ . | quote }}]
{{- end }}
{{- end }}

{{/*
Service in front of one component's pods. Takes a dict with "root", "component"
and "service" (settings with service.type, service.port, service.nodePort).
*/}}
{{- define "prs-common.service" -}}
{{- $labels := dict "root" .root "component" .component }}
{{- $spec := .service.service }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  type: {{ $spec.type }}
  ports:
    - name: http
      port: {{ $spec.port }}
      targetPort: http
      protocol: TCP
      {{- if and (has $spec.type (list "NodePort" "LoadBalancer")) $spec.nodePort }}
      nodePort: {{ $spec.nodePort }}
      {{- end }}
  selector:
    {{- include "prs-common.selectorLabels" $labels | nindent 4 }}
{{- end }}

{{/*
HorizontalPodAutoscaler of one component, rendered only when autoscaling is on.
*/}}
{{- define "prs-common.hpa" -}}
{{- $labels := dict "root" .root "component" .component }}
{{- $autoscaling := .service.autoscaling }}
{{- if $autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "prs-common.componentName" $labels }}
  minReplicas: {{ $autoscaling.minReplicas }}
  maxReplicas: {{ $autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $autoscaling.targetCPUUtilizationPercentage }}
    {{- with $autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with $autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
PodDisruptionBudget of one component, rendered only when enabled.
*/}}
{{- define "prs-common.pdb" -}}
{{- $labels := dict "root" .root "component" .component }}
{{- $budget := .service.podDisruptionBudget }}
{{- if $budget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" $budget.maxUnavailable) }}
  maxUnavailable: {{ $budget.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $budget.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "prs-common.selectorLabels" $labels | nindent 6 }}
{{- end }}
{{- end }}

{{/*
Every object of one gunicorn app, separated as YAML documents.
*/}}
{{- define "prs-common.app" -}}
{{ include "prs-common.deployment" . }}
---
{{ include "prs-common.service" . }}
{{- with include "prs-common.hpa" . }}
---
{{ . }}
{{- end }}
{{- with include "prs-common.pdb" . }}
---
{{ . }}
{{- end }}
{{- end }}
