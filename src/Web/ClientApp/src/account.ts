// The signed-in account in the browser: the cookie is set by POST /api/account/signin (HttpOnly, SameSite=Strict);
// every state-changing request made with it carries the antiforgery token as X-CSRF-TOKEN (docs/protocol.md, Accounts).

export interface Account { accountId: string; email: string; displayName: string; roles: string[] }
export interface Problem { title?: string; detail?: string; code?: string; errors?: Record<string, string[]> }

let csrf: Promise<string> | null = null;

/** The antiforgery token of the current sign-in state (fetched once; forgotten on sign-in and sign-out, since it is bound to the user). */
function antiforgeryToken(): Promise<string> {
  csrf ??= fetch('/api/account/antiforgery', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`antiforgery ${r.status}`))))
    .then((b: { token: string }) => b.token);
  return csrf;
}

/** fetch() for the API: JSON body, cookie, and X-CSRF-TOKEN on anything but GET/HEAD (plus any <paramref name="extra"/> headers, e.g. If-Match). */
export async function api(method: string, url: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-TOKEN'] = await antiforgeryToken();
  return fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
}

/** A problem detail as one line a person can act on (field errors included). */
export async function problemText(res: Response, fallback: string): Promise<string> {
  const p = (await res.json().catch(() => ({}))) as Problem;
  if (p.errors) return Object.values(p.errors).flat().join(' ');
  return p.detail ?? p.title ?? `${fallback} (${res.status}).`;
}

export async function currentAccount(): Promise<Account | null> {
  const res = await fetch('/api/account/me', { credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as Account) : null;
}

export const isInterviewer = (a: Account | null) => !!a && (a.roles.includes('interviewer') || a.roles.includes('admin'));
export const isAdmin = (a: Account | null) => !!a && a.roles.includes('admin');

export async function signIn(email: string, password: string): Promise<Account> {
  const res = await api('POST', '/api/account/signin', { email, password });
  if (!res.ok) throw new Error(await problemText(res, 'Sign-in failed'));
  csrf = null;
  return (await res.json()) as Account;
}

export async function signOut(): Promise<void> {
  await api('POST', '/api/account/signout');
  csrf = null;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The top bar: who is signed in (with sign-out), or links to sign in and sign up. */
export function renderAccountBar(bar: HTMLElement, account: Account | null): void {
  if (account) {
    bar.innerHTML = `<span id="current-user">${escape(account.displayName)} <span class="muted">(${escape(account.roles.join(', '))})</span></span>
      ${isAdmin(account) ? '<a href="/admin">Admin</a>' : ''}
      <button type="button" id="signout">Sign out</button>`;
    bar.querySelector('#signout')!.addEventListener('click', async () => { await signOut(); location.assign('/'); });
  } else {
    bar.innerHTML = '<a href="/signin">Sign in</a> <a href="/signup">Sign up</a>';
  }
}

export function renderSignIn(app: HTMLElement): void {
  app.innerHTML = `
    <main class="lobby">
      <h1>Sign in</h1>
      <form id="signin" class="stacked">
        <label>Email <input name="email" type="email" autocomplete="username" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
      </form>
      <p id="error" class="error" role="alert"></p>
      <p class="muted">No account yet? <a href="/signup">Sign up</a> (with an invitation from an admin).</p>
    </main>`;
  const form = app.querySelector<HTMLFormElement>('#signin')!;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      await signIn(String(data.get('email')), String(data.get('password')));
      location.assign('/');
    } catch (err) {
      app.querySelector('#error')!.textContent = (err as Error).message;
    }
  });
}

