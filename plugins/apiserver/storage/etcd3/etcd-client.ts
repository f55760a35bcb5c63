import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { StorageError } from "../../../../core/apiserver/storage.js";

/** etcd's wire shapes as proto-loader decodes them (int64 as number, bytes as Buffer). */
export interface EtcdKv {
  key: Buffer;
  value: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
}
export interface Header {
  revision: number;
}
export interface RangeResponse {
  header: Header;
  kvs: EtcdKv[];
  more: boolean;
  count: number;
}
export interface RangeRequest {
  key: Buffer;
  range_end?: Buffer;
  limit?: number;
  revision?: number;
  count_only?: boolean;
}
export interface PutRequest {
  key: Buffer;
  value: Buffer;
  prev_kv?: boolean;
}
export interface DeleteRangeRequest {
  key: Buffer;
  prev_kv?: boolean;
}
export type Compare =
  | { result: "EQUAL" | "GREATER" | "LESS" | "NOT_EQUAL"; target: "MOD"; key: Buffer; mod_revision: number }
  | { result: "EQUAL" | "GREATER" | "LESS" | "NOT_EQUAL"; target: "VERSION"; key: Buffer; version: number };
export type RequestOp = { request_range: RangeRequest } | { request_put: PutRequest } | { request_delete_range: DeleteRangeRequest };
export interface ResponseOp {
  response_range?: RangeResponse;
  response_put?: { header: Header; prev_kv: EtcdKv | null };
  response_delete_range?: { header: Header; deleted: number; prev_kvs: EtcdKv[] };
}
export interface TxnResponse {
  header: Header;
  succeeded: boolean;
  responses: ResponseOp[];
}
export interface WatchResponse {
  header: Header;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  fragment: boolean;
  events: { type: "PUT" | "DELETE"; kv: EtcdKv; prev_kv: EtcdKv | null }[];
}
export type WatchRequest =
  | { create_request: { key: Buffer; range_end: Buffer; start_revision: number; progress_notify: boolean; prev_kv: boolean } }
  | { cancel_request: { watch_id: number } }
  | { progress_request: Record<string, never> };

export type WatchStream = grpc.ClientDuplexStream<WatchRequest, WatchResponse>;

export interface EtcdClientOptions {
  endpoints: string[];
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  dialTimeoutMs: number;
  requestTimeoutMs: number;
}

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;
interface Member {
  address: string;
  kv: grpc.Client & Record<string, Unary>;
  watch: grpc.Client & { Watch(opts: grpc.CallOptions): WatchStream };
  maintenance: grpc.Client & Record<string, Unary>;
}

let loaded: grpc.GrpcObject | undefined;

/** Our own .proto files; tsc does not copy them to dist/, so from there the source folder holds them. */
function protoDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, "etcd.proto"))) return here;
  const i = here.lastIndexOf(`${sep}dist${sep}`);
  return i < 0 ? here : here.slice(0, i) + here.slice(i + "/dist".length);
}

