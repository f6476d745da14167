{{/*
Names, labels and the pieces every Coming pod shares. Each service's own templates
(gateway-*.yaml, auth-*.yaml, …) spell out what differs: ports, probes, settings.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "coming.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-coming", or the release name when it already holds the chart name, or fullnameOverride. */}}
{{- define "coming.fullname" -}}
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

{{/* Name of one service's resources. Takes (dict "root" $ "component" "gateway"). */}}
{{- define "coming.componentName" -}}
{{- printf "%s-%s" (include "coming.fullname" .root | trunc 50 | trimSuffix "-") .component }}
{{- end }}

{{/* "coming-0.1.0", for the helm.sh/chart label. */}}
{{- define "coming.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that identify the pods of this release; the NetworkPolicies trust exactly these. Takes the root context. */}}
{{- define "coming.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "coming.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one service. Takes (dict "root" $ "component" "gateway"). */}}
{{- define "coming.selectorLabels" -}}
{{ include "coming.releaseSelectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of every resource of one service. Takes (dict "root" $ "component" "gateway"); component may be empty. */}}
{{- define "coming.labels" -}}
helm.sh/chart: {{ include "coming.chart" .root }}
{{ include "coming.releaseSelectorLabels" .root }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
app.kubernetes.io/part-of: coming
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The image every service runs. */}}
{{- define "coming.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "coming.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "coming.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding AUTH_SIGNING_KEY and AUTH_PUBLIC_KEY. */}}
{{- define "coming.secretName" -}}
{{- default (include "coming.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Whether the chart must create its own Secret: for the signing keys when no
existingSecret is named, for each backend URL given inline, and for the X-BTC relayer's key given inline.
*/}}
{{- define "coming.createSecret" -}}
{{- if or (not .Values.secrets.existingSecret) (not .Values.database.existingSecret.name) (not .Values.redis.existingSecret.name) (not .Values.nats.existingSecret.name) (and .Values.payments.backend.url (not .Values.payments.backend.existingSecret.name)) (and .Values.payments.xbtcRelayer.key (not .Values.payments.xbtcRelayer.existingSecret.name)) }}true{{ end }}
{{- end }}

{{/*
Where a secret value (a backend's URL, the X-BTC relayer's key) is: its existingSecret, or the chart's Secret.
Takes (dict "root" $ "name" "DATABASE_URL" "backend" .Values.database), "backend" being any value with existingSecret.name and .key.
*/}}
{{- define "coming.backendSecretRef" -}}
{{- if .backend.existingSecret.name -}}
name: {{ .backend.existingSecret.name }}
key: {{ .backend.existingSecret.key }}
{{- else -}}
name: {{ include "coming.fullname" .root }}
key: {{ .name }}
{{- end }}
{{- end }}

{{/* The Secret with one service's own GRPC_TOKEN and NATS_PASSWORD. Takes (dict "root" $ "component" "gateway"). */}}
{{- define "coming.credentialsSecretName" -}}
{{- default (printf "%s-credentials" (include "coming.componentName" .)) (index .root.Values.credentials .component).existingSecret }}
{{- end }}

{{/* Whether a service speaks gRPC (the gateway as client; auth, mailbox, keys and payments as servers). Takes (dict "root" $ "component" "gateway"). */}}
{{- define "coming.speaksGrpc" -}}
{{- if has .component (list "gateway" "auth" "mailbox" "keys" "payments") }}true{{ end }}
{{- end }}

{{/*
Environment every service gets: its name for telemetry, its own gRPC token and NATS
login, TLS files, and the backend URLs. Takes (dict "root" $ "component" "gateway").
*/}}
{{- define "coming.serviceEnv" -}}
- name: OTEL_SERVICE_NAME
  value: {{ .component | quote }}
- name: GRPC_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "coming.credentialsSecretName" . }}
      key: GRPC_TOKEN
{{- if and .root.Values.grpcTls.enabled (include "coming.speaksGrpc" .) }}
- name: GRPC_TLS_CA
  value: /etc/coming/tls/grpc/ca.crt
- name: GRPC_TLS_CERT
  value: /etc/coming/tls/grpc/tls.crt
- name: GRPC_TLS_KEY
  value: /etc/coming/tls/grpc/tls.key
{{- with .root.Values.grpcTls.serverName }}
- name: GRPC_TLS_SERVER_NAME
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if .root.Values.nats.authorization.enabled }}
- name: NATS_USER
  value: {{ printf "%s-%s" .root.Values.nats.subjectPrefix .component | quote }}
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "coming.credentialsSecretName" . }}
      key: NATS_PASSWORD
{{- end }}
{{- if .root.Values.nats.tls.enabled }}
- name: NATS_TLS_CA
  value: /etc/coming/tls/nats/ca.crt
{{- if .root.Values.nats.tls.clientCertificate }}
- name: NATS_TLS_CERT
  value: /etc/coming/tls/nats/tls.crt
