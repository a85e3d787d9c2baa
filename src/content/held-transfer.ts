/**
 * What a held drop or paste needs to be given back (issue 14, docs/observer.md "Holding"), taken
 * during the event: its strings, the pointer of a drop, and (Chromium) the dropped items' File
 * System Access handles, which can only be asked for during the event.
 */
import { releaseInfo, type ReleaseInfo } from './bridge-protocol';

export function releaseInfoOf(event: Event, dt: DataTransfer, drop: boolean): ReleaseInfo {
  const strings: [string, string][] = [];
  for (const type of Array.from(dt.types)) if (type !== 'Files') strings.push([type, dt.getData(type)]);
  return releaseInfo(event, strings, drop);
}

type WithHandle = DataTransferItem & { getAsFileSystemHandle?: () => Promise<unknown> };

/** The dropped items' handles (none for a paste, none in Firefox). */
export function dropHandles(dt: DataTransfer, drop: boolean): Promise<unknown[]> {
  if (!drop || import.meta.env.FIREFOX) return Promise.resolve([]);
  return Promise.all(
    Array.from(dt.items as unknown as WithHandle[], (item) =>
      item.kind === 'file' && item.getAsFileSystemHandle ? item.getAsFileSystemHandle().catch(() => null) : null,
    ),
  );
}
