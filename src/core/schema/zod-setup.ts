/**
 * zod compiles fast parsers with `new Function` when it may. Extension pages forbid eval by CSP,
 * so zod's own probe (`Function('')` in a try/catch) would only fail and log a CSP violation:
 * turn the JIT off everywhere. https://zod.dev/packages/core#jitless
 */
import { z } from 'zod';

z.config({ jitless: true });
