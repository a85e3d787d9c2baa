/**
 * A subframe's front line (issue 13, Observer v2). Subframes get no ISOLATED world at
 * document_start (creating one in each of 20 frames costs about 7 % of a heavy page's load); it is
 * injected on demand (observer-frames.ts), after page scripts ran, so its own listeners would come
 * after the page's. The MAIN world's capture listeners, registered at document_start, come first:
 * they take every file event here — a pick, a drop (folders read now, while the event lasts), a
 * paste — with the event's own isTrusted, and hand it over the bridge as a claim (bridge.ts keeps
 * it until the ISOLATED world is there). The ISOLATED world answers at once: `p` (reported, the page
 * gets the event as it is) or `h` (held: the page gets it back, re-dispatched, once allowed).
 *
 * Script-made (untrusted) events are reported as such, and held only as the top frame holds them
 * (until their report was taken). What is captured below is captured at document_start, before any
 * page script can replace it.
 */
import { releaseInfo, type BridgePart, type DomChannel, type ReleaseInfo } from '../bridge-protocol';
import { filePart } from './bodies';
import type { MainBridge } from './bridge';
import { getter, SafeWeakMap } from './disguise';
import { releaseFiles } from './release';

const { apply, getOwnPropertyDescriptor } = Reflect;
const call = <T>(fn: unknown, self: unknown, ...args: unknown[]) => (fn ? (apply(fn as () => T, self, args) as T) : undefined);
const addListener = EventTarget.prototype.addEventListener;
const composedPath = Event.prototype.composedPath;
const stopImmediate = Event.prototype.stopImmediatePropagation;
const preventDefault = Event.prototype.preventDefault;
const promiseThen = Promise.prototype.then;
const NativeInput = HTMLInputElement;
const NativeLabel = HTMLLabelElement;
const NativeElement = Element;
const inputType = getter(NativeInput.prototype, 'type');
const inputFiles = getter(NativeInput.prototype, 'files');
const setValue = getOwnPropertyDescriptor(NativeInput.prototype, 'value')?.set;
const labelControl = getter(NativeLabel.prototype, 'control');
const openRoot = getter(NativeElement.prototype, 'shadowRoot');
const dragData = getter(typeof DragEvent === 'function' ? DragEvent.prototype : undefined, 'dataTransfer');
const clipboardData = getter(typeof ClipboardEvent === 'function' ? ClipboardEvent.prototype : undefined, 'clipboardData');
const DT = typeof DataTransfer === 'function' ? DataTransfer.prototype : undefined;
const dtItems = getter(DT, 'items');
const dtFiles = getter(DT, 'files');
const dtTypes = getter(DT, 'types');
const getData = DT?.getData;
const itemKind = getter(typeof DataTransferItem === 'function' ? DataTransferItem.prototype : undefined, 'kind');
const getAsFile = typeof DataTransferItem === 'function' ? DataTransferItem.prototype.getAsFile : undefined;
const getAsEntry = typeof DataTransferItem === 'function' ? DataTransferItem.prototype.webkitGetAsEntry : undefined;
const perfNow = performance.now.bind(performance);
const stringSlice = String.prototype.slice;

/** A selection seen on one input within this window counts once (input + change of one pick). */
const SAME_SELECTION_MS = 5_000;
/** Files followed inside one dropped folder tree (LIMITS.folderWalkFiles; not imported: the MAIN world stays small). */
const FOLDER_WALK_FILES = 5000;

export interface FrontLine {
  /** Listens for file selections on a shadow root or a file input (idempotent). */
  watch(target: EventTarget): void;
  /** (Again, after document.open() erased them) the capture listeners on window. */
  arm(): void;
}

const NativeFile = File;
/**
 * A file as the bridge carries it. A file of another frame's realm (a same-origin parent's script
 * set it on this frame's input) is copied into this realm: Firefox's content script does not see it
 * as a Blob through its Xray wrappers. The copy refers to the same bytes.
 */
function domPart(file: File, path?: string) {
  // Typed File, but possibly another realm's: `instanceof` is the question here.
  const ours: boolean = (file as unknown) instanceof NativeFile;
  return filePart(ours ? file : new NativeFile([file], file.name, { type: file.type, lastModified: file.lastModified }), path);
}

const isFileInput = (at: unknown): at is HTMLInputElement => at instanceof NativeInput && call(inputType, at) === 'file';

