/**
 * Addresses of a simulated fleet from one /16-ish prefix: node i's InternalIP and pod range
 * come from its index, so that no two nodes share either and no state is kept per IP.
 */
export class FleetAddresses {
  private readonly first: number;
  private readonly second: number;

  constructor(podSubnet: string) {
    const [a, b] = podSubnet.split(".").map(Number);
    if (a === undefined || b === undefined || a > 255 || b > 255) throw new Error(`podSubnet "${podSubnet}" is not two octets such as 10.244`);
    this.first = a;
    this.second = b;
  }

  /** Node i's /24 as its first three octets; 256 nodes per step of the second octet. */
  private prefix(index: number): string {
    return `${this.first}.${(this.second + Math.floor(index / 256)) % 256}.${index % 256}`;
  }

  nodeIP(index: number): string {
    return `${this.prefix(index)}.1`;
  }

  /** The `n`th pod IP of node `index`, cycling over .2 – .254 (a node runs at most a few hundred pods). */
  podIP(index: number, n: number): string {
    return `${this.prefix(index)}.${2 + (n % 253)}`;
  }
}
