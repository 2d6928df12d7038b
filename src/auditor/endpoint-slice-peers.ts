// The other replicas behind riskgate's Service, read from its EndpointSlices (discovery.k8s.io/v1): whom to ask, whom not and why.
import type { Peer } from './peer-client.js';

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  targetRef?: { kind?: string; name?: string };
}

/** The fields of a discovery.k8s.io/v1 EndpointSlice this reads. */
export interface EndpointSliceLike {
  addressType: string;
  ports?: Array<{ name?: string; port?: number }> | null;
  endpoints: SliceEndpoint[];
}

/** An endpoint not asked: itself, not ready, no auditor port, over the bound. */
export interface SkippedPeer {
  name: string;
  reason: string;
  /** Its events are missing from the view (over the bound); a replica that is not ready is merely noted. */
  missing?: true;
}

export interface SlicePeers {
  peers: Peer[];
  skipped: SkippedPeer[];
}

/** True for this process's own endpoint (its Pod name or one of its addresses). */
export type IsSelf = (address: string, podName: string | undefined) => boolean;

function hostOf(address: string, addressType: string): string {
  return addressType === 'IPv6' ? `[${address}]` : address;
}

/**
 * Ready endpoints, and terminating ones still serving (they hold events too); an endpoint's first address is the one
 * to use (the API's rule). The same endpoint in two slices (while they are rebalanced) is asked once.
 */
export function peersOfSlices(slices: readonly EndpointSliceLike[], portName: string, isSelf: IsSelf): SlicePeers {
  const peers = new Map<string, Peer>();
  const skipped: SkippedPeer[] = [];
  for (const slice of slices) {
    const port = slice.ports?.find((p) => p.name === portName)?.port;
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses[0];
      if (!address) continue;
      const podName = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      const name = podName ?? address;
      if (isSelf(address, podName)) continue;
      const { ready, serving } = endpoint.conditions ?? {};
      if (ready === false && serving !== true) skipped.push({ name, reason: 'not ready' });
      else if (port === undefined) skipped.push({ name, reason: `its EndpointSlice has no port named ${portName}` });
      else {
        const url = `https://${hostOf(address, slice.addressType)}:${port}/`;
        if (!peers.has(url)) peers.set(url, { name, url });
      }
    }
  }
  return { peers: [...peers.values()], skipped };
}
