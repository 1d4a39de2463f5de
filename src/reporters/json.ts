import { orderResult } from '../core/order.js';
import type { Reporter } from '../core/types.js';

/**
 * The run result as JSON, schema version 1.0 (documented in docs/json-report.md): tool, inputs, environment,
 * one entry per rule/probe/attestation with its findings, and the summary. Secrets are never in the result.
 */
const json: Reporter = (result) => `${JSON.stringify(orderResult(result), null, 2)}\n`;

export default json;
