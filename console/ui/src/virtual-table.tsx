/**
 * A table that renders only the rows in view (plus a few either side), so a list of thousands of
 * events costs the DOM of a screenful. It stays a real <table>: screen readers get the whole
 * list's size and each row's place from aria-rowcount and aria-rowindex (WAI-ARIA 1.2, "table"),
 * Tab moves through the rows' links (the rows just past the edge are rendered, and focusing one
 * scrolls it into view, which renders the next), and the arrow keys, Page Up/Down, Home and End
 * move from row to row, rendering the target row first. Rows have one fixed height (measured
 * from the first rendered row), so the position of row i is a multiplication.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Rows rendered beyond each edge of the view: enough for Tab and fast wheel scrolling to find them ready. */
const OVERSCAN = 10;
/** Until the first row is measured (CSS gives .virtual rows this height). */
const DEFAULT_ROW_HEIGHT = 37;
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled])';

export interface Column {
  heading: ComponentChildren;
  width: string;
  sort?: 'ascending' | 'descending' | 'none';
}

export interface VirtualTableProps<T> {
  /** Names the table and its scrolling region. */
  caption: string;
  class?: string;
  columns: readonly Column[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** The cells of one row. */
  cells: (row: T) => ComponentChildren;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const [view, setView] = useState({ top: 0, height: 800, bodyTop: 0 });
  const [rowHeight, setRowHeight] = useState(DEFAULT_ROW_HEIGHT);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const count = props.rows.length;

  const measure = () => {
    const el = scroller.current;
    const tbody = body.current;
    if (!el || !tbody) return;
    const spacer = tbody.firstElementChild?.classList.contains('spacer') ? (tbody.firstElementChild as HTMLElement).offsetHeight : 0;
    const bodyTop = tbody.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop - spacer;
    setView({ top: el.scrollTop, height: el.clientHeight, bodyTop });
  };
  useLayoutEffect(() => {
    measure();
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // The real row height, once a row exists (fonts and zoom decide it, not this file).
  useLayoutEffect(() => {
    const row = body.current?.querySelector<HTMLElement>('tr[data-index]');
    if (row && row.offsetHeight > 0 && row.offsetHeight !== rowHeight) setRowHeight(row.offsetHeight);
  });

  const visibleFrom = Math.floor(Math.max(0, view.top - view.bodyTop) / rowHeight);
  const visibleCount = Math.ceil(view.height / rowHeight) + 1;
  const first = clamp(visibleFrom - OVERSCAN, 0, count);
  const last = clamp(visibleFrom + visibleCount + OVERSCAN, first, count);
  const rendered = focusIndex === null ? [first, last] : [Math.min(first, focusIndex), Math.max(last, focusIndex + 1)];

  // Focus the row a key asked for once it is rendered: its first control, or the row itself.
  useEffect(() => {
    if (focusIndex === null) return;
    const row = body.current?.querySelector<HTMLElement>(`tr[data-index="${focusIndex}"]`);
    if (!row) return;
    (row.querySelector<HTMLElement>(FOCUSABLE) ?? row).focus();
    setFocusIndex(null);
  }, [focusIndex]);

  const moveTo = (index: number) => {
    const el = scroller.current;
    if (!el || count === 0) return;
    const target = clamp(index, 0, count - 1);
    const rowTop = view.bodyTop + target * rowHeight;
    // The sticky header covers the top of the view.
    const header = el.querySelector('thead')?.offsetHeight ?? 0;
    if (rowTop - header < el.scrollTop) el.scrollTop = rowTop - header;
    else if (rowTop + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = rowTop + rowHeight - el.clientHeight;
    setFocusIndex(target);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.matches('input, select, textarea')) return;
    const row = target.closest<HTMLElement>('tr[data-index]');
    const at = row ? Number(row.dataset.index) : -1;
    const page = Math.max(1, visibleCount - 2);
    const next: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: count - 1 };
    if (!(e.key in next) || e.altKey || e.metaKey || (at < 0 && e.key === 'ArrowUp')) return;
    e.preventDefault();
    moveTo(next[e.key]!);
  };

  const spacer = (rows: number) =>
    rows > 0 && (
      <tr class="spacer" aria-hidden="true" style={{ height: `${rows * rowHeight}px` }}>
        <td colSpan={props.columns.length} />
      </tr>
    );
  return (
    <div class="virtual" ref={scroller} onScroll={measure} onKeyDown={onKeyDown} tabIndex={0} role="region" aria-label={`${props.caption} (scrolls)`}>
      <table class={props.class} aria-rowcount={count + 1}>
        <caption>{props.caption}</caption>
        <colgroup>
          {props.columns.map((c, i) => (
            <col key={i} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {props.columns.map((c, i) => (
              <th key={i} scope="col" aria-sort={c.sort}>
                {c.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          {spacer(rendered[0]!)}
          {props.rows.slice(rendered[0], rendered[1]).map((row, i) => {
            const index = rendered[0]! + i;
            return (
              <tr key={props.rowKey(row)} data-index={index} aria-rowindex={index + 2} tabIndex={-1}>
                {props.cells(row)}
              </tr>
            );
          })}
          {spacer(count - rendered[1]!)}
        </tbody>
      </table>
    </div>
  );
}
