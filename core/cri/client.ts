import * as grpc from "@grpc/grpc-js";
import { criServices } from "./load.js";

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

/**
 * A CRI client over a unix socket: `call("RuntimeService", "Version", {})` and so on, each
 * with a deadline, failures as gRPC ServiceErrors (code and details).
 */
export class CriClient {
  private readonly runtime: grpc.Client & Record<string, Unary>;
  private readonly image: grpc.Client & Record<string, Unary>;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs = 120_000,
  ) {
    const { RuntimeService, ImageService } = criServices();
    const target = endpoint.startsWith("unix:") ? endpoint : `unix://${endpoint}`;
    const options = { "grpc.max_receive_message_length": 16 * 1024 * 1024 };
    this.runtime = new RuntimeService(target, grpc.credentials.createInsecure(), options) as never;
    this.image = new ImageService(target, grpc.credentials.createInsecure(), options) as never;
  }

  call<T>(service: "RuntimeService" | "ImageService", method: string, req: object, timeoutMs = this.timeoutMs): Promise<T> {
    const client = service === "RuntimeService" ? this.runtime : this.image;
    const fn = client[method];
    if (typeof fn !== "function") return Promise.reject(new Error(`CRI ${service} has no method ${method}`));
    return new Promise((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as T)));
    });
  }

  close(): void {
    this.runtime.close();
    this.image.close();
  }
}
