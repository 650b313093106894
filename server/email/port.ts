/**
 * The email port: the one seam between Porte and whatever carries mail (SMTP on Node). Porte
 * chooses the Message-ID before the first attempt and passes it in, so a resend after a crash
 * carries the same one and a receiving server that saw it can drop the duplicate.
 */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingEmail {
  /** `<id@host>`, angle brackets included, fixed per outbox row. */
  messageId: string;
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

export interface EmailTransport {
  /** Resolves once the server accepted the message; rejects on refusal, timeout or a dropped connection. */
  send(message: OutgoingEmail): Promise<{ messageId: string; response?: string }>;
}
