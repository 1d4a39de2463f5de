import { escAttr, escText, junitSuites } from '../junit.js';
import type { FleetFormat, FleetReporter } from './types.js';

// One JUnit file for the fleet: each deployment's suites named `<deployment>: <section>`, and a deployment that
// could not be judged at all as an <error> in a suite of its own. The root carries no totals, which the schema
// allows, so the report can be written as the deployments stream by.

const reporter: FleetReporter = {
  head: () => `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="prodready fleet">\n`,
  deployment(result, ctx) {
    const { suites } = junitSuites(result, ctx, `${result.deployment ?? ''}: `);
    return suites.length ? `${suites.join('\n')}\n` : '';
  },
  tail(rows) {
    const errors = rows.filter((r) => r.verdict === 'error');
    const suites = errors.map((r) => {
      const message = (r.error ?? 'could not be judged').split('\n')[0]!;
      return [
        `  <testsuite name="${escAttr(`${r.deployment}: Inputs`)}" tests="1" failures="0" errors="1" skipped="0">`,
        `    <testcase name="${escAttr(r.deployment)}" classname="prodready.inputs">`,
        `      <error message="${escAttr(message)}" type="error">${escText(r.error ?? '')}</error>`,
        `    </testcase>`,
        `  </testsuite>`,
      ].join('\n');
    });
    return `${suites.map((s) => `${s}\n`).join('')}</testsuites>\n`;
  },
};

const junit: FleetFormat = () => reporter;

export default junit;
