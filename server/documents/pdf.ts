import type { PDFFont, PDFPage } from 'pdf-lib';
import { invoiceContent } from './content.ts';
import type { InvoiceDocument } from './model.ts';

/**
 * The invoice as a PDF, by pdf-lib (pure JavaScript: the same code on Node and Workers). The
 * standard Helvetica font needs no embedding of font files but only encodes WinAnsi (Latin-1 plus
 * €, œ, quotes…): French is covered; anything else is transliterated or replaced by "?" rather
 * than making the render throw. pdf-lib is imported on the first render, not with the server:
 * it is ~15 MB of resident memory that a process serving only the API never needs.
 */
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;

/** Letters NFKD does not decompose to a Latin base. */
const letters: Readonly<Record<string, string>> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h' };

function winAnsiSafe(font: PDFFont): (s: string) => string {
  const ok = new Set(font.getCharacterSet());
  return (s) => {
    let out = '';
    // Narrow/no-break spaces from Intl number formats: plain spaces extract and wrap cleanly.
    for (const ch of s.replace(/[\u00a0\u202f\u2009]/g, ' ')) {
      const cp = ch.codePointAt(0) ?? 63;
      if (ok.has(cp)) out += ch;
      else {
        const base = (letters[ch] ?? ch).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
        out += [...base].every((c) => ok.has(c.codePointAt(0) ?? 0)) && base !== '' ? base : '?';
      }
    }
    return out;
  };
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export async function renderInvoicePdf(d: InvoiceDocument): Promise<Uint8Array> {
  const { PDFDocument, rgb, StandardFonts } = await import('pdf-lib');
  const c = invoiceContent(d);
  const pdf = await PDFDocument.create();
  pdf.setTitle(c.title);
  pdf.setAuthor(d.seller.legalName);
  pdf.setLanguage(d.locale === 'fr' ? 'fr-FR' : 'en-GB');
  pdf.setCreator('Porte');
  pdf.setProducer('Porte (pdf-lib)');
  // Fixed dates: the same invoice renders to the same bytes.
  pdf.setCreationDate(new Date(d.issueDate));
  pdf.setModificationDate(new Date(d.issueDate));
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const safe = winAnsiSafe(regular);
  let page: PDFPage = pdf.addPage(A4);
  let y = A4[1] - MARGIN;
  const width = A4[0] - 2 * MARGIN;
  const ensure = (h: number) => {
    if (y - h < MARGIN) {
      page = pdf.addPage(A4);
      y = A4[1] - MARGIN;
    }
  };
  const text = (s: string, x: number, opts: { size?: number; font?: PDFFont; maxWidth?: number; right?: boolean } = {}) => {
    const size = opts.size ?? 9;
    const font = opts.font ?? regular;
    const str = safe(s);
    const dx = opts.right ? -font.widthOfTextAtSize(str, size) : 0;
    page.drawText(str, { x: x + dx, y, size, font, color: rgb(0.1, 0.1, 0.1) });
  };

  text(c.title, MARGIN, { size: 18, font: bold });
  y -= 28;
  for (const [k, v] of c.meta) {
    text(`${k}: ${v}`, MARGIN);
    y -= 12;
  }
  y -= 10;
  // Seller and buyer side by side.
  const top = y;
  const half = width / 2 - 10;
  const block = (label: string, lines: string[], x: number): number => {
    y = top;
    text(label, x, { font: bold });
    y -= 13;
    for (const l of lines) for (const part of wrap(safe(l), regular, 9, half)) {
      text(part, x);
      y -= 12;
    }
    return y;
  };
  const yA = block(c.labels.seller, c.seller, MARGIN);
  const yB = block(c.labels.buyer, c.buyer, MARGIN + width / 2 + 10);
  y = Math.min(yA, yB) - 16;

  // Lines table: description wraps; figures are right-aligned in fixed columns.
  const cols = [MARGIN, MARGIN + 190, MARGIN + 300, MARGIN + 380, MARGIN + 430, MARGIN + width];
  const header = () => {
    c.headers.forEach((h, i) => {
      text(h, cols[i] ?? 0, { font: bold, size: 8, right: i >= 2 });
    });
    y -= 6;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + width, y }, thickness: 0.5 });
    y -= 12;
  };
  ensure(40);
  header();
  for (const row of c.rows) {
    const desc = wrap(safe(row[0] ?? ''), regular, 9, 185);
    ensure(12 * desc.length + 6);
    text(row[1] ?? '', cols[1] ?? 0, { size: 8 });
    text(row[2] ?? '', cols[2] ?? 0, { right: true });
    text(row[3] ?? '', cols[3] ?? 0, { right: true });
    text(row[4] ?? '', cols[4] ?? 0, { right: true });
    text(row[5] ?? '', cols[5] ?? 0, { right: true });
    for (const part of desc) {
      text(part, MARGIN);
      y -= 12;
    }
    y -= 4;
  }
  page.drawLine({ start: { x: MARGIN, y: y + 6 }, end: { x: MARGIN + width, y: y + 6 }, thickness: 0.5 });
  y -= 8;
  c.totals.forEach(([k, v], i) => {
    ensure(14);
    const last = i === c.totals.length - 1;
    text(k, MARGIN + width - 110, { right: true, font: last ? bold : regular });
    text(v, MARGIN + width, { right: true, font: last ? bold : regular });
    y -= 14;
  });
  y -= 12;
  for (const note of c.notes) {
    const parts = wrap(safe(note), regular, 8, width);
    ensure(parts.length * 11 + 4);
    for (const part of parts) {
      text(part, MARGIN, { size: 8 });
      y -= 11;
    }
    y -= 4;
  }
  return pdf.save();
}
