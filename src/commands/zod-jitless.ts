// Imported first by the program (src/commands/program.ts) and by the fleet worker threads' module
// (src/commands/fleet-workers.ts, each thread has its own zod), before any module that builds a zod schema: a run of
// the CLI parses each schema a handful of times, and zod's default compiles a parser for every object schema with
// `new Function` at its first parse, which costs more than it saves in a process this short (about a fifth of
// a static check's CPU time). Same results. Schemas parse while a run loads (pack, config, attestations), not per
// deployment, so fleet mode loses nothing either.
import { config } from 'zod';

config({ jitless: true });
