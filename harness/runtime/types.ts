// What a plan is: the resources `pulumi up` would register, with their parents, edges, options and
// masked inputs, and the stack's outputs.

/** Resource options the engine receives that matter for review and policies. */
export interface PlannedOptions {
    protect: boolean;
    retainOnDelete: boolean;
    /** The import ID when the resource adopts an existing object. */
    import: string | null;
    ignoreChanges: string[];
    /** The provider reference (`<urn>::<id>`), or null for the default provider. */
    provider: string | null;
}

/** One resource as the engine would see it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** The parent's URN, or null for a top-level resource. */
    parent: string | null;
    /** URNs this resource waits for. */
    dependsOn: string[];
    /** Inputs, with every secret replaced by `[secret]`. */
    inputs: Record<string, unknown>;
    /** True for custom (provider-managed) resources, false for components. */
    custom: boolean;
    options: PlannedOptions;
}

/** What a program would register. */
export interface Plan {
    stack: string;
    resources: PlannedResource[];
    /** The program's exported stack outputs, secrets masked. */
    outputs: Record<string, unknown>;
}
