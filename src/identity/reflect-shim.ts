/**
 * The few Reflect metadata functions the dependency-injection layer of
 * @peculiar/x509 (tsyringe) checks for at load time. Imported before
 * @peculiar/x509; a no-op when a full polyfill is already loaded.
 */
type Key = unknown;
const store = new WeakMap<object, Map<string | symbol | undefined, Map<Key, unknown>>>();

function table(target: object, prop: string | symbol | undefined, create: boolean): Map<Key, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    byProp = new Map();
    store.set(target, byProp);
  }
  let t = byProp.get(prop);
  if (!t && create) {
    t = new Map();
    byProp.set(prop, t);
  }
  return t;
}

interface MetadataReflect {
  getMetadata?: unknown;
}

const R = Reflect as unknown as Record<string, unknown> & MetadataReflect;
if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (key: Key, value: unknown, target: object, prop?: string | symbol): void => {
    table(target, prop, true)!.set(key, value);
  };
  R.getOwnMetadata = (key: Key, target: object, prop?: string | symbol): unknown => table(target, prop, false)?.get(key);
  R.getMetadata = (key: Key, target: object, prop?: string | symbol): unknown => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
      const t = table(o, prop, false);
      if (t?.has(key)) return t.get(key);
    }
    return undefined;
  };
  R.hasMetadata = (key: Key, target: object, prop?: string | symbol): boolean =>
    (R.getMetadata as (k: Key, t: object, p?: string | symbol) => unknown)(key, target, prop) !== undefined;
  R.metadata = (key: Key, value: unknown) => (target: object, prop?: string | symbol): void => {
    table(target, prop, true)!.set(key, value);
  };
}

export {};
