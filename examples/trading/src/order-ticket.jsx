// The order ticket: verified balance and data age beside the form, Place order disabled
// (with the reason) unless the view is fresh and verified, and certified heads whose proofs
// are still pending listed apart from the verified head.
import { useState, useSyncExternalStore } from 'react'
import { orderGate } from './gate.js'

const seconds = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '—')

export function OrderTicket({ address, health, balance, maxAgeMs }) {
  const h = useSyncExternalStore(health.subscribe, health.getSnapshot)
  const b = useSyncExternalStore(balance.subscribe, balance.getSnapshot)
  const [side, setSide] = useState('buy')
  const [quantity, setQuantity] = useState('1')
  const [price, setPrice] = useState('100')
  const [orders, setOrders] = useState([])
  const gate = orderGate(h, b, { quantity: Number(quantity), price: Number(price) })

  const place = (e) => {
    e.preventDefault()
    if (!gate.ok) return
    // A real front-end sends the order here; the ticket records what it was checked against.
    setOrders((o) => [{ id: o.length + 1, side, quantity, price, height: b.height }, ...o])
  }

  return (
    <main className="ticket">
      <header>
        <h1>BTC-PERP</h1>
        <span id="view-state" className={`pill ${h.state}`} data-state={h.state}>
          {h.state}
        </span>
      </header>
      <section className="account">
        <div>
          <span className="label">Account</span>
          <code className="address">{address}</code>
        </div>
        <div>
          <span className="label">Verified balance</span>
          <strong id="account-balance" data-state={b.state} data-balance={b.state === 'verified' ? String(b.balance) : undefined}>
            {b.state === 'verified' ? String(b.balance) : '—'}
          </strong>
        </div>
        <div>
          <span className="label">Data age</span>
          <span id="data-age" data-age-ms={Number.isFinite(b.ageMs) ? b.ageMs : undefined}>
            {seconds(b.ageMs)} (max {seconds(maxAgeMs)})
          </span>
        </div>
        <div>
          <span className="label">Verified head</span>
          <span id="verified-head" data-height={h.verifiedHeight}>
            #{h.verifiedHeight} · {h.peers} peer{h.peers === 1 ? '' : 's'}
          </span>
        </div>
      </section>
      <form className="order" onSubmit={place}>
        <div className="sides">
          <button type="button" className={side === 'buy' ? 'on' : ''} onClick={() => setSide('buy')}>
            Buy / Long
          </button>
          <button type="button" className={side === 'sell' ? 'on' : ''} onClick={() => setSide('sell')}>
            Sell / Short
          </button>
        </div>
        <label>
          Quantity <input id="quantity" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </label>
        <label>
          Price <input id="price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
        </label>
        <button id="place-order" type="submit" disabled={!gate.ok}>
          Place order
        </button>
        <p id="order-blocked" data-reason={gate.ok ? '' : gate.reason} hidden={gate.ok}>
          {gate.ok ? '' : gate.text}
        </p>
      </form>
      <section className="pending">
        <h2>Pending heads</h2>
        <p className="hint">Certified by validators, proof not verified yet: not used for the balance.</p>
        <ul id="pending-heads">
          {h.pending.map((p) => (
            <li key={p.hash} data-height={p.height}>
              #{p.height} <code>{p.hash.slice(0, 12)}…</code> awaiting proof
            </li>
          ))}
        </ul>
      </section>
      <section className="orders">
        <h2>Orders</h2>
        <ul id="orders">
          {orders.map((o) => (
            <li key={o.id}>
              {o.side} {o.quantity} @ {o.price} — checked against verified height {o.height}
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}
