import type { FleetFormat, FleetReporter } from './types.js';
import { fleetRecord } from './record.js';

/** JSON Lines, exactly as one unsharded `check --each --format json` writes them: a record per deployment, then the summary. */
const reporter: FleetReporter = {
  head: () => '',
  deployment: (result) => fleetRecord(result),
  tail: (rows) => `${JSON.stringify({ summary: rows })}\n`,
};

const json: FleetFormat = () => reporter;

export default json;
