/**
 * What the console API answers, by path and method, from the types generated out of its OpenAPI
 * document (generated/api.ts, by scripts/generate.ts). A page names the answer it reads instead
 * of restating the server's fields, so a change on the server is a type error here.
 */
import type { paths } from './generated/api';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON body of a 200 (or 201) answer to `method path`. */
export type ApiAnswer<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer T } } } }
    ? T
    : never;
