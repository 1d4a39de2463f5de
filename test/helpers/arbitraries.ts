// Generators of deployment files, valid and broken, for the property tests of the sources, the model and check.
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Fixed seed and bounded runs: a property test is reproducible and its cost known. */
export const FC = { seed: 42, numRuns: 200 } as const;

const KEYS = ['api', 'env', 'secrets', 'existingSecret', 'image', 'tag', 'postgres', 'enabled', 'minio', 'pipelines', 'kind', 'metadata', 'name', 'data', 'spec', 'a', 'b', '__proto__', 'constructor', '<<', ''];
const VARS = ['ENV', 'PPROF_ENABLED', 'DEV_AUTH_ENABLED', 'MIGRATE_ON_START', 'AUTH_ALLOW_INSECURE_JWKS', 'API_KEY_HASH_SECRET', 'EXPOSURE_HASH_SALT', 'RECSYS_BACKPRESSURE_MAX_INFLIGHT', 'DATABASE_URL', 'NOT_A_VAR'];
const WORDS = ['yes', 'no', 'on', 'off', 'true', 'false', 'prod', 'production', '10000000', '1e+07', '0x1F', '~', 'null', 'changeme', '${SECRET}', '<set-me>', '', ' ', 'ünïcödé', '"', "'", '#', ': ', '- ', '\t', '\\'];

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/** JSON-like trees with the keys the model looks for, so generated files reach the interesting code. */
export const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS, ...VARS), fc.string({ maxLength: 8 })), tie('node'), { maxKeys: 5 }),
  ),
})).node;

/** A values file shaped like the chart's: api.env and api.secrets with catalogue variables and tricky words. */
export const valuesTree = fc.record({
  api: fc.record({
    env: fc.dictionary(fc.constantFrom(...VARS), scalar, { maxKeys: 8 }),
    secrets: fc.oneof(fc.dictionary(fc.constantFrom(...VARS), scalar, { maxKeys: 3 }), tree),
    existingSecret: fc.oneof(fc.constant(''), fc.string({ maxLength: 5 }), tree),
  }, { requiredKeys: [] }),
  postgres: fc.record({ enabled: fc.oneof(fc.boolean(), scalar) }, { requiredKeys: [] }),
  minio: fc.record({ enabled: fc.oneof(fc.boolean(), scalar), region: scalar }, { requiredKeys: [] }),
  extra: tree,
}, { requiredKeys: [] });

const manifestObject = fc.oneof(
  fc.record({ kind: fc.constantFrom('ConfigMap', 'Secret'), metadata: fc.record({ name: fc.constantFrom('cfg', 'sec', 'recsys-api') }), data: fc.dictionary(fc.constantFrom(...VARS), scalar), stringData: tree }, { requiredKeys: ['kind'] }),
  fc.record({
    kind: fc.constantFrom('Deployment', 'StatefulSet', 'Job', 'CronJob', 'Pod', 'List', 'ServiceMonitor'),
    metadata: fc.oneof(fc.record({ name: fc.constantFrom('recsys-api', 'migrate', 'x'), annotations: tree }), tree),
    items: tree,
    spec: fc.oneof(
      tree,
      fc.record({
        replicas: scalar,
        template: fc.record({
          spec: fc.record({
            containers: fc.array(
              fc.oneof(tree, fc.record({ name: fc.constantFrom('api', 'migrate'), env: fc.array(fc.oneof(tree, fc.record({ name: fc.constantFrom(...VARS), value: scalar }))), envFrom: tree, command: tree, livenessProbe: tree })),
              { maxLength: 3 },
            ),
          }),
        }),
      }),
    ),
  }, { requiredKeys: ['kind'] }),
  tree,
);

function yamlText(v: unknown): string {
  return stringify(v, { aliasDuplicateObjects: false });
}

