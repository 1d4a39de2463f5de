import { escapeMarkdown } from '../markdown.js';
import { STATUS_EMOJI } from '../lib/status.js';
import type { FleetFormat } from './types.js';

// A Markdown summary of the fleet for a job summary or a ticket: one table row per deployment with its verdict,
// counts and the rules that failed, then the totals. Every value is escaped as in the single-deployment report.

const MAX_RULES = 5;

function cell(text: string): string {
  return escapeMarkdown(text).replace(/\|/g, '\\|');
}

const markdown: FleetFormat = () => {
  let ready = 0;
  let total = 0;
  return {
  head() {
    return '# prodready fleet report\n\n| deployment | verdict | fail | warn | unknown | failing rules |\n| --- | --- | ---: | ---: | ---: | --- |\n';
  },
  deployment(result) {
    total += 1;
    const ok = result.summary.verdict === 'ready';
    if (ok) ready += 1;
    const failing = result.results.filter((u) => u.status === 'fail' || u.status === 'warn').map((u) => u.id);
    if (result.fatal.length) failing.unshift(`${result.fatal.length} unreadable`);
    const shown = failing.slice(0, MAX_RULES).map(cell).join(', ') + (failing.length > MAX_RULES ? `, +${failing.length - MAX_RULES} more` : '');
    const c = result.summary.counts;
    return `| ${cell(result.deployment ?? '')} | ${ok ? `${STATUS_EMOJI.pass} ready` : `${STATUS_EMOJI.fail} not ready`} | ${c.fail} | ${c.warn} | ${c.unknown} | ${shown} |\n`;
  },
  tail(rows) {
    const errors = rows.filter((r) => r.verdict === 'error');
    const lines = errors.map((r) => `| ${cell(r.deployment)} | ${STATUS_EMOJI.unknown} error | | | | ${cell((r.error ?? '').split('\n')[0]!)} |`);
    const all = total + errors.length;
    lines.push('', `**${all} deployment${all === 1 ? '' : 's'}: ${ready} ready, ${all - ready - errors.length} not ready${errors.length ? `, ${errors.length} could not be judged` : ''}**`);
    return `${lines.join('\n')}\n`;
  },
  };
};

export default markdown;
