// Static checks of the Helm chart, for machines without a helm binary: deploy/helm-check.sh
// runs `helm lint` and `helm template` where there is one. COMING_DEPLOY_DIR points the
// checks at another copy of deploy/ (to see them fail on a broken one).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseAllDocuments, parseDocument, type Document, type YAMLMap } from 'yaml';
import { authConfigSchema } from '../../apps/auth/src/auth.config';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { keysConfigSchema } from '../../apps/keys/src/keys.config';
import { mailboxConfigSchema } from '../../apps/mailbox/src/mailbox.config';
import { paymentsConfigSchema } from '../../apps/payments/src/payments.config';
import { natsPermissions } from '../../libs/broker/src/nats-permissions';
import { grpcCallersOf, grpcCallerTokenVariable } from '../../libs/grpc/src/grpc-callers';
import { infrastructureConfigSchema } from '../../libs/runtime/src/infrastructure.config';
import { telemetryConfigSchema } from '../../libs/telemetry/src/telemetry.config';

const DEPLOY_DIR = process.env['COMING_DEPLOY_DIR'] ?? join(__dirname, '..');
const CHART_DIR = join(DEPLOY_DIR, 'helm', 'coming');
const TEMPLATES_DIR = join(CHART_DIR, 'templates');

/** Every scaled service, with the environment its process validates at boot. */
const SERVICES = {
  gateway: Object.keys(gatewayConfigSchema.shape),
  auth: Object.keys(authConfigSchema.shape),
  mailbox: Object.keys(mailboxConfigSchema.shape),
  keys: Object.keys(keysConfigSchema.shape),
  payments: Object.keys(paymentsConfigSchema.shape),
};
const SHARED_VARIABLES = Object.keys(infrastructureConfigSchema.shape);
/** OTEL_* settings every process reads; the chart must name each service, the rest are optional. */
const TELEMETRY_VARIABLES = Object.keys(telemetryConfigSchema.shape);
const AUTOSCALED = ['gateway', 'mailbox'];
/** values.yaml keys whose children are plain Kubernetes fields and need no comment of their own. */
const KUBERNETES_BLOCKS = new Set(['resources', 'podSecurityContext', 'securityContext', 'behavior']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const templateFiles = readdirSync(TEMPLATES_DIR).filter((name) => /\.(yaml|tpl|txt)$/.test(name));
const templates = new Map(templateFiles.map((name) => [name, readFileSync(join(TEMPLATES_DIR, name), 'utf8')]));
const valuesText = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');

interface Action {
  /** The action's words, without delimiters, trim markers or surrounding space. */
  body: string;
  start: number;
  end: number;
}

function actionsOf(text: string): Action[] {
  const actions: Action[] = [];
  const pattern = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    actions.push({ body: match[1] ?? '', start: match.index, end: match.index + match[0].length });
  }
  return actions;
}

const OPENERS = new Set(['if', 'with', 'range', 'define', 'block']);

/** Problems with a template's delimiters and its if/with/range/define … end nesting. */
function nestingProblems(text: string): string[] {
  const problems: string[] = [];
  const opened = (text.match(/\{\{/g) ?? []).length;
  const closed = (text.match(/\}\}/g) ?? []).length;
  if (opened !== closed) problems.push(`${opened} "{{" but ${closed} "}}"`);
  const stack: string[] = [];
  for (const { body } of actionsOf(text)) {
    if (body.startsWith('/*')) continue;
    const word = body.split(/\s+/)[0] ?? '';
    if (OPENERS.has(word)) stack.push(word);
    else if (word === 'end' && stack.pop() === undefined) problems.push('an "end" without an opening action');
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

/** The named templates of every file: name → body. */
function definitions(): Map<string, string> {
  const defined = new Map<string, string>();
  for (const text of templates.values()) {
    const stack: { word: string; name?: string; bodyStart: number }[] = [];
    for (const action of actionsOf(text)) {
      const word = action.body.split(/\s+/)[0] ?? '';
      if (OPENERS.has(word)) {
        const name = word === 'define' ? /^define\s+"([^"]+)"/.exec(action.body)?.[1] : undefined;
        stack.push({ word, bodyStart: action.end, ...(name === undefined ? {} : { name }) });
      } else if (word === 'end') {
        const open = stack.pop();
        if (open?.name !== undefined) defined.set(open.name, text.slice(open.bodyStart, action.start));
      }
    }
  }
  return defined;
}

