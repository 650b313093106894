import { workerdHarness } from '../harness/workerd.ts';
import { emailDeliverySuite } from './email-delivery.suite.ts';

// workerd: worker-mailer's TCP socket (`cloudflare:sockets`) from Miniflare reaches the suite's
// SMTP server on 127.0.0.1; the cron trigger runs the drain (in waitUntil: the suite polls).
emailDeliverySuite({
  start: (url) => workerdHarness({ bindings: { PORTE_SMTP_URL: url, PORTE_EMAIL_FROM: 'billing@porte.test' } }),
  drain: async (h) => {
    await h.scheduled?.();
  },
});
