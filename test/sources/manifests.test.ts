import { describe, expect, it } from 'vitest';
import { addManifestFile, emptyManifestSet } from '../../src/sources/manifests.js';

const LIST = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: s }
    data:
      TOKEN: ${Buffer.from('tok-value').toString('base64')}
    stringData:
      OTHER: plain
  - apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: publish
    spec:
      schedule: "*/15 * * * *"
      jobTemplate:
        spec:
          template:
            spec:
              containers:
                - name: p
                  image: x:1
                  env:
                    - name: A
                      value: "1"
                    - name: A
                      value: "2"
`;

describe('rendered manifests', () => {
  it('reads a List: Secrets decoded, CronJob containers and schedule, duplicate env entries', () => {
    const set = emptyManifestSet();
    addManifestFile(set, 'list.yaml', LIST);
    expect(set.problems).toEqual([]);
    const s = set.secrets.get('s')!;
    expect(s.entries.get('TOKEN')!.value).toBe('tok-value');
    expect(s.entries.get('OTHER')!.value).toBe('plain');
    expect(s.entries.get('TOKEN')!.location).toMatchObject({ file: 'list.yaml', line: 8, resource: 'Secret/s' });
    const cron = set.workloads[0]!;
    expect(cron).toMatchObject({ kind: 'CronJob', name: 'publish', schedule: '*/15 * * * *' });
    expect(cron.containers[0]!.image).toBe('x:1');
    expect(set.duplicates).toEqual([expect.objectContaining({ name: 'A' })]);
  });

  it('reads multi-document streams and reports a broken document with its line', () => {
    const set = emptyManifestSet();
    addManifestFile(set, 'm.yaml', 'kind: ConfigMap\nmetadata: {name: a}\ndata: {X: "1"}\n---\nkind: ConfigMap\nmetadata: {name: b\n');
    expect(set.configMaps.get('a')!.entries.get('X')!.value).toBe('1');
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0]!.line).toBeGreaterThanOrEqual(5);
  });

  it('reads Helm hooks, init containers and probes', () => {
    const set = emptyManifestSet();
    addManifestFile(
      set,
      'j.yaml',
      `kind: Job
metadata:
  name: m
  annotations: {"helm.sh/hook": "pre-install, pre-upgrade"}
spec:
  template:
    spec:
      initContainers: [{name: i, image: x, command: [a, b]}]
      containers:
        - name: c
          image: y
          readinessProbe: {httpGet: {path: /readyz, port: 8000}}
`,
    );
    const w = set.workloads[0]!;
    expect(w.helmHooks).toEqual(['pre-install', 'pre-upgrade']);
    expect(w.initContainers[0]!.command).toEqual(['a', 'b']);
    expect(w.containers[0]!.readinessProbe).toMatchObject({ path: '/readyz', port: 8000 });
  });
});
