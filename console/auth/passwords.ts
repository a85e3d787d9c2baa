/**
 * Password hashing for local accounts: scrypt from node:crypto (no native download, no new
 * dependency), N = 2^15, r = 8, p = 1 (OWASP's password storage cheat sheet minimum for scrypt), a
 * random 16-byte salt per password. The stored string carries its parameters, so a later, stronger
 * setting verifies old hashes and replaces them at the next sign-in.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 12;
/** Long passphrases are welcome; a megabyte is not one. */
export const MAX_PASSWORD_LENGTH = 1024;

export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `a password has at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `a password has at most ${MAX_PASSWORD_LENGTH} characters`);

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  // 128 · N · r bytes of memory (32 MiB here); Node refuses at its 32 MiB default, so allow twice that.
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 2 * 128 * 2 ** logN * r };
  return new Promise((resolve, reject) => {
    // NFC: the same password typed on two keyboards is the same bytes.
    scryptCallback(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, LOG_N, R, P);
  return `$scrypt$ln=${LOG_N},r=${R},p=${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether a stored hash was made with weaker settings than today's. */
export function needsRehash(stored: string): boolean {
  const match = FORMAT.exec(stored);
  return !match || Number(match[1]) < LOG_N || Number(match[2]) < R;
}

/** True when the password matches; false for a mismatch or a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds, so a tampered row cannot make one sign-in take a gigabyte or a minute.
  if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const expected = Buffer.from(match[5]!, 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const actual = await scrypt(password, Buffer.from(match[4]!, 'base64'), logN, r, p);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, checked against when the account does not exist (or has no
 * password), so a sign-in takes as long for an unknown address as for a known one.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}
