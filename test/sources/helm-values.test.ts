import { describe, expect, it } from 'vitest';
import { formatGoFloat, helmMapEntries, loadValues, renderQuoted } from '../../src/sources/helm-values.js';

describe('Helm values', () => {
  it('reads YAML 1.1 as Helm does and renders what the pod sees', () => {
    const v = loadValues([{ name: 'v.yaml', text: 'api:\n  env:\n    A: yes\n    B: 10000000\n    C: "yes"\n    D: 8000\n    E: off\n    F:\n' }]);
    const env = helmMapEntries(v, ['api', 'env']);
    expect(env.get('A')).toMatchObject({ rendered: 'true', sourceText: 'yes', yamlType: 'bool', quoted: false });
    expect(env.get('B')).toMatchObject({ rendered: '1e+07', sourceText: '10000000', yamlType: 'int' });
    expect(env.get('C')).toMatchObject({ rendered: 'yes', quoted: true });
    expect(env.get('D')!.rendered).toBe('8000');
    expect(env.get('E')!.rendered).toBe('false');
    expect(env.get('F')!.rendered).toBe('');
    expect(env.get('B')!.location).toMatchObject({ file: 'v.yaml', line: 4, column: 5 });
  });

  it('formats floats like Go %v', () => {
    expect([1e6, 1234567, 100000, 0.5, 0.00001, -2.5e7, 1e21].map(formatGoFloat)).toEqual([
      '1e+06',
      '1.234567e+06',
      '100000',
      '0.5',
      '1e-05',
      '-2.5e+07',
      '1e+21',
    ]);
    expect(renderQuoted(null)).toBe('');
  });

  it('merges files like helm -f: later wins, maps merge deeply, the winner locates', () => {
    const v = loadValues([
      { name: 'a.yaml', text: 'api:\n  env:\n    A: "1"\n    B: "1"\n' },
      { name: 'b.yaml', text: 'api:\n  env:\n    B: "2"\n' },
    ]);
    const env = helmMapEntries(v, ['api', 'env']);
    expect(env.get('A')!.rendered).toBe('1');
    expect(env.get('B')!.rendered).toBe('2');
    expect(env.get('B')!.location.file).toBe('b.yaml');
    expect(v.locate(['api', 'env', 'A'])!.file).toBe('a.yaml');
  });

  it('a syntax error is a problem with its line, never a throw', () => {
    const v = loadValues([{ name: 'bad.yaml', text: 'api:\n  env:\n    A: [1, 2\n' }]);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('bounds alias expansion', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i += 1) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    const v = loadValues([{ name: 'bomb.yaml', text: bomb.join('\n') }]);
    expect(v.problems).toEqual([expect.objectContaining({ code: 'yaml-alias' })]);
  });

  it('finds duplicate keys in one map', () => {
    const v = loadValues([{ name: 'd.yaml', text: 'api:\n  env:\n    A: "1"\n    A: "2"\n' }]);
    expect(v.duplicates).toEqual([expect.objectContaining({ name: 'api.env.A', first: expect.objectContaining({ line: 3 }), second: expect.objectContaining({ line: 4 }) })]);
  });
});
