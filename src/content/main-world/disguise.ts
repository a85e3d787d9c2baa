/**
 * Wrapping page functions without the page noticing (issue 13, "Invisible and safe in the page"):
 * a wrapper keeps the original's name and length, has no `prototype` (native methods have none, so
 * it is no constructor either), and `Function.prototype.toString` shows the native source for it.
 * The observer never throws into the page: its errors are swallowed; the original's exceptions
 * and return values pass through untouched.
 *
 * Everything the wrappers call at page time is captured here, at document_start, before any page
 * script can replace it.
 */
const { apply, construct, defineProperty, getOwnPropertyDescriptor } = Reflect;
const weakMapGet = WeakMap.prototype.get;
const weakMapSet = WeakMap.prototype.set;
/** The real one, before disguiseToString replaces it: tells our wrappers from natives. */
const realToString = Function.prototype.toString;

/** A WeakMap whose methods the page cannot intercept by patching WeakMap.prototype later. */
export class SafeWeakMap<K extends object, V> {
  readonly #map = new WeakMap<K, V>();
  get(key: K): V | undefined {
    return apply(weakMapGet, this.#map, [key]) as V | undefined;
  }
  set(key: K, value: V): void {
    apply(weakMapSet, this.#map, [key, value]);
  }
}

/** The getter of an accessor (a platform attribute), to be captured at document_start. */
export const getter = (proto: object | undefined, key: string): (() => unknown) | undefined =>
  proto ? (getOwnPropertyDescriptor(proto, key)?.get as (() => unknown) | undefined) : undefined;

/** An attribute read through its captured getter (the property itself where a test DOM has no getter). */
export const attr =
  (get: (() => unknown) | undefined, key: string) =>
  (value: object): unknown =>
    get ? apply(get, value, []) : (value as Record<string, unknown>)[key];

/**
 * `read` of a real one, or undefined: a platform getter throws on anything that is not really an
 * object of its interface, whatever the page did to prototypes and globals since (a brand check).
 */
export const brand =
  <T>(read: (value: object) => unknown) =>
  (value: unknown): T | undefined => {
    try {
      if (typeof value === 'object' && value !== null) return read(value) as T;
    } catch {
      // Not one: a look-alike, or another kind of object.
    }
    return undefined;
  };

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any callable can be wrapped
type AnyFunction = Function;

/** wrapper → the native it stands for, for toString. */
const disguised = new SafeWeakMap<AnyFunction, AnyFunction>();

export interface InstalledHook {
  owner: object;
  key: PropertyKey;
  wrapper: AnyFunction;
  original: AnyFunction;
}

/** Every wrapper installed in this frame, for the tamper check. */
export const installed: InstalledHook[] = [];

function disguise(wrapper: AnyFunction, original: AnyFunction): void {
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  disguised.set(wrapper, original);
}

export type Observe = (self: unknown, args: unknown[], result: unknown) => void;

function observeSafely(observe: Observe, self: unknown, args: unknown[], result: unknown): void {
  try {
    observe(self, args, result);
  } catch {
    // Never into the page: a failed observation costs one event, not the page's call.
  }
}

/** Makes a method (no prototype, not constructible) that calls `body`, named like `original`. */
function methodLike(original: AnyFunction, body: (self: unknown, args: unknown[]) => unknown): AnyFunction {
  const wrapper = {
    method(this: unknown, ...args: unknown[]) {
      return body(this, args);
    },
  }.method;
  disguise(wrapper, original);
  return wrapper;
}

/**
 * Replaces `owner[key]` (an own data property holding a function) with a wrapper that calls the
 * original with the same `this` and arguments and returns what it returns. `observe` runs after a
 * call that returned (so a call that throws is reported to no one), or before it with `before`.
 */
export function wrapMethod(owner: object | undefined, key: string, observe: Observe, before = false): void {
  const descriptor = owner && getOwnPropertyDescriptor(owner, key);
  const original: unknown = descriptor?.value;
  if (!owner || !descriptor || typeof original !== 'function') return;
  const wrapper = methodLike(original, (self, args) => {
    if (before) observeSafely(observe, self, args, undefined);
    const result = apply(original, self, args);
    if (!before) observeSafely(observe, self, args, result);
    return result;
  });
  defineProperty(owner, key, { ...descriptor, value: wrapper });
  installed.push({ owner, key, wrapper, original });
}

/**
 * Replaces `owner[key]` with a wrapper that hands the call to `around`, which decides whether and
 * when the original runs (`call` runs it with the page's `this` and arguments). For holding a
 * request until the observer decides; `around` must itself never throw into the page (the
 * original's own exceptions pass through `call`).
 */
export function aroundMethod(owner: object | undefined, key: string, around: (call: () => unknown, self: unknown, args: unknown[]) => unknown): void {
  const descriptor = owner && getOwnPropertyDescriptor(owner, key);
  const original: unknown = descriptor?.value;
  if (!owner || !descriptor || typeof original !== 'function') return;
  const wrapper = methodLike(original, (self, args) => around(() => apply(original, self, args), self, args));
  defineProperty(owner, key, { ...descriptor, value: wrapper });
  installed.push({ owner, key, wrapper, original });
}

/**
 * Replaces the constructor `owner[key]` with one the page cannot tell from it (a Proxy: same name,
 * length, prototype and statics; `instanceof` and subclasses work; its prototype's `constructor`
 * names it, as it named the original; toString shows the native source) that tells `observe` of
 * each object made, with the arguments it was made from. The original's exceptions pass through.
 */
export function afterConstruct(owner: object | undefined, key: string, observe: Observe): void {
  const descriptor = owner && getOwnPropertyDescriptor(owner, key);
  const original: unknown = descriptor?.value;
  if (!owner || !descriptor || typeof original !== 'function') return;
  const wrapper = new Proxy(original as new (...args: unknown[]) => object, {
    construct(target, args, newTarget) {
      const made = construct(target, args, newTarget);
      observeSafely(observe, made, args, made);
      return made;
    },
  });
  disguised.set(wrapper, original);
  defineProperty(owner, key, { ...descriptor, value: wrapper });
  const prototype = (original as { prototype?: object }).prototype;
  const named = prototype && getOwnPropertyDescriptor(prototype, 'constructor');
  if (prototype && named?.value === original) defineProperty(prototype, 'constructor', { ...named, value: wrapper });
  installed.push({ owner, key, wrapper, original });
}

/** Function.prototype.toString shows the native source for every wrapper (and for itself). */
export function disguiseToString(): void {
  const descriptor = getOwnPropertyDescriptor(Function.prototype, 'toString');
  const nativeToString = descriptor?.value as AnyFunction | undefined;
  if (!descriptor || typeof nativeToString !== 'function') return;
  const wrapper = methodLike(nativeToString, (self, args) => apply(nativeToString, (typeof self === 'function' && disguised.get(self)) || self, args));
  defineProperty(Function.prototype, 'toString', { ...descriptor, value: wrapper });
}

/** A native function (of any realm), not a bound one: what a page gets from a fresh iframe to get around hooks. */
function isForeignNative(value: AnyFunction): boolean {
  try {
    return (apply(realToString, value, []) as string).includes('[native code]') && !String(value.name).startsWith('bound ');
  } catch {
    return false;
  }
}

/** Hooks the page removed, or replaced by a native (ours or another realm's), since they were installed. */
export function tamperedHooks(): string[] {
  const out: string[] = [];
  for (const hook of installed) {
    let current: unknown;
    try {
      current = getOwnPropertyDescriptor(hook.owner, hook.key)?.value;
    } catch {
      current = undefined;
    }
    // A page wrapping our wrapper again (error trackers wrap fetch) still reaches it, and so does a
    // bound copy of it: only a native in its place, or no function at all, means it was taken away.
    if (current === hook.wrapper) continue;
    if (typeof current !== 'function' || current === hook.original || isForeignNative(current)) out.push(String(hook.key));
  }
  return out;
}
