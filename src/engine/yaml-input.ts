// A user-written YAML file (config, attestations) parsed for validation: syntax errors are UserErrors with a line.
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { UserError, type UserErrorCode } from '../core/errors.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  data: unknown;
  /** 1-based line of the node at a path, for pointing a finding at an entry. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

export function parseUserYaml(text: string, file: string, code: UserErrorCode, what: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lineCounter.linePos(err.pos[0]);
    throw new UserError(code, `${what} ${file} is not valid YAML`, [
      { file: pos ? `${file}:${pos.line}` : file, message: err.message.split('\n')[0]! },
    ]);
  }
  return {
    doc,
    data: doc.toJS({ maxAliasCount: 100 }) ?? {},
    lineOf(path) {
      let node: unknown = doc.contents;
      for (const key of path) {
        if (isMap(node)) node = node.get(key, true);
        else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
        else return undefined;
      }
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    },
  };
}
