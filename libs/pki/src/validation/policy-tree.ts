import { Certificate } from '../x509/certificate';
import {
  ANY_POLICY,
  certificatePolicies,
  inhibitAnyPolicy,
  policyConstraints,
  policyMappings,
} from '../x509/policy-extensions';

/** The initial policy inputs of RFC 5280 6.1.1 (c), (e), (f), (g). */
export interface PolicyInputs {
  /** user-initial-policy-set; default [anyPolicy]. */
  initialPolicySet?: string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialAnyPolicyInhibit?: boolean;
}

class PolicyNode {
  readonly children: PolicyNode[] = [];
  constructor(
    readonly validPolicy: string,
    public expected: Set<string>,
    readonly parent: PolicyNode | null,
    readonly depth: number,
  ) {
    parent?.children.push(this);
  }
}

/** Why policy processing makes a path invalid (mapped to reason codes by the caller). */
export type PolicyFailure = 'POLICY_MAPPING_ANY_POLICY' | 'NO_VALID_POLICY';

/**
 * The valid_policy_tree and the three counters of RFC 5280 6.1.2 (a), (d), (e), (f), updated per
 * certificate by the steps of 6.1.3 (d)-(f), 6.1.4 (a), (b), (h)-(j) and 6.1.5 (a), (b), (g).
 * Depth i holds the nodes for certificate i (1 = the one the trust anchor issued).
 */
export class PolicyState {
  private levels: PolicyNode[][] | null;
  explicitPolicy: number;
  policyMapping: number;
  inhibitAnyPolicy: number;
  private readonly userSet: string[];

  constructor(
    private readonly n: number,
    inputs: PolicyInputs = {},
  ) {
    this.levels = [[new PolicyNode(ANY_POLICY, new Set([ANY_POLICY]), null, 0)]];
    this.explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
    this.policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;
    this.inhibitAnyPolicy = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
    this.userSet = inputs.initialPolicySet?.length ? inputs.initialPolicySet : [ANY_POLICY];
  }

  /** 6.1.3 (d), (e), (f) for certificate i; false when (f) fails (no valid policy and one is required). */
  processCertificatePolicies(cert: Certificate, i: number): boolean {
    const policies = certificatePolicies(cert);
    if (this.levels && policies) {
      const parents = this.levels[i - 1];
      const level: PolicyNode[] = [];
      for (const p of policies) {
        if (p === ANY_POLICY) continue;
        const matching = parents.filter((node) => node.expected.has(p));
        if (matching.length)
          for (const node of matching) level.push(new PolicyNode(p, new Set([p]), node, i)); // (d)(1)(i)
        else
          for (const node of parents.filter((x) => x.validPolicy === ANY_POLICY))
            level.push(new PolicyNode(p, new Set([p]), node, i)); // (d)(1)(ii)
      }
      if (policies.includes(ANY_POLICY) && (this.inhibitAnyPolicy > 0 || (i < this.n && cert.isSelfIssued))) {
        for (const node of parents) {
          // (d)(2): each expected policy not yet a child of this node
          for (const e of node.expected) {
            if (!node.children.some((c) => c.validPolicy === e)) level.push(new PolicyNode(e, new Set([e]), node, i));
          }
        }
      }
      this.levels[i] = level;
      this.prune(i); // (d)(3)
    } else {
      this.levels = null; // (e)
    }
    return this.explicitPolicy > 0 || this.levels !== null; // (f)
  }

  /** 6.1.4 (a) and (b): policy mappings of intermediate i. */
  processPolicyMappings(cert: Certificate, i: number): PolicyFailure | undefined {
    const mappings = policyMappings(cert);
    if (!mappings) return undefined;
    if (mappings.some((m) => m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY))
      return 'POLICY_MAPPING_ANY_POLICY';
    if (!this.levels) return undefined;
    const byIssuer = new Map<string, Set<string>>();
    for (const m of mappings)
      byIssuer.set(m.issuerDomainPolicy, (byIssuer.get(m.issuerDomainPolicy) ?? new Set()).add(m.subjectDomainPolicy));
    for (const [idp, subjects] of byIssuer) {
      if (!this.levels) break;
      const level = this.levels[i];
      const nodes = level.filter((x) => x.validPolicy === idp);
      if (this.policyMapping > 0) {
        // (b)(1)
        if (nodes.length) for (const node of nodes) node.expected = new Set(subjects);
        else {
          const any = level.find((x) => x.validPolicy === ANY_POLICY);
          if (any) level.push(new PolicyNode(idp, new Set(subjects), any.parent, i));
        }
      } else {
        // (b)(2)
        for (const node of nodes) this.remove(node);
        this.prune(i);
      }
    }
    return undefined;
  }

