// The policy core's public entry point: everything outside policies/core (the rules, the input
// adapters, the program's components, the reports, the linter) imports from here and nowhere
// deeper, so the core can be rearranged without touching its users.
export * from "./conventions";
export * from "./inventory";
export * from "./istio";
export * from "./kinds";
export * from "./labels";
export * from "./model";
export * from "./mtls";
export * from "./rule";
export * from "./runner";
export * from "./values";
export * from "./releases";
export * from "./mtlsView";
export * from "./selection";
export * from "./workloads";
export * from "./upstream";
export * from "./conformance";