/** /signup, or /signup#invitation=CODE&email=ADDRESS from an invitation link (the code stays in the fragment). */
export function renderSignUp(app: HTMLElement, fragment: string): void {
  const params = new URLSearchParams(fragment);
  const invitation = params.get('invitation') ?? '';
  app.innerHTML = `
    <main class="lobby">
      <h1>Sign up</h1>
      <p class="muted">${invitation
        ? 'You were invited: choose a display name and a password.'
        : 'The first account of a new PeerCode server becomes its admin; after that, an admin invites each person.'}</p>
      <form id="signup" class="stacked">
        <label>Email <input name="email" type="email" autocomplete="username" required></label>
        <label>Display name <input name="displayName" required maxlength="60"></label>
        <label>Password <input name="password" type="password" autocomplete="new-password" required minlength="10"></label>
        <label>Invitation code <input name="invitation"></label>
        <button type="submit">Create account</button>
      </form>
      <p id="error" class="error" role="alert"></p>
    </main>`;
  const form = app.querySelector<HTMLFormElement>('#signup')!;
  form.email.value = params.get('email') ?? '';
  (form.elements.namedItem('invitation') as HTMLInputElement).value = invitation;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const error = app.querySelector('#error')!;
    error.textContent = '';
    const res = await api('POST', '/api/account/register', { ...data, invitation: data.invitation || null });
    if (!res.ok) { error.textContent = await problemText(res, 'The account was not created'); return; }
    try {
      await signIn(data.email, data.password);
      location.assign('/');
    } catch (err) {
      error.textContent = (err as Error).message;
    }
  });
}

interface UserRow { email: string; displayName: string; roles: string[]; lockedUntil: string | null }
interface InvitationRow { email: string; role: string; expiresAt: string }

/** /admin: invite a person (the link is shown once; only its hash is stored) and the list of accounts and open invitations. */
export async function renderAdmin(app: HTMLElement, account: Account | null): Promise<void> {
  if (!isAdmin(account)) {
    app.innerHTML = '<main class="lobby"><h1>Admin</h1><p class="error">Only admins can open this page. <a href="/signin">Sign in</a> as an admin.</p></main>';
    return;
  }
  app.innerHTML = `
    <main class="lobby">
      <nav id="account" class="account-bar"></nav>
      <h1>Admin</h1>
      <h2>Invite</h2>
      <form id="invite">
        <label>Email <input name="email" type="email" required></label>
        <label>Role <select name="role"><option value="interviewer">Interviewer</option><option value="admin">Admin</option></select></label>
        <button type="submit">Invite</button>
      </form>
      <p id="error" class="error" role="alert"></p>
      <p id="invitation" hidden>Send this link to the person (it is shown only now): <input readonly class="link" id="invitation-link"></p>
      <h2>Accounts</h2>
      <table id="users"><thead><tr><th>Name</th><th>Email</th><th>Roles</th><th></th></tr></thead><tbody></tbody></table>
      <h2>Open invitations</h2>
      <ul id="invitations"></ul>
    </main>`;
  renderAccountBar(app.querySelector('#account')!, account);
  const load = async () => {
    const res = await api('GET', '/api/admin/users');
    if (!res.ok) { app.querySelector('#error')!.textContent = await problemText(res, 'The accounts could not be read'); return; }
    const body = (await res.json()) as { users: UserRow[]; invitations: InvitationRow[] };
    const rows = app.querySelector('#users tbody')!;
    rows.innerHTML = body.users.map((u) => `<tr><td>${escape(u.displayName)}</td><td>${escape(u.email)}</td><td>${escape(u.roles.join(', '))}</td>
      <td>${u.lockedUntil ? `locked until ${escape(new Date(u.lockedUntil).toLocaleString())}` : ''}</td></tr>`).join('');
    app.querySelector('#invitations')!.innerHTML = body.invitations
      .map((i) => `<li>${escape(i.email)} as ${escape(i.role)}, until ${escape(new Date(i.expiresAt).toLocaleString())}</li>`).join('');
  };
  const form = app.querySelector<HTMLFormElement>('#invite')!;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const error = app.querySelector('#error')!;
    error.textContent = '';
    const res = await api('POST', '/api/admin/invitations', data);
    if (!res.ok) { error.textContent = await problemText(res, 'The invitation was not created'); return; }
    const created = (await res.json()) as { link: string };
    app.querySelector<HTMLElement>('#invitation')!.hidden = false;
    app.querySelector<HTMLInputElement>('#invitation-link')!.value = created.link;
    form.reset();
    await load();
  });
  await load();
}
