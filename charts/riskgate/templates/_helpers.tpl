{{/* Names, labels, the certificate mode and the webhook rules derived from files/rules.json (the rule catalog). */}}

{{- define "riskgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "riskgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "riskgate.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "riskgate.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "riskgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "riskgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "riskgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "riskgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "riskgate.secretName" -}}
{{- if .Values.tls.existingSecret -}}
{{- .Values.tls.existingSecret -}}
{{- else -}}
{{- default (printf "%s-tls" (include "riskgate.fullname" .)) .Values.tls.secretName -}}
{{- end -}}
{{- end -}}

{{/* self-managed | provided | cert-manager; conflicting settings stop the render with a message. */}}
{{- define "riskgate.certMode" -}}
{{- $inline := or .Values.tls.cert .Values.tls.key .Values.tls.ca -}}
{{- $existing := .Values.tls.existingSecret -}}
{{- if and .Values.certManager.enabled (or $inline $existing) -}}
{{- fail "certManager.enabled cannot be combined with tls.cert/tls.key/tls.ca or tls.existingSecret: pick one way to provide the certificate" -}}
{{- else if and $inline $existing -}}
{{- fail "set either tls.cert/tls.key/tls.ca (the chart makes the Secret) or tls.existingSecret (your Secret), not both" -}}
{{- else if .Values.certManager.enabled -}}
cert-manager
{{- else if $inline -}}
{{- if not (and .Values.tls.cert .Values.tls.key .Values.tls.ca) -}}
{{- fail "tls.cert, tls.key and tls.ca go together (PEM texts, e.g. from `riskgate certs`)" -}}
{{- end -}}
provided
{{- else if $existing -}}
{{- if not .Values.tls.caBundle -}}
{{- fail "tls.existingSecret needs tls.caBundle: the base64 PEM of the CA that signed the Secret's certificate" -}}
{{- end -}}
provided
{{- else -}}
self-managed
{{- end -}}
{{- end -}}

{{/* An action value as written in the values: YAML 1.1 reads an unquoted `off` as false. */}}
{{- define "riskgate.actionName" -}}
{{- if kindIs "bool" . -}}off{{- else -}}{{- . -}}{{- end -}}
{{- end -}}

{{/* The action of rule .id: policy.rules.<id>.action, else policy.defaultAction, else record. */}}
{{- define "riskgate.ruleAction" -}}
{{- $rule := get (.root.Values.policy.rules | default dict) .id | default dict -}}
{{- if hasKey $rule "action" -}}
{{- include "riskgate.actionName" $rule.action -}}
{{- else if hasKey .root.Values.policy "defaultAction" -}}
{{- include "riskgate.actionName" .root.Values.policy.defaultAction -}}
{{- else -}}
record
{{- end -}}
{{- end -}}

{{/*
The namespaceActions of rule .id as a JSON list of [pattern, action] pairs, in the order riskgate reads them from the
rendered policy file: a mapping's keys sorted (Helm and toYaml sort them), a list's items as listed.
*/}}
{{- define "riskgate.namespaceEntries" -}}
{{- $rule := get (.root.Values.policy.rules | default dict) .id | default dict -}}
{{- $given := get $rule "namespaceActions" -}}
{{- $entries := list -}}
{{- if kindIs "map" $given -}}
{{- range $pattern, $action := $given }}{{ $entries = append $entries (list $pattern (include "riskgate.actionName" $action)) }}{{ end -}}
{{- else if kindIs "slice" $given -}}
{{- range $given }}{{ range $pattern, $action := . }}{{ $entries = append $entries (list $pattern (include "riskgate.actionName" $action)) }}{{ end }}{{ end -}}
{{- end -}}
{{- toJson $entries -}}
{{- end -}}

{{/* Every action rule .id takes in some namespace (its own and those of its namespaceActions), as a JSON list. */}}
{{- define "riskgate.ruleActions" -}}
{{- $actions := list (include "riskgate.ruleAction" .) -}}
{{- range (include "riskgate.namespaceEntries" . | fromJsonArray) }}{{ $actions = append $actions (index . 1) }}{{ end -}}
{{- toJson ($actions | uniq) -}}
{{- end -}}

{{/*
CEL true when request.namespace matches one namespaceActions pattern: == for a name, an RE2 matches() where `*`
stands for any run of characters but a line terminator (src/cel/glob-cel.ts writes the same text; values.schema.json
keeps patterns to [a-z0-9-] and `*`, which need no escaping).
*/}}
{{- define "riskgate.namespaceMatch" -}}
{{- $namespace := "(has(request.namespace) ? request.namespace : '')" -}}
{{- if contains "*" . -}}
{{- printf "%s.matches('^%s$')" $namespace (replace "*" "(?s:.*)" .) -}}
{{- else -}}
{{- printf "%s == '%s'" $namespace . -}}
{{- end -}}
{{- end -}}

