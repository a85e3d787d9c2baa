/**
 * A throw-away self-signed certificate (RSA 2048, valid one day) made with the openssl command
 * line: for local TLS servers in tests and benchmarks (a PostgreSQL cluster, an HTTPS site).
 */
import { execFileSync } from 'node:child_process';

/** Writes the key and the certificate for `subjectAltName` (e.g. `DNS:example.com`, `IP:127.0.0.1`) as PEM files. */
export function writeSelfSignedCert(files: { commonName: string; subjectAltName: string; keyFile: string; certFile: string }): void {
  const { commonName, subjectAltName, keyFile, certFile } = files;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=${subjectAltName}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
}
