/**
 * What every page that changes something shares: running a change through the API and saying its
 * outcome once (a status or an alert, as text), reading a submitted form, and a select's options.
 */
import { useState } from 'preact/hooks';

export type Notice = { ok: boolean; text: string } | null;

/**
 * `run(change, done)` sends one change; on success it says `done` (or clears the notice when there
 * is nothing to say) and calls every `reload` (the lists the change touched), on failure it says the
 * console's own message. Resolves to whether it
 * worked, so a form is reset only when its change was taken.
 */
export function useChange(...reloads: (() => void)[]) {
  const [notice, setNotice] = useState<Notice>(null);
  const run = async (change: () => Promise<unknown>, done?: string): Promise<boolean> => {
    try {
      await change();
      setNotice(done === undefined ? null : { ok: true, text: done });
      for (const reload of reloads) reload();
      return true;
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
      return false;
    }
  };
  return { notice, setNotice, run };
}

export function NoticeLine(props: { notice: Notice }) {
  const n = props.notice;
  if (!n) return null;
  return (
    <p role={n.ok ? 'status' : 'alert'} class={n.ok ? 'ok' : 'error'}>
      {n.text}
    </p>
  );
}

/** A submitted form: its default navigation stopped, each field read as trimmed text ('' when absent). */
export function submitted(e: Event): { form: HTMLFormElement; text: (name: string) => string } {
  e.preventDefault();
  const form = e.currentTarget as HTMLFormElement;
  const data = new FormData(form);
  return { form, text: (name) => String(data.get(name) ?? '').trim() };
}

/** `<option>`s for a select: each value shown as it is, or by its label. */
/**
 * `selected`: the value chosen when the form is made. Preact has no `defaultValue` for a select
 * (it sets no such property, and the first option shows), so an uncontrolled select's starting
 * value is its option's `selected`; re-renders leave what the person chose since alone.
 */
export function Options(props: { values: readonly string[]; labels?: Record<string, string>; selected?: string }) {
  return (
    <>
      {props.values.map((v) => (
        <option key={v} value={v} selected={props.selected === undefined ? undefined : v === props.selected}>
          {props.labels?.[v] ?? v}
        </option>
      ))}
    </>
  );
}
