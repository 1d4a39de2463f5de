// A value built on first use. zod schemas are objects built when their module loads; a run that never parses with
// one (a static check reads the built-in pack's parsed data from dist/pack.json) need not pay for building it.
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
