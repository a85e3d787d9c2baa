/**
 * Gives a held DOM event back to the page once the observer allowed it (response, issue 14): an
 * equivalent event with the same files, dispatched here in the MAIN world. Made in the page's own
 * world, the DataTransfer and files are the page's objects; made in the ISOLATED world, Firefox's
 * Xray wrappers would hide them from the page's listeners.
 *
 * Everything is captured at document_start, before any page script can replace it.
 */
import type { ReleaseInfo } from '../bridge-protocol';
import { getter, SafeWeakMap } from './disguise';

const { apply, defineProperty, getOwnPropertyDescriptor } = Reflect;
const NativeEvent = Event;
const NativeDragEvent = typeof DragEvent === 'function' ? DragEvent : undefined;
const NativeClipboardEvent = typeof ClipboardEvent === 'function' ? ClipboardEvent : undefined;
const NativeDataTransfer = typeof DataTransfer === 'function' ? DataTransfer : undefined;
const dispatch = EventTarget.prototype.dispatchEvent;
const setter = (proto: object | undefined, key: string) => (proto ? getOwnPropertyDescriptor(proto, key)?.set : undefined);
const itemsOf = getter(NativeDataTransfer?.prototype, 'items');
const filesOf = getter(HTMLInputElement.prototype, 'files');
const setFiles = setter(HTMLInputElement.prototype, 'files');
const clipboardDataOf = getter(NativeClipboardEvent?.prototype, 'clipboardData');
const listAdd = typeof DataTransferItemList === 'function' ? DataTransferItemList.prototype.add : undefined;
const listLength = getter(typeof DataTransferItemList === 'function' ? DataTransferItemList.prototype : undefined, 'length');
const setData = NativeDataTransfer?.prototype.setData;
const fileListLength = getter(FileList.prototype, 'length');
const fileListItem = FileList.prototype.item;
// The only way to insert text as the person's own paste would (undo stack, input events).
const execCommand = typeof Document === 'function' ? Document.prototype.execCommand : undefined;

/**
 * A released file → the File System Access handle of the file dropped (Chromium). Items of a
 * DataTransfer made by script have none, and drop zones such as react-dropzone's file-selector
 * ask for it first in secure contexts: the getAsFileSystemHandle hook answers with this one.
 */
export const releasedHandles = new SafeWeakMap<File, object>();
const NativeFileSystemFileHandle = typeof FileSystemFileHandle === 'function' ? FileSystemFileHandle : undefined;
const handleName = NativeFileSystemFileHandle && getOwnPropertyDescriptor(FileSystemHandle.prototype, 'name')?.get;

function rememberHandles(files: File[], handles: unknown): void {
  if (!Array.isArray(handles) || !NativeFileSystemFileHandle || !handleName) return;
  for (const handle of handles) {
    if (!(handle instanceof NativeFileSystemFileHandle)) continue;
    const name = apply(handleName, handle, []) as string;
    for (const file of files) if (file.name === name) releasedHandles.set(file, handle);
  }
}

function filesIn(carrier: HTMLInputElement): File[] {
  const list = filesOf ? (apply(filesOf, carrier, []) as FileList | null) : null;
  if (!list || !fileListLength) return [];
  const count = apply(fileListLength, list, []) as number;
  const out: File[] = [];
  for (let i = 0; i < count; i++) out.push(apply(fileListItem, list, [i]) as File);
  return out;
}

function dataTransferWith(files: File[], strings: [string, string][] = []): DataTransfer | undefined {
  if (!NativeDataTransfer || !itemsOf || !listAdd) return undefined;
  const dt = new NativeDataTransfer();
  if (setData) for (const [type, value] of strings) apply(setData, dt, [type, value]);
  const items = apply(itemsOf, dt, []) as DataTransferItemList;
  for (const file of files) apply(listAdd, items, [file]);
  return dt;
}

/** Re-dispatches the held event at `target` with the carrier's files; returns false when this browser cannot make it. */
export const releaseHeld = (target: Element, carrier: HTMLInputElement, info: ReleaseInfo, handles?: unknown): boolean =>
  releaseFiles(target, filesIn(carrier), info, handles);

/** Re-dispatches a held event at `target` with these files (a subframe's front line holds them itself). */
export function releaseFiles(target: Element, files: File[], info: ReleaseInfo, handles?: unknown): boolean {
  // File System Access handles exist in Chromium only; Firefox's build leaves this out.
  if (!import.meta.env.FIREFOX) rememberHandles(files, handles);
  if (info.kind === 'input') {
    const dt = dataTransferWith(files);
    if (!dt || !setFiles || !(target instanceof HTMLInputElement)) return false;
    apply(setFiles, target, [dt.files]);
    apply(dispatch, target, [new NativeEvent('input', { bubbles: true, composed: true })]);
    apply(dispatch, target, [new NativeEvent('change', { bubbles: true })]);
    return true;
  }
  const dt = dataTransferWith(files, info.strings);
  if (!dt) return false;
  const init = { bubbles: true, cancelable: true, composed: true };
  if (info.kind === 'drop') {
    if (!NativeDragEvent) return false;
    apply(dispatch, target, [new NativeDragEvent('drop', { ...init, ...info.mouse, dataTransfer: dt })]);
    return true;
  }
  if (!NativeClipboardEvent) return false;
  const event = new NativeClipboardEvent('paste', { ...init, clipboardData: dt });
  // Firefox's ClipboardEvent constructor ignores `clipboardData` (it takes dataType/data instead):
  // the event then carries a DataTransfer without the files, so the page is shown ours.
  const carried = clipboardDataOf ? (apply(clipboardDataOf, event, []) as DataTransfer | null) : null;
  const carriedItems = carried && itemsOf ? (apply(itemsOf, carried, []) as DataTransferItemList) : undefined;
  if (!carriedItems || !listLength || apply(listLength, carriedItems, []) !== files.length + (info.strings?.length ?? 0)) {
    defineProperty(event, 'clipboardData', { value: dt, configurable: true, enumerable: true });
  }
  // The browser's own paste (inserting the text) was prevented while held: a page that does not
  // handle the paste itself gets the text inserted, as it would have been.
  // Plain loops here and below: the page may have replaced Array.prototype's methods.
  let text: string | undefined;
  for (const [type, value] of info.strings ?? []) if (type === 'text/plain') text = value;
  if (apply(dispatch, target, [event]) && text && execCommand) apply(execCommand, target.ownerDocument, ['insertText', false, text]);
  return true;
}
