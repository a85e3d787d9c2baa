/** `npm run console -- --port <port> --data <dir> [--host 127.0.0.1] [--token T]` */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildConsole } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: './data' },
    token: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number, not ${values.port}`);
  process.exit(2);
}
const token = values.token ?? process.env.UPWATCH_CONSOLE_TOKEN ?? randomBytes(24).toString('base64url');
const { app } = buildConsole({ dataDir: values.data, token });
const address = await app.listen({ port, host: values.host });
console.log(`Upwatch console listening on ${address} (data: ${values.data})`);
if (!values.token && !process.env.UPWATCH_CONSOLE_TOKEN) console.log(`Generated token: ${token}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void app.close().then(() => process.exit(0)));
}
