/**
 * The host's style, twice: inline (its only attribute) and as `:host` rules with `!important` in
 * the closed root. For important declarations the shadow tree's context wins over the page's, inline
 * style attribute included, so no page stylesheet or `style` edit can hide, shrink, clip, dim or
 * move the host; the guard (dialog-guard.ts) also puts the attribute back. Effects an ancestor could
 * lay on the box (opacity, filter, transform, clip-path of <html>) do not reach the top layer.
 */
const HOST_DECLARATIONS = [
  'all: initial !important',
  'position: fixed !important',
  'top: 0 !important',
  'left: 0 !important',
  'width: 0 !important',
  'height: 0 !important',
  'display: block !important',
  'visibility: visible !important',
  'opacity: 1 !important',
  'z-index: 2147483647 !important',
  'pointer-events: auto !important',
  'transform: none !important',
  'filter: none !important',
  'clip-path: none !important',
  'content-visibility: visible !important',
];

export const HOST_STYLE = HOST_DECLARATIONS.join(';');

export const DIALOG_CSS = `
:host { ${HOST_DECLARATIONS.join('; ')}; }
* { box-sizing: border-box; }
.box { all: initial; display: block; box-sizing: border-box; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1f24; background: #fff; border: 1px solid #c9ced6; border-radius: 10px; padding: 20px 22px; margin: auto;
  width: min(460px, calc(100vw - 32px)); max-height: calc(100vh - 32px); overflow: auto; box-shadow: 0 12px 40px rgba(0,0,0,.3); z-index: 2147483647; }
dialog.box::backdrop { background: rgba(15, 20, 30, .55); }
.notice { position: fixed; inset: 16px 16px auto auto; margin: 0; width: min(380px, calc(100vw - 32px)); }
h2 { all: initial; display: block; font: 600 18px/1.3 system-ui, sans-serif; color: inherit; margin: 0 0 8px; }
p, li, dt, dd, label, span { font: inherit; color: inherit; }
p { margin: 0 0 10px; }
.message { font-weight: 600; border-left: 4px solid #b42318; padding-left: 10px; }
.warn .message { border-color: #b54708; }
.notify .message { border-color: #175cd3; }
dl { margin: 0 0 10px; } dt { font-weight: 600; margin-top: 6px; } dd { margin: 2px 0 0; overflow-wrap: anywhere; }
ul { margin: 2px 0 10px; padding-left: 20px; } li { overflow-wrap: anywhere; }
a { color: #175cd3; text-decoration: underline; }
label { display: block; font-weight: 600; margin: 6px 0 4px; }
textarea { display: block; width: 100%; min-height: 64px; font: inherit; color: inherit; background: transparent;
  border: 1px solid #8a93a0; border-radius: 6px; padding: 6px 8px; resize: vertical; }
.hint { font-size: 13px; color: #4b5563; margin-top: 4px; }
.buttons { display: flex; gap: 10px; justify-content: flex-end; margin-top: 16px; }
button { font: 600 14px/1 system-ui, sans-serif; padding: 10px 16px; border-radius: 6px; border: 1px solid #8a93a0;
  background: #f3f4f6; color: #1b1f24; cursor: pointer; }
button.primary { background: #175cd3; border-color: #175cd3; color: #fff; }
button:disabled { opacity: .45; cursor: not-allowed; }
button:focus-visible, a:focus-visible, textarea:focus-visible { outline: 3px solid #f79009; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .box { color: #e7e9ee; background: #1d2129; border-color: #3b4250; box-shadow: 0 12px 40px rgba(0,0,0,.7); }
  a { color: #84adff; } .hint { color: #aab1bd; } .message { border-color: #f97066; }
  button { background: #2b313c; color: #e7e9ee; border-color: #56606f; }
  button.primary { background: #2e6ee6; border-color: #2e6ee6; color: #fff; }
}`;
