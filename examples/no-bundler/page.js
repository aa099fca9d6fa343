// Fills in the address (the first account the bootstrap lists) and logs the elements'
// events; a page that knows its address needs none of this.
const balance = document.getElementById('balance')
const events = document.getElementById('events')
const log = (ev) => {
  const li = document.createElement('li')
  li.dataset.event = ev.type
  li.dataset.from = ev.target.id
  li.textContent = `${ev.target.id}: ${ev.type} ${JSON.stringify(ev.detail, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`
  events.prepend(li)
}
for (const type of ['verified', 'stale', 'halted']) document.addEventListener(type, log)
const doc = await (await fetch(balance.getAttribute('bootstrap'))).json()
balance.setAttribute('address', new URLSearchParams(location.search).get('address') ?? doc.accounts[0].address)
