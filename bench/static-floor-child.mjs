// The floor under any static check of the corpus in Node: list the files as fleet mode does, read each, and parse it
// with prodready's own YAML path (the fast path, the library for the rest), then nothing else: no model, no rules,
// no report. Bundled by bench/static.mjs with the sources it imports. Prints the number of documents parsed.
import { readFileSync } from 'node:fs';
import { glob } from 'tinyglobby';
import { parseYamlFile } from '../src/sources/yaml-doc.js';

const files = (await glob(process.argv[2], { onlyFiles: false, expandDirectories: false, absolute: true })).sort();
let docs = 0;
for (const f of files) docs += parseYamlFile(f, readFileSync(f, 'utf8'), '1.1').docs.length;
process.stdout.write(`${JSON.stringify({ files: files.length, docs })}\n`);
