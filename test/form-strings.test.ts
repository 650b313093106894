import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { formStrings } from '../server/http/validate.ts';

// The checkout POST reads its urlencoded form without hono's parseBody (which materialises a full
// Request on Node): it must see exactly what parseBody's string fields were, whatever the body.
async function both(body: string, contentType: string) {
  const app = new Hono();
  app.post('/ours', async (c) => c.json(await formStrings(c.req)));
  app.post('/hono', async (c) => c.json(Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, x]) => typeof x === 'string'))));
  const send = async (path: string) => (await app.request(path, { method: 'POST', headers: { 'Content-Type': contentType }, body })).json();
  return { ours: await send('/ours'), hono: await send('/hono') };
}

describe('formStrings', () => {
  test.each([
    ['plain fields', 'csrf=abc&email=jeanne%40example.test&first_name=Jeanne'],
    ['a repeated name: the last value wins', 'email=a%40x.test&email=b%40x.test'],
    ['names ending in [] are arrays there, so left out', 'tags[]=a&tags[]=b&city=Paris'],
    ['plus signs, escapes, empty values and names', 'line1=12+rue+de+la+Paix&company=&=orphan&name=%C3%89lodie%20%26%20Co'],
    ['a value with = and a field without one', 'a=b=c&flag'],
  ])('%s: the same as parseBody', async (_label, body) => {
    const { ours, hono } = await both(body, 'application/x-www-form-urlencoded');
    expect(ours).toEqual(hono);
    expect(Object.keys(ours).length).toBeGreaterThan(0);
  });

  test('with a charset in the content type, and for multipart (which still goes through parseBody)', async () => {
    const urlencoded = await both('email=a%40x.test', 'application/x-www-form-urlencoded; charset=UTF-8');
    expect(urlencoded.ours).toEqual({ email: 'a@x.test' });
    expect(urlencoded.ours).toEqual(urlencoded.hono);
    const multipart = await both('--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@x.test\r\n--b--\r\n', 'multipart/form-data; boundary=b');
    expect(multipart.ours).toEqual({ email: 'a@x.test' });
    expect(multipart.ours).toEqual(multipart.hono);
  });
});
