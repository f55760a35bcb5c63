import type { Transport, TransportRequest, TransportResponse, TransportStream } from "./transport.js";

/**
 * A transport that waits for its real one. A component's plugins get their client when they
 * are built, before the component starts; the connection exists only once it starts (in
 * `kitbash up`, after the API server has written its CA and kubeconfig), so calls made
 * before then wait for it.
 */
export class DeferredTransport implements Transport {
  private target: Transport | undefined;
  private readonly ready: Promise<Transport>;
  private resolve!: (t: Transport) => void;
  private reject!: (err: Error) => void;

  /** `who` names the component in the error calls get when it stops before connecting. */
  constructor(private readonly who = "the component") {
    this.ready = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Nobody may be waiting when a component stops unconnected; that is not an unhandled failure.
    this.ready.catch(() => undefined);
  }

  connect(target: Transport): void {
    this.target = target;
    this.resolve(target);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    return (this.target ?? (await this.ready)).request(req);
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    return (this.target ?? (await this.ready)).stream(req);
  }

  /** Closes the connection; calls still waiting for one fail. */
  close(): void {
    if (this.target) this.target.close();
    else this.reject(new Error(`${this.who} stopped before it connected`));
  }
}
