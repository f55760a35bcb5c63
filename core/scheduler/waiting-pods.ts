/**
 * Pods held at Permit. A plugin that returned Wait later calls allow() or
 * reject(); the pod proceeds once every waiting plugin allowed, or fails at the
 * first rejection or when the timeout passes.
 */
export class WaitingPods {
  private readonly waiting = new Map<string, { pending: Set<string>; settle: (r: { ok: boolean; message: string; plugin?: string }) => void }>();

  wait(key: string, plugins: string[], timeoutMs: number): Promise<{ ok: boolean; message: string; plugin?: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle({ ok: false, message: "rejected due to timeout after waiting at permit", plugin: [...entry.pending][0] }), timeoutMs);
      const settle = (r: { ok: boolean; message: string; plugin?: string }) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(r);
      };
      const entry = { pending: new Set(plugins), settle };
      this.waiting.set(key, entry);
    });
  }

  allow(key: string, plugin: string): void {
    const entry = this.waiting.get(key);
    if (!entry) return;
    entry.pending.delete(plugin);
    if (entry.pending.size === 0) entry.settle({ ok: true, message: "" });
  }

  reject(key: string, plugin: string, message: string): void {
    this.waiting.get(key)?.settle({ ok: false, message, plugin });
  }

  keys(): string[] {
    return [...this.waiting.keys()];
  }
}
