// Whether an order may be placed, and if not, the reason shown next to the button.
// Only a fresh, verified view counts: stale, halted or unverified data disables the form.

/**
 * @param {import('zklight').HealthSnapshot} health
 * @param {import('zklight').BalanceSnapshot} balance
 * @param {{ quantity: number, price: number }} order
 * @returns {{ ok: true } | { ok: false, reason: 'halted' | 'stale' | 'unverified' | 'bad-order' | 'insufficient', text: string }}
 */
export function orderGate(health, balance, order) {
  if (health.state === 'halted' || balance.state === 'halted') return { ok: false, reason: 'halted', text: `Verification halted (${health.reason ?? 'unknown'}): trading is off until it is resolved.` }
  if (balance.state === 'loading' || balance.state === 'error') return { ok: false, reason: 'unverified', text: 'No verified balance yet: waiting for a verified state.' }
  if (balance.state !== 'verified' || health.state !== 'verified') {
    return { ok: false, reason: 'stale', text: `Data is stale (${balance.why ?? health.why ?? health.status}): the verified state is older than allowed.` }
  }
  if (!(order.quantity > 0) || !(order.price > 0)) return { ok: false, reason: 'bad-order', text: 'Enter a quantity and a price.' }
  const cost = BigInt(Math.ceil(order.quantity * order.price))
  if (cost > balance.balance) return { ok: false, reason: 'insufficient', text: `Margin ${cost} exceeds the verified balance ${balance.balance}.` }
  return { ok: true }
}
