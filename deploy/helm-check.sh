#!/usr/bin/env bash
# Lints and renders the Helm chart with helm, when helm is on the PATH; otherwise says so
# and exits 0. The static checks (deploy/test/chart.test.ts) run with vitest either way.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v helm >/dev/null 2>&1; then
  echo "helm-check: skipped: helm is not on the PATH"
  exit 0
fi

chart=helm/coming
values=(-f test/ci-values.yaml)
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT

echo "== helm lint"
helm lint "$chart" "${values[@]}"

echo "== helm template (defaults)"
helm template coming "$chart" "${values[@]}" >"$rendered"

echo "== helm template (everything on: ServiceMonitors and alerts, Ingress, TLS to NATS and between services, no HPAs)"
helm template coming "$chart" "${values[@]}" \
  --set serviceMonitor.enabled=true --set prometheusRule.enabled=true \
  --set ingress.enabled=true \
  --set nats.tls.enabled=true --set nats.tls.existingSecret=nats-tls --set nats.tls.clientCertificate=true \
  --set grpcTls.enabled=true --set grpcTls.secrets.gateway=gateway-tls --set grpcTls.secrets.auth=auth-tls \
  --set grpcTls.secrets.mailbox=mailbox-tls --set grpcTls.secrets.keys=keys-tls \
  --set-json 'networkPolicy.metricsFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}]' \
  --set gateway.autoscaling.enabled=false --set mailbox.autoscaling.enabled=false \
  --set auth.pdb.minAvailable=1 >"$rendered"

echo "== helm template (existing Secrets only: the chart creates none)"
helm template coming "$chart" \
  --set secrets.existingSecret=coming-secrets \
  --set credentials.gateway.existingSecret=gw --set credentials.auth.existingSecret=au \
  --set credentials.mailbox.existingSecret=mb --set credentials.keys.existingSecret=ke \
  --set credentials.payments.existingSecret=pa --set payments.xbtcRelayer.existingSecret.name=xbtc-relayer \
  --set database.existingSecret.name=coming-backends --set redis.existingSecret.name=coming-backends \
  --set nats.existingSecret.name=coming-backends >"$rendered"
if grep -q '^kind: Secret$' "$rendered"; then
  echo "helm-check: a Secret was rendered although every secret setting names an existing Secret" >&2
  exit 1
fi

echo "== helm template refuses a malformed X-BTC relayer key"
if helm template coming "$chart" "${values[@]}" --set payments.xbtcRelayer.key=0x1234 >/dev/null 2>&1; then
  echo "helm-check: a relayer key that is not 0x and 64 hex digits should have been refused" >&2
  exit 1
fi

echo "== helm template refuses mainnet without the X-BTC chain settings"
if helm template coming "$chart" "${values[@]}" --set payments.config.network=mainnet >/dev/null 2>&1; then
  echo "helm-check: mainnet without payments.config.xbtc.rpcUrl, token and chainId should have been refused" >&2
  exit 1
fi

echo "== helm template refuses missing secrets"
if helm template coming "$chart" >/dev/null 2>&1; then
  echo "helm-check: rendering without secrets.* and backend URLs should have failed" >&2
  exit 1
fi

echo "helm-check: passed"
