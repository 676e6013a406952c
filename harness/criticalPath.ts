// The install critical path of a plan: how many Helm releases `pulumi up` must wait for, one
// after another, before the last one is ready.
import { PlannedResource } from "./runtime/plan";

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** The install critical path. */
export interface CriticalPath {
    /** Releases on the longest chain, first to last. */
    chain: string[];
    /**
     * Every release by the step at which it can start waiting (1 = waits for no other release).
     * `steps.length` is the critical path's length.
     */
    steps: string[][];
}

/**
 * Computes the longest chain of Helm releases in the dependency graph. Non-release resources
 * (namespaces, custom resources) are passed through: a release that waits for a resource that
 * waits for a release is one step later. Linear in resources plus edges.
 */
export function installCriticalPath(resources: PlannedResource[]): CriticalPath {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const depth = new Map<string, number>();
    const previous = new Map<string, string | undefined>();
    const visit = (urn: string, trail: Set<string>): number => {
        const known = depth.get(urn);
        if (known !== undefined) {
            return known;
        }
        const resource = byUrn.get(urn);
        if (!resource || trail.has(urn)) {
            return 0;
        }
        trail.add(urn);
        let best = 0;
        let via: string | undefined;
        for (const dependency of resource.dependsOn) {
            const d = visit(dependency, trail);
            if (d > best || (d === best && via !== undefined && dependency < via)) {
                best = d;
                via = dependency;
            }
        }
        trail.delete(urn);
        const own = resource.type === RELEASE ? 1 : 0;
        depth.set(urn, best + own);
        previous.set(urn, best > 0 ? via : undefined);
        return best + own;
    };
    const releases = resources.filter((r) => r.type === RELEASE);
    for (const release of releases) {
        visit(release.urn, new Set());
    }
    const steps: string[][] = [];
    for (const release of releases) {
        const step = depth.get(release.urn)!;
        (steps[step - 1] ??= []).push(release.name);
    }
    steps.forEach((names) => names.sort());
    // Among the releases that finish last, the chain ends at the one with the most releases
    // behind it: the most constrained install.
    const deepest = Math.max(0, ...releases.map((r) => depth.get(r.urn)!));
    const ancestors = (urn: string): number => {
        const seen = new Set<string>();
        const stack = [...(byUrn.get(urn)?.dependsOn ?? [])];
        while (stack.length > 0) {
            const next = stack.pop()!;
            if (!seen.has(next) && byUrn.has(next)) {
                seen.add(next);
                stack.push(...byUrn.get(next)!.dependsOn);
            }
        }
        return [...seen].filter((u) => byUrn.get(u)!.type === RELEASE).length;
    };
    const last = releases
        .filter((r) => depth.get(r.urn) === deepest)
        .map((r) => ({ r, behind: ancestors(r.urn) }))
        .sort((a, b) => b.behind - a.behind || a.r.name.localeCompare(b.r.name))[0]?.r;
    const chain: string[] = [];
    for (let urn: string | undefined = last?.urn; urn; urn = previous.get(urn)) {
        const resource = byUrn.get(urn)!;
        if (resource.type === RELEASE) {
            chain.unshift(resource.name);
        }
    }
    return { chain, steps };
}
