// The GitHub Action (action.yml) and the GitLab template (ci/gitlab/prodready.gitlab-ci.yml), run step by
// step on this machine as a runner would: each `run:` script with bash, in a fresh workspace, with the
// runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) as temp files. The CLI is the one `npm run build`
// made in dist/. The action's build step (npm ci + npm run build in a copy of the package) takes minutes
// on a shared machine, so it runs only with PRODREADY_TEST_ACTION_BUILD=1.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const EXPR = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** The only expressions the action uses in env and with: inputs.<name>, steps.<id>.outputs.<name>. */
function evaluate(text: string, inputs: Record<string, string>, steps: Record<string, Record<string, string>>): string {
  return text.replace(EXPR, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
    const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (out) return steps[out[1]!]?.[out[2]!] ?? '';
    throw new Error(`expression the test does not evaluate: ${expr}`);
  });
}

function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Runs the action's run steps in order, as the runner would (uses: steps are skipped: setup-node is not needed here). */
function runAction(workspace: string, inputs: Record<string, string>, opts: { actionPath?: string; skipBuild?: boolean } = {}) {
  const summary = join(workspace, '..', `summary-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(summary, '');
  const steps: Record<string, Record<string, string>> = {};
  const logs: Array<{ name: string; code: number; stdout: string; stderr: string }> = [];
  for (const step of action.runs.steps) {
    if (step.uses) continue;
    if (opts.skipBuild && step.name === 'Build prodready') continue;
    const output = join(workspace, '..', `output-${Math.random().toString(36).slice(2)}`);
    writeFileSync(output, '');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v), inputs, steps);
    const r = spawnSync('bash', ['-e', '-c', step.run!], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        NO_COLOR: '1',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTION_PATH: opts.actionPath ?? ROOT,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        ...env,
      },
    });
    logs.push({ name: step.name ?? '', code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });
    if (step.id) steps[step.id] = readOutputs(output);
    if (r.status !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, evaluate(o.value, inputs, steps)]));
  return { logs, steps, outputs, summary: readFileSync(summary, 'utf8'), last: logs.at(-1)! };
}

function workspaceWith(fixture: string): string {
  const ws = join(temp('prodready-gha-'), 'workspace');
  mkdirSync(ws, { recursive: true });
  cpSync(join(ROOT, 'fixtures', fixture), join(ws, 'deploy'), { recursive: true });
  return ws;
}

describe('action.yml', () => {
  it('is a composite action whose steps all have a shell, reference only declared inputs and step ids, and splice no expression into a script', () => {
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.runs.using).toBe('composite');
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description, name).toBeTruthy();
      expect(output.value, name).toMatch(EXPR);
    }
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['values', 'env', 'manifests', 'fail-on', 'formats']));
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['sarif']));
    const ids = new Set<string>();
    const texts: string[] = Object.values(action.outputs).map((o) => o.value);
    for (const step of action.runs.steps) {
      expect(Boolean(step.uses) !== Boolean(step.run), `${step.name}: exactly one of uses and run`).toBe(true);
      if (step.run) {
        expect(step.shell, `${step.name} has a shell`).toBe('bash');
        // Inputs reach scripts through env: an expression in a script is a script injection.
        expect(step.run, step.name).not.toMatch(/\$\{\{/);
        const script = /"\$GITHUB_ACTION_PATH\/([^"]+)"/.exec(step.run)?.[1];
        if (script) expect(existsSync(join(ROOT, script)), script).toBe(true);
      }
      if (step.id) ids.add(step.id);
      texts.push(...Object.values(step.env ?? {}), ...Object.values(step.with ?? {}), step.if ?? '');
    }
    for (const text of texts) {
      for (const m of String(text).matchAll(/\b(inputs|steps)\.([\w-]+)/g)) {
        if (m[1] === 'inputs') expect(Object.keys(action.inputs), `inputs.${m[2]}`).toContain(m[2]);
        else expect([...ids], `steps.${m[2]}`).toContain(m[2]);
      }
    }
  });

  it('checks a ready deployment: exit 0, the Markdown report in the job summary, the SARIF path as an output', () => {
    const ws = workspaceWith('ready');
    const r = runAction(ws, {
      values: 'deploy/values.yaml',
      env: 'deploy/prod.env',
      manifests: 'deploy/rendered.yaml',
      formats: 'github, junit',
    }, { skipBuild: true });
    expect(r.logs.map((l) => [l.name, l.code])).toEqual([
      ['Look for Node.js 20 or newer', 0],
      ['Check readiness', 0],
    ]);
    expect(r.steps.node).toEqual({ found: 'true' });
    expect(r.summary).toMatch(/^## prodready: ✅ READY/);
    expect(r.outputs).toMatchObject({
      sarif: 'prodready-report/prodready.sarif',
      markdown: 'prodready-report/prodready.md',
      junit: 'prodready-report/prodready.xml',
      'exit-code': '0',
    });
    const sarif = JSON.parse(readFileSync(join(ws, r.outputs.sarif!), 'utf8')) as { version: string; runs: unknown[] };
    expect(sarif.version).toBe('2.1.0');
    expect(readFileSync(join(ws, r.outputs.junit!), 'utf8')).toMatch(/^<\?xml/);
    expect(r.last.stdout).toMatch(/^::notice title=prodready verdict::READY/m);
  });

  it('fails the step on a broken deployment, after writing the summary, the annotations and the outputs', () => {
    const ws = workspaceWith('broken');
    const r = runAction(ws, {
      values: 'deploy/values.yaml',
      env: 'deploy/prod.env',
      environment: 'production',
    }, { skipBuild: true });
    expect(r.last).toMatchObject({ name: 'Check readiness', code: 1 });
    expect(r.summary).toMatch(/^## prodready: ❌ NOT READY/);
    expect(r.outputs).toMatchObject({ sarif: 'prodready-report/prodready.sarif', 'exit-code': '1', junit: '' });
    expect(existsSync(join(ws, 'prodready-report/prodready.sarif'))).toBe(true);
    expect(r.last.stdout.split('\n')[0]).toMatch(/^::error title=prodready verdict::NOT READY/);
  });

  it('ends with exit 2 and no report for a usage mistake (a file that is not there)', () => {
    const ws = workspaceWith('ready');
    const r = runAction(ws, { values: 'deploy/values.yaml deploy/nope.yaml' }, { skipBuild: true });
    expect(r.last.code).toBe(2);
    expect(r.last.stderr).toMatch(/^prodready: error\[file-not-found\]/m);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.summary).toBe('');
  });

  it.runIf(process.env.PRODREADY_TEST_ACTION_BUILD === '1')(
    'builds the CLI from the action path with npm ci and npm run build, then checks',
    () => {
      const copy = temp('prodready-action-path-');
      const files = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
      for (const f of files.filter((f) => !/^(test|fixtures|docs|bench)\//.test(f))) {
        mkdirSync(join(copy, f, '..'), { recursive: true });
        copyFileSync(join(ROOT, f), join(copy, f));
      }
      const ws = workspaceWith('ready');
      const r = runAction(ws, { values: 'deploy/values.yaml', env: 'deploy/prod.env', manifests: 'deploy/rendered.yaml' }, { actionPath: copy });
      expect(r.logs.map((l) => [l.name, l.code])).toEqual([
        ['Look for Node.js 20 or newer', 0],
        ['Build prodready', 0],
        ['Check readiness', 0],
      ]);
      expect(existsSync(join(copy, 'dist/cli.js'))).toBe(true);
      expect(r.outputs.sarif).toBe('prodready-report/prodready.sarif');
    },
    600_000,
  );
});

// ---- GitLab ----

interface GitlabJob {
  image?: string | { name: string };
  script: string[];
  rules?: Array<{ if: string }>;
  needs?: Array<{ job: string; optional?: boolean }>;
  artifacts?: { when?: string; reports?: { junit?: string }; paths?: string[] };
}
const gitlab = parse(readFileSync(join(ROOT, 'ci/gitlab/prodready.gitlab-ci.yml'), 'utf8')) as Record<string, unknown> & {
  variables: Record<string, string>;
};
const job = gitlab.prodready as GitlabJob;
const render = gitlab['prodready-render'] as GitlabJob;

/** A job's script as the runner's bash executor runs it: one shell, -e and pipefail, lines in order. */
function runJob(j: GitlabJob, cwd: string, variables: Record<string, string>) {
  const script = ['set -eo pipefail', ...j.script].join('\n');
  return spawnSync('bash', ['-c', script], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', CI: 'true', CI_PROJECT_DIR: cwd, ...gitlab.variables, ...variables },
  });
}

function project(fixture: string): string {
  const dir = join(temp('prodready-gitlab-'), 'project');
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'fixtures', fixture), join(dir, 'deploy'), { recursive: true });
  return dir;
}

const hasHelm = spawnSync('helm', ['version'], { encoding: 'utf8' }).status === 0;

describe('ci/gitlab/prodready.gitlab-ci.yml', () => {
  it('renders with helm only when a chart is given, and keeps JUnit as a report and SARIF and Markdown as artifacts', () => {
    expect(render.rules).toEqual([{ if: '$PRODREADY_CHART' }]);
    expect(render.artifacts?.paths).toEqual(['prodready-report/rendered.yaml']);
    expect(job.needs).toEqual([{ job: 'prodready-render', optional: true }]);
    expect(job.artifacts).toEqual({ when: 'always', reports: { junit: 'prodready-report/prodready.xml' }, paths: ['prodready-report/'] });
    for (const v of ['PRODREADY_VALUES', 'PRODREADY_ENV', 'PRODREADY_MANIFESTS', 'PRODREADY_CHART', 'PRODREADY_FAIL_ON', 'PRODREADY_REPO']) {
      expect(Object.keys(gitlab.variables)).toContain(v);
    }
  });

  it('checks the manifests it is given: JUnit, SARIF and Markdown written, exit 0 when ready', () => {
    const dir = project('ready');
    const r = runJob(job, dir, {
      PRODREADY_HOME: ROOT,
      PRODREADY_VALUES: 'deploy/values.yaml',
      PRODREADY_ENV: 'deploy/prod.env',
      PRODREADY_MANIFESTS: 'deploy/rendered.yaml',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^READY /m);
    expect(readFileSync(join(dir, 'prodready-report/prodready.xml'), 'utf8')).toMatch(/<testsuites/);
    expect(JSON.parse(readFileSync(join(dir, 'prodready-report/prodready.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(readFileSync(join(dir, 'prodready-report/prodready.md'), 'utf8')).toMatch(/READY/);
  });

  it('checks the rendered.yaml the render job hands over, and fails the job on a broken deployment', () => {
    const dir = project('broken');
    mkdirSync(join(dir, 'prodready-report'));
    copyFileSync(join(dir, 'deploy/rendered.yaml'), join(dir, 'prodready-report/rendered.yaml'));
    const r = runJob(job, dir, { PRODREADY_HOME: ROOT, PRODREADY_VALUES: 'deploy/values.yaml', PRODREADY_ENVIRONMENT: 'production' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('prodready-report/rendered.yaml');
    expect(r.stdout).toMatch(/prodready exit code: 1/);
    expect(existsSync(join(dir, 'prodready-report/prodready.xml'))).toBe(true);
  });

  it('says what to set when prodready is neither built nor given a repository', () => {
    const dir = project('ready');
    const r = runJob(job, dir, { PRODREADY_HOME: join(dir, 'no-prodready-here'), PRODREADY_MANIFESTS: 'deploy/rendered.yaml' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/set PRODREADY_REPO/);
  });

  it.runIf(hasHelm)('renders a chart with helm template', () => {
    const dir = project('ready');
    const chart = join(dir, 'chart');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  ENV: {{ .Values.env | quote }}\n');
    writeFileSync(join(dir, 'values.yaml'), 'env: production\n');
    const r = runJob(render, dir, { PRODREADY_CHART: 'chart', PRODREADY_VALUES: 'values.yaml' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'prodready-report/rendered.yaml'), 'utf8')).toContain('name: recsys');
  });
});

const hasShellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;

describe('shell scripts', () => {
  it.runIf(hasShellcheck)("pass shellcheck: the action's scripts (bash) and the GitLab jobs' scripts (sh)", () => {
    const dir = temp('prodready-shellcheck-');
    const files: string[] = [];
    for (const [name, j] of [['render', render], ['check', job]] as const) {
      const f = join(dir, `${name}.sh`);
      writeFileSync(f, `#!/bin/sh\nset -e\n${j.script.join('\n')}\n`);
      files.push(f);
    }
    // SC2153: the PRODREADY_* variables come from the job's environment.
    const gl = spawnSync('shellcheck', ['-s', 'sh', '-e', 'SC2153', ...files], { encoding: 'utf8' });
    expect(gl.stdout).toBe('');
    const gh = spawnSync('shellcheck', ['-s', 'bash', 'ci/github/node-check.sh', 'ci/github/build.sh', 'ci/github/check.sh'], { cwd: ROOT, encoding: 'utf8' });
    expect(gh.stdout).toBe('');
  });
});

