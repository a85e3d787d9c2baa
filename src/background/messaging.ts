/**
 * The one dispatcher for runtime messages. It checks who sent a message before parsing it:
 * content scripts (a tab, not an extension page) can reach only content handlers; extension pages
 * only page handlers. Unknown or malformed messages are dropped with a warning, never thrown on.
 */
import type { z } from 'zod';
import { CONTENT_MESSAGES, EXTENSION_PAGE_MESSAGES, type ContentMessage, type ExtensionPageMessage } from '../core/schema/messages';
import type { StampedSender } from './pipeline';

export interface MessageSenderLike extends StampedSender {
  id?: string;
}

type Handlers<M extends { type: string }> = {
  [T in M['type']]: (message: Extract<M, { type: T }>, sender: MessageSenderLike) => Promise<unknown>;
};

export interface RouterOptions {
  extensionId: string;
  extensionOrigin: string;
  content: Handlers<ContentMessage>;
  page: Handlers<ExtensionPageMessage>;
  warn?: (message: string) => void;
}

function dispatch<M extends { type: string }>(
  schema: z.ZodType<M>,
  handlers: Handlers<M>,
  message: unknown,
  sender: MessageSenderLike,
  warn: (m: string) => void,
): Promise<unknown> | undefined {
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    warn(`dropped malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return undefined;
  }
  const handler = handlers[parsed.data.type as M['type']] as (m: M, s: MessageSenderLike) => Promise<unknown>;
  return handler(parsed.data, sender);
}

export function createMessageRouter(options: RouterOptions) {
  const warn = options.warn ?? ((m: string) => console.warn(`[upwatch] ${m}`));
  return (message: unknown, sender: MessageSenderLike): Promise<unknown> | undefined => {
    if (sender.id !== options.extensionId) return undefined;
    const fromExtensionPage = typeof sender.url === 'string' && sender.url.startsWith(options.extensionOrigin);
    if (fromExtensionPage) return dispatch(EXTENSION_PAGE_MESSAGES, options.page, message, sender, warn);
    if (sender.tab) return dispatch(CONTENT_MESSAGES, options.content, message, sender, warn);
    warn('dropped a message from an unrecognised sender');
    return undefined;
  };
}