- name: NATS_TLS_KEY
  value: /etc/coming/tls/nats/tls.key
{{- end }}
{{- end }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "coming.backendSecretRef" (dict "root" .root "name" "DATABASE_URL" "backend" .root.Values.database) | nindent 6 }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      {{- include "coming.backendSecretRef" (dict "root" .root "name" "REDIS_URL" "backend" .root.Values.redis) | nindent 6 }}
- name: NATS_URL
  valueFrom:
    secretKeyRef:
      {{- include "coming.backendSecretRef" (dict "root" .root "name" "NATS_URL" "backend" .root.Values.nats) | nindent 6 }}
{{- end }}

{{/*
Environment of a gRPC server (auth, mailbox, keys, payments): the tokens of its callers, today the
gateway's only (libs/grpc/src/grpc-callers.ts). Takes the root context.
*/}}
{{- define "coming.grpcCallerEnv" -}}
- name: GRPC_GATEWAY_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "coming.credentialsSecretName" (dict "root" . "component" "gateway") }}
      key: GRPC_TOKEN
{{- end }}

{{/* envFrom of every service: the common ConfigMap, then the service's own. Takes (dict "root" $ "component" "gateway"). */}}
{{- define "coming.envFrom" -}}
- configMapRef:
    name: {{ include "coming.componentName" (dict "root" .root "component" "common") }}
- configMapRef:
    name: {{ include "coming.componentName" . }}
{{- end }}

{{/*
Pod annotations of one service: checksums that roll its pods when its settings or the
chart's Secret change, then the global and the service's own annotations.
Takes (dict "root" $ "component" "gateway" "podAnnotations" .Values.gateway.podAnnotations).
*/}}
{{- define "coming.podAnnotations" -}}
checksum/config: {{ print (include (print .root.Template.BasePath "/configmap.yaml") .root) (include (print .root.Template.BasePath "/" .component "-configmap.yaml") .root) | sha256sum }}
checksum/secret: {{ print (include (print .root.Template.BasePath "/secret.yaml") .root) (include (print .root.Template.BasePath "/credentials-secrets.yaml") .root) | sha256sum }}
{{- with .root.Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- with .podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Pod spec fields every service shares (everything but containers and the grace period).
Takes (dict "root" $ "component" "gateway").
*/}}
{{- define "coming.podSpec" -}}
serviceAccountName: {{ include "coming.serviceAccountName" .root }}
automountServiceAccountToken: false
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
  {{- if .root.Values.affinity }}
  {{- toYaml .root.Values.affinity | nindent 2 }}
  {{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "coming.selectorLabels" . | nindent 14 }}
  {{- end }}
volumes:
  # SWC's transform cache; the root filesystem is read-only.
  - name: tmp
    emptyDir: {}
  {{- if and .root.Values.grpcTls.enabled (include "coming.speaksGrpc" .) }}
  - name: grpc-tls
    secret:
      secretName: {{ required (printf "grpcTls.secrets.%s is required when grpcTls.enabled" .component) (index .root.Values.grpcTls.secrets .component) }}
  {{- end }}
  {{- if .root.Values.nats.tls.enabled }}
  - name: nats-tls
    secret:
      secretName: {{ required "nats.tls.existingSecret is required when nats.tls.enabled" .root.Values.nats.tls.existingSecret }}
  {{- end }}
{{- end }}

{{/* Container fields every service shares. Takes (dict "root" $ "component" "gateway"). */}}
{{- define "coming.containerBase" -}}
image: {{ include "coming.image" .root }}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
command: ["node", "-r", "./tools/register.cjs"]
args: [{{ printf "apps/%s/src/main.ts" .component | quote }}]
securityContext:
  {{- toYaml .root.Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  {{- if and .root.Values.grpcTls.enabled (include "coming.speaksGrpc" .) }}
  - name: grpc-tls
    mountPath: /etc/coming/tls/grpc
    readOnly: true
  {{- end }}
  {{- if .root.Values.nats.tls.enabled }}
  - name: nats-tls
    mountPath: /etc/coming/tls/nats
    readOnly: true
  {{- end }}
{{- end }}

{{/* The three probes, on a named container port. Takes (dict "root" $ "port" "health"). */}}
{{- define "coming.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: {{ .port }}
  periodSeconds: {{ .root.Values.probes.startup.periodSeconds }}
  timeoutSeconds: {{ .root.Values.probes.startup.timeoutSeconds }}
  failureThreshold: {{ .root.Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /healthz
    port: {{ .port }}
  periodSeconds: {{ .root.Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .root.Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .root.Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ .port }}
  periodSeconds: {{ .root.Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .root.Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .root.Values.probes.readiness.failureThreshold }}
{{- end }}

{{/* A PodDisruptionBudget's spec. Takes (dict "root" $ "component" "gateway" "pdb" .Values.gateway.pdb). */}}
{{- define "coming.pdbSpec" -}}
{{- if not (kindIs "invalid" .pdb.minAvailable) -}}
minAvailable: {{ .pdb.minAvailable }}
{{- else -}}
maxUnavailable: {{ .pdb.maxUnavailable }}
{{- end }}
selector:
  matchLabels:
    {{- include "coming.selectorLabels" . | nindent 4 }}
{{- end }}
