import type { Transporter } from 'nodemailer';
import type { EmailTransport } from './port.ts';

/**
 * SMTP through nodemailer (Node only: the Workers bundle never imports this file).
 * `url` is PORTE_SMTP_URL, e.g. `smtp://user:pass@host:587` or `smtps://…:465`.
 * Pooled (one connection, reused across drains): a new connection per email costs a handshake
 * and several round trips each time (~4x slower to a local server). nodemailer is loaded with the
 * first email, not with the server: a few MB of memory for a process that may never send one.
 */
export function smtpTransport(url: string): EmailTransport {
  let transport: Promise<Transporter> | undefined;
  const pooled = (): Promise<Transporter> => {
    // The URL's own settings win; the timeouts bound how long a dead server holds a lease.
    transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url, pool: true, maxConnections: 1, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }),
    );
    return transport;
  };
  return {
    async send(message) {
      const info = await (await pooled()).sendMail({
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
