// `node --import ./trace-loads.mjs app.js`: appends the URL of every file module the process loads to the file
// named by TRACE_LOADS_OUT, one a line, so a test can tell which bundle chunks a command loaded.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.TRACE_LOADS_OUT, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
