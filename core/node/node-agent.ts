/**
 * What a node agent plugin is to the node component: something that keeps Nodes registered and
 * runs the pods bound to them until `signal` aborts (the process stopping). `run` returns once the
 * agent has stopped its loops, having cleaned up what it promises to (a simulated agent may
 * remove its Nodes).
 */
export interface NodeAgent {
  run(signal: AbortSignal): Promise<void>;
}