  /** 6.1.4 (h), (i), (j): counters after intermediate certificate i. */
  updateCounters(cert: Certificate): void {
    if (!cert.isSelfIssued) {
      if (this.explicitPolicy > 0) this.explicitPolicy--;
      if (this.policyMapping > 0) this.policyMapping--;
      if (this.inhibitAnyPolicy > 0) this.inhibitAnyPolicy--;
    }
    const pc = policyConstraints(cert);
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < this.explicitPolicy)
      this.explicitPolicy = pc.requireExplicitPolicy;
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < this.policyMapping)
      this.policyMapping = pc.inhibitPolicyMapping;
    const iap = inhibitAnyPolicy(cert);
    if (iap !== undefined && iap < this.inhibitAnyPolicy) this.inhibitAnyPolicy = iap;
  }

  /**
   * 6.1.5 (a), (b) and (g) after the end-entity certificate: whether the path satisfies the policy
   * requirements, and the policy set in the user's (trust anchor's) domain: for each surviving
   * leaf node, the first non-anyPolicy valid_policy on its branch (anyPolicy if there is none).
   */
  wrapUp(leaf: Certificate): {
    ok: boolean;
    authorityConstrainedPolicySet: string[];
    userConstrainedPolicySet: string[];
  } {
    if (this.explicitPolicy > 0) this.explicitPolicy--;
    if (policyConstraints(leaf)?.requireExplicitPolicy === 0) this.explicitPolicy = 0;
    const authority = this.domainPolicies();
    if (this.levels && !this.userSet.includes(ANY_POLICY)) this.intersectWithUserSet();
    const user = this.domainPolicies();
    return {
      ok: this.explicitPolicy > 0 || user.length > 0,
      authorityConstrainedPolicySet: authority,
      userConstrainedPolicySet: user,
    };
  }

  /** 6.1.5 (g)(iii). */
  private intersectWithUserSet(): void {
    const levels = this.levels!;
    const wanted = new Set(this.userSet);
    const nodeSet = levels.flat().filter((x) => x.parent?.validPolicy === ANY_POLICY);
    for (const node of nodeSet)
      if (node.validPolicy !== ANY_POLICY && !wanted.has(node.validPolicy)) this.removeSubtree(node);
    if (!this.levels) return;
    const leaves = this.levels[this.n] ?? [];
    const anyLeaf = leaves.find((x) => x.validPolicy === ANY_POLICY);
    if (anyLeaf) {
      for (const p of wanted) {
        if (!leaves.some((x) => x.validPolicy === p))
          this.levels[this.n].push(new PolicyNode(p, new Set([p]), anyLeaf.parent, this.n));
      }
      this.remove(anyLeaf);
    }
    this.prune(this.n);
  }

  private domainPolicies(): string[] {
    const out = new Set<string>();
    for (const leaf of this.levels?.[this.n] ?? []) {
      const branch: PolicyNode[] = [];
      for (let x: PolicyNode | null = leaf; x && x.depth > 0; x = x.parent) branch.unshift(x);
      out.add(branch.find((x) => x.validPolicy !== ANY_POLICY)?.validPolicy ?? ANY_POLICY);
    }
    return [...out].sort();
  }

  private remove(node: PolicyNode): void {
    if (!this.levels) return;
    this.levels[node.depth] = this.levels[node.depth].filter((x) => x !== node);
    if (node.parent) node.parent.children.splice(node.parent.children.indexOf(node), 1);
    else this.levels = null;
  }

  private removeSubtree(node: PolicyNode): void {
    for (const c of [...node.children]) this.removeSubtree(c);
    this.remove(node);
  }

  /** Deletes childless nodes above `depth`, bottom-up; the tree becomes NULL when the root goes. */
  private prune(depth: number): void {
    for (let d = depth - 1; d >= 0 && this.levels; d--) {
      for (const node of [...this.levels[d]]) if (node.children.length === 0) this.remove(node);
    }
  }
}
