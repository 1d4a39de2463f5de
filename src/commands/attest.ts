import type { Command } from 'commander';
import { attestationResults, attestationTemplate, entryState, loadAttestations, ATTESTATIONS_FILE_NAME } from '../engine/attestations.js';
import { builtinPackData } from '../pack/pack.js';

export function registerAttestCommand(program: Command): void {
  program
    .command('attest')
    .description('the checklist items a person must attest: a skeleton to fill in, or the state of the attestations file')
    .option('--template', `print an attestations skeleton for every attestable item, rule items commented out (save it as ${ATTESTATIONS_FILE_NAME})`)
    .option('--attestations <file>', `attestations file to show (default: ./${ATTESTATIONS_FILE_NAME} when present)`)
    .addHelpText(
      'after',
      `
Examples:
  prodready attest --template > ${ATTESTATIONS_FILE_NAME}
  prodready attest                      # each attestable item: attested, expired or still manual`,
    )
    .action(async (opts: { template?: boolean; attestations?: string }) => {
      const items = builtinPackData().checklist;
      if (opts.template) {
        process.stdout.write(attestationTemplate(items));
        return;
      }
      const loaded = await loadAttestations(items, opts.attestations !== undefined ? { file: opts.attestations } : {});
      const now = new Date();
      const results = attestationResults(items, loaded, now);
      const rows = results.map((r) => ({ id: r.id, status: r.status as string, detail: (r.status === 'manual' ? r.reason : r.findings[0]?.message) ?? '' }));
      // Entries for rule items: shown only when present, since their rules decide the item without one.
      for (const entry of loaded?.entries ?? []) {
        const item = items.find((i) => i.id === entry.item);
        if (item?.kind !== 'rule') continue;
        const state = entryState(entry, now);
        const scope = `decides only what ${(item.decidedBy ?? []).join(', ')} report unknown, never a failure`;
        rows.push(
          state.valid
            ? { id: item.id, status: 'pass', detail: `${item.id} attested by ${entry.by}, until ${entry.expires} (${scope})` }
            : { id: item.id, status: 'fail', detail: state.message },
        );
      }
      const width = Math.max(...rows.map((r) => r.id.length));
      for (const r of rows) process.stdout.write(`${r.id.padEnd(width)}  ${r.status.padEnd(6)}  ${r.detail}\n`);
      process.exitCode = rows.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
