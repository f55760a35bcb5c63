import { appendFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { AuditEvent, AuditSink } from "../../../../core/apiserver/chains.js";
import { Batcher } from "../../../../core/apiserver/audit/batcher.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { AuditLogArgs } from "../../../../schemas/generated/plugins/apiserver/audit-log.args.js";

/** Appends each batch of events to one file, one JSON object a line, as upstream's log backend in its json format. */
export class LogSink implements AuditSink {
  readonly path: string;
  private readonly batcher: Batcher<AuditEvent>;
  private ready: Promise<unknown> | undefined;

  constructor(args: Required<AuditLogArgs>, private readonly handle: ApiServerHandle) {
    this.path = resolve(handle.dataDir, args.path);
    this.batcher = new Batcher(args, (batch) => this.append(batch));
  }

  write(event: AuditEvent): void {
    this.batcher.add(event);
  }

  async stop(): Promise<void> {
    await this.batcher.flush();
  }

  private async append(batch: AuditEvent[]): Promise<void> {
    try {
      this.ready ??= mkdir(dirname(this.path), { recursive: true });
      await this.ready;
      await appendFile(this.path, batch.map((e) => JSON.stringify(e) + "\n").join(""));
    } catch (err) {
      this.handle.logger.error({ err, path: this.path, events: batch.length }, "audit log write failed");
    }
  }
}
