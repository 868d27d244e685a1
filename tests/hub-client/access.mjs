// Room access attempts over the real hub: `node access.mjs <baseUrl> <json>` with
// {"attempts":[{"roomId","token","name","accessToken"?}]}. Each attempt opens its own connection (signed in when
// accessToken is given, as the browser's accessTokenFactory does), invokes JoinRoom once and reports
// {"ok","role","error"}; prints one JSON line {"results":[...]}.
import * as signalR from '@microsoft/signalr';

const [base, argsJson] = process.argv.slice(2);
const { attempts } = JSON.parse(argsJson);

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
    // The client prefixes the server's "code: message" with "An unexpected error occurred ... HubException: ".
    const message = String(e?.message ?? e);
    const at = message.indexOf('HubException: ');
    results.push({ ok: false, role: null, error: at >= 0 ? message.slice(at + 'HubException: '.length) : message });
  } finally {
    await conn.stop();
  }
}
process.stdout.write(JSON.stringify({ results }) + '\n');
