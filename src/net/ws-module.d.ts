// `ws` ships no type declarations; node-websocket.ts only needs its constructor.
declare module 'ws' {
  export const WebSocket: unknown
}
