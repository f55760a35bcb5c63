/** 0 success, 1 a runtime failure, 2 bad usage or configuration. */
export const Exit = { ok: 0, runtime: 1, usage: 2 } as const;
