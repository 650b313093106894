import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { createAccount, EmailTaken, setupService } from '../accounts/setup.ts';
import { emailSchema } from '../customers/schema.ts';
import { betterSqliteDatabase, openSqlite } from '../db/better-sqlite3.ts';
import { migrateNode } from '../db/migrate-node.ts';
import { randomToken } from '../lib/ids.ts';

/**
 * `npm run porte -- account create --name "Acme" --email owner@acme.example [--password …]`
 * `npm run porte -- account invite` (with PORTE_SIGNUP=invite): a setup link for another business.
 * Scripted installs and operators hosting several businesses. Same database and migrations as the
 * server (PORTE_DB); the secret key and a generated password are printed once, never stored.
 */
const USAGE = 'Usage: npm run porte -- account create --name <business name> --email <owner email> [--password <password>]\n       npm run porte -- account invite   (PORTE_SIGNUP=invite)';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
});

const file = process.env.PORTE_DB ?? './data/porte.sqlite';
const publicUrl = (process.env.PORTE_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 8787}`).replace(/\/$/, '');
const [noun, verb] = positionals;
if (noun !== 'account' || (verb !== 'create' && verb !== 'invite')) fail('Unknown command.');

const sqlite = openSqlite(file);
migrateNode(sqlite, fileURLToPath(new URL('../../migrations', import.meta.url)));
const db = betterSqliteDatabase(sqlite);
const clock = () => new Date();

if (verb === 'invite') {
  if (process.env.PORTE_SIGNUP !== 'invite') fail('Invitations need PORTE_SIGNUP=invite (on the server too).');
  const token = await setupService(db, clock, { signup: 'invite' }).issue();
  console.log(`Setup link for a new business (single use, 48 hours):\n  ${publicUrl}/admin/setup?token=${token}`);
} else {
  const name = (values.name ?? '').trim();
  const email = (values.email ?? '').trim().toLowerCase();
  if (!name || name.length > 120) fail('--name: the business name is required (at most 120 characters).');
  if (!v.safeParse(emailSchema, email).success) fail('--email: a valid owner email is required.');
  if (values.password !== undefined && values.password.length < 12) fail('--password: use at least 12 characters.');
  const password = values.password ?? randomToken(16);
  try {
    const created = await createAccount(db, clock, { name, email, password });
    console.log(
      [
        `Created the account "${name}" (test environment). Keep these, they are shown only once:`,
        `  Back-office:     ${publicUrl}/admin`,
        `  Owner login:     ${email} / ${password}`,
        `  Publishable key: ${created.publishableKey}`,
        `  Secret key:      ${created.secretKey}`,
        `  Script tag:      <script src="${publicUrl}/widget.js" data-key="${created.publishableKey}" async></script>`,
        'Live keys appear in the back-office once you switch off "Test mode"; the "Go live" page lists what live payments need.',
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof EmailTaken) fail(`--email: ${email} already signs in to this Porte.`);
    throw error;
  }
}
sqlite.close();
