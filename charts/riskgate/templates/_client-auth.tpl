{{- /* Who may call the admission port: the probes' port and scheme (the health port once callers need a client certificate), and the checks of clientAuth and networkPolicy. */}}
{{- define "riskgate.probePort" -}}
{{- if .Values.clientAuth.enabled -}}
port: health
scheme: HTTP
{{- else -}}
port: https
scheme: HTTPS
{{- end -}}
{{- end -}}

{{- define "riskgate.checkCallers" -}}
{{- if and .Values.clientAuth.enabled (not .Values.clientAuth.caConfigMap.name) -}}
{{- fail "clientAuth.enabled needs clientAuth.caConfigMap.name: the ConfigMap holding the CA that signs the API server's client certificate" -}}
{{- end -}}
{{- if and .Values.clientAuth.enabled (eq (int .Values.clientAuth.healthPort) (int .Values.containerPort)) -}}
{{- fail "clientAuth.healthPort must differ from containerPort: the probes get a plain-HTTP port of their own" -}}
{{- end -}}
{{- if and .Values.networkPolicy.enabled (not .Values.networkPolicy.controlPlaneCidrs) -}}
{{- fail "networkPolicy.enabled needs networkPolicy.controlPlaneCidrs: the addresses the API server calls from (nothing else may reach the admission port)" -}}
{{- end -}}
{{- end -}}
