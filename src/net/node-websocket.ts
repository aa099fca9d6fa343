// Node 20 has no global WebSocket (Node >= 22 does) and @libp2p/websockets dials
// with the global one: install `ws` (already its dependency, used by its listener).
import { WebSocket as WsWebSocket } from 'ws'

if (typeof globalThis.WebSocket === 'undefined') {
  Object.defineProperty(globalThis, 'WebSocket', { configurable: true, writable: true, value: WsWebSocket })
}
export {}
