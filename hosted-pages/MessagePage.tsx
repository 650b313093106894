import type { ComponentChildren } from 'preact';

/** Expired, completed, not found, restricted: a clear page, never a stack trace. */
export function MessagePage({ title, body, children }: { title: string; body: string; children?: ComponentChildren }) {
  return (
    <main>
      <section class="message" aria-labelledby="message-title">
        <h1 id="message-title">{title}</h1>
        <p>{body}</p>
        {children}
      </section>
    </main>
  );
}
