{{/*
Hook Job that waits for the database, creates the schema and seeds it, or with
databaseJob.reset drops every table and seeds again. It runs after install and
upgrade because the in-chart database starts with the release.
*/}}
{{- define "prs-common.databaseJob" -}}
{{- $labels := dict "root" . "component" "database-setup" }}
{{- $job := .Values.databaseJob }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
  annotations:
    helm.sh/hook: post-install,post-upgrade
    helm.sh/hook-weight: "0"
    # A failed Job stays for `kubectl logs`; the next install or upgrade replaces it.
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $job.backoffLimit }}
  activeDeadlineSeconds: {{ $job.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "prs-common.labels" $labels | nindent 8 }}
        {{- include "prs-common.databaseClientLabel" . | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: database-setup
          image: {{ include "prs-common.image" (dict "root" . "image" .Values.image) | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
            - sh
            - -ec
            - |
              python - <<'PY'
              import os, sys, time
              import sqlalchemy
              from sqlalchemy.exc import OperationalError

              timeout = int(os.environ["WAIT_TIMEOUT_SECONDS"])
              deadline = time.monotonic() + timeout
              engine = sqlalchemy.create_engine(os.environ["DATABASE_URL"])
              while True:
                  try:
                      with engine.connect():
                          break
                  except OperationalError as error:
                      reason = str(error.orig).strip().splitlines()[0]
                      if time.monotonic() > deadline:
                          sys.exit(f"Database not reachable after {timeout} s: {reason}")
                      print(f"Waiting for the database: {reason}", flush=True)
                      time.sleep(2)
              print("Database is reachable.", flush=True)
              PY
              {{- if $job.reset }}
              # databaseJob.reset: every install and upgrade starts from the
              # same freshly seeded data, as measured runs need.
              prs reset-db --students "$SEED_STUDENTS" --seed "$SEED_RANDOM_SEED"
              {{- else }}
              prs init-db
              # --if-empty: an upgrade reruns this Job and must not seed twice.
              prs seed --if-empty --students "$SEED_STUDENTS" --seed "$SEED_RANDOM_SEED"
              {{- end }}
          env:
            - name: WAIT_TIMEOUT_SECONDS
              value: {{ $job.waitTimeoutSeconds | quote }}
            - name: SEED_STUDENTS
              value: {{ $job.seed.students | quote }}
            - name: SEED_RANDOM_SEED
              value: {{ $job.seed.randomSeed | quote }}
            {{- include "prs-common.appEnv" . | nindent 12 }}
          resources:
            {{- toYaml $job.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end }}

{{/*
`helm test` pod that runs the student flow through the entry point. Takes a dict
with "root" and "url".
*/}}
{{- define "prs-common.testPod" -}}
{{- $root := .root }}
{{- $labels := dict "root" $root "component" "smoke-test" }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "prs-common.componentName" $labels }}
  labels:
    {{- include "prs-common.labels" $labels | nindent 4 }}
    {{- include "prs-common.databaseClientLabel" $root | nindent 4 }}
  annotations:
    helm.sh/hook: test
    # A failed test pod stays for `kubectl logs`; the next `helm test` replaces it.
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  initContainers:
    # `helm test` may start while the entry point's pods are still coming up,
    # so the flow starts only once GET /readyz answers 200 (at most 120 s).
    - name: wait-for-entry-point
      image: {{ include "prs-common.image" (dict "root" $root "image" $root.Values.image) | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command:
        - python
        - -c
        - |
          import sys, time, urllib.request

          url, timeout = sys.argv[1], int(sys.argv[2])
          deadline = time.monotonic() + timeout
          while True:
              try:
                  urllib.request.urlopen(url, timeout=5).close()
                  break
              except OSError as error:  # refused, timed out or not 200
                  if time.monotonic() > deadline:
                      sys.exit(f"{url} did not answer 200 within {timeout} s: {error}")
                  print(f"Waiting for {url}: {error}", flush=True)
                  time.sleep(2)
          print(f"{url} answered.", flush=True)
        - {{ printf "%s/readyz" .url | quote }}
        - "120"
      resources:
        {{- toYaml $root.Values.databaseJob.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  containers:
    - name: smoke-test
      image: {{ include "prs-common.image" (dict "root" $root "image" $root.Values.image) | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command: ["python", "-m", "prs.smoke", "--url", {{ .url | quote }}]
      env:
        {{- include "prs-common.appEnv" $root | nindent 8 }}
      resources:
        {{- toYaml $root.Values.databaseJob.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
{{- end }}
