import path from 'node:path';
import { UserError } from '../core/errors.js';
import { FORMATS, isFormat, type FormatName } from './index.js';
import { didYouMean } from '../core/did-you-mean.js';

export interface FormatOutput {
  format: FormatName;
  /** File to write; absent means stdout. */
  output?: string;
}

/** `-` names stdout explicitly, so one of several pairs can still go there. */
const STDOUT = '-';

/**
 * Pair repeated `--format X --output FILE` options in the order given.
 * One format with no output goes to stdout; several formats need one output each,
 * and no two formats may share a file (stdout included), since interleaved formats parse as neither.
 * An empty format list means the default text format.
 */
export function pairFormatsWithOutputs(formats: string[], outputs: string[]): FormatOutput[] {
  const names = formats.length ? formats : ['text'];
  const known = Object.keys(FORMATS);
  for (const name of names) {
    if (!isFormat(name)) {
      const hint = didYouMean(name, known);
      throw new UserError(
        'invalid-option',
        `unknown format "${name}"${hint ? `: did you mean "${hint}"?` : ''} (formats: ${known.join(', ')})`,
      );
    }
  }
  const valid = names as FormatName[];

  if (outputs.length === 0) {
    if (valid.length > 1) {
      throw new UserError(
        'output-conflict',
        `${valid.length} formats (${valid.join(', ')}) would all be written to stdout: give one --output per --format`,
      );
    }
    return [{ format: valid[0]! }];
  }
  if (outputs.length !== valid.length) {
    throw new UserError(
      'output-conflict',
      `${valid.length} --format and ${outputs.length} --output options: give one --output per --format, in the same order`,
    );
  }

  const seen = new Map<string, FormatName>();
  return valid.map((format, i) => {
    const output = outputs[i]!;
    if (output.trim() === '') throw new UserError('invalid-option', `--output for format ${format} is empty`);
    const key = output === STDOUT ? STDOUT : path.resolve(output);
    const previous = seen.get(key);
    if (previous !== undefined) {
      const where = output === STDOUT ? 'stdout' : `the same file ${output}`;
      throw new UserError('output-conflict', `formats ${previous} and ${format} would both be written to ${where}`);
    }
    seen.set(key, format);
    return output === STDOUT ? { format } : { format, output };
  });
}
