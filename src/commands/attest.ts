import type { Command } from 'commander';
import { attestationResults, attestationTemplate, loadAttestations, ATTESTATIONS_FILE_NAME } from '../engine/attestations.js';
import { builtinPackData } from '../pack/pack.js';

export function registerAttestCommand(program: Command): void {
  program
    .command('attest')
    .description('the checklist items a person must attest: a skeleton to fill in, or the state of the attestations file')
    .option('--template', `print an attestations skeleton for every attestable item (save it as ${ATTESTATIONS_FILE_NAME})`)
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
      const results = attestationResults(items, loaded, new Date());
      const width = Math.max(...results.map((r) => r.id.length));
      for (const r of results) {
        const detail = r.status === 'manual' ? r.reason : r.findings[0]?.message;
        process.stdout.write(`${r.id.padEnd(width)}  ${r.status.padEnd(6)}  ${detail ?? ''}\n`);
      }
      process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
