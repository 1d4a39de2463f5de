import { describe, expect, it } from 'vitest';
import github, { escapeData, escapeProperty } from '../../src/reporters/github.js';
import { makeReadyRunResult, makeReportContext, makeRunResult } from '../fixtures/run-result.js';

interface Command {
  command: string;
  props: Record<string, string>;
  message: string;
}

function unescape(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** Parse a line the way the Actions runner does: `::name k=v,k=v::data`. */
function parseLine(line: string): Command {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { command: m[1]!, props, message: unescape(m[3]!) };
}

describe('github reporter', () => {
  it('escapes data and properties by the runner rules', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('prints one command per line, each parseable, starting with the verdict', () => {
    const out = github(makeRunResult(), makeReportContext());
    const lines = out.trimEnd().split('\n');
    const commands = lines.map(parseLine);
    expect(commands[0]).toMatchObject({ command: 'error', props: { title: 'prodready verdict' } });
    expect(commands[0]!.message).toMatch(/^NOT READY \(recsys-prod-eu\): 7 fail, 3 warn, 2 unknown, 3 manual, 1 waived, 1 skip, 9 pass/);
    expect(commands[0]!.message).toContain('waived cors-restricted: by Alice Martin');
  });

  it('annotates a failure with its file, line, column and a title', () => {
    const commands = github(makeRunResult(), makeReportContext()).trimEnd().split('\n').map(parseLine);
    const dev = commands.find((c) => c.props.title === 'prodready dev-auth-disabled')!;
    expect(dev.command).toBe('error');
    expect(dev.props).toMatchObject({ file: '.env.production', line: '3', col: '18' });
    expect(dev.message.split('\n')[0]).toBe('DEV_AUTH_ENABLED is "true" at .env.production:3: any caller can pick their user and tenant with X-Dev-* headers');
    expect(dev.message).toContain('fix: Set DEV_AUTH_ENABLED to "false" (or remove it) in api.env of the production deployment.');
  });

  it('uses warning for warn findings and notice for unknown ones, none for pass, skip, manual, waived', () => {
    const commands = github(makeRunResult(), makeReportContext()).trimEnd().split('\n').map(parseLine);
    const by = (rule: string) => commands.filter((c) => c.props.title?.startsWith(`prodready ${rule}`)).map((c) => c.command);
    expect(by('database-tls')).toEqual(['warning']);
    expect(by('exposure-hash-salt')).toEqual(['notice']);
    expect(by('backup-marker-fresh')).toEqual(['notice']);
    for (const quiet of ['auth-required', 'pipelines-scheduled', '2.pii-stance', 'cors-restricted']) expect(by(quiet)).toEqual([]);
    // Three image-pinned failures, but the verdict and eight other errors come first: GitHub shows ten per step.
    expect(by('image-pinned')).toEqual(['error', 'error']);
    expect(commands.filter((c) => c.command === 'error')).toHaveLength(10);
    expect(commands.at(-1)).toMatchObject({ command: 'notice', props: { title: 'prodready: more findings' } });
    expect(commands.at(-1)!.message).toMatch(/^1 more finding not annotated \(1 error;/);
  });

  it('round-trips %, newlines, colons and commas in messages and properties', () => {
    const result = makeRunResult();
    const commands = github(result, makeReportContext()).trimEnd().split('\n').map(parseLine);
    const exp = commands.find((c) => c.props.title === 'prodready experiment-config-valid')!;
    expect(exp.message.split('\n')[0]).toBe('EXPERIMENT_CONFIG_JSON at values.yaml:40: experiments[0] "home,v2": traffic_percent 150 is outside 0..100; the service will not start');
    const fatal = commands[1]!;
    expect(fatal.props.title).toBe('prodready: manifests/broken.yaml does not parse');
    expect(fatal.props.file).toBe('manifests/broken.yaml');
    expect(fatal.message).toContain('column 3:\n\n  image: recsys\n');

    const odd = makeRunResult();
    const f = odd.results.find((u) => u.id === 'dev-auth-disabled')!.findings[0]!;
    f.location = { file: '/work/deploy/env,prod:eu/.env', line: 3, column: 1 };
    f.message = 'line one\r\n::set-env name=X::y';
    const line = github(odd, makeReportContext()).split('\n').find((l) => l.includes('dev-auth-disabled'))!;
    expect(line).not.toContain('\n');
    const parsed = parseLine(line);
    expect(parsed.props.file).toBe('env,prod:eu/.env');
    expect(parsed.message.startsWith('line one\r\n::set-env name=X::y')).toBe(true);
  });

  it('says where a live finding is, since it has no file', () => {
    const commands = github(makeRunResult(), makeReportContext()).trimEnd().split('\n').map(parseLine);
    const jwks = commands.find((c) => c.props.title === 'prodready jwks-reachable')!;
    expect(jwks.props.file).toBeUndefined();
    expect(jwks.message).toContain('at https://auth.example.com/.well-known/jwks.json');
  });

  it('a ready run prints only a notice', () => {
    const out = github(makeReadyRunResult(), makeReportContext());
    expect(out.trimEnd().split('\n').map(parseLine)).toEqual([
      { command: 'notice', props: { title: 'prodready verdict' }, message: expect.stringMatching(/^READY/) },
    ]);
  });
});
