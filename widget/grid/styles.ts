/**
 * The grid's stylesheet, adopted into its shadow root. `:host … !important` beats even the host
 * page's own !important rules (inner context wins for important declarations), so hostile global
 * CSS such as `div { display: none !important }` cannot hide the grid. Whatever :host sets after
 * `all:initial!important` must be !important too, or `all` wins (--porte-font would be ignored).
 */
export const gridCss = `:host{all:initial!important;display:block!important;visibility:visible!important;opacity:1!important;
--a:var(--porte-accent,#3b5bdb);--r:var(--porte-radius,12px);font-family:var(--porte-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif)!important;color:#1d2330!important}
*{box-sizing:border-box}
.grid{list-style:none;margin:0;padding:0;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(220px,1fr))}
.card{display:flex;flex-direction:column;gap:8px;background:#fff;border:1px solid #dfe3ea;border-radius:var(--r);padding:20px}
.hl{border:2px solid var(--a);box-shadow:0 8px 24px rgba(0,0,0,.08)}
.badge{align-self:flex-start;margin:0;background:var(--a);color:#fff;border-radius:999px;padding:2px 10px;font-size:.8rem;font-weight:700}
h3{margin:0;font-size:1.25rem}
p{margin:0}.desc,.setup{color:#5b6475;font-size:.9rem}
.price strong{font-size:1.8rem}.price span,.price small{color:#5b6475}.price small{margin-left:.3em}
.trial{color:#1e6b34;font-weight:600;font-size:.9rem}
.features{margin:4px 0;padding-left:1.2em;color:#3b4252;font-size:.92rem;flex:1}
button{margin-top:auto;font:inherit;font-weight:700;color:#fff;background:var(--a);border:0;border-radius:calc(var(--r) - 4px);padding:12px 16px;cursor:pointer}
button:hover{filter:brightness(1.08)}
button:focus-visible{outline:3px solid var(--a);outline-offset:3px}
.error{background:#fdecea;color:#b42318;border-radius:var(--r);padding:12px 16px;margin:0}
.loading{color:#5b6475}`;
