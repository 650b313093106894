import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpInbox {
  url: string;
  /** Every message the server accepted, parsed (duplicates included). */
  accepted: ParsedMail[];
  /** What a server that remembers Message-IDs keeps: the first message of each Message-ID. */
  mailbox: () => ParsedMail[];
  /** The next `n` transactions are refused at RCPT TO with this reply code (4xx or 5xx). */
  refuse(n: number, code: number): void;
  refused: () => number;
  /**
   * The next `n` sessions are cut: at `connect` the server goes away (open connections, a client's
   * idle pooled one included, are closed at once) and closes each new one before its greeting; `after-data` it keeps the message (it is in `accepted`) and closes the connection
   * instead of answering 250, the crash the sender cannot tell from a lost message.
   */
  drop(n: number, when: 'connect' | 'after-data'): void;
  dropped: () => number;
  /** Resolves once `n` messages have been accepted in all. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (the `smtp-server` package), parsing what arrives with mailparser. */
export async function startSmtp(): Promise<SmtpInbox> {
  const accepted: ParsedMail[] = [];
  let refuseLeft = 0;
  let refuseCode = 550;
  let refusedCount = 0;
  let drop = { left: 0, when: 'connect' as 'connect' | 'after-data' };
  let droppedCount = 0;
  // smtp-server keeps its live connections (with their socket) but gives hooks only the session.
  const cut = (session: object) => {
    const connections = (server as unknown as { connections: Set<{ session: object; _socket: Socket }> }).connections;
    for (const c of connections) if (c.session === session) c._socket.destroy();
    droppedCount++;
  };
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No reverse DNS of 127.0.0.1 per connection (it costs ~150 ms here and tells nothing).
    disableReverseLookup: true,
    onConnect(session, callback) {
      if (drop.left > 0 && drop.when === 'connect') {
        drop.left--;
        cut(session);
        return;
      }
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (refuseLeft > 0) {
        refuseLeft--;
        refusedCount++;
        const error = Object.assign(new Error(refuseCode >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: refuseCode });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          accepted.push(mail);
          if (drop.left > 0 && drop.when === 'after-data') {
            drop.left--;
            cut(session);
          } else callback();
          for (const w of waiters.splice(0)) w();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    mailbox: () => {
      const seen = new Set<string>();
      return accepted.filter((m) => {
        const id = m.messageId ?? '';
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    },
    refuse(n, code) {
      refuseLeft = n;
      refuseCode = code;
    },
    refused: () => refusedCount,
    drop(n, when) {
      drop = { left: n, when };
      if (when === 'connect') for (const c of (server as unknown as { connections: Set<{ _socket: Socket }> }).connections) c._socket.destroy();
    },
    dropped: () => droppedCount,
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages, got ${accepted.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A server that accepts TCP connections and drops them at once: an SMTP host going away mid-session. */
export async function startDropper(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
