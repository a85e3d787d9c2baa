/**
 * bench/destinations: classifications per second over 1,000,000 URLs (catalog hosts mixed with
 * random real-looking hosts, a fifth with titles), against a baseline measured in the same run that
 * scans the catalog linearly with regular expressions, as a naive classifier would.
 * Goal: ≥ 500,000/s and ≥ 20× the baseline.
 */
import { getDomain } from 'tldts';
import { BUILTIN_CATALOG, type CatalogService } from '../src/core/destinations/catalog';
import { classifyDestination, type DestinationInput } from '../src/core/destinations/classify';
import { fmt, pick, printResult, seededRandom, throughput } from './lib';

const URLS = 1_000_000;
const BASELINE_URLS = 20_000;

const WORDS = [
  'acme',
  'north',
  'river',
  'blue',
  'stone',
  'atlas',
  'nova',
  'pixel',
  'green',
  'metro',
  'delta',
  'summit',
  'harbor',
  'cedar',
  'orbit',
  'lumen',
  'vertex',
  'maple',
  'quartz',
  'signal',
  'ember',
  'zephyr',
];
const TLDS = ['com', 'net', 'org', 'io', 'co.uk', 'com.br', 'de', 'fr', 'co.jp', 'com.au', 'info', 'dev', 'app', 'ca', 'nl'];
const SUBS = ['www', 'app', 'mail', 'files', 'portal', 'eu', 'us-east', 'static', 'my', 'docs'];
const PATHS = ['/', '/home', '/upload', '/files/new', '/u/0/inbox', '/settings', '/d/1a2b3c/edit', '/messages', '/wiki/spaces/x'];
const TITLES = ['Home', 'Upload files', 'Inbox (3)', 'Dashboard', 'Files - Nextcloud', 'My account', 'Welcome', 'acme / app · GitLab'];

function makeInputs(count: number, seed: number): DestinationInput[] {
  const random = seededRandom(seed);
  const patterns = BUILTIN_CATALOG.services.flatMap((s) => s.hosts);
  const inputs: DestinationInput[] = [];
  for (let i = 0; i < count; i++) {
    let host: string;
    let path = pick(random, PATHS);
    if (random() < 0.5) {
      const pattern = pick(random, patterns);
      const slash = pattern.indexOf('/');
      host = (slash < 0 ? pattern : pattern.slice(0, slash)).replace('*', pick(random, WORDS));
      if (slash >= 0) path = pattern.slice(slash) + (random() < 0.5 ? '/1' : '');
      if (random() < 0.4) host = `${pick(random, SUBS)}.${host}`;
    } else {
      host = `${pick(random, WORDS)}${pick(random, WORDS)}${Math.floor(random() * 1000)}.${pick(random, TLDS)}`;
      if (random() < 0.6) host = `${pick(random, SUBS)}.${host}`;
    }
    const url = `https://${host}${path}${random() < 0.3 ? '?q=1#top' : ''}`;
    inputs.push(random() < 0.2 ? { url, title: pick(random, TITLES) } : { url });
  }
  return inputs;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The naive classifier: one regular expression per host pattern over the whole URL, tried in order. */
function linearClassifier(services: readonly CatalogService[]) {
  const rules = services
    .flatMap((service) =>
      service.hosts.map((pattern) => {
        const slash = pattern.indexOf('/');
        const host = slash < 0 ? pattern : pattern.slice(0, slash);
        const path = slash < 0 ? '' : escape(pattern.slice(slash));
        const hostRe = host.startsWith('*') ? `[^./@]*${escape(host.slice(1))}` : `(?:[^/?#@]*\\.)?${escape(host)}`;
        const re = new RegExp(`^https?://(?:[^/?#@]*@)?${hostRe}\\.?(?::\\d+)?(?:${path}(?:[/?#]|$)${path ? '' : '|$'})`, 'i');
        return { re, service, specificity: pattern.length };
      }),
    )
    // Most specific first, so path patterns and deeper hosts win, as in the index.
    .sort((a, b) => b.specificity - a.specificity);
  const titleRules = services.flatMap((service) => (service.titles ?? []).map((t) => ({ re: new RegExp(t, 'i'), service })));
  return (input: DestinationInput) => {
    const domain = getDomain(input.url);
    for (const rule of rules) if (rule.re.test(input.url)) return { serviceId: rule.service.id, domain };
    if (input.title) for (const rule of titleRules) if (rule.re.test(input.title)) return { serviceId: rule.service.id, domain };
    return { serviceId: undefined, domain };
  };
}

export async function run(): Promise<void> {
  const inputs = makeInputs(URLS, 42);
  const linear = linearClassifier(BUILTIN_CATALOG.services);
  const sample = inputs.slice(0, BASELINE_URLS);

  const indexRate = throughput(inputs, (input) => classifyDestination(input));
  const linearRate = throughput(sample, linear, 2_000);

  let agree = 0;
  for (const input of sample) if (classifyDestination(input).serviceId === linear(input).serviceId) agree++;
  const known = inputs.reduce((n, input) => n + (classifyDestination(input).serviceId ? 1 : 0), 0);

  const patterns = BUILTIN_CATALOG.services.reduce((n, s) => n + s.hosts.length, 0);
  const ratio = indexRate / linearRate;
  printResult(
    `destinations: ${fmt(URLS)} URLs, ${fmt(BUILTIN_CATALOG.services.length)} services, ${fmt(patterns)} host patterns`,
    [
      ['host-suffix index (classifyDestination)', `${fmt(indexRate)} classifications/s`],
      [`baseline: linear regex scan (${fmt(BASELINE_URLS)} of the URLs)`, `${fmt(linearRate)} classifications/s`],
      ['ratio', `${fmt(ratio, 1)}×`],
      ['URLs naming a catalog service', `${fmt((100 * known) / URLS, 1)} %`],
      ['baseline agrees with the index', `${fmt((100 * agree) / BASELINE_URLS, 2)} % of the sample`],
    ],
    [
      { label: '≥ 500,000 classifications/s', met: indexRate >= 500_000 },
      { label: '≥ 20× the linear baseline', met: ratio >= 20 },
    ],
  );
}
