/**
 * The back-office stylesheet, inlined under the CSP nonce. The cascading customer form is pure CSS
 * (`:has()` on the checked radio), so it works with scripts off; browsers without `:has()` simply
 * show every branch, and the server reads only the branch that was chosen.
 */
export const adminCss = `
:root{--accent:#3b5bdb;--link:#2f4ac0;--text:#1d2330;--muted:#5b6475;--bg:#f6f7fb;--card:#fff;--line:#dfe3ea;--err:#b42318;--ok:#1e6b34;--radius:10px;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.skip{position:absolute;left:-9999px;top:8px;z-index:20;background:#fff;color:var(--link);padding:8px 12px;border-radius:6px}
.skip:focus{left:8px}
.shell{display:grid;grid-template-columns:220px minmax(0,1fr);min-height:100vh}
@media(max-width:760px){.shell{grid-template-columns:minmax(0,1fr)}}
.side{background:#1d2330;color:#f1f3f8;padding:16px 12px;display:flex;flex-direction:column;gap:16px}
.brand{font-weight:700;font-size:1.05rem;margin:4px 8px}
.merchant-name{margin:0 8px;font-size:.9rem;color:#c9cfdb}
.side ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:2px}
.side a{display:block;color:#f1f3f8;text-decoration:none;padding:8px 10px;border-radius:8px}
.side a:hover{background:#2c3445}
.side a[aria-current=page]{background:var(--accent);color:#fff;font-weight:600}
.filters ul{list-style:none;margin:0 0 16px;padding:0;display:flex;flex-wrap:wrap;gap:8px}
.filters a{display:inline-block;padding:4px 12px;border:1px solid var(--line);border-radius:999px;background:var(--card);text-decoration:none}
.filters a[aria-current=page]{background:var(--accent);border-color:var(--accent);color:#fff;font-weight:600}
.side :focus-visible{outline-color:#fff}
.side-menu{display:flex;flex-direction:column;gap:16px;flex:1}
.menu-toggle,.menu-button{display:none}
@media(max-width:760px){
.side{padding:10px 12px;gap:10px}
.side-top{display:flex;justify-content:space-between;align-items:center;gap:12px}
.menu-button{display:inline-block;margin:0;font-size:1rem;border:1px solid #c9cfdb;border-radius:8px;padding:6px 14px;cursor:pointer}
.menu-button::before{content:"☰ " / ""}
.menu-toggle{display:block;position:absolute;opacity:0;width:1px;height:1px;margin:0;pointer-events:none}
.menu-toggle:focus-visible+.side-top .menu-button{outline:3px solid #fff;outline-offset:2px}
.menu-toggle:checked+.side-top .menu-button{background:#2c3445}
.menu-toggle:not(:checked)~.side-menu{display:none}
.content{padding:16px}
.shell{grid-template-rows:auto 1fr}
}
@media(max-width:640px){
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
table.stack tr{padding:10px 0;border-bottom:1px solid var(--line)}
table.stack td{border:0;padding:2px 0;overflow-wrap:anywhere}table.stack td:empty{display:none}
dl.details{grid-template-columns:minmax(0,1fr);gap:0}dl.details dd{margin-bottom:8px}
table.stack td[data-label]::before{content:attr(data-label);display:block;font-size:.8rem;font-weight:600;color:var(--muted)}
}
.side .foot{margin-top:auto;font-size:.85rem;color:#c9cfdb;padding:0 8px;display:flex;flex-direction:column;gap:8px}
.side .foot button{background:none;border:1px solid #c9cfdb;color:#f1f3f8;padding:6px 10px}
.lang{display:flex;gap:10px}.lang a{padding:0;display:inline;text-decoration:underline}
.lang a[aria-current=true]{font-weight:700;text-decoration:none}
.content{padding:24px;max-width:1120px;width:100%}
.topbar{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.topbar h1{margin:0}
h1{font-size:1.6rem;margin:0 0 16px;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:0 0 12px}
.card{background:var(--card);border-radius:var(--radius);padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:20px}
.test-banner{display:inline-block;background:#fff4d6;color:#6b4e00;border-radius:6px;padding:2px 10px;font-size:.85rem;margin:0 8px}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:10px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;font-size:.8rem;font-weight:600;background:#eceef3;color:#3b4252;margin:2px 4px 2px 0;white-space:nowrap}
.badge.dark{background:#3b4252;color:#fff}.badge.okb{background:#e6f4ea;color:var(--ok)}.badge.warn{background:#fdecea;color:var(--err)}
.muted{color:var(--muted)}.small{font-size:.85rem}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.ref{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap;overflow-wrap:normal;word-break:normal;display:inline-block;max-width:100%;overflow:hidden;text-overflow:ellipsis;vertical-align:bottom}
.field{margin-bottom:14px}
label,.label{display:block;font-weight:600;font-size:.9rem;margin-bottom:4px}
input[type=text],input[type=email],input[type=password],input[type=search],input[type=url],input[type=number],input[type=tel],input:not([type]),select,textarea{width:100%;font:inherit;padding:9px 11px;border:1px solid #767f8e;border-radius:8px;background:#fff;color:inherit}
textarea{min-height:96px}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border-color:var(--err);border-width:2px}
.error{color:var(--err);font-size:.875rem;margin:4px 0 0}
.hint{color:var(--muted);font-size:.85rem;margin:4px 0 0}
.alert{border-radius:8px;padding:10px 12px;margin-bottom:16px;background:#fdecea;color:var(--err)}
.alert.ok{background:#e6f4ea;color:var(--ok)}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.row3{display:grid;grid-template-columns:1fr 1fr 1fr;gap:12px}
@media(max-width:640px){.row,.row3{grid-template-columns:1fr}}
fieldset{border:1px solid var(--line);border-radius:var(--radius);padding:14px 16px 4px;margin:0 0 16px;min-width:0}
legend{font-weight:700;padding:0 6px}
fieldset.bare{border:0;padding:0;margin:0 0 8px}
.choice{display:flex;gap:8px;align-items:flex-start;margin:0 0 10px;font-weight:400;font-size:1rem}
.choice input{margin-top:5px;width:auto}
form:not(:has(#billing-auto:checked)) .cascade-auto,form:not(:has(#billing-manual:checked)) .cascade-manual,form:not(:has(#gw-stripe:checked)) .cascade-stripe,form:has(#f-events-all:checked) .event-types{display:none}
.choice .hint{display:block;margin:0}
button,.button{font:inherit;font-weight:600;border-radius:8px;padding:9px 16px;cursor:pointer;border:1px solid var(--accent);background:var(--accent);color:#fff;text-decoration:none;display:inline-block;line-height:1.4}
button.secondary,.button.secondary{background:#fff;color:var(--link)}
button.danger{background:var(--err);border-color:var(--err);color:#fff}
button.small{padding:4px 10px;font-size:.85rem}
.buttons{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-top:8px}
.search-form{margin-bottom:16px}
.search-row{display:flex;gap:8px;align-items:center}
.search-row input{flex:1;min-width:0}
.alert p{margin:0 0 8px}.alert p:last-child{margin:0}
.add-menu{position:relative}
.add-menu summary{list-style:none;font-weight:700;font-size:1.3rem;line-height:1;border-radius:8px;padding:8px 14px;background:var(--accent);color:#fff;cursor:pointer}
.add-menu summary::-webkit-details-marker{display:none}
.add-menu ul{position:absolute;right:0;top:calc(100% + 4px);list-style:none;margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 20px rgba(0,0,0,.12);padding:6px;min-width:200px;z-index:5}
.add-menu a{display:block;padding:8px 10px;border-radius:6px;color:var(--text);text-decoration:none}
.add-menu a:hover,.add-menu a:focus-visible{background:#eef1fb}
dl.details{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:6px 16px;margin:0}
dl.details dt{color:var(--muted)}dl.details dd{margin:0;overflow-wrap:anywhere}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:20px}
@media(max-width:900px){.cols{grid-template-columns:1fr}}
.actions{display:flex;flex-direction:column;gap:12px}
.actions form{margin:0}
details.confirm>summary{display:inline-block;cursor:pointer;font-weight:600;color:var(--err);border:1px solid var(--err);border-radius:8px;padding:8px 14px;background:#fff}
details.confirm[open]>summary{margin-bottom:8px}
details.confirm p{margin:0 0 8px}
.copy-row{display:flex;gap:8px;align-items:center}.copy-row input{flex:1}
ul.plain{list-style:none;margin:0;padding:0}ul.plain li{padding:8px 0;border-bottom:1px solid var(--line)}
ol.order{margin:0 0 12px;padding:0;list-style:none}
ol.order li{display:flex;gap:8px;align-items:center;justify-content:space-between;padding:8px 0;border-bottom:1px solid var(--line)}
ol.order form{display:inline}
ol.order button:disabled{opacity:.45;cursor:not-allowed}
.preview{background:#fff;border:1px dashed #b8bfcc;border-radius:var(--radius);padding:16px}
pre{background:#1d2330;color:#f1f3f8;border-radius:8px;padding:12px;white-space:pre-wrap;word-break:break-all;font-size:.85rem}
.center{max-width:440px;margin:64px auto;padding:0 16px}
`;