const defined = definitions();

/** A template with every `include "name"` replaced by that named template's text. */
function expand(text: string, depth = 0): string {
  if (depth > 10) throw new Error('named templates include each other too deeply');
  return text.replace(/\{\{-?\s*include\s+"([^"]+)"[\s\S]*?\}\}/g, (whole, name: string) => {
    const body = defined.get(name);
    if (body === undefined) throw new Error(`include of undefined template "${name}"`);
    return expand(body, depth + 1);
  });
}

function hasPath(values: unknown, path: string[]): boolean {
  let node = values;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** Dotted paths of values.yaml keys that have no comment of their own. */
function undocumentedKeys(document: Document): string[] {
  const missing: string[] = [];
  const visit = (map: YAMLMap, prefix: string) => {
    map.items.forEach((pair, index) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const comment = (isScalar(pair.key) ? pair.key.commentBefore : undefined) ?? (index === 0 ? map.commentBefore : undefined);
      if (!comment?.trim()) missing.push(path);
      if (isMap(pair.value) && !KUBERNETES_BLOCKS.has(key)) visit(pair.value, path);
    });
  };
  if (isMap(document.contents)) visit(document.contents, '');
  return missing;
}

/** Environment variable names a template sets: ConfigMap data keys and container env names. */
function variablesSetIn(text: string): string[] {
  const dataKeys = [...text.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1] ?? '');
  const envNames = [...text.matchAll(/- name: ([A-Z][A-Z0-9_]*)\s*$/gm)].map((match) => match[1] ?? '');
  return [...dataKeys, ...envNames];
}

function template(name: string): string {
  const text = templates.get(name);
  if (text === undefined) throw new Error(`templates/${name} is missing`);
  return text;
}

