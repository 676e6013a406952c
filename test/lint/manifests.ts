// Small manifests the mesh-lint specs write into trees of their own.

/** A namespace enrolled in ambient mode. */
export const ENROLLED = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
`;

/** A namespace-wide DISABLE in that namespace (PMX001's finding). */
export const DISABLE = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: off
  namespace: shop
spec:
  mtls:
    mode: DISABLE
`;
