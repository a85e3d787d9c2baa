/** Shared pieces: loading state, error box, severity badge, tables, the role reason. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { shownFileName } from './file-name';

/** Loads whatever `load` fetches whenever `key` changes; `reload` asks again. */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error: error.message, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, nonce]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}

export function Loading(props: { what?: string }) {
  return (
    <p class="muted" role="status">
      Loading {props.what ?? ''}…
    </p>
  );
}

export function ErrorBox(props: { error: string }) {
  return (
    <p role="alert" class="error">
      {props.error}
    </p>
  );
}

/** A list's failure, and its loading note: on the first load only, or on every load with `always` (a new search). */
export function LoadState(props: { state: { error?: string; loading: boolean; data?: unknown }; what: string; always?: boolean }) {
  const { error, loading, data } = props.state;
  return (
    <>
      {error && <ErrorBox error={error} />}
      {loading && (props.always || data === undefined || data === null) && <Loading what={props.what} />}
    </>
  );
}

/** A table with a caption and column headings (a falsy heading is a column this reader does not get). */
export function Table(props: { caption: ComponentChildren; columns: readonly (string | false)[]; children: ComponentChildren; class?: string }) {
  return (
    <table class={props.class}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map(
            (c) =>
              c && (
                <th scope="col" key={c}>
                  {c}
                </th>
              ),
          )}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

export function SeverityBadge(props: { severity: string }) {
  return <span class={`sev sev-${props.severity}`}>{props.severity}</span>;
}

export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · Upwatch console`;
  }, [props.title]);
  return (
    <section aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

/** Why a control is off: said beside it, not only in a tooltip. */
export function RoleNote(props: { text: string }) {
  return <p class="muted role-note">{props.text}</p>;
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * An uploaded file's name (file-name.ts): laid out left to right whatever it contains, its invisible
 * characters shown by code point, and in a one-line cell only the head shortened, never the end.
 */
export function FileName(props: { name: string }) {
  const shown = shownFileName(props.name);
  return (
    <span class="filename file-name" dir="ltr">
      <span class="name-head">{shown.head}</span>
      <span class="name-tail">{shown.tail}</span>
    </span>
  );
}
