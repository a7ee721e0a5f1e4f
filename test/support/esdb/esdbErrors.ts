import * as grpc from '@grpc/grpc-js';

/** An INTERNAL status for an unexpected failure inside the test server. */
export function internal(e: unknown): grpc.ServiceError {
  const details = e instanceof Error ? e.message : String(e);
  return Object.assign(new Error(details), {
    code: grpc.status.INTERNAL,
    details,
    metadata: new grpc.Metadata(),
  });
}

/** A status whose `exception` trailer names the error, as a node reports command errors. */
export function commandError(
  code: grpc.status,
  details: string,
  trailers: Record<string, string>,
): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
  return Object.assign(new Error(details), { code, details, metadata });
}
