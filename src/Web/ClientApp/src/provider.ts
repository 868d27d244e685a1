// A Yjs provider over the PeerCode hub (/hubs/room). Every message is a y-protocols message, base64 on the wire.
// It reconnects with backoff for ever, rejoins, and resyncs both ways (sync step 1 from each side), so edits made
// while offline merge when the connection is back.
import * as signalR from '@microsoft/signalr';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { RunUpdate } from './runs';
import type { RoomQuestion } from './question-panel';

export type Status = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface Participant { participantId: string; name: string; role: string; color: string; online: boolean; idle: boolean }
export interface JoinResult {
  participantId: string; role: string; color: string; participants: Participant[]; title: string; language: string; question: RoomQuestion | null;
}
export interface ChatMessage { id: string; participantId: string; name: string; text: string; at: string }
/** A private note; the server sends them to interviewer connections only. */
export interface Note { id: string; participantId: string; accountId: string | null; name: string; text: string; at: string }

export interface ProviderEvents {
  status(status: Status): void;
  joined(result: JoinResult): void;
  presence(participants: Participant[]): void;
  chat(message: ChatMessage): void;
  language(language: string): void;
  /** The room's question as this participant's role may see it (on join and whenever an interviewer picks one). */
  question(question: RoomQuestion): void;
  error(message: string): void;
}

const toB64 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromB64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Backoff for reconnecting: 0.5 s doubling to 10 s, with jitter so a restarted server is not hit by everyone at once. */
export const backoffMs = (attempt: number): number => Math.min(10_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);

export class HubProvider {
  readonly awareness: awarenessProtocol.Awareness;
  status: Status = 'connecting';
  joined: JoinResult | null = null;
  private readonly connection: signalR.HubConnection;
  private stopped = false;

  constructor(
    readonly doc: Y.Doc,
    private readonly roomId: string,
    private readonly token: string,
    private readonly name: string,
    private readonly on: ProviderEvents,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/room')
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => backoffMs(ctx.previousRetryCount) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.connection.on('Yjs', (b64: string) => this.receive(fromB64(b64)));
    this.connection.on('Presence', (p: { participants: Participant[] }) => this.on.presence(p.participants));
    this.connection.on('Chat', (m: ChatMessage) => this.on.chat(m));
    this.connection.on('Language', (l: { language: string }) => this.on.language(l.language));
    this.connection.on('Question', (q: RoomQuestion) => this.on.question(q));
    this.connection.on('Error', (e: { code: string; message: string }) => this.on.error(e.message));
    this.connection.onreconnecting(() => this.setStatus('reconnecting'));
    this.connection.onreconnected(() => void this.join());
    this.connection.onclose(() => { if (!this.stopped) void this.start(); });

    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this || this.status !== 'connected') return; // offline edits go with the next resync
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 0);
      syncProtocol.writeUpdate(enc, update);
      this.send(encoding.toUint8Array(enc));
    });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === this || this.status !== 'connected') return;
      this.sendAwareness(added.concat(updated, removed));
    });
  }

  /** Connects (retrying with backoff until it works), then joins. */
  async start(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      this.setStatus(attempt === 0 && !this.joined ? 'connecting' : 'reconnecting');
      try {
        await this.connection.start();
        await this.join();
        return;
      } catch (e) {
        if (this.connection.state !== signalR.HubConnectionState.Disconnected) return; // joined failed for a reason the user must see
        this.setStatus('offline');
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    await this.connection.stop();
  }

  sendChat(text: string): Promise<void> { return this.invoke('SendChat', text); }

  /** Receives every RunUpdate of the room (docs/protocol.md). */
  onRunUpdate(handler: (update: RunUpdate) => void): void { this.connection.on('RunUpdate', handler); }

  /** Runs the room's code as the server's document holds it; resolves with the run id, rejects with the server's message. */
  async requestRun(language: string, stdin: string): Promise<string> {
    try {
      return (await this.connection.invoke<{ runId: string }>('RequestRun', language, stdin, [])).runId;
    } catch (e) {
      throw new Error(messageOf(e));
    }
  }

  changeLanguage(language: string): Promise<void> { return this.invoke('ChangeLanguage', language); }

  /** Receives the room's private notes (only ever sent to interviewer connections). */
  onNote(handler: (note: Note) => void): void { this.connection.on('Note', handler); }

  /** Posts a private note (interviewers only); resolves with the stored note, rejects with the server's message. */
  async postNote(text: string): Promise<Note> {
    try {
      return await this.connection.invoke<Note>('PostNote', text);
    } catch (e) {
      throw new Error(messageOf(e));
    }
  }

  /** Interviewers: makes a bank question the room's question; resolves with the interviewer's view, rejects with the server's message. */
  async selectQuestion(questionId: string): Promise<RoomQuestion> {
    try {
      return await this.connection.invoke<RoomQuestion>('SelectQuestion', questionId);
    } catch (e) {
      throw new Error(messageOf(e));
    }
  }

  /** Integrity signals, recorded in the room stream for replay: a paste's size, and editor focus lost or regained. */
  reportPaste(size: number): Promise<void> { return this.invoke('ReportPaste', size); }

  reportFocus(focused: boolean): Promise<void> { return this.invoke('ReportFocus', focused); }

  private async join(): Promise<void> {
    try {
      this.joined = await this.connection.invoke<JoinResult>('JoinRoom', this.roomId, this.token, this.name);
    } catch (e) {
      this.on.error(messageOf(e));
      this.setStatus('offline');
      throw e;
    }
    this.setStatus('connected');
    this.on.joined(this.joined);
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 0);
    syncProtocol.writeSyncStep1(enc, this.doc);
    this.send(encoding.toUint8Array(enc));
    if (this.awareness.getLocalState() !== null) this.sendAwareness([this.doc.clientID]);
  }

  private receive(bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 0);
      // Observers answer the server's sync step 1 too: their answer is empty unless they typed, which the server refuses.
      syncProtocol.readSyncMessage(decoder, enc, this.doc, this);
      if (encoding.length(enc) > 1) this.send(encoding.toUint8Array(enc));
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }

  private sendAwareness(clients: number[]): void {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 1);
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this.send(encoding.toUint8Array(enc));
  }

  private send(bytes: Uint8Array): void {
    void this.invoke('Yjs', toB64(bytes));
  }

  private async invoke(method: string, ...args: unknown[]): Promise<void> {
    try {
      await this.connection.invoke(method, ...args);
    } catch (e) {
      if (this.connection.state === signalR.HubConnectionState.Connected) this.on.error(messageOf(e));
    }
  }

  private setStatus(status: Status): void {
    if (this.status === status) return;
    this.status = status;
    this.on.status(status);
  }
}

/** "An unexpected error occurred invoking 'X' on the server. HubException: code: message" → "message". */
export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const m = /HubException: [a-z-]+: (.*)$/s.exec(text);
  return m ? m[1] : text;
}
