import * as grpc from "@grpc/grpc-js";

/** A CRI failure with its gRPC code, as the kubelet tells NotFound from the rest. */
export class CriError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new CriError(grpc.status.NOT_FOUND, `${what} not found`);
export const invalid = (message: string) => new CriError(grpc.status.INVALID_ARGUMENT, message);
export const unimplemented = (message: string) => new CriError(grpc.status.UNIMPLEMENTED, message);

type Handler = (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void;

/** gRPC unary handlers from async functions: a thrown CriError keeps its code, anything else is INTERNAL. */
export function handlers(impl: Record<string, (req: any) => Promise<object>>): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const [name, fn] of Object.entries(impl)) {
    out[name] = (call, cb) => {
      fn(call.request).then(
        (res) => cb(null, res),
        (err: Error) => cb({ code: err instanceof CriError ? err.code : grpc.status.INTERNAL, details: err.message } as grpc.ServiceError),
      );
    };
  }
  return out;
}
