{{/* The data directory's volume (spool, delivered archive, edge baseline) and its size in MiB, for the spool check. */}}

{{/* A Kubernetes quantity ("512Mi", "1Gi", "500M", "1073741824") in MiB, as a decimal text; stops the render on other forms. */}}
{{- define "riskgate.quantityMiB" -}}
{{- $text := .quantity | toString | trim -}}
{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$" $text) -}}
{{- fail (printf "%s %q: the chart compares it with hec.spoolMaxMb and reads only a number with an optional unit (Ki, Mi, Gi, Ti, k, M, G, T, ...), e.g. 512Mi or 1Gi" .what $text) -}}
{{- end -}}
{{- $number := regexReplaceAll "^([0-9.]+)([A-Za-z]*)$" $text "${1}" -}}
{{- $unit := regexReplaceAll "^([0-9.]+)([A-Za-z]*)$" $text "${2}" -}}
{{- $bytes := dict "" "1" "Ki" "1024" "Mi" "1048576" "Gi" "1073741824" "Ti" "1099511627776" "Pi" "1125899906842624" "Ei" "1152921504606846976" "k" "1000" "M" "1000000" "G" "1000000000" "T" "1000000000000" "P" "1000000000000000" "E" "1000000000000000000" -}}
{{- divf (mulf (float64 $number) (float64 (get $bytes $unit))) 1048576.0 -}}
{{- end -}}

{{/*
Where the size of the data volume is written, as (dict "quantity" ... "what" ...), or an empty dict when the volume has no
size the chart can read (hostPath, and any other source).
*/}}
{{- define "riskgate.dataVolumeSize" -}}
{{- $volume := .Values.dataDir.volume | default dict -}}
{{- if not $volume -}}
{{- toJson (dict "quantity" .Values.dataDir.sizeLimit "what" "dataDir.sizeLimit") -}}
{{- else if and $volume.emptyDir $volume.emptyDir.sizeLimit -}}
{{- toJson (dict "quantity" $volume.emptyDir.sizeLimit "what" "dataDir.volume.emptyDir.sizeLimit") -}}
{{- else if $volume.ephemeral -}}
{{- $storage := dig "volumeClaimTemplate" "spec" "resources" "requests" "storage" "" $volume.ephemeral -}}
{{- if $storage -}}
{{- toJson (dict "quantity" $storage "what" "dataDir.volume.ephemeral.volumeClaimTemplate.spec.resources.requests.storage") -}}
{{- else -}}
{}
{{- end -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{/*
The spool must fit on the data volume with the delivered archive (64 MiB) beside it: an emptyDir over its sizeLimit gets
the pod evicted, a full volume makes spool appends fail.
*/}}
{{- define "riskgate.checkSpoolSize" -}}
{{- if .Values.hec.enabled -}}
{{- $size := include "riskgate.dataVolumeSize" . | fromJson -}}
{{- if $size.quantity -}}
{{- $available := include "riskgate.quantityMiB" $size | float64 -}}
{{- $needed := addf (float64 .Values.hec.spoolMaxMb) 64.0 -}}
{{- if ge $needed $available -}}
{{- $most := sub (int (ceil (subf $available 64.0))) 1 -}}
{{- $lower := ternary (printf " or lower hec.spoolMaxMb to at most %d" $most) "" (ge $most 1) -}}
{{- fail (printf "hec.spoolMaxMb (%d MiB) plus the 64 MiB delivered archive must stay below %s (%s): raise %s%s" (int .Values.hec.spoolMaxMb) $size.what $size.quantity $size.what $lower) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The data volume: the default emptyDir, or dataDir.volume; a source every replica would share is refused. */}}
{{- define "riskgate.dataVolume" -}}
{{- $volume := .Values.dataDir.volume | default dict -}}
{{- if hasKey $volume "persistentVolumeClaim" -}}
{{- fail (printf "dataDir.volume.persistentVolumeClaim would be one claim shared by all %d replicas, and a data directory takes one riskgate server: use ephemeral (a claim per pod) or hostPath (with podAntiAffinity: hard)" (int .Values.replicaCount)) -}}
{{- end -}}
{{- if and (hasKey $volume "hostPath") (ne .Values.podAntiAffinity "hard") -}}
{{- fail "dataDir.volume.hostPath needs podAntiAffinity: hard, so that two replicas never share a node's directory (a data directory takes one riskgate server)" -}}
{{- end -}}
- name: data
{{- if $volume }}
  {{- toYaml $volume | nindent 2 }}
{{- else }}
  emptyDir:
    sizeLimit: {{ .Values.dataDir.sizeLimit }}
{{- end }}
{{- end -}}
