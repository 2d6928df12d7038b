{{/* The OTLP receiver's pieces of the pod: who may send (a bearer token file, a client CA, or explicitly anyone), its flags and volumes. */}}

{{- define "riskgate.checkOtlp" -}}
{{- $otlp := .Values.otlp -}}
{{- if and $otlp.enabled (not $otlp.tokenSecret.name) (not $otlp.clientCaConfigMap.name) (not $otlp.insecure) -}}
{{- fail "otlp.enabled needs otlp.tokenSecret.name (a bearer token the collector's bearertokenauth extension sends) or otlp.clientCaConfigMap.name (mTLS): without either, anyone who reaches the port feeds the edge baseline; set otlp.insecure=true to accept that" -}}
{{- end -}}
{{- end -}}

{{/* serve flags for the receiver's authentication. */}}
{{- define "riskgate.otlpAuthArgs" -}}
{{- $otlp := .Values.otlp -}}
{{- if $otlp.tokenSecret.name }}
- --otlp-token-file=/etc/riskgate/otlp-token/token
{{- end }}
{{- if $otlp.clientCaConfigMap.name }}
- --otlp-client-ca=/etc/riskgate/otlp-client-ca/ca.crt
{{- end }}
{{- if and $otlp.insecure (not $otlp.tokenSecret.name) (not $otlp.clientCaConfigMap.name) }}
- --otlp-insecure
{{- end }}
{{- end -}}

{{- define "riskgate.otlpVolumeMounts" -}}
{{- $otlp := .Values.otlp -}}
{{- if and $otlp.enabled $otlp.tokenSecret.name }}
- name: otlp-token
  mountPath: /etc/riskgate/otlp-token
  readOnly: true
{{- end }}
{{- if and $otlp.enabled $otlp.clientCaConfigMap.name }}
- name: otlp-client-ca
  mountPath: /etc/riskgate/otlp-client-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* The token Secret's key as the file `token` (riskgate re-reads it when the kubelet updates the volume: rotation without a restart). */}}
{{- define "riskgate.otlpVolumes" -}}
{{- $otlp := .Values.otlp -}}
{{- if and $otlp.enabled $otlp.tokenSecret.name }}
- name: otlp-token
  secret:
    secretName: {{ $otlp.tokenSecret.name }}
    defaultMode: 288 # 0440, written in decimal: YAML 1.1 and 1.2 readers agree on it
    items:
      - key: {{ $otlp.tokenSecret.key | quote }}
        path: token
{{- end }}
{{- if and $otlp.enabled $otlp.clientCaConfigMap.name }}
- name: otlp-client-ca
  configMap:
    name: {{ $otlp.clientCaConfigMap.name }}
    items:
      - key: {{ $otlp.clientCaConfigMap.key | quote }}
        path: ca.crt
{{- end }}
{{- end -}}
