/**
 * One instance per process of a piece of in-memory state. Next bundles proxy.ts apart from the
 * route handlers, so a plain module-level variable would exist once per bundle; globalThis is
 * the one place both see.
 */
export function shared<T>(name: string, create: () => T): T {
  const registry = globalThis as typeof globalThis & { [key: symbol]: unknown };
  const key = Symbol.for(`mj-studio.${name}`);
  registry[key] ??= create();
  return registry[key] as T;
}
