import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { translator } from '../../hosted-pages/i18n.ts';
import { RestrictedPage, supportContact } from '../../server/checkout/support.tsx';
import type { Merchant } from '../../server/merchants/repository.ts';

// The restricted page names the merchant's support contact once the business profile provides one
// (accounts wires supportEmail/supportUrl into the merchant); without it, the generic text stays.
const merchant = { name: 'Shop & Co' } as Merchant;

describe('the grey list’s restricted page', () => {
  it('names the merchant and links its support email and web page, escaped', () => {
    const contact = supportContact({ ...merchant, supportEmail: 'help@shop.example', supportUrl: 'https://shop.example/help?a=1&b=2' });
    const html = renderToString(RestrictedPage({ t: translator('en'), merchantName: merchant.name, contact }));
    expect(html).toContain('Please contact Shop &amp; Co to continue:');
    expect(html).toContain('href="mailto:help@shop.example"');
    expect(html).toContain('href="https://shop.example/help?a=1&amp;b=2"');
    const fr = renderToString(RestrictedPage({ t: translator('fr'), merchantName: merchant.name, contact }));
    expect(fr).toContain('Contactez Shop &amp; Co pour continuer :');
  });

  it('keeps the generic text without a contact, and never links a non-web URL', () => {
    expect(supportContact(merchant)).toBeNull();
    expect(supportContact({ ...merchant, supportUrl: 'javascript:alert(1)' })).toBeNull();
    const html = renderToString(RestrictedPage({ t: translator('en'), merchantName: merchant.name, contact: null }));
    expect(html).toContain('Please contact the merchant to continue.');
    expect(html).not.toContain('href=');
  });
});