{{/*
CEL true exactly in the namespaces where rule .id takes one of the actions .wanted (first namespaceActions match
wins, else the rule's action): "true", "false" or an expression, the same text src/cel/namespace-cel.ts writes.
*/}}
{{- define "riskgate.namespaceTerm" -}}
{{- $wanted := .wanted -}}
{{- $rest := ternary "true" "false" (has (include "riskgate.ruleAction" .) $wanted) -}}
{{- range (include "riskgate.namespaceEntries" . | fromJsonArray | reverse) -}}
{{- $m := include "riskgate.namespaceMatch" (index . 0) -}}
{{- if has (index . 1) $wanted -}}
{{- if eq $rest "false" }}{{ $rest = $m }}{{ else if ne $rest "true" }}{{ $rest = printf "%s || %s" $m $rest }}{{ end -}}
{{- else -}}
{{- if eq $rest "true" }}{{ $rest = printf "!(%s)" $m }}{{ else if ne $rest "false" }}{{ $rest = printf "!(%s) && (%s)" $m $rest }}{{ end -}}
{{- end -}}
{{- end -}}
{{- $rest -}}
{{- end -}}

{{/*
Whether rule .rule denies through a ValidatingAdmissionPolicy (vap.enabled: `serve --vap` installs one for each
rule whose CEL is exact) rather than through the enforce entry.
*/}}
{{- define "riskgate.denyByVap" -}}
{{- if and .root.Values.vap.enabled .rule.matchConditionExact -}}true{{- end -}}
{{- end -}}

{{/*
The rules of one webhook entry. mode "enforce": rules that deny in some namespace (not those a
ValidatingAdmissionPolicy denies); mode "observe": rules that warn or record in some namespace.
Rules on the same API groups, versions and resources are merged into one entry with the union of their operations.
*/}}
{{- define "riskgate.webhookRules" -}}
{{- $root := .root -}}
{{- $mode := .mode -}}
{{- $catalog := $root.Files.Get "files/rules.json" | fromJson -}}
{{- $merged := dict -}}
{{- $order := list -}}
{{- range $catalog.rules -}}
{{- $actions := include "riskgate.ruleActions" (dict "root" $root "id" .id) | fromJsonArray -}}
{{- $enforced := and (has "deny" $actions) (not (include "riskgate.denyByVap" (dict "root" $root "rule" .))) -}}
{{- $wanted := ternary $enforced (or (has "warn" $actions) (has "record" $actions)) (eq $mode "enforce") -}}
{{- if $wanted -}}
{{- $key := printf "%s|%s|%s" (join "," .apiGroups) (join "," .apiVersions) (join "," .resources) -}}
{{- if hasKey $merged $key -}}
{{- $entry := get $merged $key -}}
{{- $_ := set $entry "operations" (concat $entry.operations .operations | uniq) -}}
{{- else -}}
{{- $_ := set $merged $key (dict "apiGroups" .apiGroups "apiVersions" .apiVersions "resources" .resources "operations" .operations) -}}
{{- $order = append $order $key -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $order }}
{{- $entry := get $merged . }}
- apiGroups: {{ toJson $entry.apiGroups }}
  apiVersions: {{ toJson $entry.apiVersions }}
  operations: {{ toJson (sortAlpha $entry.operations) }}
  resources: {{ toJson $entry.resources }}
  scope: "*"
{{- end }}
{{- end -}}

{{/*
The CEL expression of the enforce entry's matchCondition: the OR, one rule a line, of each rule that denies in some
namespace (and is not denied by a ValidatingAdmissionPolicy): its matchCondition (files/rules.json, compiled from
the catalog by src/cel), and where namespaceActions make it deny only in some namespaces, `&& (<those namespaces>)`.
True for every request a deny rule can refuse, so the entry (failurePolicy Fail) only receives those: with riskgate
down, the rest of the cluster's requests pass, and a namespace where no rule denies never fails closed. Empty when no
rule denies.
*/}}
{{- define "riskgate.denyMatchCondition" -}}
{{- $root := . -}}
{{- $catalog := $root.Files.Get "files/rules.json" | fromJson -}}
{{- $parts := list -}}
{{- range $catalog.rules -}}
{{- $term := include "riskgate.namespaceTerm" (dict "root" $root "id" .id "wanted" (list "deny")) -}}
{{- if and (ne $term "false") (not (include "riskgate.denyByVap" (dict "root" $root "rule" .))) -}}
{{- $parts = append $parts (ternary (printf "(%s)" .matchCondition) (printf "(%s) && (%s)" .matchCondition $term) (eq $term "true")) -}}
{{- end -}}
{{- end -}}
{{- join "\n|| " $parts -}}
{{- end -}}

