#!/usr/bin/env bash
# Regenerates what is derived from the rule catalog and the chart: charts/riskgate/files/rules.json, values.schema.json,
# crds/ (the PolicyReport CRDs), manifests/install/riskgate.yaml (the chart's default render) and manifests/install/crds.yaml
# (the chart's crds/, applied first by `kubectl apply -f manifests/install/`). Tests fail when these are out of date.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
npm run build --silent
node tools/write-chart-files.mjs
HELM="$(bash tools/install-helm.sh)"
{
  cat tools/install-manifest-header.txt
  "$HELM" template riskgate charts/riskgate --namespace riskgate
} > manifests/install/riskgate.yaml
echo "wrote $ROOT/manifests/install/riskgate.yaml"
for crd in charts/riskgate/crds/*.yaml; do
  echo '---'
  cat "$crd"
done > manifests/install/crds.yaml
echo "wrote $ROOT/manifests/install/crds.yaml"
