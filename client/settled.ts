// Two calls at once, the first failure passed on only once both have settled: no call is left running (and, in the
// SDK's gRPC retry, waiting to be sent again) after the caller has its answer and perhaps closed the connection.

export async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
