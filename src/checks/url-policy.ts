import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { meetsPrecondition } from './lib/precondition.js';
import { describeLocation } from '../core/describe.js';
import { splitCsv } from '../model/go-parse.js';
import { effective, locationOf, valueEvidence } from '../model/query.js';
import { maskDsn } from '../io/mask.js';

const VAR = () => z.string().regex(/^[A-Z][A-Z0-9_]*$/);

/** A query parameter of a URL or of a key=value DSN (`host=db sslmode=require`). */
function queryParam(raw: string, param: string): string | undefined {
  // The name comes from a rule's params (perhaps a user's): literal text in the pattern, never pattern syntax.
  const name = param.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      return new URL(raw).searchParams.get(param) ?? undefined;
    } catch {
      const m = new RegExp(`[?&]${name}=([^&#]*)`).exec(raw);
      if (!m) return undefined;
      try {
        return decodeURIComponent(m[1]!);
      } catch {
        return m[1]!; // a stray % in a URL that did not parse: shown as written
      }
    }
  }
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\\S+)`).exec(raw);
  if (!m) return undefined;
  return m[1]!.startsWith("'") ? m[1]!.slice(1, -1) : m[1]!;
}

/**
 * What a URL-valued variable must look like: its scheme, its host in an allow-list held by another variable, or a
 * query parameter (a DSN's sslmode). DSNs are only ever shown with the password masked.
 */
export default defineCheck({
  meta: {
    id: 'url-policy',
    type: 'problem',
    description: "Fails when a URL's scheme, host (against an allow-list variable) or a query parameter breaks the policy.",
    messages: {
      badScheme: '{{variable}} at {{where}} uses {{scheme}}, not {{allowed}}: {{why}}',
      notUrl: '{{variable}} at {{where}} is not an absolute URL ({{shown}}): {{why}}',
      allowlistEmpty: '{{allowlist}} is empty, so any host named in {{variable}} is trusted: {{why}}',
      hostNotAllowed: 'the host {{host}} of {{variable}} ({{where}}) is not in {{allowlist}} ({{hosts}}): {{why}}',
      paramMissing: '{{variable}} at {{where}} sets no {{param}} ({{shown}}), so the driver default {{driverDefault}} applies: {{why}}',
      paramNotAllowed: '{{variable}} at {{where}} has {{param}}={{value}}, not one of {{allowed}}: {{why}}',
      unset: '{{variable}} is not in the given files: {{because}}',
      unseen: '{{variable}} cannot be seen: {{because}}',
      conditionUnknown: 'whether this applies cannot be told: {{because}}',
    },
    params: () => z.strictObject({
      variable: VAR(),
      onlyIf: z.strictObject({ variable: VAR(), is: z.boolean() }).optional(),
      schemes: z.array(z.string().min(1)).optional(),
      /** A CSV variable listing the hosts the URL may point at; empty fails. */
      hostAllowlist: VAR().optional(),
      query: z
        .strictObject({ param: z.string().min(1), allowed: z.array(z.string()).min(1), driverDefault: z.string().min(1) })
        .optional(),
      /** What an unset variable means: another rule's business (skip), or a gap in the inputs (unknown). */
      whenUnset: z.enum(['skip', 'unknown']).default('skip'),
      /** Another variable that can supply the value instead (DATABASE_URL_FILE): unknown when it is set. */
      alternative: VAR().optional(),
      why: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    if (!meetsPrecondition(ctx, p.onlyIf)) return;
    const e = effective(model, p.variable);
    if (e.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    const secret = e.spec?.secret === true;
    const raw = e.state === 'set' || e.state === 'invalid' ? e.raw.trim() : '';

    if (p.hostAllowlist) {
      const a = effective(model, p.hostAllowlist);
      if (a.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.hostAllowlist, because: a.because } });
      const hosts = a.state === 'set' || a.state === 'invalid' ? splitCsv(a.raw) : [];
      if (hosts.length === 0) {
        const location = locationOf(model, a);
        ctx.report({
          messageId: 'allowlistEmpty',
          data: { variable: p.variable, allowlist: p.hostAllowlist, why: p.why },
          ...(location ? { location } : {}),
          evidence: [valueEvidence(a)],
        });
        return;
      }
      ctx.evidence(valueEvidence(a));
    }

    if (raw === '') {
      if (p.alternative) {
        const alt = effective(model, p.alternative);
        if (alt.state === 'set') {
          return ctx.unknown({
            messageId: 'unset',
            data: { variable: p.variable, because: `it is read from the file ${p.alternative}=${JSON.stringify(alt.raw)} names, whose content cannot be seen` },
            location: alt.def.location,
          });
        }
      }
      if (p.whenUnset === 'unknown') {
        return ctx.unknown({
          messageId: 'unset',
          data: { variable: p.variable, because: e.state === 'default' ? e.because : 'unset' },
          ...(locationOf(model, e) ? { location: locationOf(model, e)! } : {}),
        });
      }
      return ctx.skip(`${p.variable} is not set (${valueEvidence(e)}); other rules judge whether it must be`);
    }
    const shown = secret ? maskDsn(raw) : raw;
    const where = describeLocation(e.def!.location);
    const location = e.def!.location;
    const evidence = [secret ? `${p.variable}=${shown} (${where})` : valueEvidence(e)];
    let failed = false;

    if (p.schemes || p.hostAllowlist) {
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {
        url = undefined;
      }
      if (!url) {
        return ctx.report({ messageId: 'notUrl', data: { variable: p.variable, where, shown, why: p.why }, location, evidence });
      }
      const scheme = url.protocol.replace(/:$/, '').toLowerCase();
      if (p.schemes && !p.schemes.includes(scheme)) {
        failed = true;
        ctx.report({ messageId: 'badScheme', data: { variable: p.variable, where, scheme, allowed: p.schemes.join(', '), why: p.why }, location, evidence });
      }
      if (p.hostAllowlist) {
        const a = effective(model, p.hostAllowlist);
        const hosts = a.state === 'set' ? splitCsv(a.raw).map((h) => h.toLowerCase()) : [];
        const host = url.hostname.toLowerCase();
        if (!hosts.includes(host) && !hosts.includes(url.host.toLowerCase())) {
          failed = true;
          ctx.report({
            messageId: 'hostNotAllowed',
            data: { variable: p.variable, where, host, allowlist: p.hostAllowlist, hosts: hosts.join(', '), why: p.why },
            ...(a.state === 'set' ? { location: a.def.location } : { location }),
            evidence: [...evidence, valueEvidence(a)],
          });
        }
      }
    }

    if (p.query) {
      const value = queryParam(raw, p.query.param);
      const allowed = p.query.allowed.join(', ');
      if (value === undefined || value.trim() === '') {
        failed = true;
        ctx.report({
          messageId: 'paramMissing',
          data: { variable: p.variable, where, param: p.query.param, shown, driverDefault: p.query.driverDefault, why: p.why },
          location,
          evidence,
        });
      } else if (!p.query.allowed.includes(value.trim().toLowerCase())) {
        failed = true;
        ctx.report({ messageId: 'paramNotAllowed', data: { variable: p.variable, where, param: p.query.param, value, allowed, why: p.why }, location, evidence });
      }
    }
    if (!failed) ctx.evidence(evidence[0]!);
  },
});