/** Indexed lists (FileList, DataTransferItemList, entries) as arrays, without the page's Array methods. */
function listed<T>(list: ArrayLike<T> | null | undefined): T[] {
  const out: T[] = [];
  for (let i = 0; list && i < list.length; i++) out[out.length] = list[i]!;
  return out;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve) => {
    const all: FileSystemEntry[] = [];
    // readEntries gives the listing in chunks until an empty one.
    const next = () =>
      reader.readEntries(
        (chunk) => {
          if (chunk.length === 0) return resolve(all);
          for (const entry of listed(chunk)) all[all.length] = entry;
          next();
        },
        () => resolve(all),
      );
    next();
  });
}

/** The files of a drop: plain ones, then those inside dropped folders with their paths. */
async function walk(files: File[], folders: FileSystemEntry[]): Promise<BridgePart[]> {
  const parts: BridgePart[] = [];
  for (const file of files) parts[parts.length] = domPart(file);
  for (let i = 0; i < folders.length && parts.length < FOLDER_WALK_FILES; i++) {
    const entry = folders[i]!;
    if (entry.isDirectory) for (const inner of await readAll((entry as FileSystemDirectoryEntry).createReader())) folders[folders.length] = inner;
    else {
      const file = await new Promise<File | null>((resolve) => (entry as FileSystemFileEntry).file(resolve, () => resolve(null)));
      if (file) parts[parts.length] = domPart(file, apply(stringSlice, entry.fullPath, [1]) as string);
    }
  }
  return parts;
}
export function frontLine(win: Window & typeof globalThis, bridge: MainBridge): FrontLine {
  const seen = new SafeWeakMap<Event, true>();
  const watched = new SafeWeakMap<EventTarget, true>();
  const heldInputs = new SafeWeakMap<HTMLInputElement, boolean>();
  const lastSelection = new SafeWeakMap<HTMLInputElement, { signature: string; at: number }>();
  let releasing = false;

  const release = (target: Element, files: File[], info: ReleaseInfo, handles?: unknown[]) => {
    releasing = true;
    try {
      releaseFiles(target, files, info, handles);
    } catch {
      // The page's own listeners threw (reported to the page) or this browser lacks a constructor.
    } finally {
      releasing = false;
    }
  };

  /**
   * Hands the files over with the event's own trust mark. The observer may hold the event (a trusted
   * one by the frame's plan; any until its report was taken, as in the top frame): it is stopped now
   * and given back, re-dispatched, once allowed. So is any while the observer is not there yet.
   */
  const claim = (channel: DomChannel, event: Event, parts: BridgePart[], stop: () => void, then: (allowed: boolean) => void) => {
    const verdict = bridge.ask ? bridge.ask({ channel, trusted: event.isTrusted, parts }) : 'pass';
    if (verdict === 'pass') return;
    stop();
    apply(promiseThen, verdict, [then]);
  };

  const onInput = (event: Event) => {
    if (releasing || seen.get(event)) return;
    seen.set(event, true);
    const input = (apply(composedPath, event, []) as EventTarget[])[0];
    if (!isFileInput(input)) return;
    // The second event (`change` after `input`) of a pick being held.
    if (heldInputs.get(input)) return apply(stopImmediate, event, []);
    const files = listed(call<FileList>(inputFiles, input));
    if (files.length === 0) return;
    let signature = '';
    for (const f of files) signature += `${f.name}\u0000${f.size}\u0000${f.lastModified}\u0001`;
    const now = perfNow();
    const previous = lastSelection.get(input);
    if (previous && previous.signature === signature && now - previous.at < SAME_SELECTION_MS) return;
    lastSelection.set(input, { signature, at: now });
    const parts: BridgePart[] = [];
    for (const file of files) parts[parts.length] = domPart(file);
    claim(
      'file_picker',
      event,
      parts,
      () => {
        apply(stopImmediate, event, []);
        heldInputs.set(input, true);
        call(setValue, input, '');
      },
      (allowed) => {
        heldInputs.set(input, false);
        if (allowed) release(input, files, { kind: 'input' });
      },
    );
  };

  const onTransfer = (channel: DomChannel) => (event: Event) => {
    if (releasing || seen.get(event)) return;
    seen.set(event, true);
    const drop = channel === 'drag_drop';
    const dt = call<DataTransfer | null>(drop ? dragData : clipboardData, event);
    if (!dt) return;
    // Taken now: the DataTransfer is emptied when the event ends.
    const files: File[] = [];
    const folders: FileSystemEntry[] = [];
    const handles: Promise<unknown>[] = [];
    for (const item of listed(call<DataTransferItemList>(dtItems, dt))) {
      if (call(itemKind, item) !== 'file') continue;
      const entry = call<FileSystemEntry | null>(getAsEntry, item);
      const file = call<File | null>(getAsFile, item);
      if (entry?.isDirectory) folders[folders.length] = entry;
      else if (file) files[files.length] = file;
      // Chromium: the dropped items' handles, asked for now, for the drop given back (release.ts).
      if (!import.meta.env.FIREFOX && drop)
        handles[handles.length] =
          (item as DataTransferItem & { getAsFileSystemHandle?: () => Promise<unknown> }).getAsFileSystemHandle?.().catch(() => null) ?? Promise.resolve(null);
    }
    if (files.length + folders.length === 0) for (const file of listed(call<FileList>(dtFiles, dt))) files[files.length] = file;
    if (files.length + folders.length === 0) return;
    const strings: [string, string][] = [];
    for (const type of listed(call<readonly string[]>(dtTypes, dt)))
      if (type !== 'Files') strings[strings.length] = [type, call<string>(getData, dt, type) ?? ''];
    const info = releaseInfo(event, strings, drop);
    const target = (apply(composedPath, event, []) as EventTarget[])[0];
    const stop = () => {
      apply(stopImmediate, event, []);
      apply(preventDefault, event, []);
    };
    const then = (parts: BridgePart[]) => (allowed: boolean) => {
      if (!(target instanceof NativeElement)) return;
      const given: File[] = [];
      for (const part of parts) given[given.length] = part.blob as File;
      if (allowed) apply(promiseThen, Promise.all(handles), [(found: unknown[]) => release(target, given, info, found)]);
      // A blocked paste keeps its text: the page gets the paste without the files.
      else if (!drop && strings.length) release(target, [], info);
    };
    if (folders.length === 0) {
      const parts: BridgePart[] = [];
      for (const file of files) parts[parts.length] = domPart(file);
      return claim(channel, event, parts, stop, then(parts));
    }
    const trusted = event.isTrusted;
    // Nothing would hold it (the observer is here, knows no file is held and the extension is awake):
    // the page gets the drop as it is, folders and all, and their files are read meanwhile and reported.
    if (drop && bridge.passes?.(trusted)) {
      void walk(files, folders).then((parts) => bridge.files({ channel, trusted, parts }));
      return;
    }
    // Folders are read after the event: the drop waits here, and is given back with their files
    // (a DataTransfer made by script has no directory entries).
    stop();
    void walk(files, folders).then((parts) => {
      const verdict = bridge.ask ? bridge.ask({ channel, trusted, parts }) : 'pass';
      if (verdict === 'pass') then(parts)(true);
      else apply(promiseThen, verdict, [then(parts)]);
    });
  };

  /** Signs that a file may come: the observer is asked for now; open shadow roots along the way are watched. */
  const onSign = (event: Event) => {
    const key = event as KeyboardEvent;
    if (event.type === 'dragenter' || key.ctrlKey || key.metaKey) bridge.request?.();
    for (const at of apply(composedPath, event, []) as EventTarget[]) {
      if (!(at instanceof NativeElement)) continue;
      const root = call<ShadowRoot | null>(openRoot, at);
      if (root) watch(root);
      if (isFileInput(at) || (at instanceof NativeLabel && isFileInput(call(labelControl, at)))) bridge.request?.();
    }
  };

  const watch = (target: EventTarget) => {
    if (watched.get(target)) return;
    watched.set(target, true);
    apply(addListener, target, ['change', onInput, true]);
    apply(addListener, target, ['input', onInput, true]);
  };
  const onDrop = onTransfer('drag_drop');
  const onPaste = onTransfer('paste');
  const arm = () => {
    for (const type of ['change', 'input']) apply(addListener, win, [type, onInput, true]);
    apply(addListener, win, ['drop', onDrop, true]);
    apply(addListener, win, ['paste', onPaste, true]);
    // mousedown, not pointerdown: Chromium's first pointer listener in a frame costs ~0.1 ms (the
    // compositor is told of it), a tenth of this script's start; a tap focuses (focusin) or comes as a mousedown too.
    for (const type of ['dragenter', 'mousedown', 'focusin', 'keydown']) apply(addListener, win, [type, onSign, true]);
  };
  arm();
  return { watch, arm };
}
