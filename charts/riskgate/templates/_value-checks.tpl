{{/* Combinations of values the schema cannot refuse, each stopped with a message naming the values to change. */}}

{{- define "riskgate.checkValues" -}}
{{- include "riskgate.checkSpoolSize" . -}}
{{- include "riskgate.checkCallers" . -}}
{{- include "riskgate.checkOtlp" . -}}
{{- $own := list "policy" "certs" "tls" "data" "tmp" "hec-ca" "client-ca" "otlp-token" "otlp-client-ca" -}}
{{- range .Values.extraVolumes -}}
{{- if has .name $own -}}
{{- fail (printf "extraVolumes: the name %q is one of the chart's own volumes (%s): pick another" .name (join ", " $own)) -}}
{{- end -}}
{{- end -}}
{{- if .Values.otlp.enabled -}}
{{- $taken := dict "containerPort" .Values.containerPort -}}
{{- if .Values.metrics.enabled -}}{{- $_ := set $taken "metrics.port" .Values.metrics.port -}}{{- end -}}
{{- if .Values.auditor.enabled -}}{{- $_ := set $taken "auditor.port" .Values.auditor.port -}}{{- end -}}
{{- range $name, $port := $taken -}}
{{- if eq (int $port) (int $.Values.otlp.port) -}}
{{- fail (printf "otlp.port %d is already %s: the OTLP receiver needs a port of its own" (int $.Values.otlp.port) $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
