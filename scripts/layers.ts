// The architecture's layers, written once: the architecture test holds the code to them, and
// `npm run docs` draws them into docs/architecture.md.

/**
 * The layers and what each may import besides itself: the architecture test holds the code to
 * it, and docs/architecture.md draws it.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
    "policies/core": [],
    "policies/adapters": ["policies/core"],
    "policies/rules": ["policies/core", "policies"],
    policies: ["policies/core", "policies/rules", "policies/adapters"],
    config: ["policies/core"],
    report: ["policies/core"],
    components: ["policies/core", "report"],
    program: ["components", "config"],
    index: ["components", "config", "program"],
    lint: ["policies", "policies/core", "policies/rules", "policies/adapters"],
    harness: ["config", "index", "policies", "policies/core", "policies/adapters"],
    scripts: [
        "components",
        "config",
        "harness",
        "lint",
        "program",
        "report",
        "policies",
        "policies/core",
        "policies/adapters",
    ],
    bench: [
        "harness",
        "lint",
        "policies",
        "policies/core",
        "policies/rules",
        "policies/adapters",
        "scripts",
    ],
};
