{{/* The Splunk HEC sink's pieces of the pod: where its CA comes from and the volume that mounts it. */}}

{{/* secret, configMap or "" (no CA of its own): hec.caSecret or hec.caConfigMap, not both. */}}
{{- define "riskgate.hecCaSource" -}}
{{- $hec := .Values.hec -}}
{{- if and $hec.enabled $hec.caSecret.name $hec.caConfigMap.name -}}
{{- fail "set hec.caSecret or hec.caConfigMap, not both: the HEC CA comes from one of them" -}}
{{- else if and $hec.enabled $hec.caSecret.name -}}
secret
{{- else if and $hec.enabled $hec.caConfigMap.name -}}
configMap
{{- end -}}
{{- end -}}

{{/* The hec-ca volume: only the CA key, as the file ca.crt that --hec-ca-file names. */}}
{{- define "riskgate.hecCaVolume" -}}
{{- $source := include "riskgate.hecCaSource" . -}}
{{- if eq $source "secret" }}
- name: hec-ca
  secret:
    secretName: {{ .Values.hec.caSecret.name }}
    items:
      - key: {{ .Values.hec.caSecret.key | quote }}
        path: ca.crt
{{- else if eq $source "configMap" }}
- name: hec-ca
  configMap:
    name: {{ .Values.hec.caConfigMap.name }}
    items:
      - key: {{ .Values.hec.caConfigMap.key | quote }}
        path: ca.crt
{{- end }}
{{- end -}}
