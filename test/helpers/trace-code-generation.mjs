// `node --import ./trace-code-generation.mjs app.js`: appends a line to the file named by TRACE_CODEGEN_OUT for
// every thread that starts (`start main`, `start worker N`) and every function built from a string (`new Function`,
// which zod does for each object schema unless its jitless option is set), with the start of its body, so a test
// can tell whether any thread of a run compiled code. Worker threads run this module too (they inherit --import).
import { appendFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';

const out = process.env.TRACE_CODEGEN_OUT;
const thread = isMainThread ? 'main' : `worker ${threadId}`;
appendFileSync(out, `start ${thread}\n`);

const Original = globalThis.Function;
const record = (args) => appendFileSync(out, `compile ${thread} ${JSON.stringify(String(args.at(-1) ?? '').slice(0, 60))}\n`);
globalThis.Function = new Proxy(Original, {
  construct(target, args, newTarget) {
    record(args);
    return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget);
  },
  apply(target, self, args) {
    record(args);
    return Reflect.apply(target, self, args);
  },
});
