/**
 * Picks: the entries taken from a public category list, chosen by hand (well-known, live services;
 * no raw dump). One per line, tab-separated: list category, service id, display name, hosts
 * (comma-separated). `#` starts a comment line.
 */
export interface Pick {
  line: string;
  category: string;
  id: string;
  name: string;
  hosts: string[];
}

export function parsePicks(text: string, file: string): Pick[] {
  const picks: Pick[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split('\t');
    const where = `${file}:${i + 1}`;
    if (fields.length !== 4 || fields.some((f) => f.trim() === '')) throw new Error(`${where}: expected 4 tab-separated fields, got ${JSON.stringify(line)}`);
    const [category, id, name, hosts] = fields.map((f) => f.trim()) as [string, string, string, string];
    picks.push({ line: where, category, id, name, hosts: hosts.split(',').map((h) => h.trim().toLowerCase()) });
  });
  return picks;
}
