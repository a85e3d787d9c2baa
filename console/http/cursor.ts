/**
 * Opaque page cursors: base64url JSON of a position, validated on the way back in. A cursor only
 * says where a listing continues; the filters come from the query every time, so a tampered cursor
 * can move within what the caller may read and nowhere else.
 */
import { z } from 'zod';
import { HttpError } from './route';
import { unstorableText } from './text';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string | undefined): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (cursor.length > 512) throw new Error('too long');
    const position: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Its text goes into a query as it is: text a database refuses (U+0000) is a tampered cursor too.
    if (unstorableText(position)) throw new Error('unstorable text');
    return schema.parse(position);
  } catch {
    throw new HttpError(400, 'invalid cursor: pass back the nextCursor of a previous answer unchanged');
  }
}
