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
import { infrastructureConfigSchema } from '../../libs/runtime/src/infrastructure.config';

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
    const known = new Set([...variables, ...SHARED_VARIABLES]);
    expect([...known].filter((variable) => !set.has(variable)).sort(), 'validated but not set').toEqual([]);
    expect([...set].filter((variable) => !known.has(variable)).sort(), 'set but not validated').toEqual([]);
  });

  it('lets only the gateway take traffic from outside the release', () => {
    const policies = template('networkpolicy.yaml');
    expect(policies).toContain('{{- if .Values.networkPolicy.enabled }}');
    expect(policies).toMatch(/values: \[auth, mailbox, keys, payments\]/);
    expect(policies).toContain('include "coming.releaseSelectorLabels"');
  });

  it('scrapes every service with a toggled ServiceMonitor', () => {
    const monitors = template('servicemonitor.yaml');
    expect(monitors).toContain('{{- if .Values.serviceMonitor.enabled }}');
    expect(monitors).toMatch(/^apiVersion: monitoring\.coreos\.com\/v1$/m);
    for (const service of Object.keys(SERVICES)) {
      expect(monitors).toContain(`.Values.${service}.metrics.port`);
      expect(monitors).toContain(`.Values.${service}.metrics.path`);
    }
  });
});