{{/* Whether the enforce entry gets its matchCondition: webhook.matchConditions on and an API server that has them (1.28+). */}}
{{- define "riskgate.matchConditionsOn" -}}
{{- if and .Values.webhook.matchConditions (semverCompare ">=1.28-0" .Capabilities.KubeVersion.Version) -}}true{{- end -}}
{{- end -}}

{{/* The caBundle for provided and self-managed modes (self-managed: keep what riskgate patched in, across upgrades). */}}
{{- define "riskgate.caBundle" -}}
{{- if .Values.tls.caBundle -}}
{{- .Values.tls.caBundle -}}
{{- else if .Values.tls.ca -}}
{{- .Values.tls.ca | b64enc -}}
{{- else -}}
{{- $live := lookup "admissionregistration.k8s.io/v1" "ValidatingWebhookConfiguration" "" (include "riskgate.fullname" .) -}}
{{- range (($live | default dict).webhooks | default list) -}}
{{- if and .clientConfig .clientConfig.caBundle -}}
{{- .clientConfig.caBundle -}}
{{- break -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A namespaceActions value with its actions written as names (a mapping, or a list of one-key mappings). */}}
{{- define "riskgate.namedNamespaceActions" -}}
{{- if kindIs "slice" . -}}
{{- $items := list -}}
{{- range . }}{{ $item := dict }}{{ range $pattern, $action := . }}{{ $_ := set $item $pattern (include "riskgate.actionName" $action) }}{{ end }}{{ $items = append $items $item }}{{ end -}}
{{- toJson $items -}}
{{- else -}}
{{- $named := dict -}}
{{- range $pattern, $action := . }}{{ $_ := set $named $pattern (include "riskgate.actionName" $action) }}{{ end -}}
{{- toJson $named -}}
{{- end -}}
{{- end -}}

{{/* The policy file `riskgate serve --policy` reads, from the policy values (actions written as names). */}}
{{- define "riskgate.policyFile" -}}
{{- $rules := dict -}}
{{- range $id, $rule := (.Values.policy.rules | default dict) -}}
{{- $copy := deepCopy ($rule | default dict) -}}
{{- if hasKey $copy "action" -}}
{{- $_ := set $copy "action" (include "riskgate.actionName" $copy.action) -}}
{{- end -}}
{{- if hasKey $copy "namespaceActions" -}}
{{- $named := include "riskgate.namedNamespaceActions" $copy.namespaceActions -}}
{{- $_ := set $copy "namespaceActions" (ternary ($named | fromJsonArray) ($named | fromJson) (kindIs "slice" $copy.namespaceActions)) -}}
{{- end -}}
{{- $_ := set $rules $id $copy -}}
{{- end -}}
apiVersion: riskgate.io/v1
kind: Policy
defaultAction: {{ include "riskgate.actionName" (hasKey .Values.policy "defaultAction" | ternary .Values.policy.defaultAction "record") | quote }}
{{- if .Values.policy.requireReason }}
requireReason: true
{{- end }}
{{- with .Values.policy.exemptions }}
exemptions:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $rules }}
rules:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The cluster audit's list rules: every resource a rule of files/rules.json checks on CREATE (subresources aside), one
rule per API group, verb list only (the audit pages through LIST; it never gets or watches one object).
*/}}
{{- define "riskgate.auditListRules" -}}
{{- $catalog := .Files.Get "files/rules.json" | fromJson -}}
{{- $byGroup := dict -}}
{{- range $catalog.rules -}}
{{- if has "CREATE" .operations -}}
{{- $resources := list -}}
{{- range .resources -}}
{{- if not (contains "/" .) -}}
{{- $resources = append $resources . -}}
{{- end -}}
{{- end -}}
{{- range .apiGroups -}}
{{- $_ := set $byGroup . (concat (get $byGroup . | default list) $resources | uniq) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $group := keys $byGroup | sortAlpha }}
- apiGroups: [{{ $group | quote }}]
  resources: {{ toJson (get $byGroup $group | sortAlpha) }}
  verbs: ["list"]
{{- end }}
{{- end -}}
