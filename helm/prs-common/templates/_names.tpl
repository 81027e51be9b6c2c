{{/*
Chart name, overridable with nameOverride. Kubernetes names are limited to 63
characters (DNS label), so every name here is truncated to that length.
*/}}
{{- define "prs-common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Release-qualified name. The release name alone is used when it already contains
the chart name, so `helm install microservices ./helm/microservices` does not
repeat it.
*/}}
{{- define "prs-common.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of one component's objects: "<fullname>-<component>", or the fullname
alone when it already ends with the component (the monolith). The fullname is
cut first so the component suffix always survives. Takes a dict with "root",
"component" and an optional "maxLength" (default 63).
*/}}
{{- define "prs-common.componentName" -}}
{{- $component := .component }}
{{- $maxLength := int (.maxLength | default 63) }}
{{- $fullname := include "prs-common.fullname" .root }}
{{- if or (eq $fullname $component) (hasSuffix (printf "-%s" $component) $fullname) }}
{{- $fullname | trunc $maxLength | trimSuffix "-" }}
{{- else }}
{{- $prefix := $fullname | trunc (int (sub (sub $maxLength 1) (len $component))) | trimSuffix "-" }}
{{- printf "%s-%s" $prefix $component }}
{{- end }}
{{- end }}

{{/*
Name of one component's StatefulSet, at most 52 characters: the controller
labels each pod with controller-revision-hash "<name>-<10-character hash>",
and a label value is limited to 63 characters.
*/}}
{{- define "prs-common.statefulSetName" -}}
{{- include "prs-common.componentName" (merge (dict "maxLength" 52) .) }}
{{- end }}

{{/*
Chart name and version for the helm.sh/chart label, which allows no "+".
*/}}
{{- define "prs-common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Image reference; the tag defaults to the chart's appVersion.
Takes a dict with "root" and "image" (repository, tag).
*/}}
{{- define "prs-common.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag | toString) }}
{{- end }}
