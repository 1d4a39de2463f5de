// What the kubelet does to a literal env value before the container starts: `$(NAME)` becomes the value of a
// variable defined before it in the container (its envFrom sources, then the env entries above it) or of a service
// link variable; an unknown `$(NAME)` stays as written; `$$` is one `$` (so `$$(NAME)` is the text `$(NAME)`).
// Only literal `value:` entries are expanded, never data from a Secret or ConfigMap. Upstream: kubernetes
// third_party/forked/golang/expansion/expand.go (Expand, tryReadVariableName) and pkg/kubelet/kubelet_pods.go
// (makeEnvironmentVariables: envFrom first, then each env entry in order, literals through Expand).

/** A variable defined before: its value, or that it comes from data that cannot be seen. */
export type KubeVar = { value: string } | { unseen: string };

export type KubeExpansion = { value: string } | { unseen: string[] };

/**
 * `value` as the kubelet expands it. `defined` holds what the container has so far; `maybe` names sources that may
 * hold any other name (an envFrom Secret or ConfigMap not given), in which case an unknown `$(NAME)` cannot be told.
 */
export function kubeExpand(value: string, defined: ReadonlyMap<string, KubeVar>, maybe: readonly string[]): KubeExpansion {
  if (!value.includes('$')) return { value };
  let out = '';
  let checkpoint = 0;
  const unseen: string[] = [];
  for (let cursor = 0; cursor < value.length; cursor += 1) {
    if (value[cursor] !== '$' || cursor + 1 >= value.length) continue;
    out += value.slice(checkpoint, cursor);
    const rest = value.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) {
        out += '$(';
      } else {
        const name = rest.slice(1, close);
        advance = close + 1;
        const v = defined.get(name);
        if (v && 'value' in v) out += v.value;
        else if (v) unseen.push(v.unseen);
        else if (maybe.length > 0) unseen.push(...maybe);
        // Service link variables (<SVC>_SERVICE_HOST, ...) are the kubelet's too, but not in any file: as written.
        else out += `$(${name})`;
      }
    } else {
      out += `$${rest[0]}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  if (unseen.length > 0) return { unseen: [...new Set(unseen)] };
  return { value: out + value.slice(checkpoint) };
}
