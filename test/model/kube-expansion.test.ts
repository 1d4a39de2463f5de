// The kubelet's $(NAME) expansion of literal env values, as kubernetes' third_party/forked/golang/expansion does it.
import { describe, expect, it } from 'vitest';
import { kubeExpand, type KubeVar } from '../../src/model/kube-expansion.js';

const defined = new Map<string, KubeVar>([
  ['DB_PASSWORD', { value: 'Hq3Lx8Vr2Nc5Tb9W' }],
  ['TOKEN', { unseen: 'Secret recsys-token' }],
]);

describe('kubeExpand', () => {
  it('replaces $(NAME) of a variable defined before, and leaves an unknown one as written', () => {
    expect(kubeExpand('postgres://u:$(DB_PASSWORD)@db/x', defined, [])).toEqual({ value: 'postgres://u:Hq3Lx8Vr2Nc5Tb9W@db/x' });
    expect(kubeExpand('a$(NOPE)b', defined, [])).toEqual({ value: 'a$(NOPE)b' });
  });

  it('reads $$ as one $, so $$(NAME) is the text $(NAME); other $ forms stay', () => {
    expect(kubeExpand('pa$$word', defined, [])).toEqual({ value: 'pa$word' });
    expect(kubeExpand('$$(DB_PASSWORD)', defined, [])).toEqual({ value: '$(DB_PASSWORD)' });
    expect(kubeExpand('${HOME} $x $( end$', defined, [])).toEqual({ value: '${HOME} $x $( end$' });
  });

  it('cannot be known when the variable comes from unseen data, or may be in an envFrom source not given', () => {
    expect(kubeExpand('Bearer $(TOKEN)', defined, [])).toEqual({ unseen: ['Secret recsys-token'] });
    expect(kubeExpand('$(MAYBE)', defined, ['Secret shared-env'])).toEqual({ unseen: ['Secret shared-env'] });
  });
});
