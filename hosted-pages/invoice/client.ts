/**
 * The hosted invoice page's 3-D Secure with Stripe: Stripe.js confirms the renewal's PaymentIntent
 * on-session with the saved card (the bank's challenge runs in Stripe's own frame), then the form
 * posts the PaymentIntent's id and the server reads the outcome from Stripe itself. Loaded only on
 * that page, only for merchants on Stripe. Without Stripe.js the form still posts (nothing changes).
 */
interface Props {
  publishableKey: string;
  clientSecret: string;
  paymentMethod: string;
}
interface StripeJs {
  confirmCardPayment(clientSecret: string, data: { payment_method: string }): Promise<{ error?: { message?: string }; paymentIntent?: { id: string; status: string } }>;
}
/** Typed here for the one call this page makes (checkout's stripe-element.ts types its own). */
const stripeGlobal = (): ((key: string) => StripeJs) | undefined => (window as unknown as { Stripe?: (key: string) => StripeJs }).Stripe;

const props = JSON.parse(document.getElementById('porte-props')?.textContent ?? 'null') as Props | null;
const form = document.getElementById('stripe-action') as HTMLFormElement | null;

/** Stripe.js is loaded `async`: wait for it rather than assume it is there. */
const stripeReady = (): Promise<StripeJs | null> =>
  new Promise((resolve) => {
    const make = () => {
      const Stripe = stripeGlobal();
      resolve(Stripe && props ? Stripe(props.publishableKey) : null);
    };
    if (stripeGlobal()) return make();
    const tag = document.querySelector('script[data-stripe]');
    if (!tag) return resolve(null);
    tag.addEventListener('load', make);
    tag.addEventListener('error', () => resolve(null));
  });

if (props && form) {
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const stripe = await stripeReady();
    const result = stripe ? await stripe.confirmCardPayment(props.clientSecret, { payment_method: props.paymentMethod }) : null;
    const error = document.getElementById('stripe-error');
    if (result?.error && error) {
      error.textContent = result.error.message ?? '';
      error.hidden = false;
    }
    // Success or not, the server asks Stripe what happened and records it.
    form.submit();
  });
}

export {};
