/** Builds elements with text children only: page-derived strings never become markup. */
export type Child = Node | string;

export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  return node;
}
