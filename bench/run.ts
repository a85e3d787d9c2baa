/**
 * npm run bench [-- name…]: runs every benchmark (or the named ones) and prints its figures beside a
 * baseline measured in the same run. Benchmarks report; they never fail the build on timing.
 */
const BENCHES: Record<string, () => Promise<unknown>> = {
  destinations: () => import('./destinations').then((m) => m.run()),
  files: () => import('./files').then((m) => m.run()),
  'intelligence-files': () => import('./intelligence-files').then((m) => m.run()),
  'intelligence-files-drop': () => import('./intelligence-files-drop').then((m) => m.run()),
  'intelligence-files-drop-profile': () => import('./intelligence-files-drop-profile').then((m) => m.run()),
  'intelligence-destinations': () => import('./intelligence-destinations').then((m) => m.run()),
  risk: () => import('./risk').then((m) => m.run()),
  delivery: () => import('./delivery').then((m) => m.run()),
  console: () => import('./console').then((m) => m.run()),
  'console-ui': () => import('./console-ui').then((m) => m.run()),
  'console-long-tail': () => import('./console-long-tail').then((m) => m.run()),
  'console-partitions': () => import('./console-partitions').then((m) => m.run()),
  'console-upgrade': () => import('./console-upgrade').then((m) => m.run()),
  'content-size': () => import('./content-size').then((m) => m.run()),
  'page-load': () => import('./page-load').then((m) => m.run()),
  'frame-start': () => import('./frame-start').then((m) => m.run()),
  response: () => import('./response').then((m) => m.run()),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) await BENCHES[name]!();
