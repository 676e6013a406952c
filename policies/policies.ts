// The pack's policies, one per rule. Kept apart from index.ts, which only constructs the pack:
// constructing it starts the policy server, so tests and the plan harness import this module.
import { MeshPolicy, toPolicy } from "./crossguard";
import { rules } from "./rules";

export const PACK_NAME = "picluster-mesh";

export const policies: MeshPolicy[] = rules.map(toPolicy);
