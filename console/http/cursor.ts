/**
 * Opaque page cursors: base64url JSON of a position, validated on the way back in. A cursor only
 * says where a listing continues; the filters come from the query every time, so a tampered cursor
 * can move within what the caller may read and nowhere else.
 */
import { z } from 'zod';
import { HttpError } from './route';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string | undefined): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (cursor.length > 512) throw new Error('too long');
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new HttpError(400, 'invalid cursor: pass back the nextCursor of a previous answer unchanged');
  }
}
