/**
 * The wire under the REST client. The client speaks only in these terms, so an HTTP/2
 * transport (or an in-process one that calls the server's handler directly) can replace the
 * HTTPS/1.1 one without touching anything above it.
 */
export interface TransportRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/pods?watch=1`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A response whose body arrives over time: a watch. Ends when the server closes it or `signal` aborts. */
export interface TransportStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer>;
}

export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  stream(req: TransportRequest): Promise<TransportStream>;
  /** Closes idle connections; streams end when their signals abort. */
  close(): void;
}
