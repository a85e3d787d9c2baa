/** A real SMTP server on 127.0.0.1 (smtp-server, a random port) that records every message it is given. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The envelope sender ('' for a null sender). */
  from: string;
  /** The envelope recipients. */
  to: string[];
  /** The message as sent: headers, blank line, body (CRLF line ends). */
  raw: string;
}

export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  /** The port it listens on once started; before, the port to listen on (0: any free one). */
  port = 0;
  #server?: SMTPServer;

  async start(): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const envelope = session.envelope;
          this.mails.push({
            from: envelope.mailFrom ? envelope.mailFrom.address : '',
            to: envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
