{{/*
In-chart PostgreSQL: a headless Service and a one-pod StatefulSet of the official
image. Without persistence the data lives in an emptyDir and is lost with the pod.
*/}}
{{- define "prs-common.postgresql" -}}
{{- if .Values.postgresql.enabled }}
{{- $pg := .Values.postgresql }}
{{- $labels := dict "root" . "component" "postgresql" }}
{{- $name := include "prs-common.componentName" $labels }}
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  # Headless: the name resolves to the one pod, and it is the StatefulSet's
  # governing Service.
  clusterIP: None
  ports:
    - name: postgresql
      port: 5432
      targetPort: postgresql
      protocol: TCP
  selector:
    {{- include "prs-common.selectorLabels" $labels | nindent 4 }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "prs-common.statefulSetName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  serviceName: {{ $name }}
  replicas: 1
  selector:
    matchLabels:
      {{- include "prs-common.selectorLabels" $labels | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/secret: {{ include "prs-common.secretChecksum" . }}
      labels:
        {{- include "prs-common.labels" $labels | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml $pg.podSecurityContext | nindent 8 }}
      containers:
        - name: postgresql
          image: {{ printf "%s:%s" $pg.image.repository ($pg.image.tag | toString) | quote }}
          imagePullPolicy: {{ $pg.image.pullPolicy }}
          env:
            - name: POSTGRES_USER
              value: {{ $pg.auth.username | quote }}
            - name: POSTGRES_DB
              value: {{ $pg.auth.database | quote }}
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $pg.auth.existingSecret | default (include "prs-common.secretName" .) }}
                  key: {{ ternary $pg.auth.existingSecretKey "database-password" (not (empty $pg.auth.existingSecret)) }}
            # A subdirectory, because initdb rejects a mount point that contains
            # lost+found.
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          ports:
            - name: postgresql
              containerPort: 5432
              protocol: TCP
          readinessProbe:
            exec:
              command: ["pg_isready", "-h", "127.0.0.1", "-U", {{ $pg.auth.username | quote }}, "-d", {{ $pg.auth.database | quote }}]
            periodSeconds: 5
            timeoutSeconds: 3
          livenessProbe:
            exec:
              command: ["pg_isready", "-h", "127.0.0.1", "-U", {{ $pg.auth.username | quote }}, "-d", {{ $pg.auth.database | quote }}]
            initialDelaySeconds: 30
            periodSeconds: 10
            timeoutSeconds: 5
          resources:
            {{- toYaml $pg.resources | nindent 12 }}
          securityContext:
            {{- toYaml $pg.securityContext | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: run
              mountPath: /var/run/postgresql
            - name: tmp
              mountPath: /tmp
            - name: shm
              mountPath: /dev/shm
      volumes:
        - name: run
          emptyDir: {}
        - name: tmp
          emptyDir: {}
        # Parallel queries use POSIX shared memory, which the runtime caps at 64 MiB.
        - name: shm
          emptyDir:
            medium: Memory
            sizeLimit: 256Mi
        {{- if not $pg.persistence.enabled }}
        - name: data
          emptyDir: {}
        {{- end }}
  {{- if $pg.persistence.enabled }}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          {{- include "prs-common.selectorLabels" $labels | nindent 10 }}
      spec:
        accessModes:
          {{- toYaml $pg.persistence.accessModes | nindent 10 }}
        {{- with $pg.persistence.storageClass }}
        storageClassName: {{ . | quote }}
        {{- end }}
        resources:
          requests:
            storage: {{ $pg.persistence.size | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy that admits only this release's app pods and schema Job to the
in-chart database.
*/}}
{{- define "prs-common.networkPolicy" -}}
{{- if and .Values.networkPolicy.enabled .Values.postgresql.enabled }}
{{- $labels := dict "root" . "component" "postgresql" }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "prs-common.selectorLabels" $labels | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .Release.Name }}
              {{- include "prs-common.databaseClientLabel" . | nindent 14 }}
      ports:
        - port: postgresql
          protocol: TCP
{{- end }}
{{- end }}