describe('Helm chart deploy/helm/coming', () => {
  it('has YAML files that parse, apart from templates', () => {
    const yamlFiles = filesUnder(DEPLOY_DIR).filter(
      (path) => /\.ya?ml$/.test(path) && !relative(DEPLOY_DIR, path).split(/[\\/]/).includes('templates'),
    );
    expect(yamlFiles.map((path) => relative(DEPLOY_DIR, path))).toEqual(
      expect.arrayContaining(['helm/coming/Chart.yaml', 'helm/coming/values.yaml']),
    );
    for (const path of yamlFiles) {
      const errors = parseAllDocuments(readFileSync(path, 'utf8')).flatMap((document) =>
        'errors' in document ? document.errors.map((error) => error.message) : [],
      );
      expect(errors, relative(DEPLOY_DIR, path)).toEqual([]);
    }
  });

  it('has a v2 Chart.yaml named after its folder', () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    expect(chart['apiVersion']).toBe('v2');
    expect(chart['name']).toBe(basename(CHART_DIR));
    expect(chart['version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(chart['appVersion']).toEqual(expect.any(String));
  });

  it('documents every value in values.yaml with a comment', () => {
    expect(undocumentedKeys(parseDocument(valuesText))).toEqual([]);
  });

  it('uses only .Values paths that values.yaml defines', () => {
    const values = parse(valuesText) as unknown;
    const unknown = [...templates].flatMap(([name, text]) =>
      [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)]
        .map((match) => match[1] ?? '')
        .filter((path) => !hasPath(values, path.slice(1).split('.')))
        .map((path) => `${name}: .Values${path}`),
    );
    expect(unknown).toEqual([]);
  });

  it('closes every template action and block', () => {
    const problems = [...templates].flatMap(([name, text]) => nestingProblems(text).map((problem) => `${name}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('includes only named templates that are defined', () => {
    for (const [name, text] of templates) expect(() => expand(text), name).not.toThrow();
  });

  it('gives every Deployment liveness and readiness probes and resources', () => {
    const deployments = [...templates].filter(([, text]) => /^kind: Deployment$/m.test(text));
    expect(deployments.map(([name]) => name).sort()).toEqual(
      Object.keys(SERVICES)
        .map((service) => `${service}-deployment.yaml`)
        .sort(),
    );
    for (const [name, text] of deployments) {
      const service = name.replace(/-deployment\.yaml$/, '');
      const expanded = expand(text);
      expect(expanded, name).toMatch(/livenessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/healthz\n/);
      expect(expanded, name).toMatch(/readinessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/readyz\n/);
      expect(expanded, name).toMatch(
        new RegExp(`resources:\\s*\\n\\s*\\{\\{-? toYaml \\.Values\\.${service}\\.resources \\| nindent \\d+ \\}\\}`),
      );
      const values = parse(valuesText) as Record<string, { resources?: { requests?: object; limits?: object } }>;
      expect(values[service]?.resources?.requests, `${service}.resources.requests`).toBeTruthy();
      expect(values[service]?.resources?.limits, `${service}.resources.limits`).toBeTruthy();
    }
  });

  it.each(Object.keys(SERVICES))('runs %s with its own Deployment, Service and PodDisruptionBudget', (service) => {
    const deployment = template(`${service}-deployment.yaml`);
    expect(deployment).toMatch(/^kind: Deployment$/m);
    expect(deployment).toContain(`"component" "${service}"`);
    // The container runs apps/<component>/src/main.ts.
    expect(defined.get('coming.containerBase')).toContain('printf "apps/%s/src/main.ts" .component');
    expect(template(`${service}-service.yaml`)).toMatch(/^kind: Service$/m);
    expect(template(`${service}-pdb.yaml`)).toMatch(/^kind: PodDisruptionBudget$/m);
    expect(template(`${service}-pdb.yaml`)).toContain(`.Values.${service}.pdb.enabled`);
  });

  it.each(AUTOSCALED)('autoscales %s with an autoscaling/v2 HorizontalPodAutoscaler', (service) => {
    const hpa = template(`${service}-hpa.yaml`);
    expect(hpa).toMatch(/^apiVersion: autoscaling\/v2$/m);
    expect(hpa).toMatch(/^kind: HorizontalPodAutoscaler$/m);
    expect(hpa).toContain(`"component" "${service}"`);
    // The HPA owns the replica count while it is enabled.
    expect(template(`${service}-deployment.yaml`)).toContain(`if not .Values.${service}.autoscaling.enabled`);
  });

  it.each(Object.entries(SERVICES))('sets exactly the environment that %s validates at boot', (service, variables) => {
    const set = new Set([
      ...variablesSetIn(template('configmap.yaml')),
      ...variablesSetIn(template(`${service}-configmap.yaml`)),
      ...variablesSetIn(expand(template(`${service}-deployment.yaml`))),
    ]);
    const callers = grpcCallersOf(service).map(grpcCallerTokenVariable);
    const required = new Set([...variables, ...SHARED_VARIABLES, ...callers, 'OTEL_SERVICE_NAME']);
    const known = new Set([...required, ...TELEMETRY_VARIABLES]);
    expect([...required].filter((variable) => !set.has(variable)).sort(), 'validated but not set').toEqual([]);
    expect([...set].filter((variable) => !known.has(variable)).sort(), 'set but not validated').toEqual([]);
  });

  it('names each service in its telemetry (OTEL_SERVICE_NAME), so that per-service dashboards fill', () => {
    expect(defined.get('coming.serviceEnv')).toMatch(/- name: OTEL_SERVICE_NAME\n\s*value: \{\{ \.component \| quote \}\}/);
    for (const service of Object.keys(SERVICES)) {
      expect(template(`${service}-deployment.yaml`)).toContain('include "coming.serviceEnv" $component');
    }
  });

  it('gives every service credentials of its own and no shared service token', () => {
    const everything = [...templates.values()].join('\n') + valuesText;
    expect(everything).not.toMatch(/SERVICE_TOKEN|serviceToken/);
    const secrets = template('credentials-secrets.yaml');
    expect(secrets).toContain('range $name := list "gateway" "auth" "mailbox" "keys" "payments"');
    expect(secrets).toMatch(/GRPC_TOKEN: .*\n\s*NATS_PASSWORD: /);
    expect(defined.get('coming.serviceEnv')).toMatch(
      /name: GRPC_TOKEN\n\s*valueFrom:\n\s*secretKeyRef:\n\s*name: \{\{ include "coming.credentialsSecretName" \. \}\}/,
    );
    // Servers get their callers' tokens: today the gateway's, for auth, mailbox and keys only.
    for (const service of Object.keys(SERVICES)) {
      const calledBy = grpcCallersOf(service);
      expect(template(`${service}-deployment.yaml`).includes('coming.grpcCallerEnv'), service).toBe(calledBy.length > 0);
      if (calledBy.length > 0) expect(calledBy).toEqual(['gateway']);
    }
  });

  it('puts every ConfigMap setting under data', () => {
    for (const name of templateFiles.filter((file) => file.endsWith('configmap.yaml'))) {
      const text = template(name);
      const dataAt = text.search(/^data:$/m);
      const first = text.search(/^ {2}[A-Z][A-Z0-9_]*:/m);
      if (first !== -1) expect(dataAt, `${name}: a setting above "data:"`).toBeGreaterThan(-1);
      if (first !== -1) expect(first, `${name}: a setting above "data:"`).toBeGreaterThan(dataAt);
    }
  });

  it('takes every secret value from a Secret, never from a ConfigMap', () => {
    // The keys the chart's Secrets hold are the secret variables.
    const secretVariables = [...new Set(['secret.yaml', 'credentials-secrets.yaml'].flatMap((name) => variablesSetIn(template(name))))];
    expect(secretVariables).toEqual(expect.arrayContaining(['AUTH_SIGNING_KEY', 'PAYMENTS_BACKEND_URL', 'PAYMENTS_XBTC_RELAYER_KEY']));
    const configMaps = templateFiles.filter((file) => file.endsWith('configmap.yaml'));
    for (const name of configMaps) {
      const set = variablesSetIn(template(name));
      expect(
        secretVariables.filter((variable) => set.includes(variable)),
        `${name} sets a secret`,
      ).toEqual([]);
    }
    // A container reads each of them through a secretKeyRef, never as a literal value.
    for (const [name, text] of templates) {
      if (!name.endsWith('deployment.yaml')) continue;
      for (const variable of secretVariables) {
        for (const match of expand(text).matchAll(new RegExp(`- name: ${variable}\\n([^\\n]*)\\n([^\\n]*)`, 'g'))) {
          expect(`${match[1]}\n${match[2]}`, `${name}: ${variable}`).toMatch(/^\s*valueFrom:\n\s*secretKeyRef:$/);
        }
      }
    }
    const payments = template('payments-deployment.yaml');
    expect(payments).toMatch(
      /- name: PAYMENTS_XBTC_RELAYER_KEY\n\s*valueFrom:\n\s*secretKeyRef:\n\s*\{\{-? include "coming.backendSecretRef" \(dict "root" \$ "name" "PAYMENTS_XBTC_RELAYER_KEY" "backend" \.Values\.payments\.xbtcRelayer\)/,
    );
    // An operator may keep the key in a Secret of their own; then the chart creates none for it.
    expect(defined.get('coming.createSecret')).toContain(
      '(and .Values.payments.xbtcRelayer.key (not .Values.payments.xbtcRelayer.existingSecret.name))',
    );
    expect(template('secret.yaml')).toContain('fail "payments.xbtcRelayer.key must be 0x and 64 hex digits"');
    // payments does not start off regtest without the key or the chain settings: rendering refuses first.
    expect(template('secret.yaml')).toContain('required "payments.xbtcRelayer.key is required off regtest');
    for (const value of ['rpcUrl', 'token', 'chainId']) {
      expect(template('payments-configmap.yaml')).toContain(`required "payments.config.xbtc.${value} is required off regtest`);
    }
  });

  it('defines its alerts in a PrometheusRule that is off unless asked for', () => {
    const rule = template('prometheusrule.yaml');
    expect(rule).toMatch(/^\{\{- if \.Values\.prometheusRule\.enabled \}\}\n/);
    expect(rule).toMatch(/^apiVersion: monitoring\.coreos\.com\/v1\nkind: PrometheusRule$/m);
    expect((parse(valuesText) as { prometheusRule: { enabled: boolean } }).prometheusRule.enabled).toBe(false);
    const readme = readFileSync(join(DEPLOY_DIR, 'README.md'), 'utf8');
    expect(readme).toContain('prometheusRule.enabled');
    expect(readme).toContain('ComingXbtcRelayerGasLow');
  });

  it('permits on NATS exactly what libs/broker permits, and keeps passwords out of the authorization ConfigMap', () => {
    const file = JSON.parse(readFileSync(join(CHART_DIR, 'files', 'nats-permissions.json'), 'utf8')) as unknown;
    expect(file).toEqual(natsPermissions);
    const authorization = template('nats-authorization-configmap.yaml');
    expect(authorization).toContain('.Files.Get "files/nats-permissions.json"');
    expect(authorization).toContain('printf "$COMING_%s_NATS_PASSWORD" (upper $name)');
    expect(authorization).toContain('printf "_INBOX_%s.>" $name');
    expect(authorization).toContain('allow_responses: true');
    // The service side logs in as the user the ConfigMap names.
    expect(defined.get('coming.serviceEnv')).toContain('printf "%s-%s" .root.Values.nats.subjectPrefix .component');
    const example = readFileSync(join(DEPLOY_DIR, 'examples', 'nats-values.yaml'), 'utf8');
    for (const service of Object.keys(SERVICES)) expect(example).toContain(`COMING_${service.toUpperCase()}_NATS_PASSWORD`);
    expect(example).toContain('coming-nats-authorization');
  });

  it('serves /metrics and probes on a health port of their own, which the Ingress and the client Service never expose', () => {
    const values = parse(valuesText) as Record<string, Record<string, unknown>>;
    for (const service of Object.keys(SERVICES)) {
      expect(values[service]?.['healthPort'], `${service}.healthPort`).toEqual(expect.any(Number));
      expect(values[service]?.['metrics'], `${service}.metrics is gone: metrics are on the health port`).toBeUndefined();
      const deployment = expand(template(`${service}-deployment.yaml`));
      expect(deployment, service).toMatch(
        new RegExp(`- name: health\\n\\s*containerPort: \\{\\{ \\.Values\\.${service}\\.healthPort \\}\\}`),
      );
      expect(template(`${service}-deployment.yaml`), service).toContain('include "coming.probes" (dict "root" $ "port" "health")');
    }
    expect(template('gateway-configmap.yaml')).toContain('GATEWAY_HEALTH_PORT: {{ .Values.gateway.healthPort');
    // The client Service has the client port only; the health port has a ClusterIP Service of its own.
    const [client, health] = template('gateway-service.yaml').split(/^---$/m);
    expect(client).not.toContain('health');
    expect(health).toMatch(/type: ClusterIP[\s\S]*- name: health/);
    const ingress = template('ingress.yaml');
    expect(ingress).toMatch(/port:\s*\n\s*name: http\n/);
    expect(ingress).not.toContain('health');
    const ingressPaths = (values['ingress']?.['hosts'] as { paths: { path: string }[] }[]).flatMap((host) =>
      host.paths.map((each) => each.path),
    );
    expect(ingressPaths).toEqual(['/v1']);
  });

  it('autoscales gateways on connections per pod through the custom metrics API, not on memory', () => {
    const hpa = template('gateway-hpa.yaml');
    expect(hpa).toMatch(/- type: Pods\n\s*pods:\n\s*metric:\n\s*name: coming_gateway_connections\n\s*target:\n\s*type: AverageValue/);
    const scaling = (parse(valuesText) as { gateway: { autoscaling: Record<string, unknown> } }).gateway.autoscaling;
    expect(scaling['targetConnectionsPerPod']).toEqual(expect.any(Number));
    expect(scaling['targetMemoryUtilizationPercentage']).toBeNull();
    const readme = readFileSync(join(DEPLOY_DIR, 'README.md'), 'utf8');
    expect(readme).toContain('prometheus-adapter');
    expect(readme).toContain('coming_gateway_connections');
  });

  it('does not say in deploy/README.md that the services lack /metrics', () => {
    const readme = readFileSync(join(DEPLOY_DIR, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/do not serve `?\/metrics/);
  });

  it('lets only the gateway take traffic from outside the release', () => {
    const policies = template('networkpolicy.yaml');
    expect(policies).toContain('{{- if .Values.networkPolicy.enabled }}');
    expect(policies).toMatch(/values: \[auth, mailbox, keys, payments\]/);
    expect(policies).toContain('include "coming.releaseSelectorLabels"');
  });

  it('scrapes every service with a toggled ServiceMonitor on its health port', () => {
    const monitors = template('servicemonitor.yaml');
    expect(monitors).toContain('{{- if .Values.serviceMonitor.enabled }}');
    expect(monitors).toMatch(/^apiVersion: monitoring\.coreos\.com\/v1$/m);
    expect(monitors).toContain(
      `range $name := list ${Object.keys(SERVICES)
        .map((service) => `"${service}"`)
        .join(' ')}`,
    );
    expect(monitors).toMatch(/- port: health\n\s*path: \/metrics\n/);
  });
});
