import nodemailer from 'nodemailer';
import type { EmailTransport } from './port.ts';

/**
 * SMTP through nodemailer (Node only: the Workers bundle never imports this file).
 * `url` is PORTE_SMTP_URL, e.g. `smtp://user:pass@host:587` or `smtps://…:465`.
 * Pooled (one connection, reused across drains): a new connection per email costs a handshake
 * and several round trips each time (~4x slower to a local server).
 */
export function smtpTransport(url: string): EmailTransport {
  // The URL's own settings win; the timeouts bound how long a dead server holds a lease.
  const withTimeouts = nodemailer.createTransport({ url, pool: true, maxConnections: 1, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(message) {
      const info = await withTimeouts.sendMail({
        messageId: message.messageId,
        from: message.from,
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        html: message.html,
        text: message.text,
        attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content) })),
      });
      return { messageId: info.messageId, response: info.response };
    },
  };
}
