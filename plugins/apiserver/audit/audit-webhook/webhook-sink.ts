import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import type { AuditEvent, AuditSink } from "../../../../core/apiserver/chains.js";
import { Batcher } from "../../../../core/apiserver/audit/batcher.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { AuditWebhookArgs } from "../../../../schemas/generated/plugins/apiserver/audit-webhook.args.js";

type Args = Required<Omit<AuditWebhookArgs, "caBundle">> & Pick<AuditWebhookArgs, "caBundle">;

/** POSTs batches of events as an audit.k8s.io/v1 EventList, retrying a failed batch with backoff. */
export class WebhookSink implements AuditSink {
  private readonly batcher: Batcher<AuditEvent>;

  constructor(private readonly args: Args, private readonly handle: ApiServerHandle) {
    this.batcher = new Batcher(args, (batch) => this.send(batch));
  }

  write(event: AuditEvent): void {
    this.batcher.add(event);
  }

  async stop(): Promise<void> {
    await this.batcher.flush();
  }

  private async send(items: AuditEvent[]): Promise<void> {
    const body = JSON.stringify({ kind: "EventList", apiVersion: "audit.k8s.io/v1", metadata: {}, items });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.post(body);
        return;
      } catch (err) {
        if (attempt >= this.args.retries) {
          this.handle.logger.error({ err, url: this.args.url, events: items.length }, "audit webhook failed; batch dropped");
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }

  private post(body: string): Promise<void> {
    const url = new URL(this.args.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
          timeout: this.args.timeoutSeconds * 1000,
          ...(this.args.caBundle ? { ca: this.args.caBundle } : {}),
        },
        (res) => {
          res.resume();
          res.on("end", () => ((res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`audit webhook answered ${res.statusCode}`))));
        },
      );
      req.on("timeout", () => req.destroy(new Error("audit webhook timed out")));
      req.on("error", reject);
      req.end(body);
    });
  }
}
