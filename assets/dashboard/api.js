// The dashboard's only way to the server: POST /graphql with the user's token (kept in
// sessionStorage, never in a URL or localStorage), and the two file endpoints.

const KEY = 'coso.token';

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

function headers() {
  return { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` };
}

async function errorOf(resp) {
  try {
    const body = await resp.json();
    const e = body.errors?.[0];
    if (e) return new ApiError(e.extensions?.code ?? `HTTP_${resp.status}`, e.message);
  } catch { /* not JSON */ }
  return new ApiError(`HTTP_${resp.status}`, resp.statusText || 'request failed');
}

// Runs a GraphQL document; returns `data`, or throws the first error (code, message).
// `partial`: return data with the errors of fields that may fail (e.g. personal data).
export async function gql(query, variables = {}, { partial = false } = {}) {
  let resp;
  try {
    resp = await fetch('/graphql', { method: 'POST', headers: headers(), body: JSON.stringify({ query, variables }) });
  } catch (e) {
    throw new ApiError('NETWORK', e.message);
  }
  if (!resp.ok) throw await errorOf(resp);
  const body = await resp.json();
  if (body.errors?.length && !(partial && body.data)) {
    const e = body.errors[0];
    throw new ApiError(e.extensions?.code ?? 'ERROR', e.message);
  }
  return body.data;
}

// POST /analytics.csv: the CSV text of a query.
export async function analyticsCsv(sql, limit) {
  const resp = await fetch('/analytics.csv', { method: 'POST', headers: headers(), body: JSON.stringify({ sql, limit }) });
  if (!resp.ok) throw await errorOf(resp);
  return resp.blob();
}

// GET /exports/breakdown.xlsx: the breakdown table as a workbook, made by the server.
export async function breakdownXlsx(asOf, by, lang) {
  const query = new URLSearchParams({ asOf, by, lang });
  const resp = await fetch(`/exports/breakdown.xlsx?${query}`, { headers: { Authorization: `Bearer ${token()}` } });
  if (!resp.ok) throw await errorOf(resp);
  return resp.blob();
}

// GET /reports/files/{id}: an archived chart or attachment.
export async function reportFile(id) {
  const resp = await fetch(`/reports/files/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${token()}` } });
  if (!resp.ok) throw await errorOf(resp);
  return resp.blob();
}
