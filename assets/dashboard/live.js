// Refreshing when the data changes. The `dataChanged` subscription over WebSocket
// (graphql-transport-ws on /graphql, the token in `connection_init`) calls back as soon
// as a write the token can see has committed. When the socket cannot be opened or
// closes, a poll takes over: a cheap query (one indicator of the whole scope, its
// `dataVersion`; viewers are answered from the server's response cache) every 20 s
// while the tab is visible, and the socket is tried again at each poll.
// `document.documentElement.dataset.live` says which is running ("socket" or "poll").

import { gql, token } from './api.js';

const EVERY_MS = 20000;
const PROBE = '{ indicators(codes: ["party_standing_committee_rate"], groupBy: [PROVINCE]) { dataVersion } }';
const SUBSCRIPTION = 'subscription { dataChanged { dataVersion scope } }';

function socketUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/graphql`;
}

export function watch(onChange) {
  let version = null;
  let stopped = false;
  let timer = null;
  let socket = null;

  function mode(m) {
    document.documentElement.dataset.live = m;
  }

  function open() {
    if (stopped || socket) return;
    let ws;
    try {
      ws = new WebSocket(socketUrl(), 'graphql-transport-ws');
    } catch {
      return;
    }
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token()}` } }));
    };
    ws.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
        mode('socket');
      } else if (msg.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      } else if (msg.type === 'next') {
        // Each event is a change the token can see (the server sends nothing else).
        onChange(msg.payload?.data?.dataChanged?.dataVersion ?? null);
      }
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      // The poll's version is another counter (the indicators'): its next answer is the
      // new baseline.
      version = null;
      if (!stopped) mode('poll');
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  async function tick() {
    if (stopped) return;
    if (!socket && document.visibilityState === 'visible') {
      try {
        const data = await gql(PROBE);
        const v = data.indicators[0]?.dataVersion ?? null;
        if (version !== null && v !== version) onChange(v);
        version = v;
      } catch { /* the next tick tries again */ }
      open();
    }
    if (!stopped) timer = setTimeout(tick, EVERY_MS);
  }
  mode('poll');
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (socket) socket.close();
    socket = null;
  };
}
