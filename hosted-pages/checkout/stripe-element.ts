/**
 * Stripe's Payment Element, loaded from js.stripe.com (the only third-party script Porte allows,
 * and only for merchants using Stripe). Typed minimally: we use four calls of Stripe.js.
 */
interface StripeElements {
  create(type: 'payment', options: object): { mount(el: HTMLElement): void };
  submit(): Promise<{ error?: { message?: string } }>;
}
interface StripeJs {
  elements(options: { clientSecret: string; locale: string }): StripeElements;
  confirmSetup(options: {
    elements: StripeElements;
    redirect: 'if_required';
    confirmParams: { return_url: string };
  }): Promise<{ error?: { message?: string }; setupIntent?: { id: string; status: string } }>;
  confirmPayment(options: {
    elements: StripeElements;
    redirect: 'if_required';
    confirmParams: { return_url: string };
  }): Promise<{ error?: { message?: string }; paymentIntent?: { id: string; status: string } }>;
}
declare global {
  interface Window {
    Stripe?: (key: string) => StripeJs;
  }
}

export interface StripeHandle {
  /**
   * Confirms in the browser (3-D Secure in Stripe's own frame when the bank asks): the SetupIntent
   * (save only) or the PaymentIntent ("Due today" paid and the method saved); resolves to its id,
   * or null after showing the error.
   */
  confirm(form: HTMLFormElement): Promise<string | null>;
}

export function mountStripe(el: HTMLElement, gateway: { publishableKey: string; clientSecret: string; intent?: 'setup' | 'payment' }, locale: string): StripeHandle {
  let elements: StripeElements | undefined;
  const ready = new Promise<void>((resolve) => {
    const start = () => {
      const stripe = window.Stripe?.(gateway.publishableKey);
      if (!stripe) return;
      elements = stripe.elements({ clientSecret: gateway.clientSecret, locale });
      elements.create('payment', { layout: 'tabs' }).mount(el);
      resolve();
    };
    if (window.Stripe) start();
    else document.querySelector('script[data-stripe]')?.addEventListener('load', start);
  });
  const showError = (message: string) => {
    el.setAttribute('aria-invalid', 'true');
    let p = el.parentElement?.querySelector('.error');
    if (!p) {
      p = document.createElement('p');
      p.className = 'error';
      p.setAttribute('role', 'alert');
      el.after(p);
    }
    p.textContent = message;
  };
  return {
    async confirm(form) {
      await ready;
      const stripe = window.Stripe?.(gateway.publishableKey);
      if (!stripe || !elements) return null;
      const submitted = await elements.submit();
      if (submitted.error) {
        showError(submitted.error.message ?? '');
        return null;
      }
      const options = { elements, redirect: 'if_required' as const, confirmParams: { return_url: form.action } };
      const result = gateway.intent === 'payment' ? await stripe.confirmPayment(options) : await stripe.confirmSetup(options);
      const intent = 'paymentIntent' in result ? result.paymentIntent : 'setupIntent' in result ? result.setupIntent : undefined;
      if (result.error || !intent) {
        showError(result.error?.message ?? '');
        return null;
      }
      return intent.id;
    },
  };
}
