// Refreshing when the data changes: polls a cheap query (one indicator of the whole
// scope, its `dataVersion`; viewers are answered from the server's response cache) every
// 20 s while the tab is visible, and calls back when the version moves. This is where
// the `dataChanged` subscription (graphql-transport-ws) plugs in when the server has it:
// `watch` would open the socket, send the token in `connection_init`, subscribe to
// `dataChanged { dataVersion scope }` and call `onChange` on each event, keeping this
// poll as the fallback when the socket cannot be opened.

import { gql } from './api.js';

const EVERY_MS = 20000;
const PROBE = '{ indicators(codes: ["party_standing_committee_rate"], groupBy: [PROVINCE]) { dataVersion } }';

export function watch(onChange) {
  let version = null;
  let stopped = false;
  let timer = null;
  async function tick() {
    if (stopped) return;
    if (document.visibilityState === 'visible') {
      try {
        const data = await gql(PROBE);
        const v = data.indicators[0]?.dataVersion ?? null;
        if (version !== null && v !== version) onChange(v);
        version = v;
      } catch { /* the next tick tries again */ }
    }
    if (!stopped) timer = setTimeout(tick, EVERY_MS);
  }
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
