import { drainEmails } from '../../server/email/outbox.ts';
import { smtpTransport } from '../../server/email/smtp.ts';
import { nodeHarness } from '../harness/node.ts';
import { emailDeliverySuite } from './email-delivery.suite.ts';

// Node: nodemailer over a real TCP connection to the suite's SMTP server.
emailDeliverySuite({
  start: (url) => nodeHarness({ mailer: smtpTransport(url), config: { publicUrl: 'http://porte.test', emailFrom: 'billing@porte.test' } }),
  drain: async (h) => {
    await drainEmails((h as Awaited<ReturnType<typeof nodeHarness>>).deps);
  },
});
