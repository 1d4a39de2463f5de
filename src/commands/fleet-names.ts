// The file names of a fleet's reports under --output: light enough for the main thread, which names them once for
// every thread.

/** A deployment's path made a file name: characters a file name cannot keep become `_`. */
export function slug(name: string): string {
  return name.replace(/^\.\//, '').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'deployment';
}

/**
 * The file name (without extension) of each deployment's report under --output: its path made a file name. Paths
 * that differ only in characters a file name cannot keep (`team a/x`, `team+a/x`) would write the same file, and one
 * report would silently replace the other: the second and later get `-2`, `-3`, ... in match order (and a
 * deployment called `summary` does not take the run's summary.txt).
 */
export function reportFileBases(names: readonly string[]): Map<string, string> {
  const plain = names.map(slug);
  const taken = new Set(plain);
  // summary.txt is the run's own table.
  const used = new Set<string>(['summary']);
  const out = new Map<string, string>();
  names.forEach((name, i) => {
    let base = plain[i]!;
    if (used.has(base)) {
      let n = 2;
      while (taken.has(`${base}-${n}`) || used.has(`${base}-${n}`)) n += 1;
      base = `${base}-${n}`;
    }
    used.add(base);
    out.set(name, base);
  });
  return out;
}