describe('docs/ci examples', () => {
  it('use the action and the template, never a prodready package from a registry', () => {
    const gh = readFileSync(join(ROOT, 'docs/ci/github-actions.yml'), 'utf8');
    const gl = readFileSync(join(ROOT, 'docs/ci/gitlab-ci.yml'), 'utf8');
    for (const text of [gh, gl]) expect(text).not.toMatch(/npx prodready|npm (i|install) .*prodready/);
    const workflow = parse(gh) as { jobs: Record<string, { steps: Step[] }> };
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const check = steps.find((s) => s.uses === './.prodready')!;
    expect(Object.keys(check.with ?? {}).every((k) => k in action.inputs)).toBe(true);
    expect(steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))?.with?.sarif_file).toBe(`\${{ steps.${check.id}.outputs.sarif }}`);
    // The rendered file it checks is one a step before it made.
    const manifests = check.with?.manifests;
    expect(steps.slice(0, steps.indexOf(check)).some((s) => s.run?.includes(`> ${manifests}`))).toBe(true);
    const pipeline = parse(gl) as { include: Array<{ file: string }>; variables: Record<string, string> };
    expect(pipeline.include[0]!.file).toBe('ci/gitlab/prodready.gitlab-ci.yml');
    expect(Object.keys(pipeline.variables).every((k) => k in gitlab.variables)).toBe(true);
    // The only rendered.yaml it speaks of is the one the template's render job makes.
    expect(gl.match(/\S*rendered\.yaml/g)).toEqual(['prodready-report/rendered.yaml']);
  });
});
