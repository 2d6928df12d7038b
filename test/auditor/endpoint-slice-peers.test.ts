// Whom the auditor view asks, read from the Service's EndpointSlices: ready or still-serving endpoints on the port named auditor, not itself, each once.
import { peersOfSlices, type EndpointSliceLike } from '../../src/auditor/endpoint-slice-peers.js';

const isSelf = (address: string, pod: string | undefined) => address === '10.0.0.1' || pod === 'riskgate-self';
const slice = (endpoints: EndpointSliceLike['endpoints'], extra: Partial<EndpointSliceLike> = {}): EndpointSliceLike => ({
  addressType: 'IPv4',
  ports: [{ name: 'https', port: 8443 }, { name: 'auditor', port: 8444 }],
  endpoints,
  ...extra,
});
const pod = (name: string) => ({ kind: 'Pod', name });

test.each<[string, EndpointSliceLike[], Array<{ name: string; url: string }>, Array<{ name: string; reason: string }>]>([
  ['ready endpoints on the auditor port, named by their Pod', [slice([{ addresses: ['10.0.0.2'], conditions: { ready: true }, targetRef: pod('riskgate-b') }, { addresses: ['10.0.0.3'], targetRef: pod('riskgate-c') }])],
    [{ name: 'riskgate-b', url: 'https://10.0.0.2:8444/' }, { name: 'riskgate-c', url: 'https://10.0.0.3:8444/' }], []],
  ['itself is left out, by address or by Pod name', [slice([{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.9'], targetRef: pod('riskgate-self') }, { addresses: ['10.0.0.2'] }])],
    [{ name: '10.0.0.2', url: 'https://10.0.0.2:8444/' }], []],
  ['a terminating endpoint still serving is asked (it holds events); one neither ready nor serving is noted', [slice([
    { addresses: ['10.0.0.4'], conditions: { ready: false, serving: true, terminating: true }, targetRef: pod('riskgate-old') },
    { addresses: ['10.0.0.5'], conditions: { ready: false, serving: false }, targetRef: pod('riskgate-new') },
  ])], [{ name: 'riskgate-old', url: 'https://10.0.0.4:8444/' }], [{ name: 'riskgate-new', reason: 'not ready' }]],
  ['the same endpoint in two slices is asked once', [slice([{ addresses: ['10.0.0.2'], targetRef: pod('riskgate-b') }]), slice([{ addresses: ['10.0.0.2'], targetRef: pod('riskgate-b') }])],
    [{ name: 'riskgate-b', url: 'https://10.0.0.2:8444/' }], []],
  ['IPv6 addresses are bracketed; the first address of an endpoint is the one used', [slice([{ addresses: ['fd00::2', 'fd00::3'], targetRef: pod('riskgate-v6') }], { addressType: 'IPv6' })],
    [{ name: 'riskgate-v6', url: 'https://[fd00::2]:8444/' }], []],
  ['a slice without the auditor port names no peer', [slice([{ addresses: ['10.0.0.2'], targetRef: pod('riskgate-b') }], { ports: [{ name: 'https', port: 8443 }] })],
    [], [{ name: 'riskgate-b', reason: 'its EndpointSlice has no port named auditor' }]],
  ['no slices, no peers', [], [], []],
])('%s', (_, slices, peers, skipped) => {
  expect(peersOfSlices(slices, 'auditor', isSelf)).toEqual({ peers, skipped });
});
