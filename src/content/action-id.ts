/**
 * An id for one user action. crypto.randomUUID() exists only in secure contexts, so it throws on
 * plain-HTTP pages; getRandomValues() is available everywhere.
 * https://developer.mozilla.org/en-US/docs/Web/API/Crypto/randomUUID
 */
export function newActionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
