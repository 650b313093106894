/** The hosted pages' stylesheet, inlined with the CSP nonce (one request less, nothing to cache-bust). */
export const pageCss = `
:root{--accent:#3b5bdb;--text:#1d2330;--muted:#5b6475;--bg:#f6f7fb;--card:#fff;--err:#b42318;--radius:10px;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
main{max-width:980px;margin:0 auto;padding:24px 16px}
.embedded header{padding-right:48px}
header{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;margin-bottom:16px}
.merchant{font-weight:700;font-size:1.15rem;margin:0}
.test-banner{margin:0;background:#fff4d6;color:#6b4e00;border-radius:6px;padding:4px 10px;font-size:.85rem}
.grid{display:grid;gap:24px;grid-template-columns:1fr}
@media(min-width:800px){.grid{grid-template-columns:minmax(0,5fr) minmax(0,7fr)}}
.summary-line{display:flex;gap:12px;align-items:center;cursor:pointer;font-weight:600}
.summary-line::before{content:'▸'/'';color:var(--muted)}.summary[open]>.summary-line::before{content:'▾'/''}
.summary-line{flex-wrap:wrap;row-gap:2px}.summary-line>span:last-child{margin-left:auto;text-align:right}.summary-line strong{white-space:nowrap}
.line-name{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
details.summary[open]>.summary-line{margin-bottom:12px}
@media(max-width:799.98px){details.summary{padding:12px 16px}.grid{gap:16px}}
@supports selector(::details-content){@media(min-width:800px){details.summary::details-content{content-visibility:visible}details.summary>.summary-line{display:none}}}
.summary,form,.message{background:var(--card);border-radius:var(--radius);padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.summary h2{font-size:.9rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 8px}
.offer-name{font-size:1.3rem;font-weight:700;margin:0}.price{font-size:1.6rem;font-weight:700;margin:8px 0}
.badge{display:inline-block;background:#e6f4ea;color:#1e6b34;border-radius:999px;padding:2px 10px;font-size:.85rem}
.badge.warn{background:#fff4d6;color:#6b4e00}.badge.bad{background:#fdecea;color:var(--err)}.badge.off{background:#eceef3;color:#3b4252}
.features{padding-left:1.2em;color:var(--muted)}
.totals div{display:flex;justify-content:space-between;gap:12px;border-top:1px solid #eceef3;padding:8px 0}
.totals dt,.totals dd{margin:0}.total{font-weight:700}
fieldset{border:0;padding:0;margin:0 0 16px}legend{font-weight:700;margin-bottom:8px;padding:0}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.field{margin-bottom:12px}label{display:block;font-weight:600;font-size:.9rem;margin-bottom:4px}
input[type=text],input[type=email],input:not([type]),select{width:100%;font:inherit;padding:10px 12px;border:1px solid #b8bfcc;border-radius:8px;background:#fff;color:inherit}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--err)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{color:var(--err);font-size:.875rem;margin:4px 0 0}
.alert{background:#fdecea;color:var(--err);border-radius:8px;padding:10px 12px;margin-bottom:16px}
.muted{color:var(--muted)}.small{font-size:.85rem}
.tabs{display:flex;gap:8px;margin-bottom:12px}
.tabs input{position:absolute;opacity:0;width:1px;height:1px}
.tabs label{border:1px solid #b8bfcc;border-radius:8px;padding:8px 14px;cursor:pointer;margin:0;font-weight:600}
.tabs input:checked+label{border-color:var(--accent);box-shadow:0 0 0 1px var(--accent);color:var(--accent)}
.tabs input:focus-visible+label{outline:3px solid var(--accent);outline-offset:2px}
.payment:has(#pt-card:checked) .panel-sepa,.payment:has(#pt-sepa:checked) .panel-card{display:none}
button.primary,a.button{display:inline-block;width:100%;font:inherit;font-weight:700;color:#fff;background:var(--accent);border:0;border-radius:8px;padding:12px 16px;cursor:pointer;text-align:center;text-decoration:none}
button.primary[disabled]{opacity:.7;cursor:progress}
.back{color:var(--muted)}
.message{max-width:560px;margin:48px auto;text-align:center}
.choices{display:flex;flex-wrap:wrap;gap:12px}.choices button{flex:1 1 12em}.message .choices{padding:0;box-shadow:none}
.inline-form{background:none;box-shadow:none;padding:0;margin:12px 0}.inline-form button.primary{width:auto}
button.secondary{font:inherit;font-weight:700;background:#fff;color:var(--err);border:1px solid var(--err);border-radius:8px;padding:12px 16px;cursor:pointer}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.invoices{width:100%;border-collapse:collapse;font-size:.95rem}.invoices th{text-align:left;color:var(--muted);font-size:.8rem}
.invoices td,.invoices th{padding:8px 6px;border-top:1px solid #eceef3;vertical-align:middle}
.invoice-actions{display:flex;gap:12px;align-items:center;justify-content:flex-end;flex-wrap:wrap}
.invoices a.button{width:auto;padding:6px 14px}
@media(max-width:560px){.invoices thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.invoices tr{display:block;border-top:1px solid #eceef3;padding:8px 0}
.invoices td{display:flex;justify-content:space-between;border:0;padding:2px 0}.invoices td[data-label]::before{content:attr(data-label);color:var(--muted)}.invoice-actions{justify-content:flex-start;padding-top:6px}}
`;
