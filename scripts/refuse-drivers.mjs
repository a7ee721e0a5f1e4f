// Loaded with `node --import`: makes any attempt to load a storage driver fail loudly,
// so the smoke test proves that importing the core never pulls one in.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (/^(better-sqlite3|@eventstore\\/db-client)(\\/|$)/.test(specifier)) throw new Error('driver loaded by the core: ' + specifier);
  return next(specifier, context);
}`),
);
