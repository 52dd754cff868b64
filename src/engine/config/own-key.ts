/**
 * Sets a key as an own property even when it is `__proto__`: a plain assignment would change the object's
 * prototype instead, and a `__proto__:` key in devspace.yaml would silently vanish instead of being rejected.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
