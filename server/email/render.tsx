import { renderToString } from 'preact-render-to-string';
import type { Locale } from '../../hosted-pages/i18n.ts';
import type { Branding } from './branding.ts';
import { type EmailKind, emailCopy, fill } from './messages.ts';

export interface EmailContent {
  kind: EmailKind;
  locale: Locale;
  brand: Branding;
  /** The recipient's name, or null for "Hello,". */
  name: string | null;
  /** Values for the copy's placeholders (offer, amount, number, date…), plain text. */
  vars: Record<string, string>;
  /** The one call to action: a signed link. */
  link: string;
}

export interface Rendered {
  subject: string;
  html: string;
  text: string;
}

/**
 * Renders an email: HTML through preact (every value is escaped by the renderer, the merchant's
 * name and the customer's included) and the plain-text twin from the same copy. Inline styles
 * only (mail clients drop <style> and scripts); no remote images but the merchant's own logo,
 * and no tracking of any kind.
 */
export function renderEmail(c: EmailContent): Rendered {
  const copy = emailCopy[c.locale];
  const kind = copy[c.kind];
  const vars = { ...c.vars, merchant: c.brand.name, support: c.brand.supportEmail ?? '', support_url: c.brand.supportUrl ?? '' };
  // Header lines cannot carry line breaks (header injection): user-provided names are folded to one line.
  const subject = fill(kind.subject, vars).replace(/[\r\n]+/g, ' ').slice(0, 250);
  const hello = c.name ? fill(copy.common.hello, { name: c.name }) : copy.common.hello_anonymous;
  const heading = fill(kind.heading, vars);
  const paragraphs = kind.body.map((p) => fill(p, vars));
  const footer = [
    c.brand.supportEmail ? fill(copy.common.support, vars) : null,
    c.brand.supportUrl ? fill(copy.common.support_url, vars) : null,
    fill(copy.common.sent_by, vars),
  ].filter((line): line is string => line !== null);

  const text = [hello, '', heading, '', ...paragraphs.flatMap((p) => [p, '']), `${fill(kind.button, vars)}: ${c.link}`, '', '--', ...footer, ''].join('\n');

  const color = c.brand.color;
  const body = (
    <table role="presentation" width="100%" cellPadding="0" cellSpacing="0" style="background:#f4f5f7;padding:24px 0;font-family:Arial,Helvetica,sans-serif;color:#1f2328">
      <tr>
        <td align="center">
          <table role="presentation" width="560" cellPadding="0" cellSpacing="0" style={`max-width:560px;width:100%;background:#ffffff;border-radius:8px;border-top:4px solid ${color}`}>
            <tr>
              <td style="padding:24px 28px 8px">
                {c.brand.logoUrl ? <img src={c.brand.logoUrl} alt={c.brand.name} height={40} style="height:40px;border:0" /> : <strong style={`font-size:18px;color:${color}`}>{c.brand.name}</strong>}
              </td>
            </tr>
            <tr>
              <td style="padding:8px 28px 24px;font-size:15px;line-height:1.5">
                <p>{hello}</p>
                <h1 style="font-size:20px;margin:16px 0">{heading}</h1>
                {paragraphs.map((p) => (
                  <p key={p}>{p}</p>
                ))}
                <p style="margin:24px 0">
                  <a href={c.link} style={`background:${color};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;display:inline-block;font-weight:bold`}>
                    {fill(kind.button, vars)}
                  </a>
                </p>
                <p style="font-size:13px;color:#57606a">
                  {copy.common.copy_link}
                  <br />
                  <a href={c.link} style="color:#57606a;word-break:break-all">{c.link}</a>
                </p>
              </td>
            </tr>
            <tr>
              <td style="padding:16px 28px;border-top:1px solid #e5e7eb;font-size:12px;color:#57606a">
                {footer.map((line) => (
                  <p key={line} style="margin:4px 0">{line}</p>
                ))}
              </td>
            </tr>
          </table>
        </td>
      </tr>
    </table>
  );
  const html = `<!DOCTYPE html><html lang="${c.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeText(subject)}</title></head><body style="margin:0">${renderToString(body)}</body></html>`;
  return { subject, html, text };
}

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
