// Placeholder until this subpath's issue lands; replaced by its adapter.
export {};
