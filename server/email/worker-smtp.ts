import { LogLevel, WorkerMailer, type WorkerMailerOptions } from 'worker-mailer';
import type { EmailTransport, OutgoingEmail } from './port.ts';

/**
 * SMTP from Cloudflare Workers through `worker-mailer` (TCP over `cloudflare:sockets`): the second
 * adapter of the email port (Node uses nodemailer, smtp.ts). Workers-only: the Node entry never
 * imports this file.
 *
 * One connection per email: a socket belongs to the invocation that opened it (Workers refuse I/O
 * on another request's objects), and the cron's drain sends one email at a time anyway.
 * Workers cannot connect to port 25 (Cloudflare blocks it): use 587 (STARTTLS) or 465 (smtps).
 */
export function smtpOptions(url: string): WorkerMailerOptions {
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('PORTE_SMTP_URL must start with smtp:// or smtps://');
  const secure = u.protocol === 'smtps:';
  const username = decodeURIComponent(u.username);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    startTls: !secure,
    ...(username ? { credentials: { username, password: decodeURIComponent(u.password) }, authType: ['plain', 'login', 'cram-md5'] } : {}),
    // Bounds how long a dead server holds a lease (worker-mailer uses the socket timeout for replies too).
    socketTimeoutMs: 15_000,
    responseTimeoutMs: 15_000,
    logLevel: LogLevel.NONE, // failures are recorded on the email row, not logged twice.
  };
}

/** `"Name" <a@b>` or `a@b` (compose.ts writes one of these) → worker-mailer's user. */
export function parseAddress(address: string): { name?: string; email: string } {
  const m = /^"([^"]*)"\s*<([^<>]+)>$/.exec(address.trim());
  return m ? { name: m[1], email: m[2] ?? '' } : { email: address.trim() };
}

const base64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

/** The message worker-mailer sends: the Message-ID Porte chose, so a resend after a crash is recognisable. */
export function workerEmail(message: OutgoingEmail) {
  return {
    from: parseAddress(message.from),
    to: message.to,
    ...(message.replyTo ? { reply: message.replyTo } : {}),
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: { 'Message-ID': message.messageId },
    attachments: message.attachments.map((a) => ({ filename: a.filename, mimeType: a.contentType, content: base64(a.content) })),
  };
}

/**
 * worker-mailer 1.2.1 reads a closed socket in a loop that never ends (`read()` retries on the
 * stream's `done`), so a server that drops the connection would hold the cron until the CPU
 * limit kills it. This one change makes a closed socket a failed attempt, retried with backoff
 * like any other.
 */
type Internals = { reader: ReadableStreamDefaultReader<Uint8Array> };
const proto = WorkerMailer.prototype as unknown as { read(this: Internals): Promise<string> };
const decoder = new TextDecoder();
proto.read = async function read(this: Internals): Promise<string> {
  let buffer = '';
  for (;;) {
    const { value, done } = await this.reader.read();
    if (done) throw new Error(`SMTP connection closed by the server${buffer ? ` after: ${buffer.trim().slice(0, 200)}` : ''}`);
    if (!value) continue;
    buffer += decoder.decode(value, { stream: true });
    if (!buffer.endsWith('\n')) continue;
    const lines = buffer.split(/\r?\n/);
    // A multi-line reply ends with a line "NNN text" (no hyphen).
    if (!/^\d+-/.test(lines[lines.length - 2] ?? '')) return buffer;
  }
};

export function workerSmtpTransport(url: string): EmailTransport {
  const options = smtpOptions(url);
  return {
    async send(message) {
      const mailer = await WorkerMailer.connect(options);
      try {
        await mailer.send(workerEmail(message));
        return { messageId: message.messageId, response: '250 accepted' };
      } finally {
        await mailer.close().catch(() => undefined);
      }
    },
  };
}