function services(): grpc.GrpcObject {
  if (loaded) return loaded;
  const dir = protoDir();
  const def = protoLoader.loadSync(join(dir, "etcd.proto"), { includeDirs: [dir], keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  loaded = grpc.loadPackageDefinition(def);
  return loaded;
}

/**
 * One channel per etcd member, calls going to the current one; a call that finds the
 * member unreachable moves later calls to the next one (a write is not retried, since
 * it may have been applied before the connection broke).
 */
export class EtcdClient {
  private readonly members: Member[];
  private current = 0;
  /** The newest revision any answer has shown; every write sent later gets a higher one. */
  seenRevision = 0;

  constructor(private readonly opts: EtcdClientOptions) {
    const pb = services().etcdserverpb as grpc.GrpcObject;
    const secure = opts.endpoints.some((e) => e.startsWith("https://")) || opts.ca !== undefined || opts.cert !== undefined;
    const creds = secure ? grpc.credentials.createSsl(opts.ca ?? null, opts.key ?? null, opts.cert ?? null) : grpc.credentials.createInsecure();
    const channelOptions = { "grpc.max_receive_message_length": -1, "grpc.keepalive_time_ms": 30_000, "grpc.keepalive_timeout_ms": 10_000, "grpc.initial_reconnect_backoff_ms": 200, "grpc.max_reconnect_backoff_ms": 2000 };
    this.members = opts.endpoints.map((endpoint) => {
      const address = endpoint.replace(/^https?:\/\//, "").replace(/\/$/, "");
      const make = (name: string) => new (pb[name] as grpc.ServiceClientConstructor)(address, creds, channelOptions) as never;
      return { address, kv: make("KV"), watch: make("Watch"), maintenance: make("Maintenance") };
    });
  }

  get endpoints(): string {
    return this.opts.endpoints.join(",");
  }

  range(req: RangeRequest): Promise<RangeResponse> {
    return this.call("kv", "Range", req, true) as Promise<RangeResponse>;
  }

  txn(req: { compare: Compare[]; success: RequestOp[]; failure: RequestOp[] }): Promise<TxnResponse> {
    return this.call("kv", "Txn", req, false) as Promise<TxnResponse>;
  }

  compact(revision: number): Promise<unknown> {
    return this.call("kv", "Compact", { revision, physical: false }, false);
  }

  status(): Promise<{ header: Header; version: string }> {
    return this.call("maintenance", "Status", {}, true) as Promise<{ header: Header; version: string }>;
  }

  /** A bidirectional watch stream to the current member. */
  watchStream(): WatchStream {
    return this.members[this.current]!.watch.Watch({});
  }

  /** Waits until the current member's channel is connected, trying each member once. */
  async waitReady(): Promise<void> {
    const errors: string[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[this.current]!;
      try {
        await new Promise<void>((resolve, reject) => m.kv.waitForReady(Date.now() + this.opts.dialTimeoutMs, (err) => (err ? reject(err) : resolve())));
        return;
      } catch (err) {
        errors.push(`${m.address}: ${(err as Error).message}`);
        this.failover(this.current);
      }
    }
    throw new StorageError("unavailable", `no etcd member answered within ${this.opts.dialTimeoutMs} ms (${errors.join("; ")})`);
  }

  close(): void {
    for (const m of this.members) for (const c of [m.kv, m.watch, m.maintenance]) c.close();
  }

  /** Moves to the next member after `failed` was unreachable (unless another call already moved on). */
  failover(failed: number): void {
    if (this.current === failed && this.members.length > 1) this.current = (failed + 1) % this.members.length;
  }

  get currentIndex(): number {
    return this.current;
  }

  private call(service: "kv" | "maintenance", method: string, req: unknown, idempotent: boolean, attempt = 0): Promise<unknown> {
    const index = this.current;
    const m = this.members[index]!;
    return new Promise<unknown>((resolve, reject) => {
      const deadline = Date.now() + this.opts.requestTimeoutMs;
      m[service][method]!(req, new grpc.Metadata(), { deadline }, (err, res) => {
        if (err) return reject(err);
        const revision = (res as { header?: Header }).header?.revision ?? 0;
        if (revision > this.seenRevision) this.seenRevision = revision;
        resolve(res);
      });
    }).catch((err: grpc.ServiceError) => {
      if (err.code === grpc.status.UNAVAILABLE) {
        this.failover(index);
        if (idempotent && attempt + 1 < this.members.length) return this.call(service, method, req, idempotent, attempt + 1);
      }
      throw toStorageError(err, m.address);
    });
  }
}

/** etcd's gRPC errors as the contract's; compacted and future revisions are OutOfRange with etcd's mvcc messages. */
export function toStorageError(err: grpc.ServiceError, address: string): StorageError {
  const detail = err.details || err.message;
  if (err.code === grpc.status.OUT_OF_RANGE && /compacted/.test(detail)) return new StorageError("compacted", `etcd at ${address}: ${detail}`);
  if (err.code === grpc.status.OUT_OF_RANGE && /future revision/.test(detail)) return new StorageError("too-large", `etcd at ${address}: ${detail}`);
  if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED || err.code === grpc.status.CANCELLED)
    return new StorageError("unavailable", `etcd at ${address} is unavailable: ${detail}`);
  if (err.code === grpc.status.INVALID_ARGUMENT && /request is too large/.test(detail)) return new StorageError("too-large", `etcd at ${address}: ${detail}`);
  return new StorageError("internal", `etcd at ${address}: ${detail} (gRPC ${grpc.status[err.code] ?? err.code})`);
}

export function loadFile(path: string | undefined): Buffer | undefined {
  return path === undefined ? undefined : readFileSync(path);
}
