/**
 * Reads an HTTP answer's text only so far: a backend (or something in its place) that answers
 * without end must not fill the worker's memory. Past the bound the rest is not read and the
 * connection is let go; the caller learns the text was cut.
 */
export interface BoundedText {
  text: string;
  /** The answer went on past `maxChars`: `text` is its beginning only. */
  truncated: boolean;
}

export async function readBoundedText(response: Response, maxChars: number): Promise<BoundedText> {
  const reader = response.body?.getReader();
  if (!reader) return { text: '', truncated: false };
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    text += decoder.decode(value, { stream: true });
    if (text.length > maxChars) {
      // Cancelling tells the network stack to stop fetching the rest (the socket is closed).
      await reader.cancel().catch(() => undefined);
      return { text: text.slice(0, maxChars), truncated: true };
    }
  }
}

/** Whether an answer is a redirect: a 3xx (Node), or the opaque answer a browser gives for `redirect: 'manual'`. */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304);
}
