// JSON calls to the API with the sign-in cookie: state-changing requests carry the antiforgery token
// (GET /api/account/antiforgery) in X-CSRF-TOKEN, fetched once and again after a 400 that says it is stale.

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problem: Record<string, unknown>) { super(message); }
}

let csrf: string | null = null;

/** The antiforgery token for cookie-authenticated changes (cached; <paramref name="fresh"/> fetches a new one). */
export async function antiforgery(fresh = false): Promise<string> {
  if (csrf && !fresh) return csrf;
  const res = await fetch('/api/account/antiforgery', { credentials: 'same-origin' });
  const body = await res.json().catch(() => ({}));
  csrf = String(body.token ?? body.requestToken ?? '');
  return csrf;
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; etag: string | null }> {
  const send = async () => {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (method !== 'GET') h['X-CSRF-TOKEN'] = await antiforgery();
    return fetch(path, { method, headers: h, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  };
  let res = await send();
  if ((res.status === 400 || res.status === 403) && method !== 'GET') {
    const peek = await res.clone().json().catch(() => ({}));
    if (peek.code === 'antiforgery-token-invalid') { csrf = null; res = await send(); }
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = res.status === 401 ? 'Sign in as an interviewer to use the question bank.'
      : res.status === 403 ? 'Only interviewers can use the question bank.'
      : String(data.detail ?? data.title ?? `The server answered ${res.status}.`);
    throw new ApiError(res.status, message, data);
  }
  return { data: data as T, etag: res.headers.get('ETag') };
}
