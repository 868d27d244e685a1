// JSON calls of the question bank and picker on top of account.ts's api() (cookie + X-CSRF-TOKEN): parsed bodies,
// the ETag, and problem details turned into an ApiError whose message a person can act on.
import { api as send } from './account';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problem: Record<string, unknown>) { super(message); }
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; etag: string | null }> {
  const res = await send(method, path, body, headers);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = res.status === 401 ? 'Sign in as an interviewer to use the question bank.'
      : res.status === 403 && data.code === 'forbidden' ? 'Only interviewers can use the question bank.'
      : String(data.detail ?? data.title ?? `The server answered ${res.status}.`);
    throw new ApiError(res.status, message, data);
  }
  return { data: data as T, etag: res.headers.get('ETag') };
}
