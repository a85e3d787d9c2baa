// The MAIN-world wrappers are invisible to the page: name, length, toString, no prototype, the
// original's exceptions and return values untouched, and the observer's own errors swallowed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { afterConstruct, disguiseToString, tamperedHooks, wrapMethod } from '../../../src/content/main-world/disguise';

const nativeToString = Function.prototype.toString;

class Target {
  value = 41;
  add(a: number, b: number): number {
    return this.value + a + b;
  }
  fail(message: string): never {
    throw new RangeError(message);
  }
  same<T>(x: T): T {
    return x;
  }
}

beforeAll(() => {
  for (const key of ['add', 'fail', 'same'] as const) wrapMethod(Target.prototype, key, () => undefined);
  disguiseToString();
});
afterAll(() => {
  Object.defineProperty(Function.prototype, 'toString', { value: nativeToString, writable: true, configurable: true, enumerable: false });
});

describe('wrapMethod', () => {
  const originals = { add: Target.prototype.add, fail: Target.prototype.fail };

  it('keeps the name and length, has no prototype and is no constructor, like a native method', () => {
    const wrapped = Target.prototype.add;
    expect(wrapped.name).toBe('add');
    expect(wrapped.length).toBe(2);
    expect(Object.hasOwn(wrapped, 'prototype')).toBe(false);
    expect(() => new (wrapped as unknown as new () => unknown)()).toThrow(TypeError);
    const descriptor = Object.getOwnPropertyDescriptor(Target.prototype, 'add')!;
    expect(descriptor).toMatchObject({ writable: true, enumerable: false, configurable: true });
  });

  it('shows the original source through Function.prototype.toString, and toString looks native itself', () => {
    class Fresh {
      read(a: number): number {
        return a;
      }
    }
    const source = nativeToString.call(Fresh.prototype.read);
    wrapMethod(Fresh.prototype, 'read', () => undefined);
    expect(Fresh.prototype.read.toString()).toBe(source);
    expect(Function.prototype.toString.call(Fresh.prototype.read)).toBe(source);
    expect(Function.prototype.toString.toString()).toBe(nativeToString.call(nativeToString));
    expect(Function.prototype.toString.name).toBe('toString');
    expect(`${Function.prototype.toString.call(Math.max)}`).toContain('[native code]');
  });

  it('passes `this`, the arguments and the return value through untouched', () => {
    const t = new Target();
    expect(t.add(1, 2)).toBe(44);
    const object = { a: 1 };
    expect(t.same(object)).toBe(object);
    expect(originals.add).toBeDefined();
  });

  it('lets the original exception through, the same object', () => {
    const t = new Target();
    let caught: unknown;
    try {
      t.fail('out of range');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toBe('out of range');
  });

  it('never throws into the page when the observer fails, and observes after the call with the result', () => {
    class Page {
      send(body: string): string {
        return `sent ${body}`;
      }
    }
    const observe = vi.fn(() => {
      throw new Error('observer bug');
    });
    wrapMethod(Page.prototype, 'send', observe);
    expect(new Page().send('x')).toBe('sent x');
    expect(observe).toHaveBeenCalledWith(expect.any(Page), ['x'], 'sent x');
  });

  it('observes before the call when asked, and not at all when the call throws in after-mode', () => {
    const order: string[] = [];
    class Page {
      open(): void {
        order.push('original');
      }
      broken(): void {
        throw new Error('nope');
      }
    }
    wrapMethod(Page.prototype, 'open', () => order.push('observer'), true);
    const after = vi.fn();
    wrapMethod(Page.prototype, 'broken', after);
    new Page().open();
    expect(order).toEqual(['observer', 'original']);
    expect(() => new Page().broken()).toThrow('nope');
    expect(after).not.toHaveBeenCalled();
  });

  it('leaves accessors and missing properties alone', () => {
    const owner = {
      get x() {
        return 1;
      },
    };
    wrapMethod(owner, 'x', () => undefined);
    wrapMethod(owner, 'missing', () => undefined);
    wrapMethod(undefined, 'anything', () => undefined);
    expect(owner.x).toBe(1);
    expect('missing' in owner).toBe(false);
  });

  it('reports hooks the page restored to the native or removed, not ones the page wrapped again', () => {
    class Api {
      a(): number {
        return 1;
      }
      b(): number {
        return 2;
      }
      c(): number {
        return 3;
      }
    }
    const nativeA = Api.prototype.a;
    for (const key of ['a', 'b', 'c'] as const) wrapMethod(Api.prototype, key, () => undefined);
    const ours = Api.prototype.c;
    Api.prototype.a = nativeA;
    Api.prototype.b = undefined as unknown as () => number;
    Api.prototype.c = function (this: Api) {
      return ours.call(this) + 1;
    };
    const tampered = tamperedHooks();
    expect(tampered).toContain('a');
    expect(tampered).toContain('b');
    expect(tampered).not.toContain('c');
  });

  it('reports a native from elsewhere put in place of a hook, not a bound copy of the hook', () => {
    class Api {
      d(): number {
        return 4;
      }
      e(): number {
        return 5;
      }
    }
    wrapMethod(Api.prototype, 'd', () => undefined);
    wrapMethod(Api.prototype, 'e', () => undefined);
    Api.prototype.d = Math.max as unknown as () => number;
    Api.prototype.e = Api.prototype.e.bind(new Api());
    const tampered = tamperedHooks();
    expect(tampered).toContain('d');
    expect(tampered).not.toContain('e');
  });
});

describe('afterConstruct', () => {
  /** A fresh class each time (wrapping changes its prototype's constructor). */
  const makeClass = () =>
    class Made {
      static kind = 'made';
      constructor(
        readonly a: number,
        readonly b?: string,
      ) {
        if (a < 0) throw new RangeError('negative');
      }
    };

  function wrapped() {
    const seen: unknown[][] = [];
    const owner = { Made: makeClass() };
    const original = owner.Made;
    const source = nativeToString.call(original);
    afterConstruct(owner, 'Made', (made, args) => seen.push([made, ...args]));
    return { Wrapped: owner.Made, original, seen, source };
  }

  it('tells of each object made, with its arguments, and the page gets that same object', () => {
    const { Wrapped, original, seen } = wrapped();
    const made = new Wrapped(1, 'x');
    expect(made).toBeInstanceOf(original);
    expect(made).toMatchObject({ a: 1, b: 'x' });
    expect(seen).toEqual([[made, 1, 'x']]);
  });

  it('cannot be told from the original: name, length, statics, prototype, instanceof, subclasses and toString', () => {
    const { Wrapped, original, source } = wrapped();
    expect(Wrapped).not.toBe(original);
    expect(Wrapped.name).toBe('Made');
    expect(Wrapped.length).toBe(original.length);
    expect(Wrapped.kind).toBe('made');
    expect(Wrapped.prototype).toBe(original.prototype);
    expect(Wrapped.prototype.constructor).toBe(Wrapped);
    expect(new original(2)).toBeInstanceOf(Wrapped);
    class Sub extends Wrapped {}
    const sub = new Sub(3);
    expect(sub).toBeInstanceOf(Sub);
    expect(Object.getPrototypeOf(sub)).toBe(Sub.prototype);
    expect(Function.prototype.toString.call(Wrapped)).toBe(source);
  });

  it("lets the original's exception through and observes nothing; an observer that throws costs the page nothing", () => {
    const { Wrapped, seen } = wrapped();
    expect(() => new Wrapped(-1)).toThrow(RangeError);
    expect(() => (Wrapped as unknown as (a: number) => unknown)(1)).toThrow(TypeError);
    expect(seen).toEqual([]);
    const owner = { Made: makeClass() };
    afterConstruct(owner, 'Made', () => {
      throw new Error('observer bug');
    });
    expect(new owner.Made(4).a).toBe(4);
  });
});
