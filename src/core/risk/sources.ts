/**
 * Source: where an uploaded file came from. A download is recorded with everything the downloads
 * API tells (url, final url, referrer, the tab it came from, file name, size, time); each address
 * is classified with the catalog's source categories. An upload whose name and size match a
 * download inherits its sources.
 */
import { z } from 'zod';
import { servicesById } from '../destinations/catalog';
import { classifyDestination, type DestinationOptions } from '../destinations/classify';
import { FileSource } from '../schema/event';

export const DownloadRecord = z.object({
  id: z.string().max(64),
  url: z.string().max(8192),
  finalUrl: z.string().max(8192).optional(),
  referrer: z.string().max(8192).optional(),
  tabUrl: z.string().max(8192).optional(),
  /** Base name of the saved file ("payroll.xlsx"). */
  fileName: z.string().max(1024),
  size: z.number().int().nonnegative(),
  startedAt: z.number(),
  completedAt: z.number().optional(),
  sources: z.array(FileSource).max(8),
});
export type DownloadRecord = z.infer<typeof DownloadRecord>;

/** The base name of a path from any OS. */
export const baseName = (path: string) => path.split(/[/\\]/).pop() ?? path;

/** The key uploads are matched on. */
export const downloadMatchKey = (fileName: string, size: number) => `${baseName(fileName)}\u0000${size}`;

/**
 * The sources of a download, in the order they were observed: the tab the person was on, the
 * referring page, the requested address, the address after redirects. One per service.
 */
export function sourcesOfDownload(
  download: Pick<DownloadRecord, 'url' | 'finalUrl' | 'referrer' | 'tabUrl'>,
  acquiredAt: string,
  options: Pick<DestinationOptions, 'customDestinations'> = {},
): FileSource[] {
  const services = servicesById(options.customDestinations);
  const sources: FileSource[] = [];
  const seen = new Set<string>();
  for (const url of [download.tabUrl, download.referrer, download.url, download.finalUrl]) {
    if (!url) continue;
    const d = classifyDestination({ url }, options);
    if (!d.serviceId || seen.has(d.serviceId)) continue;
    const category = services.get(d.serviceId)?.sourceCategory;
    if (!category) continue;
    seen.add(d.serviceId);
    sources.push({ category, serviceId: d.serviceId, ...(d.serviceName && { serviceName: d.serviceName }), url: stripQuery(url), acquiredAt });
  }
  return sources;
}

function stripQuery(url: string): string {
  return url.replace(/[?#].*$/s, '').slice(0, 8192);
}
