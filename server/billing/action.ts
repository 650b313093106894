import { gatewayFor } from '../gateways/select.ts';
import { answerTestAction } from '../gateways/test-gateway.ts';
import { invoiceRepository, paymentKey } from '../invoices/repository.ts';
import type { BillingContext } from './issue.ts';
import { settle } from './settle.ts';

/**
 * The customer answered the 3-D Secure challenge of an off-session charge on the hosted invoice
 * page (test gateway: Porte's own challenge). The gateway decides the charge's fate; what it then
 * says (`retrieve`, same key) is recorded, as for any other attempt.
 */
export async function answerChargeAction(ctx: BillingContext, invoiceId: string, approved: boolean): Promise<boolean> {
  const repo = invoiceRepository(ctx.deps.db);
  const inv = await repo.byId(ctx.merchant.id, invoiceId);
  if (inv?.status !== 'open') return false;
  const payment = (await repo.payments(inv.id)).filter((p) => p.status === 'requires_action').at(-1);
  if (!payment?.gatewayPaymentId) return false;
  const gateway = await gatewayFor(ctx.merchant, ctx.deps);
  if (gateway.kind !== 'test' || !(await answerTestAction(ctx.deps.db, payment.gatewayPaymentId, approved))) return false;
  const input = {
    idempotencyKey: paymentKey(payment.id),
    amount: payment.amount,
    currency: payment.currency,
    method: { type: 'card' as const, gatewayRef: '' },
    gatewayCustomerId: null,
    description: `Invoice ${inv.number ?? inv.id}`,
    metadata: { porte_invoice: inv.id, porte_payment: payment.id },
  };
  const r = await gateway.retrieve({ idempotencyKey: input.idempotencyKey, paymentId: payment.gatewayPaymentId, charge: input });
  if (r.status === 'not_found') return false;
  await settle(ctx, inv, payment.id, r);
  return true;
}

/** The latest attempt is waiting for the customer's authentication. */
export async function awaitingAction(ctx: BillingContext, invoiceId: string): Promise<boolean> {
  const payments = await invoiceRepository(ctx.deps.db).payments(invoiceId);
  return payments.at(-1)?.status === 'requires_action';
}
