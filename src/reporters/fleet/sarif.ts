import sarifReport from '../sarif.js';
import type { FleetFormat } from './types.js';

// One SARIF log, one run per deployment: each run keeps its own automationDetails category
// (`<category>/<deployment>/`), so code scanning tracks every deployment's alerts apart, as with one upload each.

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const sarif: FleetFormat = () => {
  let first = true;
  return {
  head() {
    return `{\n  "$schema": ${JSON.stringify(SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n`;
  },
  deployment(result, ctx) {
    const run = (JSON.parse(sarifReport(result, ctx)) as { runs: unknown[] }).runs[0];
    const piece = `${first ? '' : ',\n'}${JSON.stringify(run)}`;
    first = false;
    return piece;
  },
  tail: () => `\n  ]\n}\n`,
  };
};

export default sarif;
