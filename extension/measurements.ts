// The Measurements view: the Realm's configuration, RIM and REMs, and the last attestation token
// decoded as a tree with both signatures' verification status.

import type { MeasurementsAnswer, RealmSummary, TokenAnswer, TokenClaim, TokenPart } from './protocol';
import type { ViewNode } from './viewNode';

function statusIcon(status: string): { id: string; color?: string } {
  if (status === 'valid') return { id: 'pass', color: 'charts.green' };
  if (status === 'invalid') return { id: 'error', color: 'charts.red' };
  return { id: 'question', color: 'charts.yellow' };
}

function claimNode(c: TokenClaim, parentId: string): ViewNode {
  const id = `${parentId}/${c.key}`;
  return {
    id,
    label: c.name,
    description: c.display,
    tooltip: `**${c.name}** (key ${c.key})\n\n\`${c.display}\``,
    icon: { id: c.children?.length ? 'symbol-object' : 'symbol-field' },
    children: c.children?.map(ch => claimNode(ch, id)),
  };
}

function tokenPartNode(p: TokenPart, label: string): ViewNode {
  const id = `m/token/${p.name}`;
  const children = p.claims.map(c => claimNode(c, id));
  if (p.signature) children.push({ id: `${id}/signature`, label: 'signature', description: `${p.algName}: ${p.signature}`, icon: { id: 'key' } });
  return {
    id,
    label: `${label}: signature ${p.verification.status}`,
    description: `${p.algName} · ${p.verification.detail}`,
    tooltip: `**${label}** (COSE_Sign1, ${p.algName})\n\nsignature **${p.verification.status}**: ${p.verification.detail}`,
    icon: statusIcon(p.verification.status),
    children,
  };
}

export function tokenNode(token: TokenAnswer | undefined): ViewNode {
  if (!token || !token.decoded) {
    return { id: 'm/token', label: 'Attestation token: none yet', description: 'the Realm has not completed RSI_ATTESTATION_TOKEN_CONTINUE', icon: { id: 'circle-slash' } };
  }
  const d = token.decoded;
  return {
    id: 'm/token',
    label: `Attestation token (${token.size} bytes)`,
    description: `realm signature ${d.realm.verification.status} · platform signature ${d.platform.verification.status}`,
    icon: statusIcon(d.realm.verification.status === 'invalid' || d.platform.verification.status === 'invalid' || d.binding.status === 'invalid' ? 'invalid' : d.realm.verification.status),
    expanded: true,
    children: [
      tokenPartNode(d.realm, 'Realm token'),
      tokenPartNode(d.platform, 'Platform token'),
      { id: 'm/token/binding', label: `Platform/Realm binding: ${d.binding.status}`, description: d.binding.detail, icon: statusIcon(d.binding.status) },
      d.problems.length
        ? { id: 'm/token/problems', label: `${d.problems.length} problem${d.problems.length > 1 ? 's' : ''}`, icon: { id: 'warning', color: 'charts.yellow' }, children: d.problems.map((p, i) => ({ id: `m/token/problems/${i}`, label: p, icon: { id: 'warning' } })) }
        : { id: 'm/token/problems', label: 'No structural problems', icon: { id: 'check' } },
    ],
  };
}

const HASH_NAMES: Record<string, string> = { 'sha-256': 'SHA-256', 'sha-512': 'SHA-512' };

export function measurementNodes(summary: RealmSummary, m: MeasurementsAnswer, token: TokenAnswer | undefined): ViewNode[] {
  return [
    { id: 'm/state', label: `Realm state: ${summary.state}`, description: summary.fatal ? `stopped: ${summary.fatal}` : undefined, icon: { id: summary.fatal ? 'error' : 'vm', color: summary.fatal ? 'charts.red' : undefined } },
    { id: 'm/ipaWidth', label: `IPA width: ${summary.ipaWidth} bits`, description: `unprotected bit ${summary.unprotectedBit}`, icon: { id: 'symbol-ruler' } },
    { id: 'm/hash', label: `Hash algorithm: ${HASH_NAMES[m.hashAlgorithm] ?? m.hashAlgorithm}`, icon: { id: 'symbol-key' } },
    { id: 'm/rim', label: 'RIM', description: m.rim, tooltip: `**Realm Initial Measurement**\n\n\`${m.rim}\``, icon: { id: 'lock' } },
    ...m.rems.map((r, i) => ({
      id: `m/rem${i}`, label: `REM${i}`, description: r, tooltip: `**Realm Extensible Measurement ${i}**\n\n\`${r}\``,
      icon: { id: /^0*$/.test(r) ? 'circle-outline' : 'unlock' },
    })),
    tokenNode(token),
  ];
}
