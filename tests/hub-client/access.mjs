// Room access attempts over the real hub: `node access.mjs <baseUrl> <json>` with
// {"attempts":[{"roomId","token","name","accessToken"?}]}. Each attempt opens its own connection (signed in when
// accessToken is given, as the browser's accessTokenFactory does), invokes JoinRoom once and reports
// {"ok","role","error"}; prints one JSON line {"results":[...]}.
// With {"live":{roomId, token, name, revoke:{url, accessToken}}} instead: join, chat, POST the revoke URL as the given
// account while still connected, chat again; prints {"before","after"} (each null or the refusal).
import * as signalR from '@microsoft/signalr';

const [base, argsJson] = process.argv.slice(2);
const { attempts, live } = JSON.parse(argsJson);

const hubError = (e) => {
  // The client prefixes the server's "code: message" with "An unexpected error occurred ... HubException: ".
  const message = String(e?.message ?? e);
  const at = message.indexOf('HubException: ');
  return at >= 0 ? message.slice(at + 'HubException: '.length) : message;
};

if (live) {
  const conn = new signalR.HubConnectionBuilder()
    .withUrl(`${base}/hubs/room`, { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(signalR.LogLevel.None).build();
  await conn.start();
  await conn.invoke('JoinRoom', live.roomId, live.token, live.name);
  const chat = (text) => conn.invoke('SendChat', text).then(() => null, hubError);
  const before = await chat('before the revocation');
  const res = await fetch(`${base}${live.revoke.url}`, { method: 'POST', headers: { authorization: `Bearer ${live.revoke.accessToken}` } });
  if (!res.ok) throw new Error(`revoke answered ${res.status}: ${await res.text()}`);
  const after = await chat('after the revocation');
  await conn.stop();
  process.stdout.write(JSON.stringify({ before, after }) + '\n');
  process.exit(0);
}

const results = [];
for (const a of attempts) {
  const options = { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true };
  if (a.accessToken) options.accessTokenFactory = () => a.accessToken;
  const conn = new signalR.HubConnectionBuilder().withUrl(`${base}/hubs/room`, options).configureLogging(signalR.LogLevel.None).build();
  try {
    await conn.start();
    const joined = await conn.invoke('JoinRoom', a.roomId, a.token ?? null, a.name);
    results.push({ ok: true, role: joined.role, error: null });
  } catch (e) {
    results.push({ ok: false, role: null, error: hubError(e) });
  } finally {
    await conn.stop();
  }
}
process.stdout.write(JSON.stringify({ results }) + '\n');