const JUNK = ['[', ']', '{', '}', '"', "'", ':', '\t', '&a ', '*a', '*nope', '!!binary ', '!', '%YAML 1.1\n', '@', '`', '\n', '\n  ', '- ', '? ', '---\n', '...\n', '\uFEFF', '\r', '#', '|', '>', '\\', '\u0000', '\uD800'];

/** Valid text damaged in one of the ways real files break. */
function mutations(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    valid,
    valid.map((t) => `\uFEFF${t}`),
    valid.map((t) => t.replace(/\n/g, '\r\n')),
    fc.tuple(valid, fc.nat()).map(([t, n]) => t.slice(0, t.length === 0 ? 0 : n % t.length)),
    fc.tuple(valid, fc.nat(), fc.constantFrom(...JUNK)).map(([t, n, j]) => {
      const i = t.length === 0 ? 0 : n % t.length;
      return t.slice(0, i) + j + t.slice(i);
    }),
    fc.tuple(valid, valid).map(([a, b]) => `${a}${b}`), // duplicate top-level keys, usually
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
}

/** A "billion laughs" document: `levels` anchors, each aliasing the previous one `width` times. */
export const aliasBomb = fc.record({ levels: fc.integer({ min: 1, max: 12 }), width: fc.integer({ min: 1, max: 12 }), under: fc.constantFrom('', 'api:\n  env:\n    X: ') }).map(({ levels, width, under }) => {
  const lines = ['l0: &l0 ["lol"]'];
  for (let i = 1; i <= levels; i += 1) lines.push(`l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n${under ? `${under}*l${levels}\n` : ''}`;
});

/** Nesting from shallow to far deeper than any parser recursion survives. */
export const deepNesting = fc.record({ depth: fc.integer({ min: 1, max: 2000 }), flow: fc.boolean(), close: fc.boolean() }).map(({ depth, flow, close }) =>
  flow
    ? `api: ${'['.repeat(depth)}${close ? ']'.repeat(depth) : ''}\n`
    : Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
);

export const hugeScalar = fc.record({ size: fc.integer({ min: 1, max: 500_000 }), quoted: fc.boolean() }).map(({ size, quoted }) => `api:\n  env:\n    ENV: ${quoted ? '"' : ''}${'x'.repeat(size)}${quoted ? '"' : ''}\n`);

export const valuesText = fc.oneof(
  { weight: 6, arbitrary: mutations(valuesTree.map(yamlText)) },
  { weight: 1, arbitrary: mutations(tree.map(yamlText)) },
  { weight: 1, arbitrary: aliasBomb },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeScalar },
);

export const manifestsText = fc.oneof(
  { weight: 4, arbitrary: mutations(fc.array(manifestObject, { maxLength: 4 }).map((docs) => docs.map(yamlText).join('---\n'))) },
  // Several documents, each possibly damaged: still one problem for the file.
  { weight: 3, arbitrary: fc.array(mutations(manifestObject.map(yamlText)), { minLength: 2, maxLength: 4 }).map((docs) => docs.join('\n---\n')) },
  { weight: 1, arbitrary: aliasBomb },
  { weight: 1, arbitrary: deepNesting },
);

const envLine = fc.oneof(
  fc.tuple(fc.constantFrom('', 'export ', '  '), fc.constantFrom(...VARS, 'A.B', 'x-y', '1'), fc.constantFrom('=', ' = ', ': ', ''), fc.constantFrom('', '"', "'", '`'), fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })), fc.constantFrom('', '"', "'", '`', ' # c', '#c')).map((p) => p.join('')),
  fc.constantFrom('# comment', '', '   ', 'not a pair', '=x', 'A="multi', 'line"', '\\'),
  fc.string({ maxLength: 30 }),
);

export const envText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.array(envLine, { maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => lines.join(eol)) },
  { weight: 1, arbitrary: fc.tuple(fc.array(envLine, { maxLength: 20 })).map(([lines]) => `\uFEFF${lines.join('\n')}`) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);
